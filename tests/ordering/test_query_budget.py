"""Hot pages send a fixed number of SQL statements, however many rows they show."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from unittest.mock import patch

import httpx
import pytest
from piccolo.engine import engine_finder

from portal.accounts.roles import Role
from portal.accounts.tables import DeliveryAddress
from portal.accounts.tokens import LinkSigner
from portal.catalog import CatalogQuery, search_text_for
from portal.catalog.tables import Product, Stock, Warehouse
from portal.config import Settings
from portal.finance.tables import CreditAccount
from portal.mail import Postbox
from portal.ordering.checkout import CheckoutForm, place_order
from portal.ordering.grid import grid_page
from portal.ordering.tables import Cart, CartLine, Order, OrderLine, OrderStatus
from portal.pricing.tables import PriceListEntry
from portal.web.templating import build_environment
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


async def test_the_grid_fragment_is_one_statement_for_5_or_50_rows(client: httpx.AsyncClient) -> None:
    await _products(5, "FEW")
    many = await _products(50, "MANY")
    buyer = await make_person(await make_company(), Role.BUYER)
    await _fill_cart(buyer, many[:20])
    # Signing in leaves the caller's scope in the cache: no statement of its own.
    await log_in(client, buyer.email)

    few_rows = await _statements(client, "/order", params={"q": "few-"}, headers=HTMX)
    many_rows = await _statements(client, "/order", params={"q": "many-"}, headers=HTMX)

    assert few_rows == many_rows, (few_rows, many_rows)
    assert many_rows == 1


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


async def test_a_500_line_cart_renders_in_two_statements_like_a_5_line_cart(client: httpx.AsyncClient) -> None:
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
    assert small_cart == 2, queries.statements


@contextmanager
def _transactions_seen() -> Iterator[list[object]]:
    """The transaction each statement sent inside the block ran in (None outside of one)."""
    engine = engine_finder()
    assert engine is not None
    engine_class = type(engine)
    run_querystring = engine_class.run_querystring
    seen: list[object] = []

    async def watched(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        if self is engine:
            seen.append(self.current_transaction.get())
        return await run_querystring(self, querystring, *args, **kwargs)

    with patch.object(engine_class, "run_querystring", watched):
        yield seen


class _Unsent:
    async def send(self, mail: object) -> None:
        raise AssertionError("placing an order composes its mails; the handler sends them")


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(("role", "status"), [(Role.BUYER, "sent_to_seller"), (Role.REQUESTER, "awaiting_approval")])
async def test_submitting_an_order_of_5_or_50_lines_sends_the_same_few_statements_in_one_transaction(
    settings: Settings, role: Role, status: str
) -> None:
    products = await _products(55, "ORDER")
    signer = LinkSigner(settings.resolved_secret_key(), 3600)
    postbox = Postbox(build_environment(auto_reload=False), _Unsent(), "http://testserver")
    counted: dict[int, int] = {}
    for lines in (products[:5], products[5:]):
        company = await make_company()
        await CreditAccount.insert(
            CreditAccount(company=company, currency="PLN", credit_limit=Decimal("100000.00"), open_balance=Decimal(0))
        )
        author = await make_person(company, role)
        await make_person(company, Role.APPROVER)
        await _fill_cart(author, lines)
        caller = await author.scope()
        address = await DeliveryAddress.select(DeliveryAddress.id).where(DeliveryAddress.company == company).first()
        assert address is not None
        form = CheckoutForm(f"budget-key-{len(lines):04}-0000", "PO-1", str(address["id"]), "", "", False)

        with count_queries() as queries, _transactions_seen() as transactions:
            placed = await place_order(caller, form, signer, postbox)

        assert placed.status == status and placed.created
        assert await OrderLine.count().where(OrderLine.order == placed.order_id) == len(lines)
        assert await Order.exists().where((Order.id == placed.order_id) & (Order.status == OrderStatus(status)))
        # The author's confirmation, and for a requester the approver's request.
        assert len(placed.mails) == (2 if role is Role.REQUESTER else 1)
        assert len(transactions) == queries.count
        assert transactions[0] is not None and all(t is transactions[0] for t in transactions), queries.statements
        counted[len(lines)] = queries.count

    assert counted[5] == counted[50], counted
    assert counted[50] <= 10, counted
