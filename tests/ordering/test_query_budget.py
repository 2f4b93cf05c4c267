"""Hot pages send a fixed number of SQL statements, however many rows they show."""

from __future__ import annotations

from decimal import Decimal

import httpx

from portal.accounts.roles import Role
from portal.catalog import CatalogQuery, search_text_for
from portal.catalog.tables import Product, Stock, Warehouse
from portal.ordering.grid import grid_page
from portal.ordering.tables import Cart, CartLine
from portal.pricing.tables import PriceListEntry
from tests.factories import log_in, make_category, make_company, make_person, make_price_list
from tests.query_counter import count_queries

HTMX = {"HX-Request": "true"}


async def _products(count: int, prefix: str) -> list[int]:
    """`count` products in one category, each priced in two tiers and stocked."""
    category = await make_category(prefix)
    rows = await Product.insert(
        *(
            Product(
                sku=f"{prefix}-{number:04}",
                name_pl=f"Produkt {prefix} {number}",
                name_en=f"Product {prefix} {number}",
                category=category,
                search_text=search_text_for(f"{prefix}-{number:04}", "", f"produkt {prefix}", f"product {prefix}"),
            )
            for number in range(count)
        )
    ).returning(Product.id)
    ids = [row["id"] for row in rows]
    price_list = await make_price_list(is_base=True)
    await PriceListEntry.insert(
        *(
            PriceListEntry(price_list=price_list, product=product, min_quantity=tier, unit_price=Decimal(price))
            for product in ids
            for tier, price in ((1, "2.00"), (50, "1.80"))
        )
    )
    warehouse = (await Warehouse.insert(Warehouse(code=prefix, name=prefix, city="Kraków")).returning(Warehouse.id))[0][
        "id"
    ]
    await Stock.insert(*(Stock(product=product, warehouse=warehouse, available=10) for product in ids))
    return ids


async def _fill_cart(buyer, product_ids: list[int]) -> None:
    cart = (await Cart.insert(Cart(user=buyer.user_id, company=buyer.company_id)).returning(Cart.id))[0]["id"]
    await CartLine.insert(*(CartLine(cart=cart, product=product, quantity=3) for product in product_ids))


async def _statements(client: httpx.AsyncClient, path: str, **kwargs) -> int:
    with count_queries() as queries:
        response = await client.get(path, **kwargs)
    assert response.status_code == 200
    return queries.count


async def test_the_grid_fragment_costs_the_same_for_5_and_50_rows(client: httpx.AsyncClient) -> None:
    await _products(5, "FEW")
    many = await _products(50, "MANY")
    buyer = await make_person(await make_company(), Role.BUYER)
    await _fill_cart(buyer, many[:20])
    await log_in(client, buyer.email)
    await client.get("/order", headers=HTMX)

    few_rows = await _statements(client, "/order", params={"q": "few-"}, headers=HTMX)
    many_rows = await _statements(client, "/order", params={"q": "many-"}, headers=HTMX)

    assert few_rows == many_rows, (few_rows, many_rows)
    assert many_rows <= 2


async def test_the_grid_rows_with_stock_cart_and_prices_come_in_one_statement(db: None) -> None:
    many = await _products(50, "MANY")
    buyer = await make_person(await make_company(), Role.BUYER)
    await _fill_cart(buyer, many[:20])
    caller = await buyer.scope()

    with count_queries() as queries:
        grid = await grid_page(caller, CatalogQuery(text="many-"), with_facets=False)

    assert queries.count == 1, queries.statements
    assert len(grid.rows) == 50 and grid.facets is None
    assert [row.in_cart for row in grid.rows[:21]] == [3] * 20 + [0]
    assert all(row.quote and row.quote.unit_price == Decimal("2.0000") for row in grid.rows)
    assert all(row.stock.available == 10 for row in grid.rows)


async def test_a_500_line_cart_renders_with_as_many_statements_as_a_5_line_cart(client: httpx.AsyncClient) -> None:
    products = await _products(500, "CART")
    small = await make_person(await make_company(), Role.BUYER)
    large = await make_person(await make_company(), Role.BUYER)
    await _fill_cart(small, products[:5])
    await _fill_cart(large, products)

    await log_in(client, small.email)
    small_cart = await _statements(client, "/cart")
    client.cookies.clear()
    await log_in(client, large.email)
    with count_queries() as queries:
        page = await client.get("/cart")

    assert page.text.count('class="cart-line') == 500
    assert queries.count == small_cart
    assert small_cart <= 3, queries.statements
