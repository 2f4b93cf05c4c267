"""Shipments: partial deliveries, the order following them, and tracking events however they
arrive (twice, late, from the office)."""

import asyncio
from collections.abc import AsyncGenerator
from datetime import UTC, datetime, time, timedelta

import pytest

from portal import clock
from portal.accounts.roles import Role
from portal.aftersales.shipments import (
    DeliveryFilters,
    ShipmentRequest,
    TrackingEvent,
    create_shipment,
    list_shipments,
    order_deliveries,
    record_event,
    shipment_detail,
)
from portal.aftersales.tables import Shipment, ShipmentEvent, ShipmentStatus
from portal.errors import Conflict, Invalid, NotAllowed, NotFound
from portal.live import LiveUpdates, use_live_updates
from portal.ordering.tables import Order, OrderLine, OrderStatus
from tests.aftersales.shipping import make_shop, ship
from tests.factories import make_company, make_person
from tests.mailbox import Mailbox

NOW = datetime.now(UTC).replace(microsecond=0)


async def _order_status(order_id: int) -> str:
    row = await Order.select(Order.status).where(Order.id == order_id).first()
    assert row is not None
    return str(row["status"])


def _event(status: ShipmentStatus, minutes_ago: int, event_id: str | None = None, place: str = "") -> TrackingEvent:
    return TrackingEvent(status, NOW - timedelta(minutes=minutes_ago), place, "", "dpd-feed", event_id)


async def test_a_partial_shipment_leaves_the_rest_to_ship_and_the_order_partly_shipped(db, postbox) -> None:
    shop = await make_shop([10, 4])
    first, second = shop.order.line_ids
    shipment = await ship(shop, {first: 6}, "DPD-1")
    await record_event(shipment, _event(ShipmentStatus.HANDED_TO_CARRIER, 30), postbox)

    deliveries = await order_deliveries(await shop.buyer.scope(), shop.order.id)
    assert [(line.shipped, line.to_ship) for line in deliveries.lines] == [(6, 4), (0, 4)]
    assert await _order_status(shop.order.id) == OrderStatus.PARTLY_SHIPPED

    rest = await ship(shop, {first: 4, second: 4}, "DPD-2")
    await record_event(rest, _event(ShipmentStatus.HANDED_TO_CARRIER, 20), postbox)
    assert await _order_status(shop.order.id) == OrderStatus.SHIPPED
    for shipment_id in (shipment, rest):
        await record_event(shipment_id, _event(ShipmentStatus.DELIVERED, 1), postbox)
    assert await _order_status(shop.order.id) == OrderStatus.DELIVERED


async def test_more_than_is_left_to_ship_is_refused_and_nothing_is_stored(db) -> None:
    shop = await make_shop([10])
    await ship(shop, {shop.order.line_ids[0]: 8}, "DPD-1")
    with pytest.raises(Invalid) as refused:
        await ship(shop, {shop.order.line_ids[0]: 3}, "DPD-2")
    assert "Only 2" in refused.value.errors[f"quantity-{shop.order.line_ids[0]}"]
    assert await Shipment.count() == 1


@pytest.mark.parametrize(
    ("request_fields", "field"),
    [
        ({"carrier": "pigeon"}, "carrier"),
        ({"tracking_numbers": []}, "tracking_numbers"),
        ({"tracking_numbers": ["X1", "X1"]}, "tracking_numbers"),
        ({"quantities": {}}, "lines"),
    ],
)
async def test_a_shipment_request_that_breaks_a_rule_names_the_field(db, request_fields, field) -> None:
    shop = await make_shop([5])
    values = {
        "carrier": "dpd",
        "tracking_numbers": ["DPD-9"],
        "quantities": {shop.order.line_ids[0]: 1},
        "dispatched_on": None,
        "expected_on": None,
    }
    with pytest.raises(Invalid) as refused:
        await create_shipment(await shop.office_scope(), shop.order.id, ShipmentRequest(**{**values, **request_fields}))
    assert field in refused.value.errors
    assert await Shipment.count() == 0


