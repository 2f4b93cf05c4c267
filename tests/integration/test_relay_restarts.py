"""Killing the relay and the webhook sender in the middle of deliveries and starting them again
delivers every event exactly once (per webhook endpoint: the receiver deduplicates by
`webhook-id`) with no gap in positions; an ERP that is away for a while gets everything, in
order, when it returns.

The relay and the sender run as the worker runs them: `portal worker` in a process of its own
when there is Valkey (CI), else both alone in a process (`tests/integration/relay_process.py`),
and are killed with SIGKILL while writers commit events from many tasks at once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from standardwebhooks.webhooks import Webhook

from portal import clock
from portal.accounts.roles import Role
from portal.accounts.tables import CompanyKind
from portal.config import Settings
from portal.database import write_transaction
from portal.integration.events import head_position, read_feed
from portal.integration.outbox import emit
from portal.integration.tables import OutboxEvent, WebhookDelivery, WebhookDeliveryStatus
from portal.integration.webhook_endpoints import EndpointView, check_endpoint_form, create_webhook_endpoint
from portal.outgoing.guard import Guard
from tests.factories import make_company, make_person
from tests.integration.webhook_receiver import Receiver, running_receiver
from tests.jobs.test_jobs import PATIENCE, PROCESS_PATIENCE, until

WRITERS = 8
# Each writer's events after the relay was killed, while nobody publishes.
WRITTEN_WHILE_DOWN = 15
# A type webhook endpoints subscribe to; each writer's events share a subject, delivered in order.
TOPIC = "message.created"
REPO_ROOT = Path(__file__).resolve().parents[2]


def _relay_command(settings: Settings, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PORTAL_")}
    if settings.valkey_url is None:
        return [sys.executable, "-m", "tests.integration.relay_process", str(settings.database_url)], environment
    environment.update(
        PORTAL_MODE="production",
        PORTAL_SECRET_KEY=settings.resolved_secret_key(),
        PORTAL_DATABASE_URL=str(settings.database_url),
        PORTAL_VALKEY_URL=str(settings.valkey_url),
        PORTAL_KEY_PREFIX=settings.key_prefix,
        PORTAL_SMTP_URL=str(settings.smtp_url),
        PORTAL_VAR_DIR=str(tmp_path),
        # The tests' webhook receivers listen on 127.0.0.1 over plain http.
        PORTAL_OUTGOING_ALLOW_LOCAL_HTTP="true",
    )
    return [sys.executable, "-c", "from portal.cli import main; main(['worker'])"], environment


@asynccontextmanager
async def relay_running(settings: Settings, tmp_path: Path, run: int) -> AsyncIterator[asyncio.subprocess.Process]:
    """The relay's process while the block runs; the block may kill it. Its output is in
    relay-<run>.log for a failing test's message."""
    command, environment = _relay_command(settings, tmp_path)
    with (tmp_path / f"relay-{run}.log").open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *command, env=environment, cwd=REPO_ROOT, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


def _logs(tmp_path: Path) -> str:
    return "\n".join(log.read_text(errors="replace") for log in sorted(tmp_path.glob("relay-*.log")))


