"""The way out of the outbox: the relay publishes events with gap-free positions in the order they
became visible, and the feed hands them to ERPs that pull (`GET /api/v1/events?after=`).

Why a relay: an outbox row's serial id is taken when its transaction writes, not when it
commits, so id 8 can become visible after id 9; a reader that had moved past 9 would never see
8. The relay, one at a time (an advisory lock on PostgreSQL, SQLite's write lock), numbers the
committed events that have no position yet after the highest position given: a reader asking
for events after N can never miss one that is numbered later."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from piccolo.custom_types import Combinable
from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString

from portal import clock
from portal.database import lock_rows_for_decision, serialise_on, write_transaction
from portal.errors import DomainError
from portal.i18n import gettext as _
from portal.integration.order_documents import erp_order_documents
from portal.integration.tables import FeedConsumer, OutboxEvent
from portal.integration.webhook_endpoints import plan_deliveries
from portal.jobs import JobContext, job, pump
from portal.ordering.orders import mark_received_by_erp

RELAY_BATCH = 500
# The relay's pause between runs: an event is in the feed about this long after its commit.
RELAY_PAUSE_SECONDS = 0.2
FEED_PAGE = 100
MAX_FEED_PAGE = 1000
MAX_WAIT_SECONDS = 60
# How often a long-polling reader looks for new events while it waits.
FEED_POLL_SECONDS = 0.25
ORDER_SUBJECT = "order:"
ORDER_TOPIC = "order."


@dataclass(frozen=True)
class PublishedEvent:
    position: int
    topic: str
    company_id: str
    subject: str
    published_at: datetime
    data: dict[str, Any]

    @property
    def event_id(self) -> str:
        """The event's id for receivers to deduplicate by (Standard Webhooks' `webhook-id`)."""
        return f"evt_{self.position}"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.event_id,
            "position": self.position,
            "type": self.topic,
            "timestamp": self.published_at.isoformat(),
            "data": self.data,
        }


async def head_position() -> int:
    # NULLs (events waiting for the relay) sort first when descending on PostgreSQL.
    row = (
        await OutboxEvent.select(OutboxEvent.position)
        .where(OutboxEvent.position.is_not_null())
        .order_by(OutboxEvent.position, ascending=False)
        .first()
    )
    return int(row["position"]) if row else 0


async def relay_events(limit: int = RELAY_BATCH) -> list[PublishedEvent]:
    """Publishes up to `limit` waiting events, oldest first, and returns them. Order events get
    the order's document as their data."""
    engine = OutboxEvent._meta.db
    async with write_transaction(engine):
        await serialise_on("outbox-relay")
        waiting = (
            await OutboxEvent.select(
                OutboxEvent.id, OutboxEvent.topic, OutboxEvent.company_id, OutboxEvent.subject, OutboxEvent.payload
            )
            .where(OutboxEvent.position.is_null())
            .order_by(OutboxEvent.id)
            .limit(limit)
            .output(load_json=True)
        )
        if not waiting:
            return []
        top = await head_position()
        published_at = clock.now()
        documents = await erp_order_documents(
            {_order_id(event["subject"]) for event in waiting if _is_order_event(event["topic"], event["subject"])}
        )
        published = [
            PublishedEvent(
                position=top + offset,
                topic=event["topic"],
                company_id=event["company_id"],
                subject=event["subject"],
                published_at=published_at,
                data=_with_document(event["payload"], event["topic"], event["subject"], documents),
            )
            for offset, event in enumerate(waiting, start=1)
        ]
        await _store_positions([event["id"] for event in waiting], published)
        # In the same transaction: an event is published with its webhook deliveries or not at all.
        await plan_deliveries(published)
    return published


def _order_id(subject: str) -> int:
    return int(subject.removeprefix(ORDER_SUBJECT))


def order_of(topic: str, subject: str) -> int | None:
    """The id of the order an event of the order itself is about, None for any other event."""
    return _order_id(subject) if _is_order_event(topic, subject) else None


def _is_order_event(topic: str, subject: str) -> bool:
    """An event of the order itself (`order.*`); a shipment's events share the order's subject,
    to be delivered in order with it, but carry their own data."""
    return topic.startswith(ORDER_TOPIC) and subject.startswith(ORDER_SUBJECT)


