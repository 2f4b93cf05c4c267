"""Background jobs: queued, run by a worker, retried, deduplicated by key, held until their time,
run on a schedule, and mail sent through the queue. On Valkey when PORTAL_VALKEY_URL is set (as
in CI), on the in-process memory queue otherwise."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from portal.app import create_app
from portal.config import Mode, Settings
from portal.jobs import (
    JobContext,
    JobQueue,
    JobStatus,
    deliver_or_queue,
    enqueue,
    job,
    pump,
    send_mail,
    use_job_queue,
)
from portal.jobs.registry import registered_jobs, spec_for
from portal.jobs.worker import build_worker, run_queued_jobs, worker_in_process
from portal.mail import OutgoingMail, Postbox, mailer_for
from portal.web.templating import build_environment
from tests.mailbox import Mailbox

FINISHED = {JobStatus.COMPLETE, JobStatus.FAILED, JobStatus.ABORTED}

# What the test jobs below were called with, per test (each test passes its own token).
calls: dict[str, list[dict[str, Any]]] = {}


@job
async def remember_call(ctx: JobContext, *, token: str, **arguments: Any) -> str:
    calls.setdefault(token, []).append({"attempt": ctx["job"].attempts, **arguments})
    return token


@job(attempts=3, retry_delay=0.2, max_retry_delay=0.5)
async def fail_on_first_attempt(ctx: JobContext, *, token: str) -> None:
    calls.setdefault(token, []).append({"attempt": ctx["job"].attempts})
    if ctx["job"].attempts == 1:
        raise ConnectionError("the other side is away")


@job(attempts=2, retry_delay=0)
async def always_fail(ctx: JobContext, *, token: str) -> None:
    calls.setdefault(token, []).append({"attempt": ctx["job"].attempts})
    raise ConnectionError("the other side is away")


@job
async def take_a_while(ctx: JobContext, *, token: str) -> None:
    calls.setdefault(token, []).append({"started": True})
    await asyncio.sleep(0.5)
    calls[token].append({"finished": True})


@job(cron="* * * * * *")  # every second (croniter's sixth field)
async def every_second(ctx: JobContext) -> None:
    calls.setdefault("every_second", []).append({"at": time.time()})


@job(cron="*/5 * * * *")
async def check_due_reminders_example(ctx: JobContext) -> None:
    """A declaration as a capability would write it: every five minutes."""


pumped: list[float] = []
pump_failures_left = [2]


@pump(every=0.01)
async def counting_pump(ctx: JobContext) -> None:
    if pump_failures_left[0]:
        pump_failures_left[0] -= 1
        raise RuntimeError("a pump's run that fails")
    pumped.append(time.time())


@dataclass(frozen=True)
class Reminder:
    order_id: int
    amount: Decimal
    due: date


@pytest.fixture
async def queue(settings: Settings) -> AsyncIterator[JobQueue]:
    jobs = JobQueue.for_settings(settings)
    use_job_queue(jobs)
    yield jobs
    await forget_jobs(jobs, settings)
    await jobs.close()


async def forget_jobs(jobs: JobQueue, settings: Settings) -> None:
    """Leaves nothing of the test on a shared server."""
    if jobs.shared:
        redis = jobs.saq_queue.redis
        keys = [key async for key in redis.scan_iter(match=f"saq:*{settings.key_prefix}-jobs*")]
        if keys:
            await redis.delete(*keys)


@pytest.fixture
def postbox(settings: Settings) -> Postbox:
    return Postbox(build_environment(auto_reload=False), mailer_for(settings), settings.base_url)


@pytest.fixture
async def worker(queue: JobQueue, settings: Settings, postbox: Postbox) -> AsyncIterator[None]:
    async with worker_in_process(queue, settings, postbox):
        yield


# Upper bounds of waits for a condition, never a time the test expects to take: a CI machine
# with two busy cores can take seconds to start a worker or run a job that takes milliseconds here.
PATIENCE = 60.0
# Starting `portal worker` imports the whole portal (WeasyPrint, Piccolo, Litestar) in a new process.
PROCESS_PATIENCE = 180.0


async def until(condition: Callable[[], Awaitable[bool]], within: float = PATIENCE) -> None:
    async with asyncio.timeout(within):
        while not await condition():  # noqa: ASYNC110 - the state is on the queue's server: nothing to wait on here
            await asyncio.sleep(0.05)


async def finished(queue: JobQueue, key: str, within: float = PATIENCE) -> JobStatus:
    async def done() -> bool:
        return await queue.status(key) in FINISHED

    await until(done, within)
    status = await queue.status(key)
    assert status is not None
    return status


def token() -> str:
    return uuid.uuid4().hex


async def test_a_queued_job_runs_on_the_worker_with_its_arguments(queue: JobQueue, worker: None) -> None:
    mine = token()
    key = await enqueue(remember_call, token=mine, order_id=7, note="zamówienie")
    assert key is not None
    assert await finished(queue, key) is JobStatus.COMPLETE
    assert calls[mine] == [{"attempt": 1, "order_id": 7, "note": "zamówienie"}]


async def test_a_job_a_worker_has_just_taken_is_not_run_again_by_the_sweep(queue: JobQueue) -> None:
    """A worker moves a job to the active list, then marks it active; a sweep in between must not
    take it for abandoned. One that stays so until the next sweep was abandoned: it runs again."""
    saq_queue = queue.saq_queue
    key = await enqueue(remember_call, token=token())
    assert key is not None
    job_id = saq_queue.job_id(key)
    await saq_queue.redis.lmove(saq_queue.namespace("queued"), saq_queue.namespace("active"))

    assert await saq_queue.sweep() == []
    assert await queue.status(key) is JobStatus.QUEUED
    assert await saq_queue.count("active") == 1

    await saq_queue.redis.delete(saq_queue.namespace("sweep"))  # the next round, a minute later
    assert await saq_queue.sweep() == [job_id]
    assert await saq_queue.count("active") == 0
    swept = await saq_queue.job(key)
    assert swept is not None
    assert (swept.status, swept.error) == (JobStatus.QUEUED, saq_queue.swept_error_message)


async def test_a_job_can_be_queued_by_its_name(queue: JobQueue, worker: None) -> None:
    mine = token()
    key = await queue.enqueue("remember_call", token=mine)
    assert key is not None
    assert await finished(queue, key) is JobStatus.COMPLETE
    assert len(calls[mine]) == 1


async def test_arguments_travel_as_json_values(queue: JobQueue, worker: None) -> None:
    mine = token()
    reminder = Reminder(order_id=42, amount=Decimal("1234.50"), due=date(2026, 12, 1))
    key = await enqueue(remember_call, token=mine, reminder=reminder, amount=Decimal("0.10"))
    assert key is not None
    assert await finished(queue, key) is JobStatus.COMPLETE
    assert calls[mine] == [
        {"attempt": 1, "reminder": {"order_id": 42, "amount": "1234.50", "due": "2026-12-01"}, "amount": "0.10"}
    ]


async def test_an_argument_json_cannot_hold_is_refused_when_queued(queue: JobQueue) -> None:
    with pytest.raises(TypeError, match="pass its id"):
        await enqueue(remember_call, token=token(), connection=object())


async def test_a_failed_attempt_is_tried_again_after_a_delay(queue: JobQueue, worker: None) -> None:
    mine = token()
    key = await enqueue(fail_on_first_attempt, token=mine)
    assert key is not None
    assert await finished(queue, key) is JobStatus.COMPLETE
    assert [call["attempt"] for call in calls[mine]] == [1, 2]


async def test_a_job_that_keeps_failing_stops_after_its_attempts(
    queue: JobQueue, worker: None, caplog: pytest.LogCaptureFixture
) -> None:
    mine = token()
    key = await enqueue(always_fail, token=mine)
    assert key is not None
    assert await finished(queue, key) is JobStatus.FAILED
    assert [call["attempt"] for call in calls[mine]] == [1, 2]
    failed = await queue.saq_queue.job(key)
    assert failed is not None and failed.error is not None and "the other side is away" in failed.error
    # The log names the job but not its arguments (for mail: the message and its signed links).
    assert f"key: {key}" in caplog.text and "always_fail" in caplog.text
    assert mine not in caplog.text


async def test_the_same_key_is_queued_once_while_the_job_waits(queue: JobQueue, settings: Settings) -> None:
    mine = token()
    key = f"remind-order-{mine}"
    assert await enqueue(remember_call, key=key, token=mine) == key
    assert await enqueue(remember_call, key=key, token=mine) is None  # a double click

    postbox = Postbox(build_environment(auto_reload=False), mailer_for(settings), settings.base_url)
    await run_queued_jobs(queue, settings, postbox)
    assert len(calls[mine]) == 1
    assert await queue.status(key) is JobStatus.COMPLETE
    assert await enqueue(remember_call, key=key, token=mine) == key  # finished: the key is free again


async def test_a_scheduled_job_waits_for_its_time(queue: JobQueue, worker: None) -> None:
    mine = token()
    due = datetime.now(UTC) + timedelta(seconds=2)
    key = await enqueue(remember_call, token=mine, scheduled_at=due)
    assert key is not None
    # A job queued after it for now runs meanwhile: the worker was there, and left the other waiting.
    meanwhile = await enqueue(remember_call, token=token())
    assert meanwhile is not None
    assert await finished(queue, meanwhile) is JobStatus.COMPLETE

    assert await finished(queue, key) is JobStatus.COMPLETE
    ran = await queue.saq_queue.job(key)
    assert ran is not None and ran.started / 1000 >= due.timestamp()


async def test_a_schedule_without_a_timezone_is_refused(queue: JobQueue) -> None:
    with pytest.raises(ValueError, match="timezone"):
        await enqueue(remember_call, token=token(), scheduled_at=datetime.now() + timedelta(hours=24))


async def test_only_registered_jobs_can_be_queued(queue: JobQueue) -> None:
    async def not_a_job(ctx: JobContext) -> None: ...

    with pytest.raises(ValueError, match="decorate it with @job"):
        await enqueue(not_a_job)
    with pytest.raises(ValueError, match="no job named 'no_such_job'"):
        await enqueue("no_such_job")


def test_two_jobs_of_one_name_are_refused() -> None:
    async def remember_call(ctx: JobContext) -> None: ...

    remember_call.__qualname__ = "remember_call"
    remember_call.__module__ = "portal.elsewhere"
    with pytest.raises(ValueError, match="two jobs named 'remember_call'"):
        job(remember_call)


def test_a_bad_crontab_line_is_refused() -> None:
    async def never(ctx: JobContext) -> None: ...

    with pytest.raises(ValueError, match="not a crontab line"):
        job(cron="every five minutes")(never)


async def test_a_periodic_job_is_declared_with_its_schedule(
    queue: JobQueue, settings: Settings, postbox: Postbox
) -> None:
    spec = spec_for(check_due_reminders_example)
    assert spec.cron == "*/5 * * * *"
    assert spec.attempts == 1  # the next occurrence is its retry
    worker = build_worker(queue, settings, postbox)
    assert {cron.function for cron in worker.cron_jobs} >= {check_due_reminders_example, every_second}
    assert {spec.name for spec in registered_jobs()} <= set(worker.functions)


async def test_a_periodic_job_runs_on_its_schedule(queue: JobQueue, worker: None) -> None:
    calls.pop("every_second", None)

    async def ran_twice() -> bool:
        return len(calls.get("every_second", [])) >= 2

    await until(ran_twice)


async def test_a_pump_runs_over_and_over_in_the_worker_and_a_failed_run_does_not_stop_it(worker: None) -> None:
    runs_before = len(pumped)

    async def ran_three_more_times() -> bool:
        return len(pumped) >= runs_before + 3

    await until(ran_three_more_times)
    assert pump_failures_left == [0]


async def test_a_burst_of_queued_jobs_runs_no_pump(queue: JobQueue, settings: Settings, postbox: Postbox) -> None:
    runs_before = len(pumped)

    await run_queued_jobs(queue, settings, postbox)

    assert len(pumped) == runs_before


async def test_send_mail_delivers_through_the_queue(queue: JobQueue, worker: None, mailbox: Mailbox) -> None:
    mail = OutgoingMail(
        to="approver@budmax.example",
        subject="Zamówienie czeka na akceptację",
        text="Zamówienie ZAM/2026/0042 czeka.\nhttp://testserver/approvals/42",
        html="<p>Zamówienie <b>ZAM/2026/0042</b> czeka.</p>",
    )
    key = await enqueue(send_mail, mail=mail)
    assert key is not None
    assert await finished(queue, key) is JobStatus.COMPLETE
    message = mailbox.last_to("approver@budmax.example")
    assert message["Subject"] == "Zamówienie czeka na akceptację"
    assert "ZAM/2026/0042" in mailbox.text_of(message)


async def test_a_stopping_worker_lets_a_running_job_finish(
    queue: JobQueue, settings: Settings, postbox: Postbox
) -> None:
    mine = token()
    async with worker_in_process(queue, settings, postbox):
        key = await enqueue(take_a_while, token=mine)
        assert key is not None

        async def started() -> bool:
            return mine in calls

        await until(started)
        stopping_at = time.monotonic()
    # The upkeep loops sleep a minute at a time; stopping must not wait for them (a generous
    # bound still far below that minute).
    assert time.monotonic() - stopping_at < 30
    assert calls[mine] == [{"started": True}, {"finished": True}]
    assert await queue.status(key) is JobStatus.COMPLETE


async def test_keys_carry_the_deployments_prefix(queue: JobQueue, settings: Settings) -> None:
    key = await enqueue(remember_call, token=token(), scheduled_at=datetime.now(UTC) + timedelta(hours=1))
    name = f"{settings.key_prefix}-jobs"
    ours = {found.decode() async for found in queue.saq_queue.redis.scan_iter(match=f"saq:*{name}*")}
    assert ours == {f"saq:job:{name}:{key}", f"saq:{name}:incomplete"}
    if not queue.shared:  # a memory server of its own: nothing else is there
        assert {found.decode() async for found in queue.saq_queue.redis.scan_iter()} == ours


async def test_the_queue_is_shared_exactly_when_valkey_is_configured(queue: JobQueue, settings: Settings) -> None:
    assert queue.shared is (settings.valkey_url is not None)


async def test_the_demo_app_runs_its_jobs_in_its_own_process(settings: Settings, mailbox: Mailbox) -> None:
    app = create_app(settings.model_copy(update={"mode": Mode.DEMO}))
    jobs: JobQueue = app.state["jobs"]
    async with app.lifespan():
        key = await jobs.enqueue(
            send_mail, mail=OutgoingMail(to="buyer@budmax.example", subject="Demo", text="Hello", html="<p>Hello</p>")
        )
        assert key is not None
        assert await finished(jobs, key) is JobStatus.COMPLETE
        await forget_jobs(jobs, settings)
    assert mailbox.last_to("buyer@budmax.example")["Subject"] == "Demo"


def test_portal_worker_needs_valkey(tmp_path: Path) -> None:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PORTAL_")}
    result = subprocess.run(
        [sys.executable, "-c", "from portal.cli import main; main(['worker'])"],
        env={**environment, "PORTAL_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=PROCESS_PATIENCE,
    )
    assert result.returncode == 2
    assert "set PORTAL_VALKEY_URL" in result.stderr


async def test_portal_worker_runs_the_shared_queue_and_stops_on_sigterm(
    queue: JobQueue, settings: Settings, mailbox: Mailbox, tmp_path: Path
) -> None:
    if not queue.shared:
        pytest.skip("`portal worker` serves a Valkey queue; without Valkey test_portal_worker_needs_valkey applies")
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PORTAL_")}
    environment.update(
        PORTAL_MODE="production",
        PORTAL_SECRET_KEY=settings.resolved_secret_key(),
        PORTAL_DATABASE_URL=str(settings.database_url),
        PORTAL_VALKEY_URL=str(settings.valkey_url),
        PORTAL_KEY_PREFIX=settings.key_prefix,
        PORTAL_SMTP_URL=str(settings.smtp_url),
        PORTAL_VAR_DIR=str(tmp_path),
    )
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from portal.cli import main; main(['worker'])",
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        key = await enqueue(
            send_mail, mail=OutgoingMail(to="office@hurtownia.example", subject="Z workera", text="x", html="<p>x</p>")
        )
        assert key is not None
        # The process needs a while to start on a busy machine; the job, once it has, milliseconds.
        assert await finished(queue, key, within=PROCESS_PATIENCE) is JobStatus.COMPLETE, log.read_text()
        assert mailbox.last_to("office@hurtownia.example")["Subject"] == "Z workera"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(PATIENCE):
                returncode = await process.wait()
        except TimeoutError:
            process.kill()
            raise
    assert returncode == 0, log.read_text()


class _RefusingMailer:
    async def send(self, mail: OutgoingMail) -> None:
        raise OSError("connection refused")


async def test_mail_the_server_refuses_goes_on_the_queue_and_arrives_later(
    queue: JobQueue, settings: Settings, postbox: Postbox, mailbox: Mailbox
) -> None:
    mail = OutgoingMail(to="later@budmax.example", subject="Zamówienie", text="Treść", html="<p>Treść</p>")
    refusing = Postbox(build_environment(auto_reload=False), _RefusingMailer(), settings.base_url)

    await deliver_or_queue(refusing, [mail])
    assert all(message["To"] != "later@budmax.example" for message in mailbox.messages)

    async def arrived() -> bool:
        return any(message["To"] == "later@budmax.example" for message in mailbox.messages)

    async with worker_in_process(queue, settings, postbox):
        await until(arrived)


async def test_an_idle_worker_waits_for_work_instead_of_asking_again_at_once(queue: JobQueue) -> None:
    # An idle worker asks for the next job with a timeout; answered at once, it asks again and
    # again at full CPU (fakeredis's BLMOVE did that).
    started = time.monotonic()
    assert await queue.saq_queue.dequeue(timeout=0.3) is None
    assert time.monotonic() - started >= 0.25
