"""Sending webhooks: a job every second claims the due deliveries and POSTs each event's envelope,
signed (Standard Webhooks headers), through the outgoing guard. Deliveries of one endpoint and
subject go one after another; different subjects go side by side, a few at a time. An answer
other than 2xx is tried again on RETRY_DELAYS; after the last, the delivery fails, and an
endpoint that never succeeded through the whole schedule is disabled and the seller's
administrators are told. Every attempt is logged for the endpoint's page. Replays re-queue
published events of the same ids."""

from __future__ import annotations

import asyncio
import secrets
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from piccolo.custom_types import Combinable
from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString

from portal import clock
from portal.accounts import Scope as CallerScope
from portal.accounts import audit
from portal.accounts.members import seller_admins
from portal.database import lock_rows_for_decision, write_transaction
from portal.errors import Invalid
from portal.i18n import gettext as _
from portal.integration.events import PublishedEvent, order_of, published_events
from portal.integration.tables import WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint
from portal.integration.webhook_endpoints import insert_deliveries, signature_header, webhook_endpoint
from portal.jobs import JobContext, deliver_or_queue, job, pump
from portal.mail import OutgoingMail, Postbox
from portal.ordering.orders import mark_received_by_erp
from portal.outgoing.guard import OutgoingRefused, guard_for

# The pause before each retry: a failed first attempt is tried again after 5 s, and so on; after
# the last pause's attempt fails too (about three days after the first), the delivery fails.
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
    timedelta(hours=12),
    timedelta(hours=14),
    timedelta(hours=18),
)
# The sender's pause between runs.
SENDING_PAUSE_SECONDS = 0.2
# A claimed delivery is left alone by other workers this long; longer than any attempt can take
# (the guard's timeout), so only a worker that died leaves one to be claimed again.
LEASE = timedelta(seconds=60)
# Deliveries sent at once by one worker (each a different endpoint or subject).
CONCURRENCY = 8
# One run stops claiming after this long; the next run goes on.
RUN_BUDGET_SECONDS = 45.0
EXCERPT_CHARS = 300
# At most this many events are re-queued by one replay.
REPLAY_MAX = 10_000
USER_AGENT = "portal-webhooks/1"
# Why the portal disabled an endpoint (the page says it in the reader's language).
DISABLED_FAILING = "failing"


@dataclass(frozen=True)
class Claimed:
    """A delivery this worker holds the lease of, with what it needs to send it."""

    id: int
    endpoint_id: int
    url: str
    secret: str
    previous_secret: str | None
    position: int
    topic: str
    subject: str
    body: str
    attempts: int
    created_at: datetime
    lease_token: str

    @property
    def message_id(self) -> str:
        return f"evt_{self.position}"


@dataclass(frozen=True)
class Outcome:
    http_status: int | None
    error: str
    excerpt: str
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.http_status is not None and 200 <= self.http_status < 300


def _due_query(now: datetime, limit: int) -> QueryString:
    """The due deliveries of enabled endpoints that no earlier delivery of the same endpoint and
    subject is waiting before. On PostgreSQL the rows are locked and those another worker is
    claiming skipped (SQLite has one writer at a time)."""
    lock = " FOR UPDATE OF d SKIP LOCKED" if isinstance(WebhookDelivery._meta.db, PostgresEngine) else ""
    return QueryString(
        "SELECT d.id FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint"
        " WHERE d.status = {} AND e.enabled = {} AND d.next_attempt_at <= {}"
        " AND (d.lease_until IS NULL OR d.lease_until <= {})"
        " AND (d.subject = '' OR NOT EXISTS (SELECT 1 FROM webhook_delivery p"
        " WHERE p.endpoint = d.endpoint AND p.subject = d.subject AND p.status = {} AND p.id < d.id))"
        " ORDER BY d.id LIMIT {}" + lock,
        WebhookDeliveryStatus.PENDING.value,
        True,
        now,
        now,
        WebhookDeliveryStatus.PENDING.value,
        limit,
    )


