"""The order page after the ERP's answer, as the buyer sees it: confirmed with the seller's number
and what changed beside what was ordered, refreshed without a reload; the decision on changed
prices; asking the seller to cancel a confirmed order."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from portal.accounts.roles import Role
from portal.integration.tables import OutboxEvent
from portal.mail import Postbox, mailer_for
from portal.ordering.confirmations import Acknowledgement, AcknowledgementOutcome, ConfirmedLine, record_acknowledgement
from portal.ordering.tables import Order, OrderStatus
from portal.web.templating import build_environment
from tests.aftersales.orders import ConfirmedOrder, make_confirmed_order
from tests.factories import Person, csrf_token, log_in, make_company, make_person

HTMX = {"HX-Request": "true"}


@pytest.fixture
def postbox(settings) -> Postbox:
    return Postbox(build_environment(auto_reload=False), mailer_for(settings), settings.base_url)


async def _logged_in_buyer(client: httpx.AsyncClient, status: OrderStatus) -> tuple[Person, ConfirmedOrder]:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    order = await make_confirmed_order(company, buyer.user_id, [5, 2], status=status)
    await log_in(client, buyer.email)
    return buyer, order


async def _answer(order: ConfirmedOrder, postbox: Postbox, *lines: ConfirmedLine) -> None:
    await record_acknowledgement(
        order.number,
        Acknowledgement(f"ack-{order.id}", AcknowledgementOutcome.ACCEPTED, erp_number="ZK/77", lines=lines),
        source="erp",
        tolerance_percent=Decimal("2"),
        postbox=postbox,
    )


async def _status(order_id: int) -> str:
    row = await Order.select(Order.status).where(Order.id == order_id).first()
    assert row is not None
    return str(row["status"])


async def test_the_open_page_refreshes_to_confirmed_with_the_erps_number_and_changes(client, postbox) -> None:
    _, order = await _logged_in_buyer(client, OrderStatus.SENT_TO_SELLER)
    before = await client.get(f"/orders/{order.id}")
    assert 'hx-trigger="sse:order-' in before.text and "ZK/77" not in before.text

    await _answer(order, postbox, ConfirmedLine(line=1, quantity=4))
    refreshed = await client.get(f"/orders/{order.id}", headers=HTMX)

    assert refreshed.status_code == 200
    # The fragment the live update swaps: the deliveries in place, the rest out of band.
    assert "<html" not in refreshed.text
    for part in (
        'id="order-state" hx-swap-oob="true"',
        'id="order-lines"',
        'id="order-details"',
        'id="order-timeline"',
    ):
        assert part in refreshed.text
    assert "Confirmed" in refreshed.text and "ZK/77" in refreshed.text
    assert 'class="changed"' in refreshed.text and "<del" in refreshed.text


async def test_the_buyer_accepts_changed_prices_on_the_page(client, postbox) -> None:
    _, order = await _logged_in_buyer(client, OrderStatus.SENT_TO_ERP)
    await _answer(order, postbox, ConfirmedLine(line=2, unit_price=Decimal("12.00")))
    page = await client.get(f"/orders/{order.id}")
    assert "Accept the new prices" in page.text and "Cancel the order" in page.text

    without_token = await client.post(f"/orders/{order.id}/accept-prices")
    assert without_token.status_code == 403 and await _status(order.id) == "awaiting_consent"
    accepted = await client.post(f"/orders/{order.id}/accept-prices", data={"_csrf_token": csrf_token(page.text)})

    assert accepted.status_code == 303
    assert await _status(order.id) == "confirmed"
    row = await Order.select(Order.net_total).where(Order.id == order.id).first()
    assert row is not None and Decimal(str(row["net_total"])) == Decimal("74.00")
    again = await client.get(f"/orders/{order.id}")
    assert "Accept the new prices" not in again.text and "Ask the seller to cancel" in again.text


async def test_the_buyer_cancels_instead_of_accepting_changed_prices(client, postbox) -> None:
    _, order = await _logged_in_buyer(client, OrderStatus.SENT_TO_SELLER)
    await _answer(order, postbox, ConfirmedLine(line=1, unit_price=Decimal("20")))
    page = await client.get(f"/orders/{order.id}")

    cancelled = await client.post(
        f"/orders/{order.id}/cancel", data={"_csrf_token": csrf_token(page.text), "reason": "Too dear"}
    )

    assert cancelled.status_code == 303 and await _status(order.id) == "cancelled"
    assert "Too dear" in (await client.get(f"/orders/{order.id}")).text


async def test_a_confirmed_order_offers_asking_the_seller_to_cancel_and_keeps_its_status(client) -> None:
    _, order = await _logged_in_buyer(client, OrderStatus.CONFIRMED)
    page = await client.get(f"/orders/{order.id}")
    assert "Ask the seller to cancel" in page.text and "Cancel the order" not in page.text

    asked = await client.post(
        f"/orders/{order.id}/cancellation-request",
        data={"_csrf_token": csrf_token(page.text), "reason": "Duplicate order"},
    )

    assert asked.status_code == 303 and await _status(order.id) == "confirmed"
    after = await client.get(f"/orders/{order.id}")
    assert "Cancellation requested" in after.text and "Duplicate order" in after.text
    assert "Ask the seller to cancel" not in after.text
    assert await OutboxEvent.exists().where(OutboxEvent.topic == "order.cancellation_requested")
    twice = await client.post(
        f"/orders/{order.id}/cancellation-request", data={"_csrf_token": csrf_token(after.text), "reason": ""}
    )
    assert twice.status_code == 409


async def test_a_colleague_who_neither_placed_nor_approves_the_order_cannot_decide(client, postbox) -> None:
    buyer, order = await _logged_in_buyer(client, OrderStatus.AWAITING_CONSENT)
    colleague = await make_person(buyer.company_id, Role.BUYER)
    await client.post("/logout", data={"_csrf_token": csrf_token((await client.get("/")).text)})
    await log_in(client, colleague.email)
    token = csrf_token((await client.get(f"/orders/{order.id}")).text)

    refused = await client.post(f"/orders/{order.id}/accept-prices", data={"_csrf_token": token})

    assert refused.status_code == 403 and await _status(order.id) == "awaiting_consent"


async def test_an_approver_of_the_company_may_decide(client) -> None:
    buyer, order = await _logged_in_buyer(client, OrderStatus.AWAITING_CONSENT)
    approver = await make_person(buyer.company_id, Role.APPROVER)
    await client.post("/logout", data={"_csrf_token": csrf_token((await client.get("/")).text)})
    await log_in(client, approver.email)
    token = csrf_token((await client.get(f"/orders/{order.id}")).text)

    accepted = await client.post(f"/orders/{order.id}/accept-prices", data={"_csrf_token": token})

    assert accepted.status_code == 303 and await _status(order.id) == "confirmed"
