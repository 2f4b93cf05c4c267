"""Buying again: a past order back into the cart with changes flagged; the regular products."""

from __future__ import annotations

import re
from decimal import Decimal

import httpx

from portal.accounts.roles import Role
from portal.catalog.tables import AssortmentEffect, AssortmentRule
from portal.ordering.tables import CartLine, Order, PurchasedProduct
from portal.pricing.tables import PriceListEntry
from tests.factories import csrf_token, log_in, make_company, make_person, make_priced_product

HTMX = {"HX-Request": "true"}


async def _placed_order(client: httpx.AsyncClient, products: list[tuple[int, str]]) -> int:
    token = csrf_token((await client.get("/")).text)
    for product, quantity in products:
        await client.post(
            "/cart/lines", data={"product_id": product, "quantity": quantity, "_csrf_token": token}, headers=HTMX
        )
    page = (await client.get("/checkout")).text
    key = re.search(r'name="submission_key" value="([^"]+)"', page)
    address = re.search(r'name="delivery_address_id" value="(\d+)"', page)
    assert key and address
    response = await client.post(
        "/checkout",
        data={"_csrf_token": csrf_token(page), "submission_key": key.group(1), "delivery_address_id": address.group(1)},
    )
    return int(response.headers["location"].rsplit("/", 1)[1])


async def test_a_past_order_goes_back_into_the_cart_with_changes_flagged(client: httpx.AsyncClient) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await log_in(client, buyer.email)
    bolt = await make_priced_product("1.00", sku="RE-BOLT")
    nut = await make_priced_product("0.50", sku="RE-NUT")
    gone = await make_priced_product("9.00", sku="RE-GONE")
    order_id = await _placed_order(client, [(bolt, "10"), (nut, "20"), (gone, "1")])
    await PriceListEntry.update({PriceListEntry.unit_price: Decimal("1.20")}).where(PriceListEntry.product == bolt)
    await AssortmentRule.insert(AssortmentRule(company=company, effect=AssortmentEffect.EXCLUDE, product=gone))

    page = await client.get(f"/orders/{order_id}")
    assert "price changed" in page.text and "no longer available" in page.text

    line_ids = [int(value) for value in re.findall(r'name="line_id" value="(\d+)" checked', page.text)]
    assert len(line_ids) == 2
    response = await client.post(
        f"/orders/{order_id}/reorder",
        data={"line_id": [str(i) for i in line_ids], "_csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 303 and response.headers["location"] == "/cart"
    quantities = {row["product"]: row["quantity"] for row in await CartLine.select(CartLine.product, CartLine.quantity)}
    assert quantities == {bolt: 10, nut: 20}


async def test_another_companys_order_cannot_be_reordered(client: httpx.AsyncClient) -> None:
    owner = await make_person(await make_company(), Role.BUYER)
    await log_in(client, owner.email)
    order_id = await _placed_order(client, [(await make_priced_product("1.00"), "1")])
    client.cookies.clear()
    stranger = await make_person(await make_company(), Role.BUYER)
    await log_in(client, stranger.email)
    token = csrf_token((await client.get("/")).text)
    assert (
        await client.post(f"/orders/{order_id}/reorder", data={"line_id": "1", "_csrf_token": token})
    ).status_code == 404
    assert await Order.count() == 1 and await CartLine.count() == 0


async def test_products_bought_twice_are_offered_at_their_usual_quantity(client: httpx.AsyncClient) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await log_in(client, buyer.email)
    glue = await make_priced_product("12.00", sku="RE-GLUE")
    once = await make_priced_product("3.00", sku="RE-ONCE")
    await _placed_order(client, [(glue, "4"), (once, "1")])
    await _placed_order(client, [(glue, "6")])
    assert (await PurchasedProduct.select(PurchasedProduct.times_ordered).where(PurchasedProduct.product == glue))[0][
        "times_ordered"
    ] == 2

    page = await client.get("/order/regular")
    assert "RE-GLUE" in page.text and "RE-ONCE" not in page.text
    response = await client.post("/order/regular", data={"product_id": str(glue), "_csrf_token": csrf_token(page.text)})
    assert response.status_code == 303
    assert [(r["product"], r["quantity"]) for r in await CartLine.select(CartLine.product, CartLine.quantity)] == [
        (glue, 6)
    ]