async def claim_due_deliveries(limit: int = CONCURRENCY) -> list[Claimed]:
    """Takes the lease of up to `limit` due deliveries and returns them."""
    now = clock.now()
    token = secrets.token_hex(16)
    async with write_transaction(WebhookDelivery._meta.db):
        ids = [int(row["id"]) for row in await WebhookDelivery.raw("{}", _due_query(now, limit))]
        if not ids:
            return []
        await WebhookDelivery.update(
            {WebhookDelivery.lease_until: now + LEASE, WebhookDelivery.lease_token: token}
        ).where(WebhookDelivery.id.is_in(ids))
        rows = (
            await WebhookDelivery.select(
                WebhookDelivery.id,
                WebhookDelivery.endpoint.as_alias("endpoint_id"),
                WebhookDelivery.endpoint.url.as_alias("url"),
                WebhookDelivery.endpoint.secret.as_alias("secret"),
                WebhookDelivery.endpoint.previous_secret.as_alias("previous_secret"),
                WebhookDelivery.endpoint.previous_expires_at.as_alias("previous_expires_at"),
                WebhookDelivery.position,
                WebhookDelivery.topic,
                WebhookDelivery.subject,
                WebhookDelivery.body,
                WebhookDelivery.attempts,
                WebhookDelivery.created_at,
            )
            .where(WebhookDelivery.id.is_in(ids))
            .order_by(WebhookDelivery.id)
        )
    return [
        Claimed(
            id=row["id"],
            endpoint_id=row["endpoint_id"],
            url=row["url"],
            secret=row["secret"],
            # The rotated secret signs too only while its grace lasts.
            previous_secret=row["previous_secret"]
            if row["previous_expires_at"] is not None and row["previous_expires_at"] > now
            else None,
            position=int(row["position"]),
            topic=row["topic"],
            subject=row["subject"],
            body=row["body"],
            attempts=row["attempts"],
            created_at=row["created_at"],
            lease_token=token,
        )
        for row in rows
    ]


def _excerpt(text: str) -> str:
    """The start of an answer, printable: control characters (newlines too) become spaces."""
    cleaned = "".join(" " if unicodedata.category(char).startswith("C") else char for char in text[: EXCERPT_CHARS * 2])
    return " ".join(cleaned.split())[:EXCERPT_CHARS]


async def send_delivery(client: httpx.AsyncClient, delivery: Claimed) -> Outcome:
    """One attempt: POST the body with the Standard Webhooks headers, signed now."""
    moment = clock.now()
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature_header(
            delivery.secret, delivery.previous_secret, delivery.message_id, moment, delivery.body
        ),
    }
    started = time.monotonic()

    def outcome(status: int | None, error: str = "", excerpt: str = "") -> Outcome:
        return Outcome(status, error[:300], excerpt, int((time.monotonic() - started) * 1000))

    try:
        response = await client.post(delivery.url, content=delivery.body.encode(), headers=headers)
    except OutgoingRefused as refused:
        return outcome(None, _("Refused by the portal: {reason}").format(reason=refused))
    except httpx.TimeoutException:
        return outcome(None, _("No answer in time (timeout)."))
    except httpx.HTTPError as error:
        return outcome(None, _("Connection failed: {kind}.").format(kind=type(error).__name__))
    return outcome(response.status_code, excerpt=_excerpt(response.text))


async def record_outcome(delivery: Claimed, result: Outcome, postbox: Postbox) -> None:
    """Logs the attempt and moves the delivery on: delivered, due again later, or failed (and
    the endpoint disabled, its administrators told, when it never succeeded all that time)."""
    now = clock.now()
    mails: list[OutgoingMail] = []
    async with write_transaction(WebhookDelivery._meta.db):
        current = await lock_rows_for_decision(
            WebhookDelivery.select(WebhookDelivery.lease_token, WebhookDelivery.status).where(
                WebhookDelivery.id == delivery.id
            )
        ).first()
        if current is None:
            # The endpoint was deleted with its deliveries while this one was on its way.
            return
        await WebhookAttempt.insert(
            WebhookAttempt(
                delivery=delivery.id,
                attempted_at=now,
                duration_ms=result.duration_ms,
                http_status=result.http_status,
                error=result.error,
                response_excerpt=result.excerpt,
            )
        )
        if current["lease_token"] != delivery.lease_token or current["status"] != WebhookDeliveryStatus.PENDING:
            # The lease ran out and another worker took the delivery over: its outcome counts.
            return
        attempts = delivery.attempts + 1
        changes: dict[Any, Any] = {
            WebhookDelivery.attempts: attempts,
            WebhookDelivery.lease_until: None,
            WebhookDelivery.lease_token: "",
        }
        if result.delivered:
            changes |= {WebhookDelivery.status: WebhookDeliveryStatus.DELIVERED, WebhookDelivery.finished_at: now}
            await WebhookEndpoint.update({WebhookEndpoint.last_success_at: now}).where(
                WebhookEndpoint.id == delivery.endpoint_id
            )
            order_id = order_of(delivery.topic, delivery.subject)
            if order_id is not None:
                await mark_received_by_erp([order_id])
        elif attempts <= len(RETRY_DELAYS):
            changes[WebhookDelivery.next_attempt_at] = now + RETRY_DELAYS[attempts - 1]
        else:
            changes |= {WebhookDelivery.status: WebhookDeliveryStatus.FAILED, WebhookDelivery.finished_at: now}
            mails = await _disable_if_never_succeeded(delivery, postbox)
        await WebhookDelivery.update(changes).where(WebhookDelivery.id == delivery.id)
    await deliver_or_queue(postbox, mails)


