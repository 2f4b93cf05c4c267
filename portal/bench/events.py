"""`make bench`'s events-out figures: how fast the relay publishes a pile of committed events,
how fast an ERP reads the feed in pages of 1,000, and how long an event takes from its commit to
being in the feed while the relay runs as the worker runs it (the `relay_outbox` job, once a
second on the second) and an ERP long-polls.

Like the import figures it runs in this process on a database of its own, through the app over
ASGI: the feed's figures are the app and the query, without uvicorn and the network. The events
are plain ones (no order document to build), so the relay's figure is its own cost."""

from __future__ import annotations

import asyncio
import math
import statistics
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from portal.integration.events import MAX_FEED_PAGE, relay_events, relay_outbox
from portal.integration.tables import OutboxEvent

TOPIC = "bench.event"
# Events a statement inserts when piling them up before the relay's figure.
INSERT_CHUNK = 1000
# The latency part: events committed a second, and for how long.
LATENCY_RATE = 200
LATENCY_SECONDS = 10.0


@dataclass(frozen=True)
class EventFigures:
    events: int
    relayed_per_second: float
    read_per_second: float
    latency_events: int
    feed_p50_ms: float
    feed_p99_ms: float


async def pile_up(count: int, first: int = 0) -> None:
    """`count` committed events waiting for the relay, a thousand a statement."""
    for start in range(first, first + count, INSERT_CHUNK):
        rows = [
            OutboxEvent(topic=TOPIC, company_id="1", subject=f"bench:{n % 97}", payload={"n": n})
            for n in range(start, min(start + INSERT_CHUNK, first + count))
        ]
        await OutboxEvent.insert(*rows)


async def relay_throughput(count: int) -> float:
    """Events a second the relay publishes from a pile of `count`, batch after batch as its job
    does when it finds the outbox full."""
    await pile_up(count)
    started = time.perf_counter()
    published = 0
    while batch := await relay_events():
        published += len(batch)
    elapsed = time.perf_counter() - started
    if published != count:
        raise RuntimeError(f"the relay published {published} of {count} events")
    return count / elapsed


async def read_throughput(client: httpx.AsyncClient, after: int, count: int) -> float:
    """Events a second an ERP reads from the feed after `after`, in pages of 1,000."""
    started = time.perf_counter()
    read = 0
    while read < count:
        page = (await client.get("/api/v1/events", params={"after": after, "limit": MAX_FEED_PAGE})).json()
        if not page["events"]:
            raise RuntimeError(f"the feed ended after {read} of {count} events")
        read += len(page["events"])
        after = page["next_after"]
    return read / (time.perf_counter() - started)


async def relay_as_the_worker_does() -> None:
    """The `relay_outbox` job on its schedule ("* * * * * *": at each whole second)."""
    while True:
        await asyncio.sleep(1 - time.time() % 1)
        await relay_outbox({})  # type: ignore[typeddict-item]


# How an event reaches the ERP: `feed_arrivals` long-polls the feed. Webhook deliveries (the
# branch i18-webhooks) plug in here as a second one: a local receiver recording, by `webhook-id`,
# when each delivery arrived, measured with the worker's delivery job running beside the relay.
Arrivals = Callable[[dict[int, float], int], Coroutine[Any, Any, None]]


def feed_arrivals(client: httpx.AsyncClient, after: int) -> Arrivals:
    async def arrive(arrived: dict[int, float], count: int) -> None:
        position = after
        while len(arrived) < count:
            page = (await client.get("/api/v1/events", params={"after": position, "limit": 1000, "wait": 5})).json()
            now = time.perf_counter()
            for event in page["events"]:
                if event["type"] == TOPIC and "latency" in event["data"]:
                    arrived.setdefault(int(event["data"]["latency"]), now)
            position = page["next_after"]

    return arrive


async def commit_to_arrival(arrivals: Arrivals, rate: int, seconds: float) -> list[float]:
    """Seconds from each event's commit to its arrival, for `rate` events a second committed
    one by one for `seconds`, while the relay runs on the worker's schedule."""
    count = max(1, int(rate * seconds))
    committed: dict[int, float] = {}
    arrived: dict[int, float] = {}
    relay = asyncio.create_task(relay_as_the_worker_does())
    arriving = asyncio.create_task(arrivals(arrived, count))
    try:
        started = time.perf_counter()
        for n in range(count):
            # Paced to the rate: the n-th event is due n/rate seconds after the start.
            await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
            await OutboxEvent.insert(OutboxEvent(topic=TOPIC, company_id="1", payload={"latency": n}))
            committed[n] = time.perf_counter()
        async with asyncio.timeout(seconds + 60):
            await arriving
    finally:
        relay.cancel()
        arriving.cancel()
    return [arrived[n] - committed[n] for n in range(count)]


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


async def event_figures(
    client: httpx.AsyncClient, count: int, rate: int = LATENCY_RATE, seconds: float = LATENCY_SECONDS
) -> EventFigures:
    """`client` calls the app with a key of the `events` scope, on an empty database."""
    relayed = await relay_throughput(count)
    read = await read_throughput(client, 0, count)
    latencies = await commit_to_arrival(feed_arrivals(client, count), rate, seconds)
    return EventFigures(
        events=count,
        relayed_per_second=relayed,
        read_per_second=read,
        latency_events=len(latencies),
        feed_p50_ms=statistics.median(latencies) * 1000,
        feed_p99_ms=percentile(latencies, 0.99) * 1000,
    )


def format_event_table(figures: EventFigures) -> str:
    return "\n".join(
        [
            f"Events out: {figures.events:,} events, in process on a database of its own; latency over "
            f"{figures.latency_events:,} events committed one by one while the relay runs once a second.",
            "",
            "| figure | value |",
            "| --- | --- |",
            f"| relay, events published a second | {figures.relayed_per_second:,.0f} |",
            f"| feed, events read a second (pages of {MAX_FEED_PAGE:,}) | {figures.read_per_second:,.0f} |",
            f"| commit → in the feed, p50 ms | {figures.feed_p50_ms:,.0f} |",
            f"| commit → in the feed, p99 ms | {figures.feed_p99_ms:,.0f} |",
            "| commit → delivered by webhook, p99 ms | — (with the webhook deliveries) |",
        ]
    )
