"""A customer's price for each product: contract, own list, group list or base list, the tier its
quantity reaches, at most one discount, all in the customer's currency on one day."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal import clock
from portal.accounts.roles import Role
from portal.accounts.scope import Scope
from portal.accounts.tables import CompanyKind
from portal.catalog.tables import Product
from portal.pricing import DiscountScope, PriceQuote, PriceSource, Tier, resolve_prices
from portal.pricing.tables import PriceListEntry
from tests.factories import (
    add_list_prices,
    assign_price_list,
    make_category,
    make_company,
    make_contract_price,
    make_customer_group,
    make_discount_rule,
    make_person,
    make_price_list,
    make_product,
    make_product_group,
)
from tests.query_counter import count_queries

ON = date(2026, 6, 15)
DAY = timedelta(days=1)


async def buyer_of(company_id: int) -> Scope:
    return await (await make_person(company_id, Role.BUYER)).scope()


async def price_of(buyer: Scope, product: int, quantity: int = 1, on: date = ON) -> PriceQuote | None:
    return (await resolve_prices(buyer, {product: quantity}, on=on)).get(product)


async def quote(buyer: Scope, product: int, quantity: int = 1, on: date = ON) -> PriceQuote:
    found = await price_of(buyer, product, quantity, on)
    assert found is not None, "the product has no price"
    return found


@pytest.fixture
async def customer(db: None) -> int:
    return await make_company()


@pytest.fixture
async def buyer(customer: int) -> Scope:
    return await buyer_of(customer)


@pytest.fixture
async def product(db: None) -> int:
    return await make_product()


# Where the price comes from


async def test_a_contract_price_beats_every_list(buyer: Scope, customer: int, product: int) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})
    await assign_price_list(await make_price_list(prices={product: "9.00"}), company_id=customer)
    await make_contract_price(customer, product, "7.50", reference="K/2026/17")

    price = await quote(buyer, product)

    assert (price.source, price.source_name, price.unit_price) == (PriceSource.CONTRACT, "K/2026/17", Decimal("7.50"))


async def test_a_list_assigned_to_the_customer_beats_its_groups_list_and_the_base_list(
    buyer: Scope, customer: int, product: int
) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})
    group = await make_customer_group(customer)
    await assign_price_list(await make_price_list(prices={product: "8.00"}), customer_group_id=group, priority=1)
    await assign_price_list(await make_price_list("Cennik BudMax", prices={product: "9.00"}), company_id=customer)

    price = await quote(buyer, product)

    assert (price.source, price.source_name, price.unit_price) == (
        PriceSource.CUSTOMER_LIST,
        "Cennik BudMax",
        Decimal("9.00"),
    )


async def test_a_groups_list_beats_the_base_list(buyer: Scope, customer: int, product: int) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})
    group = await make_customer_group(customer)
    await assign_price_list(await make_price_list("Instalatorzy", prices={product: "9.50"}), customer_group_id=group)

    price = await quote(buyer, product)

    assert (price.source, price.source_name, price.unit_price) == (
        PriceSource.GROUP_LIST,
        "Instalatorzy",
        Decimal("9.50"),
    )


async def test_a_customer_without_lists_or_contracts_pays_the_base_list(buyer: Scope, product: int) -> None:
    await make_price_list("Cennik 2026", is_base=True, prices={product: "10.00"})

    price = await quote(buyer, product)

    assert (price.source, price.source_name, price.unit_price) == (
        PriceSource.BASE_LIST,
        "Cennik 2026",
        Decimal("10.00"),
    )


async def test_a_list_of_a_group_the_customer_is_not_in_does_not_apply(buyer: Scope, product: int) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})
    others = await make_customer_group(await make_company())
    await assign_price_list(await make_price_list(prices={product: "5.00"}), customer_group_id=others)

    assert (await quote(buyer, product)).source is PriceSource.BASE_LIST


async def test_customer_lists_are_tried_by_ascending_priority(buyer: Scope, customer: int, product: int) -> None:
    await assign_price_list(await make_price_list("Second", prices={product: "8.00"}), company_id=customer, priority=20)
    await assign_price_list(await make_price_list("First", prices={product: "9.00"}), company_id=customer, priority=10)

    assert (await quote(buyer, product)).source_name == "First"


async def test_customer_lists_of_equal_priority_go_by_the_older_list(buyer: Scope, customer: int, product: int) -> None:
    older = await make_price_list("Older", prices={product: "9.00"})
    newer = await make_price_list("Newer", prices={product: "8.00"})
    await assign_price_list(newer, company_id=customer, priority=10)
    await assign_price_list(older, company_id=customer, priority=10)

    assert (await quote(buyer, product)).source_name == "Older"


async def test_group_lists_are_tried_by_ascending_priority(buyer: Scope, customer: int, product: int) -> None:
    installers, builders = await make_customer_group(customer), await make_customer_group(customer)
    await assign_price_list(await make_price_list("Second", prices={product: "8.00"}), customer_group_id=installers)
    await assign_price_list(
        await make_price_list("First", prices={product: "9.00"}), customer_group_id=builders, priority=5
    )

    assert (await quote(buyer, product)).source_name == "First"


async def test_a_list_without_the_product_leaves_it_to_the_next_list(buyer: Scope, customer: int, product: int) -> None:
    other_product = await make_product()
    await assign_price_list(await make_price_list(prices={other_product: "1.00"}), company_id=customer, priority=1)
    await assign_price_list(await make_price_list("Has it", prices={product: "9.00"}), company_id=customer, priority=2)

    assert (await quote(buyer, product)).source_name == "Has it"


async def test_of_several_valid_base_lists_the_latest_starting_one_counts(buyer: Scope, product: int) -> None:
    await make_price_list("2025", is_base=True, valid_from=date(2025, 1, 1), prices={product: "9.00"})
    await make_price_list("2026", is_base=True, valid_from=date(2026, 1, 1), prices={product: "10.00"})
    await make_price_list("Open", is_base=True, prices={product: "11.00"})

    assert (await quote(buyer, product)).source_name == "2026"


async def test_a_product_without_any_price_is_left_out(buyer: Scope, product: int) -> None:
    priced = await make_product()
    await make_price_list(is_base=True, prices={priced: "3.00"})

    prices = await resolve_prices(buyer, {product: 1, priced: 1}, on=ON)

    assert list(prices) == [priced]


async def test_nothing_asked_nothing_queried(buyer: Scope) -> None:
    with count_queries() as queries:
        assert await resolve_prices(buyer, {}) == {}
    assert queries.count == 0


async def test_a_quantity_below_one_is_refused(buyer: Scope, product: int) -> None:
    with pytest.raises(ValueError, match="from 1"):
        await resolve_prices(buyer, {product: 0})


async def test_the_seller_sees_base_list_prices(db: None, product: int) -> None:
    seller = await buyer_of(await make_company(kind=CompanyKind.SELLER))
    await make_price_list("Cennik", is_base=True, prices={product: "10.00"})

    assert (await quote(seller, product)).source is PriceSource.BASE_LIST


async def test_a_caller_in_no_company_sees_base_list_prices_only(db: None, product: int) -> None:
    nobody = Scope(user_id=1, email="someone@example.com", name="Someone", locale="en")
    await make_price_list(is_base=True, prices={product: "10.00"})

    with count_queries() as queries:
        price = await quote(nobody, product)

    assert (price.source, queries.count) == (PriceSource.BASE_LIST, 1)


# Tenancy and currency


async def test_another_companys_contract_never_applies(buyer: Scope, product: int) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})
    await make_contract_price(await make_company(), product, "1.00")

    assert (await quote(buyer, product)).unit_price == Decimal("10.00")


async def test_another_companys_list_and_discount_never_apply(buyer: Scope, product: int) -> None:
    other = await make_company()
    await make_price_list(is_base=True, prices={product: "10.00"})
    await assign_price_list(await make_price_list(prices={product: "5.00"}), company_id=other)
    await make_discount_rule("50", company_id=other)

    price = await quote(buyer, product)

    assert (price.source, price.discount, price.unit_price) == (PriceSource.BASE_LIST, None, Decimal("10.00"))


async def test_a_eur_list_is_ignored_for_a_pln_customer(buyer: Scope, customer: int, product: int) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})
    await make_price_list(is_base=True, currency="EUR", valid_from=ON, prices={product: "2.30"})
    await assign_price_list(await make_price_list(currency="EUR", prices={product: "2.00"}), company_id=customer)
    await make_contract_price(customer, product, "1.90", currency="EUR")

    price = await quote(buyer, product)

    assert (price.currency, price.source, price.unit_price) == ("PLN", PriceSource.BASE_LIST, Decimal("10.00"))


async def test_a_eur_customer_gets_eur_prices_only(db: None, product: int) -> None:
    buyer = await buyer_of(await make_company(currency="EUR"))
    await make_price_list(is_base=True, prices={product: "10.00"})
    await make_price_list(is_base=True, currency="EUR", prices={product: "2.30"})

    price = await quote(buyer, product)

    assert (price.currency, price.unit_price, price.list_unit_price) == ("EUR", Decimal("2.30"), Decimal("2.30"))


# Validity: both ends inclusive, NULL open


@pytest.mark.parametrize(
    ("on", "counts"),
    [(ON - DAY, False), (ON, True), (ON + 10 * DAY, True), (ON + 11 * DAY, False)],
    ids=["day before", "first day", "last day", "day after"],
)
async def test_a_customer_list_counts_from_its_first_to_its_last_day(
    buyer: Scope, customer: int, product: int, on: date, counts: bool
) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})
    summer = await make_price_list(valid_from=ON, valid_to=ON + 10 * DAY, prices={product: "9.00"})
    await assign_price_list(summer, company_id=customer)

    price = await quote(buyer, product, on=on)

    assert price.source is (PriceSource.CUSTOMER_LIST if counts else PriceSource.BASE_LIST)


@pytest.mark.parametrize(
    ("on", "counts"),
    [(ON - DAY, False), (ON, True), (ON + 10 * DAY, True), (ON + 11 * DAY, False)],
    ids=["day before", "first day", "last day", "day after"],
)
async def test_a_contract_price_counts_from_its_first_to_its_last_day(
    buyer: Scope, customer: int, product: int, on: date, counts: bool
) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})
    await make_contract_price(customer, product, "7.00", valid_from=ON, valid_to=ON + 10 * DAY)

    price = await quote(buyer, product, on=on)

    assert price.source is (PriceSource.CONTRACT if counts else PriceSource.BASE_LIST)


@pytest.mark.parametrize(
    ("on", "counts"),
    [(ON - DAY, False), (ON, True), (ON + 10 * DAY, True), (ON + 11 * DAY, False)],
    ids=["day before", "first day", "last day", "day after"],
)
async def test_a_discount_counts_from_its_first_to_its_last_day(
    buyer: Scope, customer: int, product: int, on: date, counts: bool
) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})
    await make_discount_rule("10", company_id=customer, valid_from=ON, valid_to=ON + 10 * DAY)

    price = await quote(buyer, product, on=on)

    assert price.unit_price == (Decimal("9.00") if counts else Decimal("10.00"))


@pytest.mark.parametrize(
    ("on", "counts"),
    [(ON - DAY, False), (ON, True), (ON + 10 * DAY, True), (ON + 11 * DAY, False)],
    ids=["day before", "first day", "last day", "day after"],
)
async def test_a_base_list_counts_from_its_first_to_its_last_day(
    buyer: Scope, product: int, on: date, counts: bool
) -> None:
    await make_price_list(is_base=True, valid_from=ON, valid_to=ON + 10 * DAY, prices={product: "10.00"})

    assert (await price_of(buyer, product, on=on) is not None) is counts


async def test_without_a_date_todays_prices_apply(buyer: Scope, product: int) -> None:
    today = clock.today()
    await make_price_list("Yesterday's", is_base=True, valid_to=today - DAY, prices={product: "9.00"})
    await make_price_list("Today's", is_base=True, valid_from=today, valid_to=today, prices={product: "10.00"})

    price = (await resolve_prices(buyer, {product: 1}))[product]

    assert price.source_name == "Today's"


# Tiers


@pytest.mark.parametrize(("quantity", "tier", "unit_price"), [(9, 1, "10.00"), (10, 10, "9.00"), (11, 10, "9.00")])
async def test_the_largest_break_reached_by_the_quantity_applies(
    buyer: Scope, product: int, quantity: int, tier: int, unit_price: str
) -> None:
    base = await make_price_list(is_base=True)
    await add_list_prices(base, product, {1: "10.00", 10: "9.00", 100: "8.00"})

    price = await quote(buyer, product, quantity)

    assert (price.tier_min_quantity, price.unit_price) == (tier, Decimal(unit_price))


async def test_a_quantity_below_a_lists_smallest_break_falls_through_to_the_next_source(
    buyer: Scope, customer: int, product: int
) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})
    bulk = await make_price_list("Bulk")
    await add_list_prices(bulk, product, {10: "8.00"})
    await assign_price_list(bulk, company_id=customer)

    assert (await quote(buyer, product, 9)).source is PriceSource.BASE_LIST
    assert (await quote(buyer, product, 10)).source_name == "Bulk"


async def test_a_quantity_below_a_contracts_smallest_break_falls_through_to_the_lists(
    buyer: Scope, customer: int, product: int
) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})
    await make_contract_price(customer, product, "7.00", min_quantity=50)

    assert (await quote(buyer, product, 49)).source is PriceSource.BASE_LIST
    assert (await quote(buyer, product, 50)).source is PriceSource.CONTRACT


async def test_contract_tiers_are_its_rows_by_min_quantity(buyer: Scope, customer: int, product: int) -> None:
    await make_contract_price(customer, product, "7.00")
    await make_contract_price(customer, product, "6.50", min_quantity=100)

    price = await quote(buyer, product, 120)

    assert (price.tier_min_quantity, price.unit_price) == (100, Decimal("6.50"))
    assert price.tiers == (Tier(1, Decimal("7.00")), Tier(100, Decimal("6.50")))


async def test_of_overlapping_contract_rows_at_one_break_the_later_starting_applies(
    buyer: Scope, customer: int, product: int
) -> None:
    await make_contract_price(customer, product, "7.00", reference="K/2025", valid_from=date(2025, 1, 1))
    await make_contract_price(customer, product, "6.80", reference="K/2026", valid_from=date(2026, 1, 1))

    assert (await quote(buyer, product)).source_name == "K/2026"


async def test_the_next_tier_tells_from_how_many_pieces_the_price_drops(buyer: Scope, product: int) -> None:
    base = await make_price_list(is_base=True)
    await add_list_prices(base, product, {1: "10.00", 10: "9.00", 100: "8.00"})

    assert (await quote(buyer, product, 5)).next_tier == Tier(10, Decimal("9.00"))
    assert (await quote(buyer, product, 10)).next_tier == Tier(100, Decimal("8.00"))
    assert (await quote(buyer, product, 100)).next_tier is None


async def test_tiers_show_the_buyers_net_price_with_the_discount_each_break_reaches(
    buyer: Scope, customer: int, product: int
) -> None:
    base = await make_price_list(is_base=True)
    await add_list_prices(base, product, {1: "10.00", 10: "9.00", 100: "8.00"})
    await make_discount_rule("10", company_id=customer, min_quantity=10)

    price = await quote(buyer, product, 1)

    assert price.tiers == (Tier(1, Decimal("10.00")), Tier(10, Decimal("8.10")), Tier(100, Decimal("7.20")))


# Discounts: one rule at most, the most specific


async def test_a_product_rule_beats_a_product_group_rule(db: None, customer: int, buyer: Scope) -> None:
    fasteners = await make_product_group()
    screw = await make_product(product_group=fasteners)
    await make_price_list(is_base=True, prices={screw: "10.00"})
    await make_discount_rule("20", company_id=customer, product_group_id=fasteners)
    await make_discount_rule("5", company_id=customer, product_id=screw, name="Screw promo")

    price = await quote(buyer, screw)

    assert price.discount is not None
    assert (price.discount.name, price.discount.scope, price.unit_price) == (
        "Screw promo",
        DiscountScope.PRODUCT,
        Decimal("9.50"),
    )


async def test_a_product_group_rule_beats_a_rule_on_everything(db: None, customer: int, buyer: Scope) -> None:
    fasteners = await make_product_group()
    screw = await make_product(product_group=fasteners)
    await make_price_list(is_base=True, prices={screw: "10.00"})
    await make_discount_rule("20", company_id=customer)
    await make_discount_rule("5", company_id=customer, product_group_id=fasteners)

    price = await quote(buyer, screw)

    assert price.discount is not None
    assert (price.discount.scope, price.discount.percent, price.unit_price) == (
        DiscountScope.PRODUCT_GROUP,
        Decimal("5"),
        Decimal("9.50"),
    )


async def test_a_rule_of_another_product_group_does_not_apply(db: None, customer: int, buyer: Scope) -> None:
    screw = await make_product(product_group=await make_product_group())
    await make_price_list(is_base=True, prices={screw: "10.00"})
    await make_discount_rule("20", company_id=customer, product_group_id=await make_product_group())
    await make_discount_rule("20", company_id=customer, product_id=await make_product())

    assert (await quote(buyer, screw)).discount is None


async def test_a_rule_on_everything_covers_every_listed_product(buyer: Scope, customer: int, product: int) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})
    await make_discount_rule("3", company_id=customer)

    price = await quote(buyer, product)

    assert price.discount is not None
    assert (price.discount.scope, price.unit_price) == (DiscountScope.EVERYTHING, Decimal("9.70"))


async def test_a_customers_rule_beats_its_groups_rule_of_the_same_scope(
    buyer: Scope, customer: int, product: int
) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})
    group = await make_customer_group(customer)
    await make_discount_rule("15", customer_group_id=group)
    await make_discount_rule("5", company_id=customer)

    price = await quote(buyer, product)

    assert price.discount is not None
    assert (price.discount.for_customer, price.unit_price) == (True, Decimal("9.50"))


async def test_a_groups_rule_on_the_product_beats_the_customers_rule_on_everything(
    buyer: Scope, customer: int, product: int
) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})
    group = await make_customer_group(customer)
    await make_discount_rule("2", customer_group_id=group, product_id=product)
    await make_discount_rule("30", company_id=customer)

    price = await quote(buyer, product)

    assert price.discount is not None
    assert (price.discount.for_customer, price.discount.scope, price.unit_price) == (
        False,
        DiscountScope.PRODUCT,
        Decimal("9.80"),
    )


async def test_of_equal_rules_the_highest_percent_applies_and_they_never_stack(
    buyer: Scope, customer: int, product: int
) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})
    await make_discount_rule("5", company_id=customer)
    await make_discount_rule("8", company_id=customer)

    assert (await quote(buyer, product)).unit_price == Decimal("9.20")


async def test_a_discount_starts_at_its_minimum_quantity(buyer: Scope, customer: int, product: int) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})
    await make_discount_rule("10", company_id=customer, min_quantity=50)

    assert (await quote(buyer, product, 49)).discount is None
    assert (await quote(buyer, product, 50)).unit_price == Decimal("9.00")


async def test_a_rule_naming_neither_customer_nor_group_reaches_nobody(buyer: Scope, product: int) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})
    await make_discount_rule("50")

    assert (await quote(buyer, product)).discount is None


async def test_no_discount_applies_to_a_contract_price(buyer: Scope, customer: int, product: int) -> None:
    await make_contract_price(customer, product, "7.00")
    await make_discount_rule("10", company_id=customer, product_id=product)

    price = await quote(buyer, product)

    assert (price.discount, price.unit_price) == (None, Decimal("7.00"))


async def test_discounts_apply_to_customer_and_group_lists_too(buyer: Scope, customer: int, product: int) -> None:
    group = await make_customer_group(customer)
    await assign_price_list(await make_price_list(prices={product: "8.00"}), customer_group_id=group)
    await make_discount_rule("25", customer_group_id=group)

    price = await quote(buyer, product)

    assert (price.source, price.base_unit_price, price.unit_price) == (
        PriceSource.GROUP_LIST,
        Decimal("8.00"),
        Decimal("6.00"),
    )


# The list price and money


async def test_the_list_price_is_the_base_lists_first_break(buyer: Scope, customer: int, product: int) -> None:
    base = await make_price_list(is_base=True)
    await add_list_prices(base, product, {1: "10.00", 10: "9.00"})
    await assign_price_list(await make_price_list(prices={product: "9.50"}), company_id=customer)

    price = await quote(buyer, product, 20)

    assert (price.list_unit_price, price.is_below_list) == (Decimal("10.00"), True)


async def test_a_price_equal_to_the_list_price_is_not_below_it(buyer: Scope, product: int) -> None:
    await make_price_list(is_base=True, prices={product: "10.00"})

    price = await quote(buyer, product)

    assert (price.list_unit_price, price.is_below_list) == (Decimal("10.00"), False)


async def test_without_a_base_list_there_is_no_list_price(buyer: Scope, customer: int, product: int) -> None:
    await make_contract_price(customer, product, "7.00")

    price = await quote(buyer, product)

    assert (price.list_unit_price, price.is_below_list) == (None, False)


async def test_a_discounted_unit_price_keeps_four_places_rounded_half_up(
    buyer: Scope, customer: int, product: int
) -> None:
    await make_price_list(is_base=True, prices={product: "0.0345"})
    await make_discount_rule("10", company_id=customer)

    # 0.0345 × 0.9 = 0.03105: half up gives 0.0311 where half to even would give 0.0310.
    assert (await quote(buyer, product)).unit_price == Decimal("0.0311")


async def test_a_line_is_rounded_half_up_to_the_grosz(buyer: Scope, product: int) -> None:
    await make_price_list(is_base=True, prices={product: "0.0025"})

    # 2 × 0.0025 = 0.005: half up gives 0.01 where half to even would give 0.00.
    assert (await quote(buyer, product, 2)).line_net == Decimal("0.01")


# Statements


async def test_the_statement_count_does_not_grow_with_the_number_of_products(buyer: Scope, customer: int) -> None:
    category = await make_category()
    fasteners = await make_product_group()
    rows = await Product.insert(
        *(
            Product(sku=f"BULK-{n}", name_pl=f"P{n}", name_en=f"P{n}", category=category, product_group=fasteners)
            for n in range(300)
        )
    ).returning(Product.id)
    products = [row["id"] for row in rows]
    base = await make_price_list(is_base=True)
    own = await make_price_list()
    await assign_price_list(own, company_id=customer)
    await assign_price_list(await make_price_list(), customer_group_id=await make_customer_group(customer))
    await PriceListEntry.insert(
        *(PriceListEntry(price_list=base, product=p, unit_price=Decimal("10.00")) for p in products),
        *(PriceListEntry(price_list=own, product=p, min_quantity=5, unit_price=Decimal("9.00")) for p in products),
    )
    await make_contract_price(customer, products[0], "7.00")
    await make_discount_rule("5", company_id=customer, product_group_id=fasteners)

    with count_queries() as few:
        three = await resolve_prices(buyer, dict.fromkeys(products[:3], 5), on=ON)
    with count_queries() as many:
        all_of_them = await resolve_prices(buyer, dict.fromkeys(products, 5), on=ON)

    assert (len(three), len(all_of_them)) == (3, 300)
    assert few.count == many.count == 1, many.statements
