"""`make bench`'s events-out figures: how fast the relay publishes a pile of committed events,
how fast an ERP reads the feed in pages of 1,000, how fast planned webhooks are delivered to one
endpoint, and how long an event takes from its commit to being in the feed (an ERP long-polls)
and to arriving at a webhook receiver, while the relay and the sender run as the worker runs
them (the `relay_outbox` and `send_webhooks` pumps, each pausing 0.2 s between runs).

Like the import figures it runs in this process on a database of its own, through the app over
ASGI: the feed's figures are the app and the query, without uvicorn and the network. The events
are plain ones (no order document to build), so the relay's figure is its own cost. Webhooks go
over real HTTP, signed, to a receiver on 127.0.0.1 in a thread of this process that notes when
each `webhook-id` arrived and answers 204 (no signature check: the receiver's cost is not the
portal's)."""

from __future__ import annotations

import asyncio
import json
import math
import statistics
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from portal.integration.events import MAX_FEED_PAGE, RELAY_PAUSE_SECONDS, relay_events, relay_outbox
from portal.integration.tables import OutboxEvent, WebhookEndpoint
from portal.integration.webhook_endpoints import new_secret
from portal.integration.webhooks import SENDING_PAUSE_SECONDS, dispatch_due_deliveries
from portal.mail import Postbox
from portal.outgoing.guard import Guard

# A type webhook endpoints subscribe to; the feed's figures read it like any other.
TOPIC = "message.created"
# Events a statement inserts when piling them up before the relay's figure.
INSERT_CHUNK = 1000
# The latency part: events committed a second, and for how long.
LATENCY_RATE = 200
LATENCY_SECONDS = 10.0
# Subjects the webhook throughput's events are spread over: deliveries of one subject go one
# after another, of different subjects side by side.
WEBHOOK_SUBJECTS = 500


@dataclass(frozen=True)
class EventFigures:
    events: int
    relayed_per_second: float
    read_per_second: float
    latency_events: int
    feed_p50_ms: float
    feed_p99_ms: float
    webhooks: int
    delivered_per_second: float
    webhook_p50_ms: float
    webhook_p99_ms: float


async def pile_up(count: int, first: int = 0, subjects: int = 97) -> None:
    """`count` committed events waiting for the relay, a thousand a statement."""
    for start in range(first, first + count, INSERT_CHUNK):
        rows = [
            OutboxEvent(topic=TOPIC, company_id="1", subject=f"bench:{n % subjects}", payload={"n": n})
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
    """The `relay_outbox` pump: a run, then its pause."""
    while True:
        await relay_outbox({})  # type: ignore[typeddict-item]
        await asyncio.sleep(RELAY_PAUSE_SECONDS)


# How an event reaches the ERP: `feed_arrivals` long-polls the feed; `webhook_arrivals` is a local
# receiver noting, by the event's data, when each delivery arrived, with the worker's sender
# running beside the relay.
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


@dataclass
class Receiver:
    """What the bench's receiver got: when each `webhook-id` first arrived, and when each latency
    event did (by its number), in time.perf_counter()."""

    port: int = 0
    arrived: dict[str, float] = field(default_factory=dict)
    latency: dict[int, float] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def until_arrived(self, count: int) -> None:
        """Until `count` distinct deliveries arrived. The times are noted by the receiver's thread
        as each comes, so how often this looks does not change them."""
        while len(self.arrived) < count:  # noqa: ASYNC110 - the receiver is a thread: nothing to await
            await asyncio.sleep(0.01)


@asynccontextmanager
async def running_receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        # Keeps the sender's connections open between deliveries, as a real receiver would.
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            now = time.perf_counter()
            with lock:
                if receiver.arrived.setdefault(self.headers.get("webhook-id", ""), now) == now:
                    data = json.loads(body)["data"]
                    if "latency" in data:
                        receiver.latency[int(data["latency"])] = now
            self.send_response(204)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        await asyncio.to_thread(server.shutdown)
        server.server_close()


async def register_endpoint(receiver: Receiver) -> None:
    """The receiver as an endpoint of the bench's events, as the seller's administrator's form
    would store it (the bench has no administrator)."""
    await WebhookEndpoint.insert(
        WebhookEndpoint(url=receiver.url, description="bench", event_types=TOPIC, secret=new_secret())
    )


async def webhook_throughput(client: httpx.AsyncClient, postbox: Postbox, receiver: Receiver, count: int) -> float:
    """Webhooks a second delivered to the receiver from `count` published events across
    WEBHOOK_SUBJECTS subjects, sent as one run of the worker's job sends what is due."""
    await pile_up(count, subjects=WEBHOOK_SUBJECTS)
    while await relay_events():
        pass
    before = len(receiver.arrived)
    started = time.perf_counter()
    sent = await dispatch_due_deliveries(client, postbox, budget_seconds=math.inf)
    if sent != count:
        raise RuntimeError(f"the sender made {sent} attempts for {count} deliveries")
    # Every attempt was answered, so what is missing now failed (and waits for its retry).
    async with asyncio.timeout(60):
        await receiver.until_arrived(before + count)
    return count / (max(receiver.arrived.values()) - started)


async def send_as_the_worker_does(client: httpx.AsyncClient, postbox: Postbox) -> None:
    """The `send_webhooks` pump: a run, then its pause. Stopped, it lets the run under way finish
    (not cut mid-transaction)."""
    while True:
        run = asyncio.create_task(dispatch_due_deliveries(client, postbox))
        try:
            await asyncio.shield(run)
        except asyncio.CancelledError:
            await asyncio.gather(run, return_exceptions=True)
            raise
        await asyncio.sleep(SENDING_PAUSE_SECONDS)


def webhook_arrivals(client: httpx.AsyncClient, postbox: Postbox, receiver: Receiver) -> Arrivals:
    async def arrive(arrived: dict[int, float], count: int) -> None:
        sender = asyncio.create_task(send_as_the_worker_does(client, postbox))
        try:
            while len(receiver.latency) < count:  # noqa: ASYNC110 - the receiver is a thread: nothing to await
                await asyncio.sleep(0.01)
        finally:
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)
        arrived.update(receiver.latency)

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
        # Their connections go back to the pool before it is closed.
        await asyncio.gather(relay, arriving, return_exceptions=True)
    return [arrived[n] - committed[n] for n in range(count)]


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


