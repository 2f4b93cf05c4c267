"""Whatever the mix of contracts, lists, tiers and discounts, a quote explains itself: its parts
add up, its tier is the one the quantity reaches, and nothing it passed over should have won."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.pricing.resolver import (
    ContractLine,
    DiscountScope,
    DiscountTerms,
    OfferedList,
    PriceBook,
    PriceQuote,
    PriceSource,
    choose_price,
    is_valid_on,
)

ON = date(2026, 6, 15)
PRODUCT = 1
PRODUCT_GROUP = 7
# Breaks at 1 are the common case; higher ones make tiers and fall-through.
BREAKS = st.sampled_from([1, 1, 1, 2, 5, 10, 25, 50, 100])
PRICES = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("9999"), places=4)
PERCENTS = st.decimals(min_value=Decimal("0"), max_value=Decimal("60"), places=2)
SCOPE_RANK = {DiscountScope.PRODUCT: 0, DiscountScope.PRODUCT_GROUP: 1, DiscountScope.EVERYTHING: 2}
SOURCE_RANK = {
    PriceSource.CONTRACT: 0,
    PriceSource.CUSTOMER_LIST: 1,
    PriceSource.GROUP_LIST: 2,
    PriceSource.BASE_LIST: 3,
}


def days_from_on() -> st.SearchStrategy[date | None]:
    """A validity end: open more often than not, else a few days either side of ON, or ON itself."""
    return st.sampled_from([None, None, None, None, None, -3, -1, 0, 1, 3]).map(
        lambda days: None if days is None else ON + timedelta(days=days)
    )


@st.composite
def price_books(draw: st.DrawFn, *, contracts: bool = True, min_discounts: int = 0) -> PriceBook:
    """A random mix of lists, tiers, contract lines and discount rules for product 1, around ON."""
    lists = [
        OfferedList(
            price_list_id=list_id,
            name=f"list {list_id}",
            source=draw(st.sampled_from([PriceSource.CUSTOMER_LIST, PriceSource.GROUP_LIST, PriceSource.BASE_LIST])),
            priority=draw(st.integers(1, 3)),
            valid_from=draw(days_from_on()),
            valid_to=draw(days_from_on()),
        )
        for list_id in range(1, draw(st.sampled_from([0, 1, 2, 2, 3, 4])) + 1)
    ]
    # Now and then a list does not have the product at all.
    entries = {
        (offered.price_list_id, PRODUCT): draw(st.dictionaries(BREAKS, PRICES, min_size=1, max_size=3))
        for offered in lists
        if draw(st.sampled_from([True, True, True, False]))
    }
    contract_lines = tuple(
        ContractLine(
            id=line_id,
            reference=f"K/{line_id}",
            min_quantity=draw(BREAKS),
            unit_price=draw(PRICES),
            valid_from=draw(days_from_on()),
            valid_to=draw(days_from_on()),
        )
        # Most customers have no contract for a product.
        for line_id in range(1, draw(st.sampled_from([0, 0, 0, 1, 2, 3]) if contracts else st.just(0)) + 1)
    )
    discounts = tuple(
        DiscountTerms(
            id=rule_id,
            name=f"rule {rule_id}",
            percent=draw(PERCENTS),
            for_customer=draw(st.booleans()),
            product_id=draw(st.sampled_from([None, None, PRODUCT, PRODUCT + 1])),
            product_group_id=draw(st.sampled_from([None, None, PRODUCT_GROUP, PRODUCT_GROUP + 1])),
            min_quantity=draw(BREAKS),
            valid_from=draw(days_from_on()),
            valid_to=draw(days_from_on()),
        )
        for rule_id in range(1, draw(st.integers(min_discounts, 5)) + 1)
    )
    return PriceBook(
        currency="PLN",
        lists=tuple(lists),
        entries=entries,
        contracts={PRODUCT: contract_lines},
        discounts=discounts,
        product_groups={PRODUCT: draw(st.sampled_from([None, PRODUCT_GROUP, PRODUCT_GROUP]))},
    )


def quantize(value: Decimal, step: str) -> Decimal:
    return value.quantize(Decimal(step), rounding=ROUND_HALF_UP)


def priced_lists(book: PriceBook, quantity: int) -> list[OfferedList]:
    """Lists valid on the day with a break the quantity reaches."""
    return [
        offered
        for offered in book.lists
        if is_valid_on(ON, offered.valid_from, offered.valid_to)
        and any(b <= quantity for b in book.entries.get((offered.price_list_id, PRODUCT), {}))
    ]


def contract_has_price(book: PriceBook, quantity: int) -> bool:
    return any(
        line.min_quantity <= quantity and is_valid_on(ON, line.valid_from, line.valid_to)
        for line in book.contracts.get(PRODUCT, ())
    )


def applicable_rules(book: PriceBook, quantity: int) -> list[DiscountTerms]:
    group = book.product_groups.get(PRODUCT)
    return [
        rule
        for rule in book.discounts
        if is_valid_on(ON, rule.valid_from, rule.valid_to)
        and rule.min_quantity <= quantity
        and rule.covers(PRODUCT, group)
    ]


def a_quote(book: PriceBook, quantity: int) -> PriceQuote | None:
    return choose_price(book, PRODUCT, quantity, ON)


FAST = settings(max_examples=200, deadline=None)


@FAST
@given(price_books(), st.integers(1, 120))
def test_the_unit_price_is_the_base_price_less_the_discount_to_four_places(book: PriceBook, quantity: int) -> None:
    quote = a_quote(book, quantity)
    if quote is not None:
        percent = quote.discount.percent if quote.discount else Decimal(0)
        assert quote.unit_price == quantize(quote.base_unit_price * (1 - percent / 100), "0.0001")


@FAST
@given(price_books(), st.integers(1, 120))
def test_the_line_is_the_unit_price_times_the_quantity_to_the_grosz(book: PriceBook, quantity: int) -> None:
    quote = a_quote(book, quantity)
    if quote is not None:
        assert quote.line_net == quantize(quote.unit_price * quantity, "0.01")


@FAST
@given(price_books(), st.integers(1, 120))
def test_the_tier_is_the_largest_break_the_quantity_reaches(book: PriceBook, quantity: int) -> None:
    quote = a_quote(book, quantity)
    if quote is not None:
        breaks = [tier.min_quantity for tier in quote.tiers]
        assert breaks == sorted(set(breaks))
        assert quote.tier_min_quantity in breaks
        assert quote.tier_min_quantity == max(b for b in breaks if b <= quantity)
        assert quote.next_tier is None or quote.next_tier.min_quantity > quantity


@FAST
@given(price_books(), st.integers(1, 120))
def test_a_contract_quote_has_no_discount(book: PriceBook, quantity: int) -> None:
    quote = a_quote(book, quantity)
    if quote is not None and quote.source is PriceSource.CONTRACT:
        assert quote.discount is None
        assert quote.unit_price == quote.base_unit_price
        assert all(tier.unit_price in {line.unit_price for line in book.contracts[PRODUCT]} for tier in quote.tiers)


@FAST
@given(price_books(), st.integers(1, 120))
def test_no_source_passed_over_had_a_price(book: PriceBook, quantity: int) -> None:
    quote = a_quote(book, quantity)
    ranks_with_a_price = {SOURCE_RANK[offered.source] for offered in priced_lists(book, quantity)}
    if contract_has_price(book, quantity):
        ranks_with_a_price.add(SOURCE_RANK[PriceSource.CONTRACT])
    if quote is None:
        assert not ranks_with_a_price
    else:
        assert SOURCE_RANK[quote.source] == min(ranks_with_a_price)


@FAST
@given(price_books(contracts=False, min_discounts=2), st.integers(1, 120))
def test_the_discount_is_the_most_specific_rule_that_applies(book: PriceBook, quantity: int) -> None:
    quote = a_quote(book, quantity)
    if quote is None or quote.source is PriceSource.CONTRACT:
        return
    applicable = applicable_rules(book, quantity)
    if quote.discount is None:
        assert not applicable
        return
    chosen = quote.discount
    assert chosen.rule_id in {rule.id for rule in applicable}
    assert all(SCOPE_RANK[chosen.scope] <= SCOPE_RANK[rule.scope] for rule in applicable)
    rivals = [rule for rule in applicable if rule.scope is chosen.scope]
    assert chosen.for_customer or not any(rule.for_customer for rule in rivals)
    assert chosen.percent == max(rule.percent for rule in rivals if rule.for_customer == chosen.for_customer)


@FAST
@given(price_books(), st.integers(1, 120))
def test_the_list_price_comes_from_a_valid_base_list(book: PriceBook, quantity: int) -> None:
    quote = a_quote(book, quantity)
    if quote is None:
        return
    base_prices = [
        breaks[min(breaks)]
        for offered in book.lists
        if offered.source is PriceSource.BASE_LIST and is_valid_on(ON, offered.valid_from, offered.valid_to)
        for breaks in [book.entries.get((offered.price_list_id, PRODUCT), {})]
        if breaks
    ]
    if base_prices:
        assert quote.list_unit_price in base_prices
    else:
        assert quote.list_unit_price is None
