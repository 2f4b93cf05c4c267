"""Shopping lists: made from the cart or an order, private or shared, put back into the cart."""

from __future__ import annotations

import httpx

from portal.accounts.roles import Role
from portal.ordering.tables import CartLine, ShoppingList, ShoppingListLine
from tests.factories import csrf_token, log_in, make_company, make_person, make_priced_product

HTMX = {"HX-Request": "true"}


async def _fill_cart(client: httpx.AsyncClient, *products: tuple[int, str]) -> str:
    token = csrf_token((await client.get("/")).text)
    for product, quantity in products:
        await client.post(
            "/cart/lines", data={"product_id": product, "quantity": quantity, "_csrf_token": token}, headers=HTMX
        )
    return token


async def test_a_cart_saved_as_a_shared_list_is_used_by_a_colleague(client: httpx.AsyncClient) -> None:
    company = await make_company()
    owner = await make_person(company, Role.BUYER)
    colleague = await make_person(company, Role.BUYER)
    bolt = await make_priced_product("1.00")
    nut = await make_priced_product("0.40")
    await log_in(client, owner.email)
    token = await _fill_cart(client, (bolt, "10"), (nut, "30"))

    saved = await client.post(
        "/lists", data={"name": "Budowa B", "shared": "1", "source": "cart", "_csrf_token": token}
    )
    assert saved.status_code == 303
    list_id = (await ShoppingList.select(ShoppingList.id))[0]["id"]
    assert await ShoppingListLine.count() == 2

    client.cookies.clear()
    await log_in(client, colleague.email)
    page = await client.get(f"/lists/{list_id}")
    assert page.status_code == 200 and "Budowa B" in page.text
    assert "Delete the list" not in page.text
    added = await client.post(
        f"/lists/{list_id}/cart",
        data={
            "line_id": [str(r["id"]) for r in await ShoppingListLine.select(ShoppingListLine.id)],
            "_csrf_token": csrf_token(page.text),
        },
    )
    assert added.status_code == 303
    assert await CartLine.count().where(CartLine.cart.user == colleague.user_id) == 2
    refused = await client.post(f"/lists/{list_id}/delete", data={"_csrf_token": csrf_token(page.text)})
    assert refused.status_code == 403 and await ShoppingList.count() == 1


async def test_a_private_list_is_not_found_by_a_colleague_nor_another_company(client: httpx.AsyncClient) -> None:
    company = await make_company()
    owner = await make_person(company, Role.BUYER)
    await log_in(client, owner.email)
    token = await _fill_cart(client, (await make_priced_product("1.00"), "1"))
    await client.post("/lists", data={"name": "Moja", "source": "cart", "_csrf_token": token})
    list_id = (await ShoppingList.select(ShoppingList.id))[0]["id"]
    for stranger in (await make_person(company, Role.BUYER), await make_person(await make_company(), Role.BUYER)):
        client.cookies.clear()
        await log_in(client, stranger.email)
        assert (await client.get(f"/lists/{list_id}")).status_code == 404
        assert "Moja" not in (await client.get("/lists")).text


async def test_a_list_needs_a_name_and_an_empty_cart_makes_none(client: httpx.AsyncClient) -> None:
    company = await make_company()
    owner = await make_person(company, Role.BUYER)
    await log_in(client, owner.email)
    token = await _fill_cart(client)
    response = await client.post("/lists", data={"name": "Pusta", "source": "cart", "_csrf_token": token})
    assert response.status_code == 303
    assert await ShoppingList.count() == 0
