"""The ERP's answer to an order: confirmed with its number and changed values, held for the
buyer's consent when a price rose beyond the tolerance, or rejected; each answer once; and the
buyer's request to cancel a confirmed order."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

import pytest

from portal.accounts.roles import Role
from portal.config import Settings
from portal.errors import Conflict, Invalid, NotFound
from portal.i18n import set_locale
from portal.integration.tables import OutboxEvent
from portal.live import LiveUpdates, use_live_updates
from portal.mail import Postbox, mailer_for
from portal.ordering.confirmations import (
    Acknowledgement,
    AcknowledgementOutcome,
    ConfirmedLine,
    accept_changed_prices,
    record_acknowledgement,
)
from portal.ordering.orders import cancel_order, order_detail, request_cancellation
from portal.ordering.tables import Order, OrderAcknowledgement, OrderEvent, OrderLine, OrderStatus
from portal.web.templating import build_environment
from tests.aftersales.orders import ConfirmedOrder, make_confirmed_order
from tests.factories import Person, make_company, make_person
from tests.mailbox import Mailbox

ACCEPTED = AcknowledgementOutcome.ACCEPTED
REJECTED = AcknowledgementOutcome.REJECTED
TOLERANCE = Decimal("2")


@pytest.fixture(autouse=True)
async def english() -> None:
    set_locale("en")


@pytest.fixture
def postbox(settings: Settings) -> Postbox:
    return Postbox(build_environment(auto_reload=False), mailer_for(settings), settings.base_url)


async def _placed(
    quantities: list[int], status: OrderStatus = OrderStatus.SENT_TO_SELLER, locale: str = "en"
) -> tuple[Person, ConfirmedOrder]:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER, locale=locale)
    return buyer, await make_confirmed_order(company, buyer.user_id, quantities, status=status)


async def _answer(number: str, answer: Acknowledgement, postbox: Postbox):
    return await record_acknowledgement(number, answer, source="erp", tolerance_percent=TOLERANCE, postbox=postbox)


async def _status(order_id: int) -> str:
    row = await Order.select(Order.status).where(Order.id == order_id).first()
    assert row is not None
    return str(row["status"])


async def test_an_accepted_order_is_confirmed_with_the_erps_number_and_values_as_ordered(db, postbox) -> None:
    buyer, order = await _placed([5, 3])

    result = await _answer(order.number, Acknowledgement("ack-1", ACCEPTED, erp_number="ZK/4711"), postbox)

    assert (result.status, result.recorded, result.erp_number) == (OrderStatus.CONFIRMED, True, "ZK/4711")
    detail = await order_detail(buyer.company_id, order.id)
    assert detail.summary.status == "confirmed" and detail.erp_number == "ZK/4711" and detail.confirmed_at
    assert [(line.confirmed_quantity, line.confirmed_unit_price) for line in detail.lines] == [
        (5, Decimal("10.0000")),
        (3, Decimal("10.0000")),
    ]
    assert not detail.any_line_changed
    assert [entry.status for entry in detail.timeline][-1] == "confirmed"
    events = await OutboxEvent.select(OutboxEvent.topic, OutboxEvent.payload)
    assert events[-1]["topic"] == "order.confirmed"


async def test_changed_lines_are_kept_beside_the_ordered_and_the_totals_follow_them_by_the_invoice_rules(
    db, postbox
) -> None:
    buyer, order = await _placed([5, 3])
    answer = Acknowledgement(
        "ack-2",
        ACCEPTED,
        erp_number="ZK/1",
        lines=[
            ConfirmedLine(line=1, quantity=4, delivery_on=date(2027, 1, 15)),
            # 1.5 % above 10.00: within the tolerance; 3 × 10.15 = 30.45.
            ConfirmedLine(sku=f"sku-{(await _product_of(order.line_ids[1]))}", unit_price=Decimal("10.15")),
        ],
    )

    result = await _answer(order.number, answer, postbox)

    assert result.status is OrderStatus.CONFIRMED
    detail = await order_detail(buyer.company_id, order.id)
    first, second = detail.lines
    assert first.quantity_changed and not first.price_changed and first.confirmed_delivery_on == date(2027, 1, 15)
    assert second.price_changed and not second.quantity_changed and second.confirmed_line_net == Decimal("30.45")
    assert detail.summary.net_total == Decimal("70.45")
    assert detail.vat_total == Decimal("16.20") and detail.summary.gross_total == Decimal("86.65")
    # The ordered values stay as they were.
    assert (first.quantity, second.unit_price) == (5, Decimal("10.0000"))


async def _product_of(line_id: int) -> int:
    row = await OrderLine.select(OrderLine.product).where(OrderLine.id == line_id).first()
    assert row is not None
    return int(row["product"])


async def test_a_price_above_the_tolerance_waits_for_the_buyer_who_accepts_it(db, postbox) -> None:
    buyer, order = await _placed([2])
    answer = Acknowledgement(
        "ack-3", ACCEPTED, erp_number="ZK/2", lines=[ConfirmedLine(line=1, unit_price=Decimal("10.21"))]
    )

    result = await _answer(order.number, answer, postbox)

    assert result.status is OrderStatus.AWAITING_CONSENT
    detail = await order_detail(buyer.company_id, order.id)
    assert detail.awaiting_consent and detail.confirmed_at is None
    assert detail.summary.net_total == Decimal("20.00") and detail.confirmed_net_total == Decimal("20.42")

    await accept_changed_prices(await buyer.scope(), order.id)

    detail = await order_detail(buyer.company_id, order.id)
    assert detail.summary.status == "confirmed" and detail.confirmed_at is not None
    assert detail.summary.net_total == Decimal("20.42") and detail.summary.gross_total == Decimal("25.12")
    consent = [entry for entry in detail.timeline if entry.status == "confirmed"]
    assert consent and consent[0].actor_name
    with pytest.raises(Conflict):
        await accept_changed_prices(await buyer.scope(), order.id)


async def test_a_buyer_who_does_not_want_the_new_prices_cancels(db, postbox) -> None:
    buyer, order = await _placed([2])
    answer = Acknowledgement(
        "ack-4", ACCEPTED, erp_number="ZK/3", lines=[ConfirmedLine(line=1, unit_price=Decimal("12"))]
    )
    await _answer(order.number, answer, postbox)

    await cancel_order(await buyer.scope(), order.id, "Too expensive")

    assert await _status(order.id) == "cancelled"
    detail = await order_detail(buyer.company_id, order.id)
    assert detail.timeline[-1].note == "Too expensive"
    with pytest.raises(Conflict):
        await accept_changed_prices(await buyer.scope(), order.id)


async def test_the_tolerance_is_a_share_of_the_ordered_price(db, postbox) -> None:
    _, order = await _placed([1])
    at_the_limit = Acknowledgement(
        "ack-5", ACCEPTED, erp_number="Z", lines=[ConfirmedLine(line=1, unit_price=Decimal("10.20"))]
    )

    assert (await _answer(order.number, at_the_limit, postbox)).status is OrderStatus.CONFIRMED


async def test_a_rejection_puts_the_reason_on_the_timeline(db, postbox) -> None:
    buyer, order = await _placed([1], OrderStatus.SENT_TO_ERP)

    result = await _answer(order.number, Acknowledgement("rej-1", REJECTED, reason="Out of production"), postbox)

    assert result.status is OrderStatus.REJECTED
    detail = await order_detail(buyer.company_id, order.id)
    assert (detail.timeline[-1].status, detail.timeline[-1].note) == ("rejected", "Out of production")


async def test_the_same_answer_again_changes_nothing_and_gets_the_first_result(db, postbox) -> None:
    _, order = await _placed([1])
    answer = Acknowledgement("ack-6", ACCEPTED, erp_number="ZK/6")
    await _answer(order.number, answer, postbox)
    events = await OrderEvent.count()

    again = await _answer(order.number, answer, postbox)

    assert (again.recorded, again.status, again.erp_number, again.mails) == (False, OrderStatus.CONFIRMED, "ZK/6", ())
    assert await OrderEvent.count() == events
    assert await OrderAcknowledgement.count() == 1


async def test_a_second_different_answer_is_refused(db, postbox) -> None:
    _, order = await _placed([1])
    await _answer(order.number, Acknowledgement("ack-7", ACCEPTED, erp_number="ZK/7"), postbox)

    with pytest.raises(Conflict, match="ack-7"):
        await _answer(order.number, Acknowledgement("ack-8", REJECTED, reason="Changed our mind"), postbox)
    assert await _status(order.id) == "confirmed"


async def test_an_event_id_of_another_orders_answer_is_refused(db, postbox) -> None:
    _, first = await _placed([1])
    _, second = await _placed([2])
    await _answer(first.number, Acknowledgement("ack-9", ACCEPTED, erp_number="ZK/9"), postbox)

    with pytest.raises(Conflict, match=first.number):
        await _answer(second.number, Acknowledgement("ack-9", ACCEPTED, erp_number="ZK/9"), postbox)
    assert await _status(second.id) == "sent_to_seller"


async def test_an_unknown_number_is_not_found(db, postbox) -> None:
    with pytest.raises(NotFound):
        await _answer("ZAM/2026/999999", Acknowledgement("x", ACCEPTED, erp_number="Z"), postbox)


@pytest.mark.parametrize("status", [OrderStatus.AWAITING_APPROVAL, OrderStatus.CANCELLED, OrderStatus.REJECTED])
async def test_an_order_not_with_the_seller_cannot_be_answered(db, postbox, status: OrderStatus) -> None:
    _, order = await _placed([1], status)

    with pytest.raises(Conflict):
        await _answer(order.number, Acknowledgement("ack-10", ACCEPTED, erp_number="Z"), postbox)
    assert await _status(order.id) == status.value
    assert await OrderAcknowledgement.count() == 0


async def test_lines_that_are_not_the_orders_are_refused_with_pointers(db, postbox) -> None:
    _, order = await _placed([1, 2])
    answer = Acknowledgement(
        "ack-11",
        ACCEPTED,
        erp_number="Z",
        lines=[
            ConfirmedLine(line=3, quantity=1),
            ConfirmedLine(sku="NOPE", quantity=1),
            ConfirmedLine(line=1),
            ConfirmedLine(line=1),
        ],
    )

    with pytest.raises(Invalid) as refused:
        await _answer(order.number, answer, postbox)

    assert set(refused.value.errors) == {"lines/0/line", "lines/1/sku", "lines/3"}
    assert await _status(order.id) == "sent_to_seller"


async def test_the_author_is_mailed_the_answer_in_their_language(db, postbox, mailbox: Mailbox) -> None:
    buyer, order = await _placed([5], locale="pl")
    answer = Acknowledgement("ack-12", ACCEPTED, erp_number="ZK/12", lines=[ConfirmedLine(line=1, quantity=4)])

    result = await _answer(order.number, answer, postbox)
    await postbox.send_all(result.mails)

    message = mailbox.last_to(buyer.email)
    assert message["Subject"] == f"Zamówienie {order.number} jest potwierdzone"
    text = Mailbox.text_of(message)
    assert "ZK/12" in text and f"/orders/{order.id}" in text and "SKU-" in text


async def test_a_rejection_and_a_price_change_are_mailed_too(db, postbox, mailbox: Mailbox) -> None:
    buyer, order = await _placed([1])
    _, dearer = await _placed([1])
    rejected = await _answer(order.number, Acknowledgement("r", REJECTED, reason="No stock"), postbox)
    changed = await _answer(
        dearer.number,
        Acknowledgement("c", ACCEPTED, erp_number="Z", lines=[ConfirmedLine(line=1, unit_price=Decimal("11"))]),
        postbox,
    )
    await postbox.send_all([*rejected.mails, *changed.mails])

    subjects = [message["Subject"] for message in mailbox.messages]
    assert f"Order {order.number} is rejected by the seller" in subjects
    assert f"Order {dearer.number}: the seller changed prices" in subjects
    assert "No stock" in Mailbox.text_of(mailbox.last_to(buyer.email))


async def test_the_answer_is_announced_to_the_orders_page(settings, db, postbox) -> None:
    buyer, order = await _placed([1])
    live = LiveUpdates.for_settings(settings)
    use_live_updates(live)
    async with live.listening():
        customer = live.stream([live.company_channel(buyer.company_id)])
        first = asyncio.ensure_future(anext(customer))
        async with asyncio.timeout(60):
            while not first.done():
                await live.announce(buyer.company_id, ["probe"])
                await asyncio.wait([first], timeout=0.1)
        await _answer(order.number, Acknowledgement("live-1", ACCEPTED, erp_number="Z"), postbox)
        async with asyncio.timeout(60):
            async for heard in customer:
                if heard == f"order-{order.id}":
                    break
        await customer.aclose()


async def test_after_confirmation_the_buyer_asks_the_seller_to_cancel(db, postbox) -> None:
    buyer, order = await _placed([1], OrderStatus.CONFIRMED)
    caller = await buyer.scope()

    with pytest.raises(Conflict):
        await cancel_order(caller, order.id, "")
    await request_cancellation(caller, order.id, "  Wrong address  ")

    detail = await order_detail(buyer.company_id, order.id)
    assert detail.summary.status == "confirmed" and detail.cancellation_requested_at is not None
    assert not detail.cancellation_requestable
    assert (detail.timeline[-1].status, detail.timeline[-1].note) == ("cancellation_requested", "Wrong address")
    event = (await OutboxEvent.select().output(load_json=True).order_by(OutboxEvent.id, ascending=False).first()) or {}
    assert event["topic"] == "order.cancellation_requested"
    assert event["payload"]["number"] == order.number and event["payload"]["reason"] == "Wrong address"
    with pytest.raises(Conflict):
        await request_cancellation(caller, order.id, "again")


async def test_an_order_before_confirmation_is_cancelled_not_asked_about(db) -> None:
    buyer, order = await _placed([1])

    with pytest.raises(Conflict):
        await request_cancellation(await buyer.scope(), order.id, "")
    assert await OutboxEvent.count() == 0


async def test_another_companys_order_cannot_be_asked_about_or_consented_to(db, postbox) -> None:
    _, order = await _placed([1], OrderStatus.AWAITING_CONSENT)
    stranger = await make_person(await make_company(), Role.BUYER)

    with pytest.raises(NotFound):
        await accept_changed_prices(await stranger.scope(), order.id)
    with pytest.raises(NotFound):
        await request_cancellation(await stranger.scope(), order.id, "")
