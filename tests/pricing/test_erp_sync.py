"""The ERP loads pricing by its own codes through the batch protocol: customer groups, price lists,
their entries and tiers, assignments, contract prices and discount rules; what it loads prices
for buyers as the resolver's rules say, what it deletes prices nothing, and the bulk path for
entries writes what the per-item path writes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from portal import clock
from portal.accounts.roles import Role
from portal.accounts.scope import Scope
from portal.accounts.tables import Company, CompanyKind
from portal.catalog.tables import ProductGroup
from portal.config import load_settings
from portal.database import write_transaction
from portal.i18n import use_locale
from portal.integration.batch import BatchReport, apply_batch
from portal.integration.erp_resources import ERP_RESOURCES
from portal.ordering.grid import grid_rows
from portal.pricing import DiscountScope, PriceQuote, PriceSource, Tier, resolve_prices
from portal.pricing.erp_sync import PriceListEntryItem, bulk_upsert_price_list_entries
from portal.pricing.tables import (
    ContractPrice,
    CustomerGroup,
    CustomerGroupMember,
    DiscountRule,
    PriceList,
    PriceListAssignment,
    PriceListEntry,
)
from tests.factories import (
    add_list_prices,
    assign_price_list,
    make_company,
    make_contract_price,
    make_customer_group,
    make_discount_rule,
    make_person,
    make_price_list,
    make_product,
    make_product_group,
)

DAY = timedelta(days=1)


async def send(
    resource: str, upserts: list[dict[str, Any]] | None = None, deletes: list[dict[str, Any]] | None = None, **kw: Any
) -> BatchReport:
    """One batch, answered in English as these tests read it."""
    with use_locale("en"):
        return await apply_batch(ERP_RESOURCES[resource], upserts or [], deletes or [], **kw)


def outcomes(report: BatchReport) -> list[str]:
    return [result.outcome.value for result in report.results]


def errors(report: BatchReport) -> list[tuple[str, str]]:
    return [(error.pointer, error.detail) for error in report.errors]


async def price(buyer: Scope, product: int, quantity: int = 1) -> PriceQuote | None:
    return (await resolve_prices(buyer, {product: quantity})).get(product)


def tiers(*breaks: tuple[int, str]) -> list[dict[str, Any]]:
    return [{"min_quantity": quantity, "unit_price": unit_price} for quantity, unit_price in breaks]


@pytest.fixture
async def customer(db: None) -> int:
    company = await make_company()
    await Company.update({Company.code: "K-001"}).where(Company.id == company)
    return company


@pytest.fixture
async def buyer(customer: int) -> Scope:
    return await (await make_person(customer, Role.BUYER)).scope()


@pytest.fixture
async def product(db: None) -> int:
    return await make_product(sku="SRUBA-M8")


@pytest.fixture
async def base_list(db: None) -> None:
    report = await send("price-lists", [{"code": "BAZA", "name": "Cennik bazowy", "is_base": True}])
    assert outcomes(report) == ["created"]


async def join_group(customer: int, code: str) -> None:
    group = await CustomerGroup.select(CustomerGroup.id).where(CustomerGroup.code == code).first()
    assert group is not None
    await CustomerGroupMember.insert(CustomerGroupMember(group=group["id"], company=customer))


# Customer groups


async def test_a_customer_group_is_created_then_the_same_batch_changes_nothing(db: None) -> None:
    groups = [{"code": "INST", "name": "Instalatorzy"}, {"code": "BUD", "name": "Budownictwo"}]

    first, again = await send("customer-groups", groups), await send("customer-groups", groups)

    assert (outcomes(first), outcomes(again)) == (["created", "created"], ["unchanged", "unchanged"])
    assert await CustomerGroup.select(CustomerGroup.code, CustomerGroup.name).order_by(CustomerGroup.code) == [
        {"code": "BUD", "name": "Budownictwo"},
        {"code": "INST", "name": "Instalatorzy"},
    ]


async def test_a_deleted_customer_group_takes_its_lists_and_rules_from_its_members(
    base_list: None, customer: int, buyer: Scope, product: int
) -> None:
    await send("customer-groups", [{"code": "INST", "name": "Instalatorzy"}])
    await join_group(customer, "INST")
    await send("price-lists", [{"code": "L-INST", "name": "Cennik Instalatorzy"}])
    await send(
        "price-list-entries",
        [
            {"price_list": "BAZA", "sku": "SRUBA-M8", "tiers": tiers((1, "1.00"))},
            {"price_list": "L-INST", "sku": "SRUBA-M8", "tiers": tiers((1, "0.90"))},
        ],
    )
    await send(
        "price-list-assignments", [{"price_list": "L-INST", "assignee_type": "customer_group", "assignee": "INST"}]
    )
    await send(
        "discount-rules", [{"code": "R-1", "name": "Instalatorzy −10%", "customer_group": "INST", "percent": "10"}]
    )
    before = await price(buyer, product)
    assert before is not None and (before.source_name, before.unit_price) == ("Cennik Instalatorzy", Decimal("0.8100"))

    deleted, again = (
        await send("customer-groups", deletes=[{"code": "INST"}]),
        await send("customer-groups", deletes=[{"code": "INST"}]),
    )

    assert (outcomes(deleted), outcomes(again)) == (["deleted"], ["deleted"])
    after = await price(buyer, product)
    assert after is not None and (after.source, after.unit_price, after.discount) == (
        PriceSource.BASE_LIST,
        Decimal("1.0000"),
        None,
    )
    revived = await send("customer-groups", [{"code": "INST", "name": "Instalatorzy"}])
    assert outcomes(revived) == ["updated"]
    assert (await price(buyer, product)) == before


async def test_deleting_a_customer_group_never_known_is_not_found(db: None) -> None:
    assert outcomes(await send("customer-groups", deletes=[{"code": "NIE-MA"}])) == ["not_found"]


# Price lists


async def test_a_price_list_is_stored_with_its_validity_and_a_change_is_an_update(db: None) -> None:
    today = clock.today()
    item = {"code": "L-2027", "name": "Cennik", "currency": "EUR", "valid_from": str(today), "valid_to": None}

    created = await send("price-lists", [item])
    changed = await send("price-lists", [{**item, "name": "Cennik EUR", "valid_to": str(today + 30 * DAY)}])

    assert (outcomes(created), outcomes(changed)) == (["created"], ["updated"])
    stored = await PriceList.select(
        PriceList.name, PriceList.currency, PriceList.is_base, PriceList.valid_from, PriceList.valid_to
    ).first()
    assert stored == {
        "name": "Cennik EUR",
        "currency": "EUR",
        "is_base": False,
        "valid_from": today,
        "valid_to": today + 30 * DAY,
    }


async def test_a_price_list_ending_before_it_starts_is_rejected_at_its_end(db: None) -> None:
    today = clock.today()
    report = await send(
        "price-lists",
        [
            {"code": "OK", "name": "Dobry"},
            {"code": "ZLY", "name": "Zły", "valid_from": str(today), "valid_to": str(today - DAY)},
        ],
    )

    assert outcomes(report) == ["created", "rejected"]
    assert errors(report) == [("/upsert/1/valid_to", "The last valid day is before the first.")]
    assert [row["code"] for row in await PriceList.select(PriceList.code)] == ["OK"]


async def test_a_currency_is_three_capital_letters(db: None) -> None:
    report = await send("price-lists", [{"code": "L", "name": "L", "currency": "zł"}])

    assert outcomes(report) == ["rejected"]
    assert [pointer for pointer, _detail in errors(report)] == ["/upsert/0/currency"]


async def test_a_deleted_price_list_stops_pricing_and_sending_it_again_revives_it(
    base_list: None, buyer: Scope, product: int
) -> None:
    await send("price-list-entries", [{"price_list": "BAZA", "sku": "SRUBA-M8", "tiers": tiers((1, "2.50"))}])
    assert (await price(buyer, product)) is not None

    deleted = await send("price-lists", deletes=[{"code": "BAZA"}])

    assert outcomes(deleted) == ["deleted"]
    assert (await price(buyer, product)) is None
    await send("price-lists", [{"code": "BAZA", "name": "Cennik bazowy", "is_base": True}])
    revived = await price(buyer, product)
    assert revived is not None and revived.unit_price == Decimal("2.5000")


# Price list entries


async def test_entries_price_the_product_with_their_tiers_and_the_same_batch_again_changes_nothing(
    base_list: None, buyer: Scope, product: int
) -> None:
    entries = [
        {"price_list": "BAZA", "sku": "SRUBA-M8", "tiers": tiers((1, "0.3294"), (100, "0.3030"), (1000, "0.28"))}
    ]

    first, again = await send("price-list-entries", entries), await send("price-list-entries", entries)

    assert (outcomes(first), outcomes(again)) == (["created"], ["unchanged"])
    quote = await price(buyer, product, 250)
    assert quote is not None
    assert (quote.unit_price, quote.list_unit_price) == (Decimal("0.3030"), Decimal("0.3294"))
    assert quote.tiers == (
        Tier(1, Decimal("0.3294")),
        Tier(100, Decimal("0.3030")),
        Tier(1000, Decimal("0.2800")),
    )


async def test_tiers_are_replaced_as_a_whole(base_list: None, buyer: Scope, product: int) -> None:
    await send(
        "price-list-entries", [{"price_list": "BAZA", "sku": "SRUBA-M8", "tiers": tiers((1, "1.00"), (10, "0.90"))}]
    )

    changed = await send("price-list-entries", [{"price_list": "BAZA", "sku": "SRUBA-M8", "tiers": tiers((1, "1.10"))}])

    assert outcomes(changed) == ["updated"]
    quote = await price(buyer, product, 50)
    assert quote is not None and quote.tiers == (Tier(1, Decimal("1.1000")),)
    assert await PriceListEntry.count() == 1


@pytest.mark.parametrize(
    ("breaks", "pointer", "detail"),
    [
        (
            ((10, "1.00"), (100, "0.90")),
            "/upsert/0/tiers/0/min_quantity",
            "The first tier starts at quantity 1: it prices every quantity below the next.",
        ),
        (
            ((1, "1.00"), (10, "0.90"), (10, "0.80")),
            "/upsert/0/tiers/2/min_quantity",
            "Each tier starts at a larger quantity than the one before it (10).",
        ),
        (
            ((1, "1.00"), (10, "0.90"), (5, "0.80")),
            "/upsert/0/tiers/2/min_quantity",
            "Each tier starts at a larger quantity than the one before it (10).",
        ),
    ],
)
async def test_tiers_start_at_one_and_rise(
    base_list: None, product: int, breaks: tuple[tuple[int, str], ...], pointer: str, detail: str
) -> None:
    report = await send("price-list-entries", [{"price_list": "BAZA", "sku": "SRUBA-M8", "tiers": tiers(*breaks)}])

    assert outcomes(report) == ["rejected"]
    assert errors(report) == [(pointer, detail)]
    assert await PriceListEntry.count() == 0


@pytest.mark.parametrize("unit_price", ["0", "-1.00", "1.00001", "NaN", "123456789012.50"])
async def test_a_unit_price_is_positive_with_four_decimals_at_most(
    base_list: None, product: int, unit_price: str
) -> None:
    report = await send(
        "price-list-entries",
        [{"price_list": "BAZA", "sku": "SRUBA-M8", "tiers": tiers((1, "1.00"), (10, unit_price))}],
    )

    assert outcomes(report) == ["rejected"]
    assert [pointer for pointer, _detail in errors(report)] == ["/upsert/0/tiers/1/unit_price"]


async def test_an_unknown_list_or_sku_is_rejected_with_its_field_and_the_good_entries_are_kept(
    base_list: None, buyer: Scope, product: int
) -> None:
    report = await send(
        "price-list-entries",
        [
            {"price_list": "NIE-MA", "sku": "SRUBA-M8", "tiers": tiers((1, "1.00"))},
            {"price_list": "BAZA", "sku": "SRUBA-M8", "tiers": tiers((1, "1.00"))},
            {"price_list": "BAZA", "sku": "NIE-MA", "tiers": tiers((1, "1.00"))},
        ],
    )

    assert outcomes(report) == ["rejected", "created", "rejected"]
    assert errors(report) == [
        ("/upsert/0/price_list", "There is no price list with the code NIE-MA."),
        ("/upsert/2/sku", "There is no product with the SKU NIE-MA."),
    ]
    assert (await price(buyer, product)) is not None


async def test_an_atomic_batch_with_a_bad_entry_writes_nothing(base_list: None, product: int) -> None:
    report = await send(
        "price-list-entries",
        [
            {"price_list": "BAZA", "sku": "SRUBA-M8", "tiers": tiers((1, "1.00"))},
            {"price_list": "BAZA", "sku": "NIE-MA", "tiers": tiers((1, "1.00"))},
        ],
        atomic=True,
    )

    assert (report.applied, outcomes(report)) == (False, ["created", "rejected"])
    assert await PriceListEntry.count() == 0


async def test_an_entry_older_than_the_one_held_is_stale_and_changes_nothing(
    base_list: None, buyer: Scope, product: int
) -> None:
    now = clock.now()
    newer = {"price_list": "BAZA", "sku": "SRUBA-M8", "tiers": tiers((1, "2.00")), "modified_at": now.isoformat()}
    older = {**newer, "tiers": tiers((1, "1.00")), "modified_at": (now - timedelta(hours=1)).isoformat()}
    await send("price-list-entries", [newer])

    report = await send("price-list-entries", [older])

    assert outcomes(report) == ["stale"]
    quote = await price(buyer, product)
    assert quote is not None and quote.unit_price == Decimal("2.0000")


async def test_a_deleted_entry_prices_nothing_and_deleting_it_again_is_success(
    base_list: None, buyer: Scope, product: int
) -> None:
    await send("price-list-entries", [{"price_list": "BAZA", "sku": "SRUBA-M8", "tiers": tiers((1, "2.00"))}])
    key = {"price_list": "BAZA", "sku": "SRUBA-M8"}

    deleted, again = await send("price-list-entries", deletes=[key]), await send("price-list-entries", deletes=[key])

    assert (outcomes(deleted), outcomes(again)) == (["deleted"], ["deleted"])
    assert (await price(buyer, product)) is None
    unknown = await send("price-list-entries", deletes=[{"price_list": "BAZA", "sku": "NIE-MA"}])
    assert outcomes(unknown) == ["not_found"]


# Assignments


async def test_a_list_assigned_to_the_customer_prices_before_the_base_list_and_its_priority_can_change(
    base_list: None, buyer: Scope, product: int
) -> None:
    await send("price-lists", [{"code": "A", "name": "Lista A"}, {"code": "B", "name": "Lista B"}])
    await send(
        "price-list-entries",
        [
            {"price_list": "BAZA", "sku": "SRUBA-M8", "tiers": tiers((1, "1.00"))},
            {"price_list": "A", "sku": "SRUBA-M8", "tiers": tiers((1, "0.90"))},
            {"price_list": "B", "sku": "SRUBA-M8", "tiers": tiers((1, "0.80"))},
        ],
    )
    assignments = [
        {"price_list": "A", "assignee_type": "customer", "assignee": "K-001", "priority": 10},
        {"price_list": "B", "assignee_type": "customer", "assignee": "K-001", "priority": 20},
    ]
    created = await send("price-list-assignments", assignments)
    first = await price(buyer, product)

    changed = await send("price-list-assignments", [{**assignments[1], "priority": 5}])

    assert (outcomes(created), outcomes(changed)) == (["created", "created"], ["updated"])
    assert first is not None and first.source_name == "Lista A"
    second = await price(buyer, product)
    assert second is not None and (second.source, second.source_name) == (PriceSource.CUSTOMER_LIST, "Lista B")
    assert await PriceListAssignment.count() == 2


async def test_an_assignment_to_an_unknown_customer_is_rejected_at_the_assignee(base_list: None) -> None:
    report = await send(
        "price-list-assignments", [{"price_list": "BAZA", "assignee_type": "customer", "assignee": "K-999"}]
    )

    assert errors(report) == [("/upsert/0/assignee", "There is no customer with the code K-999.")]


async def test_a_customer_code_names_customers_only(base_list: None) -> None:
    seller = await make_company(kind=CompanyKind.SELLER)
    await Company.update({Company.code: "SPRZEDAWCA"}).where(Company.id == seller)

    report = await send(
        "price-list-assignments", [{"price_list": "BAZA", "assignee_type": "customer", "assignee": "SPRZEDAWCA"}]
    )

    assert outcomes(report) == ["rejected"]


async def test_a_deleted_assignment_stops_giving_the_list(
    base_list: None, customer: int, buyer: Scope, product: int
) -> None:
    await send("customer-groups", [{"code": "INST", "name": "Instalatorzy"}])
    await join_group(customer, "INST")
    await send("price-lists", [{"code": "L-INST", "name": "Cennik Instalatorzy"}])
    await send(
        "price-list-entries",
        [
            {"price_list": "BAZA", "sku": "SRUBA-M8", "tiers": tiers((1, "1.00"))},
            {"price_list": "L-INST", "sku": "SRUBA-M8", "tiers": tiers((1, "0.90"))},
        ],
    )
    key = {"price_list": "L-INST", "assignee_type": "customer_group", "assignee": "INST"}
    await send("price-list-assignments", [key])
    group_price = await price(buyer, product)
    assert group_price is not None and group_price.source is PriceSource.GROUP_LIST

    deleted = await send("price-list-assignments", deletes=[key])

    assert outcomes(deleted) == ["deleted"]
    base_price = await price(buyer, product)
    assert base_price is not None and base_price.source is PriceSource.BASE_LIST


async def test_deleting_an_assignment_names_its_type(base_list: None) -> None:
    report = await send(
        "price-list-assignments", deletes=[{"price_list": "BAZA", "assignee_type": "firma", "assignee": "K-001"}]
    )

    assert errors(report) == [("/delete/0/assignee_type", "Name the assignee's type: customer or customer_group.")]


# Contract prices


async def test_a_contract_price_beats_the_lists_with_its_own_tiers_until_it_is_deleted(
    base_list: None, customer: int, buyer: Scope, product: int
) -> None:
    today = clock.today()
    await send("price-list-entries", [{"price_list": "BAZA", "sku": "SRUBA-M8", "tiers": tiers((1, "1.00"))}])
    contract = {
        "customer": "K-001",
        "contract_reference": "UMOWA/2027/014",
        "sku": "SRUBA-M8",
        "tiers": tiers((1, "0.85"), (500, "0.80")),
        "valid_from": str(today - DAY),
        "valid_to": str(today + DAY),
    }

    first, again = await send("contract-prices", [contract]), await send("contract-prices", [contract])

    assert (outcomes(first), outcomes(again)) == (["created"], ["unchanged"])
    quote = await price(buyer, product, 500)
    assert quote is not None
    assert (quote.source, quote.source_name, quote.unit_price) == (
        PriceSource.CONTRACT,
        "UMOWA/2027/014",
        Decimal("0.8000"),
    )
    key = {"customer": "K-001", "contract_reference": "UMOWA/2027/014", "sku": "SRUBA-M8"}
    assert outcomes(await send("contract-prices", deletes=[key])) == ["deleted"]
    after = await price(buyer, product, 500)
    assert after is not None and after.source is PriceSource.BASE_LIST


async def test_a_contract_price_out_of_its_validity_prices_nothing(base_list: None, buyer: Scope, product: int) -> None:
    today = clock.today()
    await send("price-list-entries", [{"price_list": "BAZA", "sku": "SRUBA-M8", "tiers": tiers((1, "1.00"))}])
    contract = {"customer": "K-001", "contract_reference": "U/1", "sku": "SRUBA-M8", "tiers": tiers((1, "0.50"))}
    await send("contract-prices", [{**contract, "valid_to": str(today - DAY)}])

    quote = await price(buyer, product)

    assert quote is not None and quote.source is PriceSource.BASE_LIST


async def test_contracts_of_one_product_are_kept_apart_by_their_reference(customer: int, product: int) -> None:
    contracts = [
        {"customer": "K-001", "contract_reference": reference, "sku": "SRUBA-M8", "tiers": tiers((1, unit_price))}
        for reference, unit_price in (("U/1", "0.50"), ("U/2", "0.60"))
    ]

    report = await send("contract-prices", contracts)
    replaced = await send("contract-prices", [{**contracts[0], "tiers": tiers((1, "0.55"))}])

    assert (outcomes(report), outcomes(replaced)) == (["created", "created"], ["updated"])
    rows = await ContractPrice.select(ContractPrice.contract_reference, ContractPrice.unit_price).order_by(
        ContractPrice.contract_reference
    )
    assert [(row["contract_reference"], Decimal(str(row["unit_price"]))) for row in rows] == [
        ("U/1", Decimal("0.55")),
        ("U/2", Decimal("0.60")),
    ]


async def test_a_contract_for_an_unknown_customer_is_rejected_at_the_customer(product: int) -> None:
    report = await send(
        "contract-prices",
        [{"customer": "K-999", "contract_reference": "U/1", "sku": "SRUBA-M8", "tiers": tiers((1, "1"))}],
    )

    assert errors(report) == [("/upsert/0/customer", "There is no customer with the code K-999.")]


# Discount rules


async def test_a_discount_rule_for_a_product_group_discounts_its_list_prices_and_a_change_is_an_update(
    base_list: None, buyer: Scope
) -> None:
    group = await make_product_group()
    await ProductGroup.update({ProductGroup.code: "APARATURA"}).where(ProductGroup.id == group)
    breaker = await make_product(sku="WYL-B16", product_group=group)
    await send("price-list-entries", [{"price_list": "BAZA", "sku": "WYL-B16", "tiers": tiers((1, "20.00"))}])
    rule = {
        "code": "R-APAR",
        "name": "Aparatura −8%",
        "customer": "K-001",
        "product_group": "APARATURA",
        "percent": "8",
    }

    created = await send("discount-rules", [rule])
    first = await price(buyer, breaker)
    changed = await send("discount-rules", [{**rule, "percent": "10.50"}])

    assert (outcomes(created), outcomes(changed)) == (["created"], ["updated"])
    assert first is not None and first.unit_price == Decimal("18.4000")
    second = await price(buyer, breaker)
    assert second is not None and second.discount is not None
    assert (second.unit_price, second.discount.scope, second.discount.name) == (
        Decimal("17.9000"),
        DiscountScope.PRODUCT_GROUP,
        "Aparatura −8%",
    )
    assert await DiscountRule.count() == 1


async def test_a_deleted_discount_rule_stops_applying(base_list: None, buyer: Scope, product: int) -> None:
    await send("price-list-entries", [{"price_list": "BAZA", "sku": "SRUBA-M8", "tiers": tiers((1, "10.00"))}])
    await send(
        "discount-rules", [{"code": "R-1", "name": "−5%", "customer": "K-001", "sku": "SRUBA-M8", "percent": "5"}]
    )
    discounted = await price(buyer, product)
    assert discounted is not None and discounted.unit_price == Decimal("9.5000")

    deleted, again = (
        await send("discount-rules", deletes=[{"code": "R-1"}]),
        await send("discount-rules", deletes=[{"code": "R-1"}]),
    )

    assert (outcomes(deleted), outcomes(again)) == (["deleted"], ["deleted"])
    full = await price(buyer, product)
    assert full is not None and (full.unit_price, full.discount) == (Decimal("10.0000"), None)


@pytest.mark.parametrize(
    ("targets", "pointer", "detail"),
    [
        (
            {"customer": "K-001", "customer_group": "INST"},
            "/upsert/0/customer_group",
            "Name either the customer or the customer group the rule is for, not both.",
        ),
        ({}, "/upsert/0/customer", "Name either the customer or the customer group the rule is for, not both."),
        (
            {"customer": "K-001", "product_group": "APARATURA", "sku": "SRUBA-M8"},
            "/upsert/0/sku",
            "Name a product group or a SKU, not both; neither means everything.",
        ),
        (
            {"customer": "K-001", "product_group": "NIE-MA"},
            "/upsert/0/product_group",
            "There is no product group with the code NIE-MA.",
        ),
        ({"customer_group": "NIE-MA"}, "/upsert/0/customer_group", "There is no customer group with the code NIE-MA."),
    ],
)
async def test_a_discount_rule_names_one_customer_or_group_and_at_most_one_product_scope(
    customer: int, product: int, targets: dict[str, str], pointer: str, detail: str
) -> None:
    report = await send("discount-rules", [{"code": "R", "name": "R", "percent": "5", **targets}])

    assert errors(report) == [(pointer, detail)]
    assert await DiscountRule.count() == 0


# The bulk path


def entry(price_list: str, sku: str, *breaks: tuple[int, str]) -> PriceListEntryItem:
    return PriceListEntryItem.model_validate({"price_list": price_list, "sku": sku, "tiers": tiers(*breaks)})


async def entry_rows(price_list: str) -> list[tuple[str, int, Decimal, bool]]:
    rows = await PriceListEntry.select(
        PriceListEntry.product.sku, PriceListEntry.min_quantity, PriceListEntry.unit_price, PriceListEntry.is_active
    ).where(PriceListEntry.price_list.code == price_list)
    return sorted(
        (row["product.sku"], row["min_quantity"], Decimal(str(row["unit_price"])), bool(row["is_active"]))
        for row in rows
    )


async def test_the_bulk_path_writes_the_rows_and_prices_of_the_per_item_path(customer: int, db: None) -> None:
    """Two lists get the same items, one through batches and one in bulk, over the same history
    (earlier tiers to replace, a deleted entry to revive); a buyer assigned either pays the same."""
    skus = [f"P-{number}" for number in range(6)]
    products = {sku: await make_product(sku=sku) for sku in skus}
    other = await make_company()
    await Company.update({Company.code: "K-002"}).where(Company.id == other)
    await send("price-lists", [{"code": "PER-ITEM", "name": "Lista"}, {"code": "BULK", "name": "Lista"}])
    await send(
        "price-list-assignments",
        [
            {"price_list": "PER-ITEM", "assignee_type": "customer", "assignee": "K-001"},
            {"price_list": "BULK", "assignee_type": "customer", "assignee": "K-002"},
        ],
    )
    history = [("P-0", ((1, "5.00"), (10, "4.50"), (100, "4.00"))), ("P-1", ((1, "3.00"),)), ("P-2", ((1, "7.00"),))]
    for price_list in ("PER-ITEM", "BULK"):
        await send(
            "price-list-entries", [{"price_list": price_list, "sku": sku, "tiers": tiers(*b)} for sku, b in history]
        )
        await send("price-list-entries", deletes=[{"price_list": price_list, "sku": "P-2"}])
    load = [
        ("P-0", ((1, "5.10"), (50, "4.20"))),
        ("P-1", ((1, "0.0345"), (1000, "0.0301"))),
        ("P-2", ((1, "6.99"),)),
        ("P-3", ((1, "12.00"), (5, "11.00"), (25, "10.00"))),
        ("P-4", ((1, "1.00"),)),
        ("P-4", ((1, "0.95"), (12, "0.90"))),
        ("P-5", ((1, "2.2222"),)),
    ]

    report = await send(
        "price-list-entries", [{"price_list": "PER-ITEM", "sku": sku, "tiers": tiers(*b)} for sku, b in load]
    )
    refused = await bulk_upsert_price_list_entries([entry("BULK", sku, *b) for sku, b in load])

    assert report.counts["rejected"] == 0 and refused == []
    per_item_rows, bulk_rows = await entry_rows("PER-ITEM"), await entry_rows("BULK")
    assert bulk_rows == per_item_rows
    assert ("P-4", 12, Decimal("0.90"), True) in bulk_rows and ("P-0", 10, Decimal("4.50"), True) not in bulk_rows
    quantities = {product: quantity for product in products.values() for quantity in (60,)}
    per_item_buyer = await (await make_person(customer, Role.BUYER)).scope()
    bulk_buyer = await (await make_person(other, Role.BUYER)).scope()
    per_item_prices = await resolve_prices(per_item_buyer, quantities)
    bulk_prices = await resolve_prices(bulk_buyer, quantities)
    assert len(bulk_prices) == len(products)
    assert [(q.unit_price, q.tiers, q.source) for q in bulk_prices.values()] == [
        (q.unit_price, q.tiers, q.source) for q in per_item_prices.values()
    ]


async def test_the_bulk_path_answers_the_positions_it_refuses_and_writes_the_rest(db: None) -> None:
    await make_product(sku="P-1")
    await send("price-lists", [{"code": "L", "name": "Lista"}])

    with use_locale("en"):
        refused = await bulk_upsert_price_list_entries(
            [
                entry("L", "P-1", (1, "1.00")),
                entry("NIE-MA", "P-1", (1, "1.00")),
                entry("L", "NIE-MA", (1, "1.00")),
                entry("L", "P-1", (5, "1.00")),
                entry("L", "NIE-MA", (1, "2.00")),
            ]
        )

    assert [(position, refusal.field, refusal.reason) for position, refusal in refused] == [
        (1, "price_list", "There is no price list with the code NIE-MA."),
        (2, "sku", "There is no product with the SKU NIE-MA."),
        (3, "tiers/0/min_quantity", "The first tier starts at quantity 1: it prices every quantity below the next."),
        (4, "sku", "There is no product with the SKU NIE-MA."),
    ]
    assert await entry_rows("L") == [("P-1", 1, Decimal("1.00"), True)]


async def test_the_bulk_path_with_nothing_to_write_writes_nothing(db: None) -> None:
    await send("price-lists", [{"code": "L", "name": "Lista"}])

    assert await bulk_upsert_price_list_entries([]) == []
    assert await PriceListEntry.count() == 0


async def test_the_bulk_path_runs_twice_in_one_transaction(db: None) -> None:
    await make_product(sku="P-1")
    await make_product(sku="P-2")
    await send("price-lists", [{"code": "L", "name": "Lista"}])

    async with write_transaction(PriceListEntry._meta.db):
        first = await bulk_upsert_price_list_entries([entry("L", "P-1", (1, "1.00"))])
        second = await bulk_upsert_price_list_entries([entry("L", "P-2", (1, "2.00"))])

    assert (first, second) == ([], [])
    assert await entry_rows("L") == [("P-1", 1, Decimal("1.00"), True), ("P-2", 1, Decimal("2.00"), True)]


@pytest.mark.skipif(
    not (load_settings().database_url or "").startswith("postgres"),
    reason="the per-row foreign key checks it switches off are PostgreSQL's",
)
async def test_the_bulk_path_leaves_the_transactions_triggers_on(db: None) -> None:
    await make_product(sku="P-1")
    await send("price-lists", [{"code": "L", "name": "Lista"}])

    async with write_transaction(PriceListEntry._meta.db):
        await bulk_upsert_price_list_entries([entry("L", "P-1", (1, "1.00"))])
        [setting] = await PriceListEntry.raw("SELECT current_setting('session_replication_role') AS role")

    assert setting["role"] == "origin"


# What the demo seeds, loaded by the ERP


async def test_prices_loaded_like_the_demos_price_as_the_demo_does(customer: int, buyer: Scope) -> None:
    """The demo's shapes: a base list with volume breaks in order multiples, a customer group's
    list below it, a group discount on a product group, and a contract with two breaks."""
    today = clock.today()
    tools = await make_product_group()
    await ProductGroup.update({ProductGroup.code: "ELEKTRONARZ"}).where(ProductGroup.id == tools)
    drill = await make_product(sku="WKA-18V", product_group=tools)
    bolt = await make_product(sku="DIN933-M8X40", order_multiple=100, min_order_quantity=100)
    year = today.year
    await send("customer-groups", [{"code": "BUDOWNICTWO", "name": "Budownictwo"}])
    await join_group(customer, "BUDOWNICTWO")
    await send(
        "price-lists",
        [
            {
                "code": f"CENNIK-{year}",
                "name": f"Cennik podstawowy {year}",
                "is_base": True,
                "valid_from": f"{year}-01-01",
                "valid_to": f"{year}-12-31",
            },
            {"code": "CENNIK-BUDOWNICTWO", "name": "Cennik Budownictwo", "valid_from": f"{year}-01-01"},
        ],
    )
    await send(
        "price-list-entries",
        [
            {
                "price_list": f"CENNIK-{year}",
                "sku": "WKA-18V",
                "tiers": tiers((1, "899.00"), (10, "854.05"), (50, "809.10")),
            },
            {
                "price_list": f"CENNIK-{year}",
                "sku": "DIN933-M8X40",
                "tiers": tiers((1, "0.3294"), (1000, "0.3030"), (5000, "0.2800")),
            },
            {"price_list": "CENNIK-BUDOWNICTWO", "sku": "WKA-18V", "tiers": tiers((1, "836.07"))},
        ],
    )
    await send(
        "price-list-assignments",
        [
            {
                "price_list": "CENNIK-BUDOWNICTWO",
                "assignee_type": "customer_group",
                "assignee": "BUDOWNICTWO",
                "priority": 50,
            }
        ],
    )
    await send(
        "discount-rules",
        [
            {
                "code": "PROMO-EL",
                "name": "Promocja: elektronarzędzia −10%",
                "customer_group": "BUDOWNICTWO",
                "product_group": "ELEKTRONARZ",
                "percent": "10.00",
                "valid_from": str(today - 7 * DAY),
                "valid_to": str(today + 23 * DAY),
            }
        ],
    )
    await send(
        "contract-prices",
        [
            {
                "customer": "K-001",
                "contract_reference": f"UMOWA/{year}/014",
                "sku": "DIN933-M8X40",
                "tiers": tiers((1, "0.2800"), (1000, "0.2635")),
                "valid_from": f"{year}-01-01",
                "valid_to": f"{year}-12-31",
            }
        ],
    )

    quotes = await resolve_prices(buyer, {drill: 10, bolt: 1000})

    drill_quote, bolt_quote = quotes[drill], quotes[bolt]
    assert (drill_quote.source, drill_quote.source_name, drill_quote.base_unit_price) == (
        PriceSource.GROUP_LIST,
        "Cennik Budownictwo",
        Decimal("836.0700"),
    )
    assert drill_quote.discount is not None and drill_quote.discount.percent == Decimal("10.00")
    assert (drill_quote.unit_price, drill_quote.list_unit_price, drill_quote.line_net) == (
        Decimal("752.4630"),
        Decimal("899.0000"),
        Decimal("7524.63"),
    )
    assert (bolt_quote.source, bolt_quote.unit_price, bolt_quote.discount, bolt_quote.line_net) == (
        PriceSource.CONTRACT,
        Decimal("0.2635"),
        None,
        Decimal("263.50"),
    )
    assert bolt_quote.tiers == (Tier(1, Decimal("0.2800")), Tier(1000, Decimal("0.2635")))


async def test_prices_loaded_by_the_erp_price_exactly_as_the_same_rows_seeded_directly(db: None) -> None:
    """One world written into the tables as the demo seeds them, for a customer buying in PLN;
    the same world sent by the ERP for a customer buying in EUR (each currency its own base
    list): both customers get the same quotes at every quantity."""
    today = clock.today()
    tools = await make_product_group()
    await ProductGroup.update({ProductGroup.code: "G"}).where(ProductGroup.id == tools)
    drill = await make_product(sku="DRILL", product_group=tools)
    screw = await make_product(sku="SCREW", order_multiple=100, min_order_quantity=100)
    foam = await make_product(sku="FOAM")
    base = {drill: {1: "100.00", 10: "95.00", 50: "90.00"}, screw: {1: "0.3294", 100: "0.3030"}, foam: {1: "6.00"}}
    group_list = {drill: {1: "93.00"}}
    own_list = {screw: {1: "0.3100", 1000: "0.2900"}}
    contract = {foam: {1: "5.00", 20: "4.50"}}
    window = (today - 7 * DAY, today + 23 * DAY)

    seeded = await make_company(currency="PLN")
    seeded_group = await make_customer_group(seeded)
    base_id, group_list_id, own_list_id = (
        await make_price_list(currency="PLN", is_base=True),
        await make_price_list("Group", currency="PLN"),
        await make_price_list("Own", currency="PLN"),
    )
    for list_id, prices in ((base_id, base), (group_list_id, group_list), (own_list_id, own_list)):
        for product_id, breaks in prices.items():
            await add_list_prices(list_id, product_id, breaks)
    await assign_price_list(group_list_id, customer_group_id=seeded_group, priority=50)
    await assign_price_list(own_list_id, company_id=seeded, priority=10)
    for quantity, unit_price in contract[foam].items():
        await make_contract_price(
            seeded, foam, unit_price, min_quantity=quantity, currency="PLN", valid_from=window[0], valid_to=window[1]
        )
    await make_discount_rule("10", customer_group_id=seeded_group, product_group_id=tools, valid_from=window[0])
    await make_discount_rule("5", company_id=seeded, min_quantity=100)

    loaded = await make_company(currency="EUR")
    await Company.update({Company.code: "K-EUR"}).where(Company.id == loaded)
    sku = {drill: "DRILL", screw: "SCREW", foam: "FOAM"}
    await send("customer-groups", [{"code": "GRUPA", "name": "Grupa"}])
    await join_group(loaded, "GRUPA")
    await send(
        "price-lists",
        [
            {"code": "BAZA-EUR", "name": "Base", "currency": "EUR", "is_base": True},
            {"code": "GRUPA-EUR", "name": "Group", "currency": "EUR"},
            {"code": "WLASNY-EUR", "name": "Own", "currency": "EUR"},
        ],
    )
    await send(
        "price-list-entries",
        [
            {"price_list": code, "sku": sku[product_id], "tiers": tiers(*breaks.items())}
            for code, prices in (("BAZA-EUR", base), ("GRUPA-EUR", group_list), ("WLASNY-EUR", own_list))
            for product_id, breaks in prices.items()
        ],
    )
    await send(
        "price-list-assignments",
        [
            {"price_list": "GRUPA-EUR", "assignee_type": "customer_group", "assignee": "GRUPA", "priority": 50},
            {"price_list": "WLASNY-EUR", "assignee_type": "customer", "assignee": "K-EUR", "priority": 10},
        ],
    )
    await send(
        "contract-prices",
        [
            {
                "customer": "K-EUR",
                "contract_reference": "U/1",
                "sku": "FOAM",
                "currency": "EUR",
                "tiers": tiers(*contract[foam].items()),
                "valid_from": str(window[0]),
                "valid_to": str(window[1]),
            }
        ],
    )
    await send(
        "discount-rules",
        [
            {
                "code": "R-G",
                "name": "10%",
                "customer_group": "GRUPA",
                "product_group": "G",
                "percent": "10",
                "valid_from": str(window[0]),
            },
            {"code": "R-K", "name": "5%", "customer": "K-EUR", "percent": "5", "min_quantity": 100},
        ],
    )

    def terms(quote: PriceQuote) -> tuple[Any, ...]:
        discount = quote.discount
        return (
            quote.source,
            quote.tier_min_quantity,
            quote.base_unit_price,
            quote.unit_price,
            quote.list_unit_price,
            quote.tiers,
            None if discount is None else (discount.percent, discount.scope, discount.for_customer),
        )

    seeded_buyer = await (await make_person(seeded, Role.BUYER)).scope()
    loaded_buyer = await (await make_person(loaded, Role.BUYER)).scope()
    for quantity in (1, 10, 20, 50, 100, 1000):
        asked = dict.fromkeys((drill, screw, foam), quantity)
        seeded_quotes = await resolve_prices(seeded_buyer, asked)
        loaded_quotes = await resolve_prices(loaded_buyer, asked)
        assert len(loaded_quotes) == 3
        assert {p: terms(q) for p, q in loaded_quotes.items()} == {p: terms(q) for p, q in seeded_quotes.items()}


async def test_every_pricing_resource_is_offered_to_the_erp_in_the_order_a_first_load_needs() -> None:
    names = [name for name in ERP_RESOURCES if ERP_RESOURCES[name].scope.value == "prices"]

    assert names == [
        "customer-groups",
        "price-lists",
        "price-list-entries",
        "price-list-assignments",
        "contract-prices",
        "discount-rules",
    ]
    assert ERP_RESOURCES["price-list-entries"].bulk_upsert is bulk_upsert_price_list_entries
    for name in names:
        resource = ERP_RESOURCES[name]
        assert resource.example is not None
        resource.item_type.model_validate(resource.example)
        assert all(field.description for field in resource.item_type.model_fields.values()), name


async def test_the_grid_shows_the_erp_price_and_none_once_the_entry_is_deleted(
    base_list: None, buyer: Scope, product: int
) -> None:
    await send("price-list-entries", [{"price_list": "BAZA", "sku": "SRUBA-M8", "tiers": tiers((1, "4.20"))}])

    [row] = await grid_rows(buyer, [product])
    await send("price-list-entries", deletes=[{"price_list": "BAZA", "sku": "SRUBA-M8"}])
    [row_after] = await grid_rows(buyer, [product])

    assert row.quote is not None and row.quote.unit_price == Decimal("4.2000")
    assert row_after.quote is None