async def _disable_if_never_succeeded(delivery: Claimed, postbox: Postbox) -> list[OutgoingMail]:
    endpoint = await lock_rows_for_decision(
        WebhookEndpoint.select(WebhookEndpoint.url, WebhookEndpoint.enabled, WebhookEndpoint.last_success_at).where(
            WebhookEndpoint.id == delivery.endpoint_id
        )
    ).first()
    if endpoint is None or not endpoint["enabled"]:
        return []
    if endpoint["last_success_at"] is not None and endpoint["last_success_at"] >= delivery.created_at:
        return []
    await WebhookEndpoint.update(
        {
            WebhookEndpoint.enabled: False,
            WebhookEndpoint.disabled_reason: DISABLED_FAILING,
        }
    ).where(WebhookEndpoint.id == delivery.endpoint_id)
    await audit.record(
        "webhook.disabled_failing",
        object_type="webhook_endpoint",
        object_id=delivery.endpoint_id,
        details={"url": endpoint["url"], "webhook_id": delivery.message_id},
    )
    link = postbox.link(f"/office/integration/webhooks/{delivery.endpoint_id}")
    return [
        postbox.compose(
            "webhook_endpoint_disabled",
            admin.email,
            admin.locale,
            name=admin.name,
            url=endpoint["url"],
            first_failure=delivery.created_at,
            link=link,
        )
        for admin in await seller_admins()
    ]


async def dispatch_due_deliveries(
    client: httpx.AsyncClient, postbox: Postbox, budget_seconds: float = RUN_BUDGET_SECONDS
) -> int:
    """Claims and sends due deliveries, CONCURRENCY at a time, until none is due or the budget
    is spent; returns how many attempts were made."""
    sent = 0
    deadline = time.monotonic() + budget_seconds
    while time.monotonic() < deadline:
        claimed = await claim_due_deliveries()
        if not claimed:
            break

        async def attempt(delivery: Claimed) -> None:
            await record_outcome(delivery, await send_delivery(client, delivery), postbox)

        await asyncio.gather(*(attempt(delivery) for delivery in claimed))
        sent += len(claimed)
    return sent


@pump(every=SENDING_PAUSE_SECONDS)
async def send_webhooks(ctx: JobContext) -> int:
    """What is due goes out (workers sending at once share the work through the leases)."""
    async with guard_for(ctx["settings"]).client() as client:
        return await dispatch_due_deliveries(client, ctx["postbox"])


@job(cron="37 3 * * *", timeout=600)
async def forget_old_deliveries(ctx: JobContext) -> int:
    """Finished deliveries and their attempts are kept as long as the events they carried."""
    return await delete_deliveries_finished_before(clock.now() - timedelta(days=ctx["settings"].event_retention_days))


async def delete_deliveries_finished_before(moment: datetime) -> int:
    finished_before = WebhookDelivery.finished_at < moment
    doomed = await WebhookDelivery.count().where(finished_before)
    if doomed:
        await WebhookDelivery.delete().where(finished_before)
    return int(doomed)


# --- Replay --------------------------------------------------------------------------------