async def test_a_tracking_number_of_another_shipment_is_refused(db) -> None:
    shop = await make_shop([5, 5])
    await ship(shop, {shop.order.line_ids[0]: 5}, "SAME-1")
    with pytest.raises(Invalid) as refused:
        await ship(shop, {shop.order.line_ids[1]: 5}, "SAME-1")
    assert "SAME-1" in refused.value.errors["tracking_numbers"]


async def test_own_transport_needs_no_tracking_number(db) -> None:
    shop = await make_shop([5])
    shipment = await ship(shop, {shop.order.line_ids[0]: 5}, carrier="own")
    assert (await shipment_detail(await shop.office_scope(), shipment)).row.tracking == []


async def test_a_line_the_seller_confirmed_at_less_is_shipped_in_full_at_that_quantity(db, postbox) -> None:
    shop = await make_shop([10, 4])
    first, second = shop.order.line_ids
    await OrderLine.update({OrderLine.confirmed_quantity: 7}).where(OrderLine.id == first)

    deliveries = await order_deliveries(await shop.buyer.scope(), shop.order.id)
    assert [(line.ordered, line.to_ship) for line in deliveries.lines] == [(7, 7), (4, 4)]
    with pytest.raises(Invalid):
        await ship(shop, {first: 8}, "DPD-MORE")
    shipment = await ship(shop, {first: 7, second: 4}, "DPD-ALL")
    await record_event(shipment, _event(ShipmentStatus.HANDED_TO_CARRIER, 5), postbox)
    assert await _order_status(shop.order.id) == OrderStatus.SHIPPED


async def test_an_order_waiting_for_approval_cannot_be_shipped(db) -> None:
    shop = await make_shop([5])
    await Order.update({Order.status: OrderStatus.AWAITING_APPROVAL}).where(Order.id == shop.order.id)
    with pytest.raises(Conflict):
        await ship(shop, {shop.order.line_ids[0]: 5}, "DPD-1")


async def test_only_the_back_office_records_shipments_and_other_companies_see_nothing(db) -> None:
    shop = await make_shop([5])
    with pytest.raises(NotAllowed):
        await create_shipment(
            await shop.buyer.scope(),
            shop.order.id,
            ShipmentRequest("dpd", ["X"], {shop.order.line_ids[0]: 1}, None, None),
        )
    shipment = await ship(shop, {shop.order.line_ids[0]: 5}, "DPD-1")
    stranger = await make_person(await make_company("Obca Firma"), Role.BUYER)
    with pytest.raises(NotFound):
        await shipment_detail(await stranger.scope(), shipment)
    assert (await list_shipments(await stranger.scope(), DeliveryFilters(status="all")))[0] == []


async def test_the_same_event_id_twice_is_recorded_once(db, postbox) -> None:
    shop = await make_shop([5])
    shipment = await ship(shop, {shop.order.line_ids[0]: 5}, "DPD-1")
    first = await record_event(shipment, _event(ShipmentStatus.IN_TRANSIT, 10, "evt-1"), postbox)
    again = await record_event(shipment, _event(ShipmentStatus.IN_TRANSIT, 10, "evt-1"), postbox)
    assert (first.recorded, again.recorded) == (True, False)
    assert await ShipmentEvent.count().where(ShipmentEvent.external_id == "evt-1") == 1


async def test_a_late_event_takes_its_place_in_the_timeline_without_undoing_the_delivery(db, postbox) -> None:
    shop = await make_shop([5])
    shipment = await ship(shop, {shop.order.line_ids[0]: 5}, "DPD-1")
    await record_event(shipment, _event(ShipmentStatus.DELIVERED, 5, "evt-3", "Warszawa"), postbox)
    late = await record_event(shipment, _event(ShipmentStatus.IN_TRANSIT, 120, "evt-2", "Stryków"), postbox)

    assert late.status == ShipmentStatus.DELIVERED
    detail = await shipment_detail(await shop.buyer.scope(), shipment)
    carrier_events = [event.status for event in detail.events if event.source == "dpd-feed"]
    assert carrier_events == ["in_transit", "delivered"]
    assert detail.row.latest_event_place == "Warszawa"
    assert detail.row.delivered_at is not None


