"""A shipment's delivery note (WZ) and packing list: the lines of that one delivery with who sent
them to whom and how, in the reader's language, only for the customer's own shipments (and the
seller), stored after the first rendering."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

import pytest
from pypdf import PdfReader

import portal.aftersales.shipment_documents as shipment_documents_module
from portal.accounts.roles import Role
from portal.accounts.scope import Scope
from portal.accounts.tables import Company, CompanyKind
from portal.aftersales.shipment_documents import delivery_note_pdf, packing_list_pdf, shipment_document
from portal.aftersales.tables import Carrier, Parcel, Shipment, ShipmentLine
from portal.config import Settings
from portal.errors import NotFound
from portal.finance.tables import StoredPdf
from portal.ordering.tables import OrderLine
from tests.aftersales.orders import make_confirmed_order
from tests.factories import make_company, make_person


@dataclass(frozen=True)
class PartialDelivery:
    company_id: int
    buyer: Scope
    shipment_id: int
    skus: list[str]


async def _shipment(
    company_id: int, order_id: int, number: str, lines: list[tuple[int, int]], tracking_numbers: list[str]
) -> int:
    """A DPD shipment of (order line id, quantity) lines in the given parcels."""
    dpd = await Carrier.select(Carrier.id).where(Carrier.code == "dpd").first()
    assert dpd is not None
    rows = await Shipment.insert(
        Shipment(
            number=number,
            order=order_id,
            company=company_id,
            carrier=dpd["id"],
            dispatched_on=date(2026, 11, 24),
            expected_on=date(2026, 11, 26),
        )
    ).returning(Shipment.id)
    shipment_id: int = rows[0]["id"]
    await Parcel.insert(*(Parcel(shipment=shipment_id, tracking_number=tracking) for tracking in tracking_numbers))
    await ShipmentLine.insert(
        *(ShipmentLine(shipment=shipment_id, order_line=line, quantity=quantity) for line, quantity in lines)
    )
    return shipment_id


@pytest.fixture
async def delivery(db: None) -> PartialDelivery:
    """Budmax ordered 10, 5 and 3 pieces; WZ/2026/000012 brings 6 of the first and all 3 of the
    third, an earlier shipment brought the second."""
    company = await make_company("Budmax Testowy Sp. z o.o.")
    buyer = await make_person(company, Role.BUYER)
    order = await make_confirmed_order(company, buyer.user_id, [10, 5, 3], po_number="BM/PO/77", number="ZAM/2026/0042")
    skus = [
        row["sku"]
        for row in await OrderLine.select(OrderLine.sku).where(OrderLine.order == order.id).order_by(OrderLine.id)
    ]
    first, second, third = order.line_ids
    await _shipment(company, order.id, "WZ/2026/000011", [(second, 5)], ["00000000000011"])
    shipment = await _shipment(
        company, order.id, "WZ/2026/000012", [(first, 6), (third, 3)], ["13245600000001", "13245600000002"]
    )
    return PartialDelivery(company, await buyer.scope(), shipment, skus)


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _shows_line(text: str, sku: str, quantity: int) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(sku)}\s+Produkt \d+\s+{quantity}\s+szt", text) is not None


async def test_the_delivery_note_lists_only_this_shipments_lines_and_its_parcels(
    delivery: PartialDelivery, settings: Settings
) -> None:
    text = _text(await delivery_note_pdf(delivery.buyer, delivery.shipment_id, "en", settings))
    for expected in (
        "Delivery note WZ/2026/000012",
        "ZAM/2026/0042",
        "BM/PO/77",
        settings.seller_name,
        "Budmax Testowy Sp. z o.o.",
        "ul. Składowa 1",
        "DPD",
        "13245600000001",
        "13245600000002",
        # Signature boxes are labelled in small capitals.
        "ISSUED BY",
        "RECEIVED BY",
    ):
        assert expected in text, expected
    first, second, third = delivery.skus
    assert _shows_line(text, first, 6) and _shows_line(text, third, 3)
    assert not re.search(rf"(?<![\w-]){re.escape(second)}(?![\w-])", text)
    assert "WZ/2026/000011" not in text and "00000000000011" not in text


async def test_the_delivery_note_speaks_polish(delivery: PartialDelivery, settings: Settings) -> None:
    text = _text(await delivery_note_pdf(delivery.buyer, delivery.shipment_id, "pl", settings))
    for expected in ("Wydanie zewnętrzne WZ/2026/000012", "ODBIORCA", "WYDAŁ", "ODEBRAŁ", "Ilość wydana"):
        assert expected in text, expected


async def test_the_packing_list_counts_the_parcels_and_has_a_column_to_tick(
    delivery: PartialDelivery, settings: Settings
) -> None:
    text = _text(await packing_list_pdf(delivery.buyer, delivery.shipment_id, "en", settings))
    for expected in ("Packing list WZ/2026/000012", "Parcels: 2", "Packed", "13245600000002"):
        assert expected in text, expected
    first, _second, third = delivery.skus
    assert _shows_line(text, first, 6) and _shows_line(text, third, 3)


async def test_another_companys_shipment_is_not_found(delivery: PartialDelivery, settings: Settings) -> None:
    stranger = await (await make_person(await make_company(), Role.COMPANY_ADMIN)).scope()
    with pytest.raises(NotFound):
        await shipment_document(stranger, delivery.shipment_id, settings)
    with pytest.raises(NotFound):
        await delivery_note_pdf(stranger, delivery.shipment_id, "en", settings)
    with pytest.raises(NotFound):
        await packing_list_pdf(stranger, delivery.shipment_id, "en", settings)
    assert await StoredPdf.count() == 0


async def _seller_staff(role: Role) -> Scope:
    seller = await make_company("Hurtownia Testowa", kind=CompanyKind.SELLER)
    return await (await make_person(seller, role)).scope()


async def test_a_shipment_that_does_not_exist_is_not_found(db: None, settings: Settings) -> None:
    with pytest.raises(NotFound):
        await shipment_document(await _seller_staff(Role.BACK_OFFICE), 999_999, settings)


async def test_the_back_office_gets_any_customers_shipment(delivery: PartialDelivery, settings: Settings) -> None:
    office = await _seller_staff(Role.BACK_OFFICE)
    document = await shipment_document(office, delivery.shipment_id, settings)
    assert document.number == "WZ/2026/000012" and document.customer.name == "Budmax Testowy Sp. z o.o."
    assert "WZ/2026/000012" in _text(await delivery_note_pdf(office, delivery.shipment_id, "en", settings))


async def test_a_sales_rep_gets_the_papers_of_own_customers_only(delivery: PartialDelivery, settings: Settings) -> None:
    rep = await _seller_staff(Role.SALES_REP)
    with pytest.raises(NotFound):
        await delivery_note_pdf(rep, delivery.shipment_id, "en", settings)
    with pytest.raises(NotFound):
        await packing_list_pdf(rep, delivery.shipment_id, "en", settings)
    await Company.update({Company.sales_rep: rep.user_id}).where(Company.id == delivery.company_id)
    assert "WZ/2026/000012" in _text(await packing_list_pdf(rep, delivery.shipment_id, "en", settings))


async def test_the_second_call_comes_from_the_stored_pdf_until_the_shipment_changes(
    delivery: PartialDelivery, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders = []
    original = shipment_documents_module.render_pdf

    async def counting(html: str) -> bytes:
        renders.append(html)
        return await original(html)

    monkeypatch.setattr(shipment_documents_module, "render_pdf", counting)
    first = await delivery_note_pdf(delivery.buyer, delivery.shipment_id, "en", settings)
    second = await delivery_note_pdf(delivery.buyer, delivery.shipment_id, "en", settings)
    assert first == second and len(renders) == 1
    await Parcel.insert(Parcel(shipment=delivery.shipment_id, tracking_number="13245600000003"))
    third = await delivery_note_pdf(delivery.buyer, delivery.shipment_id, "en", settings)
    assert len(renders) == 2 and "13245600000003" in _text(third)
    assert await StoredPdf.count().where(StoredPdf.document_type == "delivery_note") == 1
