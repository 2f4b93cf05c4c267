"""When the ERP is down, ordering goes on: an order unconfirmed past the expected time says it
waits for confirmation, stock older than its cadence is shown as to be confirmed, and credit
counts the unconfirmed orders, so an outage cannot let a customer past its limit several times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import time_machine

from portal.accounts.roles import Role
from portal.catalog.tables import Stock, Warehouse
from portal.finance.tables import CreditAccount
from portal.integration.tables import BatchLog
from portal.ordering.grid import grid_rows
from portal.ordering.orders import OrderFilters, list_orders
from portal.ordering.tables import Order, OrderEvent, OrderStatus
from portal.ordering.unconfirmed import confirmation_wait, list_waits
from tests.aftersales.orders import make_confirmed_order
from tests.factories import csrf_token, log_in, make_company, make_person, make_priced_product
from tests.ordering.test_checkout import HTMX, _form
from tests.query_counter import count_queries

NOW = datetime(2027, 3, 10, 13, 0, tzinfo=UTC)
EXPECTED = timedelta(minutes=30)


async def order_sent_at(
    company_id: int, user_id: int, status: OrderStatus, sent_at: datetime, placed_at: datetime | None = None
) -> int:
    """An order that went to the seller at `sent_at` (its timeline says so) and is now in `status`."""
    order = await make_confirmed_order(company_id, user_id, [1], number=f"ZAM/2027/{sent_at:%H%M}{status.value[:6]}")
    await Order.update({Order.status: status, Order.created_at: placed_at or sent_at}).where(Order.id == order.id)
    await OrderEvent.insert(OrderEvent(order=order.id, status=OrderStatus.SENT_TO_SELLER, created_at=sent_at))
    return order.id


def test_an_order_waits_for_confirmation_only_with_the_erp_and_past_the_expected_time() -> None:
    sent = NOW - timedelta(minutes=45)

    assert confirmation_wait("sent_to_seller", sent, NOW, EXPECTED) is not None
    wait = confirmation_wait("sent_to_erp", sent, NOW, EXPECTED)
    assert wait is not None and wait.since == sent and wait.waited == timedelta(minutes=45)
    assert confirmation_wait("sent_to_erp", NOW - timedelta(minutes=29), NOW, EXPECTED) is None
    assert confirmation_wait("confirmed", sent, NOW, EXPECTED) is None
    assert confirmation_wait("awaiting_approval", sent, NOW, EXPECTED) is None


async def test_the_wait_counts_from_when_the_order_went_to_the_seller_not_from_when_it_was_placed(db: None) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    # Placed three days ago, approved (and so sent to the seller) ten minutes ago.
    approved = await order_sent_at(
        company,
        buyer.user_id,
        OrderStatus.SENT_TO_SELLER,
        NOW - timedelta(minutes=10),
        placed_at=NOW - timedelta(days=3),
    )
    late = await order_sent_at(company, buyer.user_id, OrderStatus.SENT_TO_ERP, NOW - timedelta(minutes=31))

    found, _ = await list_orders(await buyer.scope(), OrderFilters())
    waits = await list_waits(found, NOW, EXPECTED)

    assert list(waits) == [late]
    assert approved not in waits and waits[late].since == NOW - timedelta(minutes=31)


async def test_the_buyer_sees_which_orders_wait_for_confirmation_and_since_when(client: httpx.AsyncClient) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    waiting = await order_sent_at(company, buyer.user_id, OrderStatus.SENT_TO_ERP, NOW - timedelta(minutes=75))
    fresh = await order_sent_at(company, buyer.user_id, OrderStatus.SENT_TO_SELLER, NOW - timedelta(minutes=5))
    confirmed = await order_sent_at(company, buyer.user_id, OrderStatus.CONFIRMED, NOW - timedelta(hours=5))

    with time_machine.travel(NOW, tick=False):
        await log_in(client, buyer.email)
        listed = (await client.get("/orders")).text
        waiting_page = (await client.get(f"/orders/{waiting}")).text
        fresh_page = (await client.get(f"/orders/{fresh}")).text
        confirmed_page = (await client.get(f"/orders/{confirmed}")).text

    rows = {row.split('href="/orders/')[1].split('"')[0]: row for row in listed.split("<tr>")[2:]}
    assert "Waiting for confirmation since" in rows[str(waiting)] and "1 hour" in rows[str(waiting)]
    assert "Waiting for confirmation" not in rows[str(fresh)] + rows[str(confirmed)]
    assert "Waiting for confirmation since" in waiting_page and "has not confirmed it yet" in waiting_page
    assert "Waiting for confirmation" not in fresh_page + confirmed_page


async def test_the_notice_goes_when_the_open_page_refreshes_on_the_erps_confirmation(
    client: httpx.AsyncClient,
) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    waiting = await order_sent_at(company, buyer.user_id, OrderStatus.SENT_TO_ERP, NOW - timedelta(minutes=50))

    with time_machine.travel(NOW, tick=False):
        await log_in(client, buyer.email)
        before = (await client.get(f"/orders/{waiting}", headers=HTMX)).text
        await Order.update({Order.status: OrderStatus.CONFIRMED}).where(Order.id == waiting)
        after = (await client.get(f"/orders/{waiting}", headers=HTMX)).text

    assert '<div id="confirmation-wait" hx-swap-oob="true"><p' in before and "Waiting for confirmation" in before
    assert '<div id="confirmation-wait" hx-swap-oob="true"></div>' in after


async def test_the_wait_is_told_in_polish(client: httpx.AsyncClient) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER, locale="pl")
    waiting = await order_sent_at(company, buyer.user_id, OrderStatus.SENT_TO_ERP, NOW - timedelta(minutes=40))

    with time_machine.travel(NOW, tick=False):
        await log_in(client, buyer.email)
        page = (await client.get(f"/orders/{waiting}")).text

    assert "Czeka na potwierdzenie od" in page and "40 minut" in page


async def test_an_outage_cannot_let_a_customer_past_its_limit_with_orders_nobody_confirmed(
    client: httpx.AsyncClient,
) -> None:
    """The ERP confirms nothing, yet each order placed meanwhile counts against the limit: the
    order that would go over it is refused at checkout."""
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await CreditAccount.insert(
        CreditAccount(company=company, credit_limit=Decimal("3000.00"), open_balance=Decimal("0.00"))
    )
    product = await make_priced_product("100.00", sku=f"OUT-{buyer.user_id}")
    await log_in(client, buyer.email)

    async def check_out() -> httpx.Response:
        token = csrf_token((await client.get("/")).text)
        await client.post(
            "/cart/lines", data={"product_id": product, "quantity": "10", "_csrf_token": token}, headers=HTMX
        )
        return await client.post("/checkout", data=_form((await client.get("/checkout")).text))

    first = await check_out()  # 1 230.00 gross of 3 000.00
    assert first.status_code == 303
    # The ERP took the first one from the feed and went quiet: it is sent, never confirmed.
    await Order.update({Order.status: OrderStatus.SENT_TO_ERP}).where(Order.company == company)
    second = await check_out()  # 2 460.00 of 3 000.00
    assert second.status_code == 303
    third = await check_out()  # would be 3 690.00

    assert third.status_code == 422
    assert "over your available credit of PLN540.00" in third.text
    statuses = await Order.select(Order.status).where(Order.company == company).order_by(Order.id)
    assert [row["status"] for row in statuses] == ["sent_to_erp", "sent_to_seller"]


async def _stocked_product(sku: str) -> int:
    product = await make_priced_product("10.00", sku=sku)
    warehouse = await Warehouse.insert(Warehouse(code=sku[:10], name="Centralny", city="Warszawa")).returning(
        Warehouse.id
    )
    await Stock.insert(Stock(product=product, warehouse=warehouse[0]["id"], available=120))
    return product


async def _stock_batch(at: datetime, applied: bool = True) -> None:
    await BatchLog.insert(BatchLog(resource="stock", received_at=at, applied=applied))


async def test_stock_older_than_its_cadence_is_to_be_confirmed_from_when_it_dates(db: None) -> None:
    product = await _stocked_product("STALE-1")
    buyer = await (await make_person(await make_company(), Role.BUYER)).scope()

    async def unconfirmed_since() -> datetime | None:
        with time_machine.travel(NOW, tick=False):
            return (await grid_rows(buyer, [product]))[0].stock.unconfirmed_since

    # Never sent by the ERP: nothing to judge its age by.
    assert await unconfirmed_since() is None
    await _stock_batch(NOW - timedelta(minutes=20))
    with count_queries() as queries:
        assert await unconfirmed_since() == NOW - timedelta(minutes=20)
    # The figures' age is a column of the rows' one statement, not a lookup of its own.
    assert queries.count == 1, queries.statements
    # A batch refused as a whole refreshed nothing; one applied within the cadence (5 minutes) did.
    await _stock_batch(NOW - timedelta(minutes=2), applied=False)
    assert await unconfirmed_since() == NOW - timedelta(minutes=20)
    await _stock_batch(NOW - timedelta(minutes=4))
    assert await unconfirmed_since() is None


async def test_the_buyer_sees_stale_stock_as_to_be_confirmed_and_orders_on(client: httpx.AsyncClient) -> None:
    product = await _stocked_product("STALE-2")
    buyer = await make_person(await make_company(), Role.BUYER)
    await _stock_batch(NOW - timedelta(hours=2))

    with time_machine.travel(NOW, tick=False):
        await log_in(client, buyer.email)
        grid = (await client.get("/order", params={"q": "STALE-2"})).text
        product_page = (await client.get(f"/products/{product}")).text
        token = csrf_token(grid)
        added = await client.post(
            "/cart/lines", data={"product_id": product, "quantity": "3", "_csrf_token": token}, headers=HTMX
        )

    row = grid.split(f'id="product-{product}"')[1].split("</tr>")[0]
    assert "≈ 120" in row and "to be confirmed" in row
    assert 'id="stock-unconfirmed"' in product_page and "≈ 120" in product_page
    assert added.status_code == 200 and "Added 3" in added.text


async def test_fresh_stock_is_shown_as_it_is(client: httpx.AsyncClient) -> None:
    await _stocked_product("FRESH-1")
    buyer = await make_person(await make_company(), Role.BUYER)
    await _stock_batch(NOW - timedelta(minutes=1))

    with time_machine.travel(NOW, tick=False):
        await log_in(client, buyer.email)
        grid = (await client.get("/order", params={"q": "FRESH-1"})).text

    assert "120" in grid and "≈" not in grid and "to be confirmed" not in grid