async def test_dispatch_and_a_failed_delivery_email_the_orders_owner(settings, db, mailbox: Mailbox, postbox) -> None:
    shop = await make_shop([5])
    shipment = await ship(shop, {shop.order.line_ids[0]: 5}, "DPD-77")
    handed = await record_event(shipment, _event(ShipmentStatus.HANDED_TO_CARRIER, 30, "a"), postbox)
    moving = await record_event(shipment, _event(ShipmentStatus.IN_TRANSIT, 20, "b"), postbox)
    failed = await record_event(shipment, _event(ShipmentStatus.DELIVERY_FAILED, 10, "c", "Kraków"), postbox)
    assert moving.mails == []
    await postbox.send_all(handed.mails + failed.mails)

    assert [m["Subject"] for m in mailbox.messages if m["To"] == shop.buyer.email] == [
        f"Your delivery {handed.mails[0].subject.split()[2]} is on its way",
        f"Delivery {handed.mails[0].subject.split()[2]} failed",
    ]
    text = Mailbox.text_of(mailbox.last_to(shop.buyer.email))
    assert "Kraków" in text and "DPD-77" not in text
    assert f"/deliveries/{shipment}" in text


async def _subscribed(live: LiveUpdates, company_id: int, *streams: AsyncGenerator[str, None]) -> None:
    """Announces a probe until every stream has heard one: from then on none misses an event.
    (A subscription starts when its stream is first read; an event before that is lost.)"""
    first = [asyncio.ensure_future(anext(stream)) for stream in streams]
    async with asyncio.timeout(60):
        while not all(task.done() for task in first):
            await live.announce(company_id, ["probe"])
            await asyncio.wait(first, timeout=0.1)


async def _hears(stream: AsyncGenerator[str, None], name: str) -> None:
    async with asyncio.timeout(60):
        async for heard in stream:
            if heard == name:
                return


async def test_a_recorded_event_is_announced_to_the_company_and_the_seller(settings, db, postbox) -> None:
    shop = await make_shop([5])
    shipment = await ship(shop, {shop.order.line_ids[0]: 5}, "DPD-1")
    live = LiveUpdates.for_settings(settings)
    use_live_updates(live)
    async with live.listening():
        customer = live.stream([live.company_channel(shop.buyer.company_id)])
        seller = live.stream([live.seller_channel])
        await _subscribed(live, shop.buyer.company_id, customer, seller)
        await record_event(shipment, _event(ShipmentStatus.IN_TRANSIT, 1), postbox)
        await _hears(customer, f"shipment-{shipment}")
        await _hears(seller, f"shipment-{shipment}")
        await customer.aclose()
        await seller.aclose()


async def test_the_carriers_first_scan_dates_the_dispatch_by_warsaws_calendar(db, postbox) -> None:
    """A parcel handed over at 00:30 in Warsaw was dated the day before, UTC's."""
    shop = await make_shop([5])
    shipment = await ship(shop, {shop.order.line_ids[0]: 5}, "DPD-NIGHT")
    yesterday = clock.today() - timedelta(days=1)
    handed_at = clock.at(yesterday, time(0, 30))
    assert handed_at.date() == yesterday - timedelta(days=1)  # the UTC calendar's day

    await record_event(
        shipment, TrackingEvent(ShipmentStatus.HANDED_TO_CARRIER, handed_at, "", "", "dpd-feed", "night"), postbox
    )
    row = await Shipment.select(Shipment.dispatched_on).where(Shipment.id == shipment).first()
    assert row is not None and row["dispatched_on"] == yesterday
