import pytest

from portal.accounts.companies import Address, NewCompany, create_company
from portal.accounts.nip import format_nip, is_valid_eu_vat_id, is_valid_nip, normalize_nip
from portal.accounts.tables import Company
from portal.errors import Invalid


@pytest.mark.parametrize("nip", ["5260250995", "526-025-09-95", "526 025 09 95", "PL5260250995", "6771004565"])
def test_valid_nips_pass_in_every_usual_spelling(nip: str) -> None:
    assert is_valid_nip(nip)


@pytest.mark.parametrize("nip", ["5260250996", "526025099", "52602509950", "abcdefghij", "", "0000000001"])
def test_nips_with_a_wrong_checksum_or_length_fail(nip: str) -> None:
    assert not is_valid_nip(nip)


def test_nip_is_stored_as_digits_and_shown_grouped() -> None:
    assert normalize_nip("pl 526-025-09-95") == "5260250995"
    assert format_nip("5260250995") == "526-025-09-95"


async def test_a_company_with_a_bad_nip_is_refused_and_nothing_is_stored(db: None) -> None:
    with pytest.raises(Invalid) as refused:
        await create_company(
            NewCompany(name="Zła Firma", nip="1234567890", billing=Address("ul. A 1", "00-001", "Warszawa"))
        )
    assert "nip" in refused.value.errors
    assert await Company.count() == 0


async def test_a_bad_postal_code_and_vat_id_are_named_field_by_field(db: None) -> None:
    with pytest.raises(Invalid) as refused:
        await create_company(
            NewCompany(name="Firma", nip="5260250995", vat_id="XX123", billing=Address("ul. A 1", "0001", "Warszawa"))
        )
    assert set(refused.value.errors) == {"vat_id", "billing_postal_code"}


@pytest.mark.parametrize(
    "vat_id", ["PL5260250995", "pl 526-025-09-95", "DE123456789", "ATU12345678", "FRAB123456789", "NL123456789B01"]
)
def test_eu_vat_numbers_of_their_countrys_shape_pass(vat_id: str) -> None:
    assert is_valid_eu_vat_id(vat_id)


@pytest.mark.parametrize(
    "vat_id", ["PL5260250996", "DE12345678", "AT12345678", "NL123456789", "XX123456789", "5260250995", "", "PL"]
)
def test_eu_vat_numbers_of_another_shape_or_a_bad_polish_nip_fail(vat_id: str) -> None:
    assert not is_valid_eu_vat_id(vat_id)
