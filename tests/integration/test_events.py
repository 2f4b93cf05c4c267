"""The way out: the relay numbers events without gaps in the order they became visible, the feed
hands them to an ERP after a position (long-polling when there is nothing yet), remembers how
far each integration has read and marks the orders it received as sent; an order's document
is in its events and behind `GET /api/v1/orders/<number>`."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest

from portal import clock
from portal.accounts.roles import Role
from portal.accounts.tables import Company
from portal.database import write_transaction
from portal.integration.api_keys import create_api_key
from portal.integration.events import delete_events_before, feed_consumers, read_feed, relay_events
from portal.integration.outbox import emit
from portal.integration.scopes import Scope
from portal.integration.tables import OutboxEvent
from portal.ordering.orders import SUBMITTED_TOPIC, record_first_status
from portal.ordering.tables import Order, OrderStatus
from tests.aftersales.orders import make_confirmed_order
from tests.factories import make_company, make_person


async def _placed_order(quantities: list[int] | None = None) -> tuple[int, str, int]:
    """An order just placed and going to the seller, with its submitted event: (id, number, company)."""
    company = await make_company()
    await Company.update({Company.code: f"K-{company}"}).where(Company.id == company)
    buyer = await make_person(company, Role.BUYER)
    order = await make_confirmed_order(company, buyer.user_id, quantities or [3, 5])
    async with write_transaction(Order._meta.db):
        await Order.update({Order.status: OrderStatus.SENT_TO_SELLER}).where(Order.id == order.id)
        await record_first_status(
            order.id, order.number, company, OrderStatus.SENT_TO_SELLER, buyer.user_id, topic=SUBMITTED_TOPIC
        )
    return order.id, order.number, company


async def _key(*scopes: Scope, name: str = "erp") -> dict[str, str]:
    return {"Authorization": f"Bearer {await create_api_key(name, set(scopes))}"}


async def test_the_relay_numbers_events_in_the_order_they_became_visible_not_by_id(db: None) -> None:
    await emit("complaint.created", 1, {"n": 1})
    await emit("complaint.created", 1, {"n": 2})
    first = await relay_events()
    # An event whose transaction took an earlier id but committed later (id 1 is free again).
    await OutboxEvent.delete().where(OutboxEvent.position == 1)
    await OutboxEvent.insert(OutboxEvent(id=1, topic="complaint.created", company_id="1", payload={"n": 0}))
    late = await relay_events()

    assert [(event.position, event.data["n"]) for event in first] == [(1, 1), (2, 2)]
    assert [(event.position, event.data["n"]) for event in late] == [(3, 0)]
    assert await relay_events() == []


async def test_relays_and_writers_running_at_once_leave_no_gap_and_no_double(db: None) -> None:
    async def write(count: int) -> None:
        for n in range(count):
            await emit("message.created", 1, {"n": n})

    async def relay_until_quiet() -> list[int]:
        positions: list[int] = []
        for _round in range(20):
            positions += [event.position for event in await relay_events(limit=7)]
        return positions

    _, _, *relayed = await asyncio.gather(
        write(40), write(40), relay_until_quiet(), relay_until_quiet(), relay_until_quiet()
    )
    while batch := await relay_events():
        relayed.append([event.position for event in batch])

    published = sorted(position for positions in relayed for position in positions)
    assert published == list(range(1, 81))
    stored = [row["position"] for row in await OutboxEvent.select(OutboxEvent.position).order_by(OutboxEvent.id)]
    assert sorted(stored) == list(range(1, 81))


async def test_an_order_event_carries_the_order_document_the_erp_needs(db: None) -> None:
    order_id, number, _company = await _placed_order([3, 5])

    [event] = await relay_events()

    assert event.topic == "order.submitted" and event.subject == f"order:{order_id}"
    document = event.data["order"]
    assert document["number"] == number and document["status"] == "sent_to_seller"
    assert document["customer"]["erp_code"] == f"K-{_company}"
    assert [(line["line"], line["quantity"], line["unit_price"]) for line in document["lines"]] == [
        (1, 3, "10.0000"),
        (2, 5, "10.0000"),
    ]
    assert document["po_number"] == "PO-1" and document["delivery_address"]["city"] == "Warszawa"
    assert document["approved_by"] == [] and document["totals"]["net"] == "80.00"


async def test_the_feed_gives_events_after_a_position_and_remembers_how_far_the_erp_read(
    client: httpx.AsyncClient,
) -> None:
    _order_id, number, _company = await _placed_order()
    await emit("complaint.created", 1, {"complaint": 7})
    await relay_events()
    headers = await _key(Scope.EVENTS)

    first = (await client.get("/api/v1/events", params={"after": 0, "limit": 1}, headers=headers)).json()
    rest = (await client.get("/api/v1/events", params={"after": first["next_after"]}, headers=headers)).json()
    again = (await client.get("/api/v1/events", params={"after": rest["next_after"]}, headers=headers)).json()

    assert [event["id"] for event in first["events"]] == ["evt_1"] and first["head"] == 2
    assert first["events"][0]["data"]["order"]["number"] == number
    assert [event["type"] for event in rest["events"]] == ["complaint.created"]
    assert again == {"events": [], "next_after": 2, "head": 2}
    [consumer] = await feed_consumers()
    assert (consumer.name, consumer.position, consumer.behind) == ("erp", 2, 0)


async def _status(order_id: int) -> str:
    row = await Order.select(Order.status).where(Order.id == order_id).first()
    assert row is not None
    return str(row["status"])


async def test_an_order_the_erp_has_read_past_is_sent_and_says_so_in_a_new_event(client: httpx.AsyncClient) -> None:
    order_id, _number, _company = await _placed_order()
    await relay_events()
    headers = await _key(Scope.EVENTS)

    await client.get("/api/v1/events", params={"after": 0}, headers=headers)
    assert await _status(order_id) == "sent_to_seller"
    await client.get("/api/v1/events", params={"after": 1}, headers=headers)

    assert await _status(order_id) == "sent_to_erp"
    [sent] = await relay_events()
    assert (sent.topic, sent.data["status"], sent.data["order"]["status"]) == (
        "order.status_changed",
        "sent_to_erp",
        "sent_to_erp",
    )


async def test_a_waiting_reader_gets_an_event_as_soon_as_it_is_published(db: None) -> None:
    reading = asyncio.create_task(read_feed("erp", 0, wait_seconds=30))
    await emit("message.created", 1, {"text": "hello"})
    await relay_events()

    page = await asyncio.wait_for(reading, timeout=30)

    assert [event.data for event in page.events] == [{"text": "hello"}]


@pytest.mark.parametrize(
    ("parameters", "status", "detail"),
    [
        ({"after": "5"}, 409, "past the newest event"),
        ({"after": "-1"}, 422, "after must be a whole number"),
        ({"after": "x"}, 422, "after must be a whole number"),
        ({"limit": "100000"}, 422, "limit must be a whole number"),
        ({"wait": "61"}, 422, "wait must be a whole number"),
    ],
)
async def test_a_position_the_feed_cannot_continue_from_is_a_clear_problem(
    client: httpx.AsyncClient, parameters: dict[str, str], status: int, detail: str
) -> None:
    await emit("message.created", 1, {})
    await relay_events()

    response = await client.get("/api/v1/events", params=parameters, headers=await _key(Scope.EVENTS))

    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert detail in response.json()["detail"]


async def test_events_older_than_the_retention_are_gone_and_an_erp_that_asks_for_them_is_told(
    client: httpx.AsyncClient,
) -> None:
    for n in range(3):
        await emit("message.created", 1, {"n": n})
    await relay_events()

    deleted = await delete_events_before(clock.now() + timedelta(days=1))

    # The newest stays: the next event's position counts on it.
    assert deleted == 2
    response = await client.get("/api/v1/events", params={"after": 0}, headers=await _key(Scope.EVENTS))
    assert response.status_code == 410 and "no longer kept" in response.json()["detail"]
    await emit("message.created", 1, {"n": 3})
    [fourth] = await relay_events()
    assert fourth.position == 4


async def test_the_feed_and_the_order_need_their_own_scopes(client: httpx.AsyncClient) -> None:
    _order_id, number, _company = await _placed_order()
    stock_only = await _key(Scope.STOCK, name="stock")

    assert (await client.get("/api/v1/events", headers=stock_only)).status_code == 403
    assert (await client.get(f"/api/v1/orders/{number}", headers=stock_only)).status_code == 403
    assert (await client.get("/api/v1/events")).status_code == 401


async def test_the_erp_reads_an_order_by_its_number_with_or_without_encoded_slashes(
    client: httpx.AsyncClient,
) -> None:
    _order_id, number, _company = await _placed_order([2])
    headers = await _key(Scope.ORDERS)

    plain = await client.get(f"/api/v1/orders/{number}", headers=headers)
    encoded = await client.get(f"/api/v1/orders/{number.replace('/', '%2F')}", headers=headers)
    unknown = await client.get("/api/v1/orders/ZAM/1999/000001", headers=headers)

    assert plain.status_code == 200 and plain.json() == encoded.json()
    document: dict[str, Any] = plain.json()
    assert document["number"] == number and [line["quantity"] for line in document["lines"]] == [2]
    assert unknown.status_code == 404 and "ZAM/1999/000001" in unknown.json()["detail"]
