"""What complaints and conversations tell other systems through the outbox, written with the
change itself, and what they put in the back office's inbox."""

from __future__ import annotations

from typing import Any

import pytest

from portal.aftersales.complaints import StatusChange, change_status
from portal.aftersales.messages import complaint_thread, order_thread, post_message
from portal.backoffice.tables import Notification
from portal.errors import Conflict, Invalid
from portal.integration.tables import OutboxEvent
from portal.mail import Postbox
from tests.aftersales.test_complaints import LIMIT, deliver, file_complaint, make_world

pytestmark = pytest.mark.usefixtures("db")


async def _events(topic: str) -> list[dict[str, Any]]:
    rows = (
        await OutboxEvent.select(OutboxEvent.company_id, OutboxEvent.payload)
        .where(OutboxEvent.topic == topic)
        .order_by(OutboxEvent.id)
        .output(load_json=True)
    )
    return [{"company": row["company_id"], **row["payload"]} for row in rows]


async def test_a_filed_complaint_is_an_event_and_a_notification(postbox: Postbox) -> None:
    world = await make_world([10])
    (line,) = world.order.line_ids
    await deliver(world, {line: 10})

    filed = await file_complaint(world, postbox, {line: 2})

    assert await _events("complaint.created") == [
        {
            "company": str(world.customer),
            "complaint_id": filed.complaint_id,
            "number": filed.number,
            "order_number": world.order.number,
            "status": "submitted",
        }
    ]
    notes = await Notification.select(
        Notification.kind, Notification.about_complaint, Notification.about_order, Notification.number
    )
    assert notes == [
        {
            "kind": "complaint_filed",
            "about_complaint": filed.complaint_id,
            "about_order": world.order.id,
            "number": filed.number,
        }
    ]


async def test_a_refused_complaint_tells_nobody(postbox: Postbox) -> None:
    world = await make_world([10])
    (line,) = world.order.line_ids
    await deliver(world, {line: 10})

    with pytest.raises(Invalid):
        await file_complaint(world, postbox, {line: 11})

    assert await OutboxEvent.count().where(OutboxEvent.topic.like("complaint.%")) == 0
    assert await Notification.count() == 0


async def test_every_status_change_is_an_event_the_customers_answer_too(postbox: Postbox) -> None:
    world = await make_world([10])
    (line,) = world.order.line_ids
    await deliver(world, {line: 10})
    filed = await file_complaint(world, postbox, {line: 1})
    office, buyer = await world.office_scope(), await world.buyer_scope()

    await change_status(office, filed.complaint_id, StatusChange("under_review"), [], postbox, max_upload_bytes=LIMIT)
    await change_status(
        office,
        filed.complaint_id,
        StatusChange("more_information", note="Numer partii?"),
        [],
        postbox,
        max_upload_bytes=LIMIT,
    )
    await post_message(
        buyer, await complaint_thread(buyer, filed.complaint_id), "Partia 7.", [], postbox, max_upload_bytes=LIMIT
    )

    changes = await _events("complaint.status_changed")
    assert [(e["complaint_id"], e["number"], e["order_number"], e["status"]) for e in changes] == [
        (filed.complaint_id, filed.number, world.order.number, "under_review"),
        (filed.complaint_id, filed.number, world.order.number, "more_information"),
        (filed.complaint_id, filed.number, world.order.number, "under_review"),
    ]


async def test_a_refused_move_writes_no_event(postbox: Postbox) -> None:
    world = await make_world([10])
    (line,) = world.order.line_ids
    await deliver(world, {line: 10})
    filed = await file_complaint(world, postbox, {line: 1})

    with pytest.raises(Conflict):
        await change_status(
            await world.office_scope(), filed.complaint_id, StatusChange("closed"), [], postbox, max_upload_bytes=LIMIT
        )

    assert await _events("complaint.status_changed") == []


async def test_messages_of_both_sides_are_events_and_only_the_customers_a_notification(postbox: Postbox) -> None:
    world = await make_world([3])
    buyer, office = await world.buyer_scope(), await world.office_scope()
    long_text = "Proszę o kontakt. " * 30

    await post_message(buyer, await order_thread(buyer, world.order.id), long_text, [], postbox, max_upload_bytes=LIMIT)
    await post_message(
        office, await order_thread(office, world.order.id), "Dzwonimy.", [], postbox, max_upload_bytes=LIMIT
    )

    created = await _events("message.created")
    assert [(e["author_side"], e["thread"], e["order_id"], e["order_number"], e["complaint_id"]) for e in created] == [
        ("customer", f"order:{world.order.id}", world.order.id, world.order.number, None),
        ("seller", f"order:{world.order.id}", world.order.id, world.order.number, None),
    ]
    assert created[0]["excerpt"].startswith("Proszę o kontakt.") and len(created[0]["excerpt"]) <= 200
    assert created[1]["excerpt"] == "Dzwonimy."
    assert await Notification.count().where(Notification.kind == "customer_message") == 1


async def test_a_message_on_a_complaint_names_the_complaint_and_its_order(postbox: Postbox) -> None:
    world = await make_world([10])
    (line,) = world.order.line_ids
    await deliver(world, {line: 10})
    filed = await file_complaint(world, postbox, {line: 1})
    buyer = await world.buyer_scope()

    await post_message(
        buyer, await complaint_thread(buyer, filed.complaint_id), "Zdjęcia", [], postbox, max_upload_bytes=LIMIT
    )

    (event,) = await _events("message.created")
    assert (event["complaint_id"], event["complaint_number"], event["order_id"], event["order_number"]) == (
        filed.complaint_id,
        filed.number,
        world.order.id,
        world.order.number,
    )
    message = (
        await Notification.select(Notification.about_complaint).where(Notification.kind == "customer_message").first()
    )
    assert message == {"about_complaint": filed.complaint_id}
