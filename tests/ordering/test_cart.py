"""The cart: quantities follow the product's order rules, prices follow the resolver, totals
follow the invoice rules, and a cart is its owner's alone."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.accounts.roles import Role
from portal.catalog.tables import AssortmentEffect, AssortmentRule, VatRate
from portal.errors import Invalid, NotFound
from portal.i18n import use_locale
from portal.ordering import cart
from portal.ordering.cart import Adjustment, apply_order_rules, vat_amount
from portal.ordering.tables import CartLine
from tests.factories import make_company, make_person, make_price_list, make_priced_product, make_product

pytestmark = pytest.mark.usefixtures("db")


async def _buyer(company_id: int | None = None):
    return await (await make_person(company_id or await make_company(), Role.BUYER)).scope()


def test_order_rules_round_up_to_the_multiple_and_the_minimum() -> None:
    assert apply_order_rules(7, 1, 5).quantity == 10
    assert apply_order_rules(7, 1, 5).adjustment is Adjustment.ROUNDED_TO_MULTIPLE
    assert apply_order_rules(10, 1, 5).adjustment is None
    assert apply_order_rules(30, 100, 50).quantity == 100
    assert apply_order_rules(30, 100, 50).adjustment is Adjustment.RAISED_TO_MINIMUM
    assert apply_order_rules(120, 100, 50).quantity == 150


@pytest.mark.parametrize("typed", ["", "abc", "-3", "1.5", "0", "2000000"])
async def test_a_quantity_that_is_not_a_positive_whole_number_changes_nothing(typed: str) -> None:
    product = await make_priced_product()
    buyer = await _buyer()
    with pytest.raises(Invalid) as error:
        await cart.add_to_cart(buyer, product, typed)
    assert "quantity" in error.value.errors
    assert await CartLine.count() == 0


async def test_adding_twice_adds_up_in_one_line_rounded_to_the_multiple() -> None:
    product = await make_priced_product(order_multiple=100, min_order_quantity=100)
    buyer = await _buyer()

    first = await cart.add_to_cart(buyer, product, "150")
    second = await cart.add_to_cart(buyer, product, "100")

    assert (first.added.quantity, first.added.adjustment) == (200, Adjustment.ROUNDED_TO_MULTIPLE)
    assert second.in_cart == 300
    view = await cart.cart_view(buyer)
    assert [(line.product.id, line.quantity) for line in view.lines] == [(product, 300)]


async def test_a_product_outside_the_assortment_cannot_be_added() -> None:
    product = await make_priced_product()
    buyer = await _buyer()
    await AssortmentRule.insert(
        AssortmentRule(company=buyer.company_id, effect=AssortmentEffect.EXCLUDE, product=product)
    )
    with pytest.raises(NotFound):
        await cart.add_to_cart(buyer, product, "1")


async def test_a_product_without_a_price_is_not_added_and_says_why() -> None:
    product = await make_product()
    buyer = await _buyer()
    with use_locale("en"), pytest.raises(Invalid, match="no price for your company"):
        await cart.add_to_cart(buyer, product, "1")
    assert await CartLine.count() == 0


async def test_each_user_has_an_own_cart_per_company() -> None:
    product = await make_priced_product()
    company = await make_company()
    anna = await _buyer(company)
    piotr = await _buyer(company)
    await cart.add_to_cart(anna, product, "3")
    assert (await cart.cart_view(piotr)).lines == []
    anna_line = (await cart.cart_view(anna)).lines[0]
    with pytest.raises(NotFound):
        await cart.change_line(piotr, anna_line.line_id, "5", "")
    with pytest.raises(NotFound):
        await cart.remove_line(piotr, anna_line.line_id)
    assert (await cart.cart_view(anna)).lines[0].quantity == 3


async def test_changing_a_line_rounds_it_keeps_the_note_and_zero_removes_it() -> None:
    product = await make_priced_product(order_multiple=6)
    buyer = await _buyer()
    await cart.add_to_cart(buyer, product, "6")
    line_id = (await cart.cart_view(buyer)).lines[0].line_id

    changed = await cart.change_line(buyer, line_id, "13", "for site B")
    line = (await cart.cart_view(buyer)).lines[0]
    assert changed is not None and changed.adjustment is Adjustment.ROUNDED_TO_MULTIPLE
    assert (line.quantity, line.note) == (18, "for site B")

    assert await cart.change_line(buyer, line_id, "0", "") is None
    assert (await cart.cart_view(buyer)).lines == []


async def test_a_bad_change_leaves_the_line_as_it_was() -> None:
    product = await make_priced_product()
    buyer = await _buyer()
    await cart.add_to_cart(buyer, product, "4")
    line_id = (await cart.cart_view(buyer)).lines[0].line_id
    with pytest.raises(Invalid):
        await cart.change_line(buyer, line_id, "lots", "")
    with pytest.raises(Invalid):
        await cart.change_line(buyer, line_id, "5", "x" * 501)
    line = (await cart.cart_view(buyer)).lines[0]
    assert (line.quantity, line.note) == (4, "")


async def test_prices_are_resolved_again_for_the_new_quantity() -> None:
    product = await make_product()
    price_list = await make_price_list(is_base=True)
    from tests.factories import add_list_prices

    await add_list_prices(price_list, product, {1: "10.00", 100: "8.00"})
    buyer = await _buyer()
    await cart.add_to_cart(buyer, product, "10")
    line = (await cart.cart_view(buyer)).lines[0]
    assert line.quote is not None and line.quote.unit_price == Decimal("10.00")

    await cart.change_line(buyer, line.line_id, "100", "")
    line = (await cart.cart_view(buyer)).lines[0]
    assert line.quote is not None and line.quote.unit_price == Decimal("8.00")
    assert line.line_net == Decimal("800.00")


async def test_totals_add_vat_per_rate_and_count_blocked_lines_out() -> None:
    standard = await make_priced_product("10.005", vat_rate=VatRate.STANDARD)
    reduced = await make_priced_product("3.33", vat_rate=VatRate.REDUCED)
    exempt = await make_priced_product("50.00", vat_rate=VatRate.EXEMPT)
    hidden = await make_priced_product("1.00")
    buyer = await _buyer()
    for product, quantity in [(standard, "3"), (reduced, "7"), (exempt, "1"), (hidden, "1")]:
        await cart.add_to_cart(buyer, product, quantity)
    await AssortmentRule.insert(
        AssortmentRule(company=buyer.company_id, effect=AssortmentEffect.EXCLUDE, product=hidden)
    )

    totals = (await cart.cart_view(buyer)).totals

    # 3 × 10.005 = 30.015 → 30.02 (per line, half up); 7 × 3.33 = 23.31; 50.00 exempt.
    assert [(s.rate, s.net, s.vat) for s in totals.by_rate] == [
        ("23", Decimal("30.02"), Decimal("6.90")),
        ("8", Decimal("23.31"), Decimal("1.86")),
        ("zw", Decimal("50.00"), Decimal("0.00")),
    ]
    assert totals.net == Decimal("103.33")
    assert totals.gross == Decimal("112.09")
    assert totals.blocked_lines == 1
    assert totals.line_count == 4


def test_vat_is_rounded_half_up_to_the_grosz() -> None:
    assert vat_amount(Decimal("0.50"), "23") == Decimal("0.12")  # 0.115 → 0.12
    assert vat_amount(Decimal("100.00"), "0") == Decimal("0.00")