class Writers:
    """Tasks committing events one to three at a time, as state changes come, numbered per writer."""

    def __init__(self) -> None:
        self.next = dict.fromkeys(range(WRITERS), 0)

    @property
    def written(self) -> int:
        return sum(self.next.values())

    async def write(self, writer: int, count: int) -> None:
        last = self.next[writer] + count
        while self.next[writer] < last:
            await self._commit(writer, min(1 + (self.next[writer] + writer) % 3, last - self.next[writer]))

    async def write_until(self, writer: int, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self._commit(writer, 1 + (self.next[writer] + writer) % 3)

    async def _commit(self, writer: int, size: int) -> None:
        first = self.next[writer]
        async with write_transaction(OutboxEvent._meta.db):
            for n in range(first, first + size):
                await emit(TOPIC, 1, {"writer": writer, "n": n}, subject=f"thread:{writer}")
        self.next[writer] = first + size


async def _read_everything(consumer: str, wait_seconds: float, expected: asyncio.Future[int]) -> list[dict[str, Any]]:
    """What an ERP reading the feed from the start gets, page after page, until it has all that
    was written (known once the writers are done)."""
    events: list[dict[str, Any]] = []
    after = 0
    while not expected.done() or len(events) < expected.result():
        page = await read_feed(consumer, after, limit=100, wait_seconds=wait_seconds)
        events += [event.as_json() for event in page.events]
        after = page.next_after
    return events


async def _published() -> int:
    return await OutboxEvent.count().where(OutboxEvent.position.is_not_null())


async def test_killing_the_relay_mid_way_publishes_every_event_once_in_order_and_an_away_erp_gets_them_all(
    db: None, settings: Settings, tmp_path: Path
) -> None:
    writers = Writers()
    total: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    # An ERP that reads all along, long-polling, and one that is away until the end.
    present = asyncio.create_task(_read_everything("erp-present", 1, total))
    async with relay_running(settings, tmp_path, 1) as relay:
        await asyncio.gather(*(writers.write(writer, 3) for writer in range(WRITERS)))
        before = writers.written

        async def relaying() -> bool:
            return await head_position() > 0

        await until(relaying, within=PROCESS_PATIENCE)
        # Writers commit without pause until the relay is killed, after it published some of theirs.
        killed = asyncio.Event()
        busy = asyncio.gather(*(writers.write_until(writer, killed) for writer in range(WRITERS)))

        async def publishing_theirs() -> bool:
            return await head_position() > before

        await until(publishing_theirs, within=PROCESS_PATIENCE)
        relay.send_signal(signal.SIGKILL)
        await relay.wait()
        killed.set()
        await busy
    published_while_up = await _published()
    await asyncio.gather(*(writers.write(writer, WRITTEN_WHILE_DOWN) for writer in range(WRITERS)))
    assert await _published() == published_while_up < writers.written
    total.set_result(writers.written)

    # A killed `portal worker` leaves its relay job active and the queue's sweep lock taken (SAQ
    # holds it 60 s): the new worker publishes again once it has swept the job, about a minute on.
    async with relay_running(settings, tmp_path, 2):

        async def all_published() -> bool:
            return await _published() == writers.written

        try:
            await until(all_published, within=PROCESS_PATIENCE)
        except TimeoutError:
            raise AssertionError(f"{await _published()} of {writers.written} published\n{_logs(tmp_path)}") from None
        async with asyncio.timeout(PATIENCE):
            read_all_along = await present
    read_on_return = await _read_everything("erp-away", 0, total)

    count = writers.written
    assert [event["position"] for event in read_on_return] == list(range(1, count + 1))
    assert [event["id"] for event in read_on_return] == [f"evt_{position}" for position in range(1, count + 1)]
    written = sorted((event["data"]["writer"], event["data"]["n"]) for event in read_on_return)
    assert written == [(writer, n) for writer in range(WRITERS) for n in range(writers.next[writer])]
    # Each writer's events come in the order it committed them.
    for writer in range(WRITERS):
        assert [event["data"]["n"] for event in read_on_return if event["data"]["writer"] == writer] == list(
            range(writers.next[writer])
        )
    assert read_all_along == read_on_return


async def _delivered() -> int:
    return await WebhookDelivery.count().where(WebhookDelivery.status == WebhookDeliveryStatus.DELIVERED)


async def _as_if_a_minute_passed() -> None:
    """What the worker's clock would bring about a minute on, brought now: the killed worker's
    leases run out (LEASE, 60 s) and the retries the away ERP refused are due (5 s, then 1 min).
    A worker process's clock cannot be travelled, and waiting that long would make the test
    slow; the order, the dedup and the gaps checked are the same either way."""
    now = clock.now()
    pending = WebhookDelivery.status == WebhookDeliveryStatus.PENDING
    await WebhookDelivery.update({WebhookDelivery.lease_until: now}).where(
        pending & WebhookDelivery.lease_until.is_not_null()
    )
    await WebhookDelivery.update({WebhookDelivery.next_attempt_at: now}).where(
        pending & (WebhookDelivery.next_attempt_at > now)
    )


def _assert_taken_once_each_in_order(receiver: Receiver, endpoint: EndpointView, writers: Writers) -> None:
    taken = [Webhook(endpoint.secret).verify(request.body, request.headers) for request in receiver.taken]
    count = writers.written
    assert sorted(event["position"] for event in taken) == list(range(1, count + 1))
    assert [request.headers["webhook-id"] for request in receiver.taken] == [event["id"] for event in taken]
    assert all(event["id"] == f"evt_{event['position']}" for event in taken)
    # One subject per writer: its events arrive in the order it committed them, which is the
    # order of their positions.
    for writer in range(WRITERS):
        mine = [event for event in taken if event["data"]["writer"] == writer]
        assert [event["data"]["n"] for event in mine] == list(range(writers.next[writer]))
        assert [event["position"] for event in mine] == sorted(event["position"] for event in mine)


async def test_killing_the_sender_mid_delivery_delivers_every_event_once_per_endpoint_in_order_and_an_away_erp_gets_them_all(
    db: None, settings: Settings, tmp_path: Path
) -> None:
    seller = await make_company("Hurtownia", kind=CompanyKind.SELLER)
    admin = await (await make_person(seller, Role.SELLER_ADMIN, email="admin@hurtownia.example")).scope()
    writers = Writers()
    with running_receiver() as present, running_receiver() as away:
        # The away ERP answers 503 until it returns.
        away.away = True
        endpoints = [
            await create_webhook_endpoint(
                admin, await check_endpoint_form(Guard(allow_local_http=True), receiver.url(), "ERP", (TOPIC,))
            )
            for receiver in (present, away)
        ]
        async with relay_running(settings, tmp_path, 1) as worker:
            await asyncio.gather(*(writers.write(writer, 3) for writer in range(WRITERS)))

            async def delivering() -> bool:
                return len(present.taken) >= WRITERS and bool(away.received)

            await until(delivering, within=PROCESS_PATIENCE)
            # Writers commit without pause while the present ERP takes deliveries and the away one
            # refuses them.
            killed = asyncio.Event()
            busy = asyncio.gather(*(writers.write_until(writer, killed) for writer in range(WRITERS)))
            # The present ERP then takes deliveries but holds its answers: the worker dies with
            # those in flight, so it never learns they arrived.
            present.hold_answers()

            async def in_flight() -> bool:
                return present.holding > 0

            await until(in_flight)
            worker.send_signal(signal.SIGKILL)
            await worker.wait()
            killed.set()
            await busy
        taken_but_unanswered = present.holding
        present.release_answers()
        await asyncio.gather(*(writers.write(writer, WRITTEN_WHILE_DOWN) for writer in range(WRITERS)))
        refused_while_away = len(away.received)
        assert refused_while_away > 0 and not away.taken
        away.away = False
        await _as_if_a_minute_passed()

        async with relay_running(settings, tmp_path, 2):

            async def all_delivered() -> bool:
                return await _delivered() == len(endpoints) * writers.written

            try:
                await until(all_delivered, within=PROCESS_PATIENCE)
            except TimeoutError:
                raise AssertionError(
                    f"{await _delivered()} of {len(endpoints) * writers.written} delivered\n{_logs(tmp_path)}"
                ) from None

    for receiver, endpoint in zip((present, away), endpoints, strict=True):
        _assert_taken_once_each_in_order(receiver, endpoint, writers)
    # What the killed worker had in flight was sent again with the same id, and dropped.
    assert present.duplicates >= taken_but_unanswered > 0
    assert len(away.received) == refused_while_away + writers.written + away.duplicates