def _with_document(
    payload: dict[str, Any], topic: str, subject: str, documents: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    if not _is_order_event(topic, subject):
        return payload
    document = documents.get(_order_id(subject))
    return payload if document is None else {**payload, "order": document}


async def _store_positions(ids: list[int], published: list[PublishedEvent]) -> None:
    if isinstance(OutboxEvent._meta.db, PostgresEngine):
        await OutboxEvent.raw(
            "{}",
            QueryString(
                "UPDATE outbox_event SET position = v.position, payload = v.payload::json, published_at = {}"
                " FROM unnest({}::integer[], {}::bigint[], {}::text[]) AS v(id, position, payload)"
                " WHERE outbox_event.id = v.id",
                published[0].published_at,
                ids,
                [event.position for event in published],
                [json.dumps(event.data) for event in published],
            ),
        )
        return
    for event_id, event in zip(ids, published, strict=True):
        await OutboxEvent.update(
            {
                OutboxEvent.position: event.position,
                OutboxEvent.payload: json.dumps(event.data),
                OutboxEvent.published_at: event.published_at,
            }
        ).where(OutboxEvent.id == event_id)


@pump(every=RELAY_PAUSE_SECONDS)
async def relay_outbox(ctx: JobContext) -> int:
    """Publish what has been committed since the last run (several batches when it piled up)."""
    published = 0
    while batch := await relay_events():
        published += len(batch)
    return published


# --- The feed ------------------------------------------------------------------------------


class FeedPositionRefused(DomainError):
    """A position the feed cannot continue from; `status` is the HTTP status that says why."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class FeedPage:
    events: list[PublishedEvent]
    after: int
    head: int

    @property
    def next_after(self) -> int:
        """What to ask for next: the last event's position, or the same `after` when none came."""
        return self.events[-1].position if self.events else self.after

    def as_json(self) -> dict[str, Any]:
        return {
            "events": [event.as_json() for event in self.events],
            "next_after": self.next_after,
            "head": self.head,
        }


async def read_feed(consumer: str, after: int, limit: int = FEED_PAGE, wait_seconds: float = 0) -> FeedPage:
    """Events after the position `after`, at most `limit`, waiting up to `wait_seconds` for the
    first when there is none yet. Asking for events after a position confirms the consumer has
    everything up to it: its position is stored, and orders it has thereby received are marked
    sent."""
    head = await head_position()
    if after > head:
        raise FeedPositionRefused(
            _("Position %(after)s is past the newest event, %(head)s: continue from %(head)s.")
            % {"after": after, "head": head},
            409,
        )
    oldest = await _oldest_kept()
    if oldest is not None and after < oldest - 1:
        raise FeedPositionRefused(
            _(
                "Events before position %(oldest)s are no longer kept. Continue from %(kept)s, and read the "
                "orders you may have missed with GET /api/v1/orders/<number>."
            )
            % {"oldest": oldest, "kept": oldest - 1},
            410,
        )
    await _confirm(consumer, after)
    deadline = time.monotonic() + max(0.0, min(wait_seconds, MAX_WAIT_SECONDS))
    while True:
        events = await published_events(after, limit)
        remaining = deadline - time.monotonic()
        if events or remaining <= 0:
            break
        await asyncio.sleep(min(FEED_POLL_SECONDS, remaining))
    return FeedPage(events, after, max(head, events[-1].position if events else head))


async def _oldest_kept() -> int | None:
    row = (
        await OutboxEvent.select(OutboxEvent.position)
        .where(OutboxEvent.position.is_not_null())
        .order_by(OutboxEvent.position)
        .first()
    )
    return None if row is None else int(row["position"])


async def published_events(
    after: int, limit: int, *, since: datetime | None = None, topics: Sequence[str] | None = None
) -> list[PublishedEvent]:
    """Published events after the position `after`, oldest first; only those published at or
    after `since` and of `topics` when given."""
    if topics is not None and not topics:
        return []
    where: Combinable = OutboxEvent.position > after
    if since is not None:
        where &= OutboxEvent.published_at >= since
    if topics is not None:
        where &= OutboxEvent.topic.is_in(list(topics))
    rows = (
        await OutboxEvent.select(
            OutboxEvent.position,
            OutboxEvent.topic,
            OutboxEvent.company_id,
            OutboxEvent.subject,
            OutboxEvent.published_at,
            OutboxEvent.payload,
        )
        .where(where)
        .order_by(OutboxEvent.position)
        .limit(limit)
        .output(load_json=True)
    )
    return [
        PublishedEvent(
            position=int(row["position"]),
            topic=row["topic"],
            company_id=row["company_id"],
            subject=row["subject"],
            published_at=row["published_at"],
            data=row["payload"],
        )
        for row in rows
    ]


async def _confirm(consumer: str, after: int) -> None:
    """Stores the consumer's position and marks the orders it has now received as sent."""
    async with write_transaction(FeedConsumer._meta.db):
        await FeedConsumer.insert(FeedConsumer(name=consumer, position=0)).on_conflict(
            target=FeedConsumer.name, action="DO NOTHING"
        )
        known = await lock_rows_for_decision(
            FeedConsumer.select(FeedConsumer.position).where(FeedConsumer.name == consumer)
        ).first()
        previous = int(known["position"]) if known else 0
        await FeedConsumer.update({FeedConsumer.position: after, FeedConsumer.read_at: clock.now()}).where(
            FeedConsumer.name == consumer
        )
        if after > previous:
            await mark_received_by_erp(await orders_between(previous, after))


async def orders_between(after: int, up_to: int) -> list[int]:
    """Ids of the orders that events in the positions (after, up_to] are about."""
    rows = (
        await OutboxEvent.select(OutboxEvent.subject)
        .where(
            (OutboxEvent.position > after)
            & (OutboxEvent.position <= up_to)
            & OutboxEvent.subject.like(f"{ORDER_SUBJECT}%")
            & OutboxEvent.topic.like(f"{ORDER_TOPIC}%")
        )
        .distinct()
    )
    return sorted({_order_id(row["subject"]) for row in rows})


@dataclass(frozen=True)
class ConsumerState:
    name: str
    position: int
    read_at: datetime
    behind: int


async def feed_consumers() -> list[ConsumerState]:
    """Each integration that reads the feed: where it is, when it last asked, how far behind."""
    head = await head_position()
    rows = await FeedConsumer.select(FeedConsumer.name, FeedConsumer.position, FeedConsumer.read_at).order_by(
        FeedConsumer.name
    )
    return [
        ConsumerState(row["name"], int(row["position"]), row["read_at"], max(0, head - int(row["position"])))
        for row in rows
    ]


@job(cron="17 3 * * *", timeout=600)
async def forget_old_events(ctx: JobContext) -> int:
    """Published events older than the retention period go, except the newest, whose position
    the next event counts on."""
    return await delete_events_before(clock.now() - timedelta(days=ctx["settings"].event_retention_days))


async def delete_events_before(moment: datetime) -> int:
    head = await head_position()
    doomed = await OutboxEvent.count().where((OutboxEvent.published_at < moment) & (OutboxEvent.position < head))
    if doomed:
        await OutboxEvent.delete().where((OutboxEvent.published_at < moment) & (OutboxEvent.position < head))
    return int(doomed)
