"""Webhooks: each published event goes to each subscribed endpoint exactly as Standard Webhooks
says (one `webhook-id` on every attempt, signed with the endpoint's secret, two signatures while
a secret rotates), in order per subject, retried on a schedule of about three days, after which
an endpoint that never succeeded is disabled and the seller's administrators told. Replays send
the same ids again."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from portal import clock
from portal.accounts import Scope
from portal.accounts.roles import Role
from portal.accounts.tables import AuditEntry, CompanyKind
from portal.errors import NotFound
from portal.integration.events import relay_events
from portal.integration.outbox import emit
from portal.integration.tables import WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint
from portal.integration.webhook_endpoints import (
    EndpointView,
    check_endpoint_form,
    create_webhook_endpoint,
    delete_webhook_endpoint,
    rotate_webhook_secret,
    set_webhook_enabled,
    webhook_endpoint,
)
from portal.integration.webhooks import (
    LEASE,
    RETRY_DELAYS,
    claim_due_deliveries,
    delete_deliveries_finished_before,
    dispatch_due_deliveries,
    recent_deliveries,
    record_outcome,
    replay_events,
    send_delivery,
)
from portal.mail import Postbox
from portal.ordering.tables import Order, OrderStatus
from portal.outgoing.guard import Guard
from tests.factories import Person, make_company, make_person
from tests.integration.test_events import _placed_order
from tests.integration.webhook_receiver import Receiver, running_receiver
from tests.mailbox import Mailbox

LOCAL = Guard(allow_local_http=True)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture
async def seller_admin(db: None) -> Person:
    seller = await make_company("Hurtownia", kind=CompanyKind.SELLER)
    return await make_person(seller, Role.SELLER_ADMIN, email="admin@hurtownia.example")


@pytest.fixture
async def caller(seller_admin: Person) -> Scope:
    return await seller_admin.scope()


async def endpoint_for(caller: Scope, receiver: Receiver, *topics: str, path: str = "/hook") -> EndpointView:
    form = await check_endpoint_form(LOCAL, receiver.url(path), "ERP", topics or ("complaint.created",))
    return await create_webhook_endpoint(caller, form)


async def publish(*events: tuple[str, str]) -> None:
    """Events (topic, subject) written and published, as the relay does every second."""
    for topic, subject in events:
        await emit(topic, 1, {"subject": subject}, subject=subject)
    await relay_events()


async def dispatch(postbox: Postbox, guard: Guard = LOCAL) -> int:
    async with guard.client() as http:
        return await dispatch_due_deliveries(http, postbox)


async def deliveries() -> list[dict[str, Any]]:
    return await WebhookDelivery.select().order_by(WebhookDelivery.id)


# --- what a receiver gets ----------------------------------------------------------------------


async def test_a_delivery_is_the_event_signed_so_the_receiver_verifies_it(
    caller: Scope, receiver: Receiver, postbox: Postbox
) -> None:
    endpoint = await endpoint_for(caller, receiver)
    await publish(("complaint.created", "complaint:7"))

    assert await dispatch(postbox) == 1

    [request] = receiver.received
    assert endpoint.secret.startswith("whsec_")
    payload = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert request.headers["webhook-id"] == "evt_1" and request.headers["content-type"] == "application/json"
    assert payload == {
        "id": "evt_1",
        "position": 1,
        "type": "complaint.created",
        "timestamp": payload["timestamp"],
        "data": {"subject": "complaint:7"},
    }
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 43 + "=").verify(request.body, request.headers)
    [delivery] = await deliveries()
    assert delivery["status"] == WebhookDeliveryStatus.DELIVERED and delivery["attempts"] == 1


async def test_only_subscribed_enabled_endpoints_get_an_event(
    caller: Scope, receiver: Receiver, postbox: Postbox
) -> None:
    await endpoint_for(caller, receiver, "order.submitted", path="/orders")
    complaints = await endpoint_for(caller, receiver, "complaint.created", path="/complaints")
    disabled = await endpoint_for(caller, receiver, "complaint.created", path="/off")
    await set_webhook_enabled(caller, disabled.id, False)

    await publish(("complaint.created", "complaint:1"), ("message.created", "thread:1"))
    await dispatch(postbox)

    assert [(r.path, r.headers["webhook-id"]) for r in receiver.received] == [("/complaints", "evt_1")]
    assert [row["endpoint"] for row in await deliveries()] == [complaints.id]


async def test_while_a_secret_rotates_deliveries_carry_both_signatures(
    caller: Scope, receiver: Receiver, postbox: Postbox
) -> None:
    old = await endpoint_for(caller, receiver)
    rotated = await rotate_webhook_secret(caller, old.id)
    await publish(("complaint.created", "complaint:1"))
    await dispatch(postbox)

    [request] = receiver.received
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    Webhook(old.secret).verify(request.body, request.headers)
    Webhook(rotated.secret).verify(request.body, request.headers)

    with time_machine.travel(clock.now() + timedelta(hours=24, seconds=1), tick=False):
        await publish(("complaint.created", "complaint:2"))
        await dispatch(postbox)
        later = receiver.received[1]
        Webhook(rotated.secret).verify(later.body, later.headers)
        assert len(later.headers["webhook-signature"].split(" ")) == 1
        with pytest.raises(WebhookVerificationError):
            Webhook(old.secret).verify(later.body, later.headers)


async def test_a_delivered_order_event_marks_the_order_received_by_the_erp(
    caller: Scope, receiver: Receiver, postbox: Postbox
) -> None:
    await endpoint_for(caller, receiver, "order.submitted")
    order_id, number, _company = await _placed_order()
    await relay_events()
    receiver.answer("evt_1", 500)

    await dispatch(postbox)
    assert (await Order.select(Order.status).where(Order.id == order_id).first()) == {
        "status": OrderStatus.SENT_TO_SELLER
    }

    with time_machine.travel(clock.now() + RETRY_DELAYS[0], tick=False):
        await dispatch(postbox)
    assert json.loads(receiver.received[-1].body)["data"]["order"]["number"] == number
    assert (await Order.select(Order.status).where(Order.id == order_id).first()) == {"status": OrderStatus.SENT_TO_ERP}


# --- order and retries ---------------------------------------------------------------------


async def test_a_failing_delivery_holds_the_next_of_its_order_but_not_another_orders(
    caller: Scope, receiver: Receiver, postbox: Postbox
) -> None:
    await endpoint_for(caller, receiver, "order.submitted", "order.status_changed")
    await publish(("order.submitted", "order:1"), ("order.status_changed", "order:1"), ("order.submitted", "order:2"))
    receiver.answer("evt_1", 503)

    await dispatch(postbox)
    assert sorted(receiver.ids()) == ["evt_1", "evt_3"]

    with time_machine.travel(clock.now() + RETRY_DELAYS[0], tick=False):
        await dispatch(postbox)
    assert receiver.ids()[2:] == ["evt_1", "evt_2"]
    statuses = [row["status"] for row in await deliveries()]
    assert statuses == [WebhookDeliveryStatus.DELIVERED] * 3


async def test_a_failing_endpoint_is_retried_on_the_schedule_then_disabled_and_its_admins_told(
    caller: Scope, seller_admin: Person, receiver: Receiver, postbox: Postbox, mailbox: Mailbox
) -> None:
    endpoint = await endpoint_for(caller, receiver)
    await publish(("complaint.created", "complaint:1"))
    receiver.answer("/hook", *[500] * (len(RETRY_DELAYS) + 1))
    moment = clock.now()

    await dispatch(postbox)
    for delay in RETRY_DELAYS:
        [delivery] = await deliveries()
        assert delivery["status"] == WebhookDeliveryStatus.PENDING
        assert delivery["next_attempt_at"] - moment == pytest.approx(delay, abs=timedelta(seconds=1))
        with time_machine.travel(moment + delay - timedelta(seconds=2), tick=False):
            assert await dispatch(postbox) == 0
        moment = delivery["next_attempt_at"]
        with time_machine.travel(moment, tick=False):
            assert await dispatch(postbox) == 1

    [delivery] = await deliveries()
    assert delivery["status"] == WebhookDeliveryStatus.FAILED and delivery["attempts"] == len(RETRY_DELAYS) + 1
    assert timedelta(days=2, hours=12) < sum(RETRY_DELAYS, timedelta()) < timedelta(days=3, hours=12)
    assert set(receiver.ids()) == {"evt_1"} and len(receiver.ids()) == len(RETRY_DELAYS) + 1
    disabled = await webhook_endpoint(caller, endpoint.id)
    assert not disabled.enabled and disabled.disabled_reason == "failing"
    mail = mailbox.last_to(seller_admin.email)
    assert endpoint.url in mail["Subject"]
    assert f"/office/integration/webhooks/{endpoint.id}" in Mailbox.text_of(mail)
    assert await AuditEntry.count().where(AuditEntry.action == "webhook.disabled_failing") == 1


async def test_a_success_meanwhile_keeps_the_endpoint_enabled_when_one_delivery_fails(
    caller: Scope, receiver: Receiver, postbox: Postbox
) -> None:
    endpoint = await endpoint_for(caller, receiver)
    await publish(("complaint.created", "complaint:1"))
    receiver.answer("evt_1", *[500] * (len(RETRY_DELAYS) + 1))
    moment = clock.now()
    await dispatch(postbox)
    await publish(("complaint.created", "complaint:2"))
    await dispatch(postbox)
    for delay in RETRY_DELAYS:
        moment += delay
        with time_machine.travel(moment + timedelta(seconds=1), tick=False):
            await dispatch(postbox)

    assert [row["status"] for row in await deliveries()] == [
        WebhookDeliveryStatus.FAILED,
        WebhookDeliveryStatus.DELIVERED,
    ]
    assert (await webhook_endpoint(caller, endpoint.id)).enabled


async def test_every_attempt_is_logged_with_status_or_error_and_the_answers_start(
    caller: Scope, receiver: Receiver, postbox: Postbox
) -> None:
    endpoint = await endpoint_for(caller, receiver)
    await publish(("complaint.created", "complaint:1"))
    receiver.answer("evt_1", 502)
    await dispatch(postbox)
    with time_machine.travel(clock.now() + RETRY_DELAYS[0], tick=False):
        await dispatch(postbox)

    [delivery] = await recent_deliveries(caller, endpoint.id)
    assert [attempt.http_status for attempt in delivery.recent_attempts] == [200, 502]
    assert delivery.recent_attempts[1].response_excerpt == "status 502 <b>answer</b>"
    assert all(attempt.duration_ms >= 0 and attempt.error == "" for attempt in delivery.recent_attempts)
    assert [d.id for d in await recent_deliveries(caller, endpoint.id, WebhookDeliveryStatus.FAILED)] == []


async def test_the_guard_refuses_at_send_time_what_it_would_not_register(
    caller: Scope, receiver: Receiver, postbox: Postbox
) -> None:
    endpoint = await endpoint_for(caller, receiver)
    await publish(("complaint.created", "complaint:1"))

    await dispatch(postbox, Guard())

    assert receiver.received == []
    [attempt] = await WebhookAttempt.select()
    assert attempt["http_status"] is None and attempt["error"].startswith("Refused by the portal")
    [delivery] = await recent_deliveries(caller, endpoint.id)
    assert delivery.status is WebhookDeliveryStatus.PENDING and delivery.attempts == 1


async def test_a_connection_refused_is_logged_and_retried(caller: Scope, postbox: Postbox) -> None:
    with running_receiver() as gone:
        endpoint = await endpoint_for(caller, gone)
    await publish(("complaint.created", "complaint:1"))

    await dispatch(postbox)

    [attempt] = await WebhookAttempt.select()
    assert attempt["http_status"] is None and attempt["error"].startswith("Connection failed")
    [delivery] = await recent_deliveries(caller, endpoint.id)
    assert delivery.status is WebhookDeliveryStatus.PENDING


# --- workers -------------------------------------------------------------------------------


async def test_two_workers_never_claim_one_delivery_and_a_dead_workers_lease_runs_out(
    caller: Scope, receiver: Receiver
) -> None:
    await endpoint_for(caller, receiver, "message.created")
    await publish(*[("message.created", f"thread:{n}") for n in range(12)])

    first, second = await asyncio.gather(claim_due_deliveries(8), claim_due_deliveries(8))
    claimed = [d.id for d in first + second]
    assert len(claimed) == 12 and len(set(claimed)) == 12
    assert await claim_due_deliveries() == []

    # Nobody reported back (the worker died): the deliveries are due again once the lease is over.
    with time_machine.travel(clock.now() + LEASE + timedelta(seconds=1), tick=False):
        again = await claim_due_deliveries(20)
    assert sorted(d.id for d in again) == sorted(claimed)
    assert {d.message_id for d in again} == {f"evt_{n}" for n in range(1, 13)}


# --- replay --------------------------------------------------------------------------------


async def test_a_replay_sends_the_endpoints_events_again_with_the_same_ids(
    caller: Scope, receiver: Receiver, postbox: Postbox
) -> None:
    endpoint = await endpoint_for(caller, receiver, "complaint.created")
    await publish(("complaint.created", "complaint:1"), ("message.created", "thread:1"))
    await publish(("complaint.created", "complaint:2"))
    await dispatch(postbox)
    first_bodies = {request.headers["webhook-id"]: request.body for request in receiver.received}

    assert await replay_events(caller, endpoint.id, from_position=2) == 1
    assert await replay_events(caller, endpoint.id, since=clock.now() - timedelta(hours=1)) == 2
    await dispatch(postbox)

    # Different subjects go side by side, so in any order; each body is the one first sent.
    assert sorted(receiver.ids()[2:]) == ["evt_1", "evt_3", "evt_3"]
    assert all(request.body == first_bodies[request.headers["webhook-id"]] for request in receiver.received[2:])
    assert await AuditEntry.count().where(AuditEntry.action == "webhook.replayed") == 2


async def test_endpoints_are_only_the_seller_admins(caller: Scope, receiver: Receiver) -> None:
    endpoint = await endpoint_for(caller, receiver)
    customer = await make_company()
    outsider = await (await make_person(customer, Role.COMPANY_ADMIN)).scope()

    with pytest.raises(NotFound):
        await webhook_endpoint(outsider, endpoint.id)
    with pytest.raises(NotFound):
        await replay_events(outsider, endpoint.id, from_position=1)
    assert await WebhookEndpoint.count() == 1


async def test_an_endpoint_deleted_while_its_delivery_is_on_the_way_loses_nothing_else(
    caller: Scope, receiver: Receiver, postbox: Postbox
) -> None:
    endpoint = await endpoint_for(caller, receiver)
    await publish(("complaint.created", "complaint:1"))
    [claimed] = await claim_due_deliveries()
    await delete_webhook_endpoint(caller, endpoint.id)

    async with LOCAL.client() as http:
        await record_outcome(claimed, await send_delivery(http, claimed), postbox)

    assert receiver.ids() == ["evt_1"]
    assert await WebhookDelivery.count() == 0 and await WebhookAttempt.count() == 0


async def test_a_lease_taken_over_leaves_the_outcome_to_the_new_holder(
    caller: Scope, receiver: Receiver, postbox: Postbox
) -> None:
    await endpoint_for(caller, receiver)
    await publish(("complaint.created", "complaint:1"))
    [slow] = await claim_due_deliveries()
    with time_machine.travel(clock.now() + LEASE + timedelta(seconds=1), tick=False):
        [fast] = await claim_due_deliveries()
        receiver.answer("evt_1", 500)
        async with LOCAL.client() as http:
            await record_outcome(slow, await send_delivery(http, slow), postbox)
            await record_outcome(fast, await send_delivery(http, fast), postbox)

    [delivery] = await deliveries()
    assert delivery["status"] == WebhookDeliveryStatus.DELIVERED and delivery["attempts"] == 1
    assert await WebhookAttempt.count() == 2


async def test_finished_deliveries_are_forgotten_with_the_events_they_carried(
    caller: Scope, receiver: Receiver, postbox: Postbox
) -> None:
    await endpoint_for(caller, receiver)
    await publish(("complaint.created", "complaint:1"))
    await dispatch(postbox)
    await publish(("complaint.created", "complaint:2"))

    assert await delete_deliveries_finished_before(clock.now() + timedelta(seconds=1)) == 1
    assert [row["position"] for row in await deliveries()] == [2]
    assert await WebhookAttempt.count() == 0