async def event_figures(
    client: httpx.AsyncClient,
    postbox: Postbox,
    count: int,
    webhooks: int,
    rate: int = LATENCY_RATE,
    seconds: float = LATENCY_SECONDS,
) -> EventFigures:
    """`client` calls the app with a key of the `events` scope, on an empty database; `postbox`
    is the sender's (it writes only when an endpoint is disabled)."""
    relayed = await relay_throughput(count)
    read = await read_throughput(client, 0, count)
    latencies = await commit_to_arrival(feed_arrivals(client, count), rate, seconds)
    # The endpoint is registered after the feed's figures: the events before it are not sent.
    async with running_receiver() as receiver, Guard(allow_local_http=True).client() as sender:
        await register_endpoint(receiver)
        delivered = await webhook_throughput(sender, postbox, receiver, webhooks)
        webhook_latencies = await commit_to_arrival(webhook_arrivals(sender, postbox, receiver), rate, seconds)
    return EventFigures(
        events=count,
        relayed_per_second=relayed,
        read_per_second=read,
        latency_events=len(latencies),
        feed_p50_ms=statistics.median(latencies) * 1000,
        feed_p99_ms=percentile(latencies, 0.99) * 1000,
        webhooks=webhooks,
        delivered_per_second=delivered,
        webhook_p50_ms=statistics.median(webhook_latencies) * 1000,
        webhook_p99_ms=percentile(webhook_latencies, 0.99) * 1000,
    )


def format_event_table(figures: EventFigures) -> str:
    return "\n".join(
        [
            f"Events out: {figures.events:,} events, in process on a database of its own; latency over "
            f"{figures.latency_events:,} events committed one by one while the relay (and the webhook sender) "
            "run as the worker's pumps do; webhooks over HTTP to a receiver on 127.0.0.1 in this process.",
            "",
            "| figure | value |",
            "| --- | --- |",
            f"| relay, events published a second | {figures.relayed_per_second:,.0f} |",
            f"| feed, events read a second (pages of {MAX_FEED_PAGE:,}) | {figures.read_per_second:,.0f} |",
            f"| commit → in the feed, p50 ms | {figures.feed_p50_ms:,.0f} |",
            f"| commit → in the feed, p99 ms | {figures.feed_p99_ms:,.0f} |",
            f"| webhooks, delivered a second ({figures.webhooks:,} events, one endpoint, "
            f"{WEBHOOK_SUBJECTS} subjects) | {figures.delivered_per_second:,.0f} |",
            f"| commit → delivered by webhook, p50 ms | {figures.webhook_p50_ms:,.0f} |",
            f"| commit → delivered by webhook, p99 ms | {figures.webhook_p99_ms:,.0f} |",
        ]
    )