async def replayable_events(
    caller: CallerScope, endpoint_id: int, *, from_position: int | None = None, since: datetime | None = None
) -> list[PublishedEvent]:
    """The published events of the endpoint's types from a position or a moment, at most
    REPLAY_MAX; Invalid when neither is given or there are more."""
    endpoint = await webhook_endpoint(caller, endpoint_id)
    if from_position is None and since is None:
        raise Invalid({"replay_from": _("Enter a position or a date to replay from.")})
    after = max(0, (from_position or 1) - 1)
    events = await published_events(after, REPLAY_MAX + 1, since=since, topics=endpoint.event_types)
    if len(events) > REPLAY_MAX:
        raise Invalid({"replay_from": _("More than {count} events to replay: start later.").format(count=REPLAY_MAX)})
    return events


async def replay_events(
    caller: CallerScope, endpoint_id: int, *, from_position: int | None = None, since: datetime | None = None
) -> int:
    """New deliveries to the endpoint of the events from a position or a moment, with the same
    `webhook-id`s as before (the receiver keeps what it already has); returns how many."""
    events = await replayable_events(caller, endpoint_id, from_position=from_position, since=since)
    async with write_transaction(WebhookDelivery._meta.db):
        count = await insert_deliveries([(endpoint_id, event) for event in events])
        await audit.record(
            "webhook.replayed",
            caller=caller,
            object_type="webhook_endpoint",
            object_id=endpoint_id,
            details={
                "from_position": from_position,
                "since": since.isoformat() if since else None,
                "events": count,
            },
        )
    return count


# --- The endpoint's page -------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptView:
    attempted_at: datetime
    duration_ms: int
    http_status: int | None
    error: str
    response_excerpt: str


@dataclass(frozen=True)
class DeliveryView:
    id: int
    message_id: str
    topic: str
    subject: str
    status: WebhookDeliveryStatus
    created_at: datetime
    attempts: int
    next_attempt_at: datetime
    finished_at: datetime | None
    recent_attempts: tuple[AttemptView, ...]


RECENT_DELIVERIES = 50
ATTEMPTS_SHOWN = 5


async def recent_deliveries(
    caller: CallerScope, endpoint_id: int, status: WebhookDeliveryStatus | None = None, limit: int = RECENT_DELIVERIES
) -> list[DeliveryView]:
    """The endpoint's newest deliveries (of one status when given), each with its last attempts."""
    await webhook_endpoint(caller, endpoint_id)
    where: Combinable = WebhookDelivery.endpoint == endpoint_id
    if status is not None:
        where &= WebhookDelivery.status == status
    rows = (
        await WebhookDelivery.select(
            WebhookDelivery.id,
            WebhookDelivery.position,
            WebhookDelivery.topic,
            WebhookDelivery.subject,
            WebhookDelivery.status,
            WebhookDelivery.created_at,
            WebhookDelivery.attempts,
            WebhookDelivery.next_attempt_at,
            WebhookDelivery.finished_at,
        )
        .where(where)
        .order_by(WebhookDelivery.id, ascending=False)
        .limit(limit)
    )
    attempts = await _attempts_of([row["id"] for row in rows])
    return [
        DeliveryView(
            id=row["id"],
            message_id=f"evt_{row['position']}",
            topic=row["topic"],
            subject=row["subject"],
            status=WebhookDeliveryStatus(row["status"]),
            created_at=row["created_at"],
            attempts=row["attempts"],
            next_attempt_at=row["next_attempt_at"],
            finished_at=row["finished_at"],
            recent_attempts=tuple(attempts.get(row["id"], [])[:ATTEMPTS_SHOWN]),
        )
        for row in rows
    ]


async def _attempts_of(delivery_ids: Sequence[int]) -> dict[int, list[AttemptView]]:
    if not delivery_ids:
        return {}
    rows = (
        await WebhookAttempt.select(
            WebhookAttempt.delivery,
            WebhookAttempt.attempted_at,
            WebhookAttempt.duration_ms,
            WebhookAttempt.http_status,
            WebhookAttempt.error,
            WebhookAttempt.response_excerpt,
        )
        .where(WebhookAttempt.delivery.is_in(list(delivery_ids)))
        .order_by(WebhookAttempt.id, ascending=False)
    )
    found: dict[int, list[AttemptView]] = {}
    for row in rows:
        delivery = row.pop("delivery")
        found.setdefault(delivery, []).append(AttemptView(**row))
    return found
