"""The worker that runs queued and periodic jobs: `portal worker` on Valkey in production, or a
task inside the web process (the demo, and wherever there is no Valkey to share a queue)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from saq import CronJob, Job, Worker

from portal.config import Mode, Settings
from portal.database import connection_pool, engine_for, use_database
from portal.jobs.queue import JobQueue, use_job_queue
from portal.jobs.registry import JobContext, PumpSpec, load_job_modules, registered_jobs, registered_pumps
from portal.live import LiveUpdates, use_live_updates
from portal.mail import Postbox, mailer_for
from portal.web.templating import build_environment

# A stopping worker takes no new job and gives running ones this long to finish; a job cut off
# after it goes back on the queue.
SHUTDOWN_GRACE_SECONDS = 20


def runs_in_web_process(settings: Settings) -> bool:
    """Without Valkey no other process can reach the queue; the demo is one process anyway."""
    return settings.valkey_url is None or settings.mode is Mode.DEMO


def build_worker(
    queue: JobQueue,
    settings: Settings,
    postbox: Postbox,
    *,
    handle_signals: bool = False,
    burst: bool = False,
) -> Worker[JobContext]:
    """A worker for every registered job and schedule. `handle_signals`: stop on SIGTERM/SIGINT
    (its own process only: in the web process the server owns the signals). `burst`: stop
    once nothing is left to do now."""
    load_job_modules()
    _abridge_job_logs()
    jobs = registered_jobs()

    pumping: list[asyncio.Task[None]] = []

    async def startup(ctx: JobContext) -> None:
        ctx["settings"] = settings
        ctx["postbox"] = postbox
        ctx["jobs"] = queue
        # A burst (tests' run of what is queued) stops when the queue is empty; pumps never are.
        if not burst:
            pumping.extend(
                asyncio.create_task(_pumped(spec, ctx), name=f"portal-pump-{spec.name}") for spec in registered_pumps()
            )

    async def shutdown(_ctx: JobContext) -> None:
        for task in pumping:
            task.cancel()
        await asyncio.gather(*pumping, return_exceptions=True)
        pumping.clear()

    worker = _PromptlyStoppingWorker(
        queue.saq_queue,
        functions=[(spec.name, spec.function) for spec in jobs],
        cron_jobs=[
            CronJob(spec.function, cron=spec.cron, timeout=spec.timeout, retries=spec.attempts)
            for spec in jobs
            if spec.cron is not None and (not spec.demo_only or settings.mode is Mode.DEMO)
        ],
        concurrency=settings.worker_concurrency,
        startup=startup,
        shutdown=shutdown,
        # Idle slots ask again every second, so a stopping worker is not held by an empty queue.
        dequeue_timeout=0.1 if burst else 1.0,
        burst=burst,
        shutdown_grace_period_s=SHUTDOWN_GRACE_SECONDS,
    )
    if not handle_signals:
        worker.SIGNALS = []
    return worker


@asynccontextmanager
async def worker_in_process(queue: JobQueue, settings: Settings, postbox: Postbox) -> AsyncIterator[None]:
    """Runs a worker as a task of this event loop while the block runs."""
    worker = build_worker(queue, settings, postbox)
    running = asyncio.create_task(worker.start(), name="portal-jobs-worker")
    try:
        yield
    finally:
        # Cancelled, Worker.start stops the worker the graceful way (_PromptlyStoppingWorker.stop).
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)


def background_jobs(
    queue: JobQueue, settings: Settings, postbox: Postbox
) -> Callable[[object], AbstractAsyncContextManager[None]]:
    """The web app's lifespan part for jobs: the worker inside the web process where
    `runs_in_web_process`, and the queue's connections closed at shutdown."""

    @asynccontextmanager
    async def lifespan(_app: object) -> AsyncIterator[None]:
        try:
            if runs_in_web_process(settings):
                async with worker_in_process(queue, settings, postbox):
                    yield
            else:
                yield
        finally:
            await queue.close()

    return lifespan


async def run_worker(settings: Settings) -> None:
    """`portal worker`: runs jobs from the shared queue until SIGTERM or SIGINT, then lets the
    running ones finish (up to SHUTDOWN_GRACE_SECONDS)."""
    engine = engine_for(settings)
    use_database(engine)
    queue = JobQueue.for_settings(settings)
    use_job_queue(queue)
    # Announcements from jobs reach the web processes' pages through Valkey.
    use_live_updates(LiveUpdates.for_settings(settings))
    postbox = Postbox(build_environment(auto_reload=False), mailer_for(settings), settings.base_url)
    worker = build_worker(queue, settings, postbox, handle_signals=True)
    try:
        async with connection_pool(engine):
            await worker.start()
    finally:
        await queue.close()


async def run_queued_jobs(queue: JobQueue, settings: Settings, postbox: Postbox) -> None:
    """Runs every job that is due now, then returns: for tests of code that queues jobs."""
    await build_worker(queue, settings, postbox, burst=True).start()


_log = logging.getLogger(__name__)


async def _pumped(spec: PumpSpec, ctx: JobContext) -> None:
    while True:
        try:
            await spec.function(ctx)
        except Exception:
            _log.exception("pump %s failed; it runs again in %s s", spec.name, spec.every)
        await asyncio.sleep(spec.every)


class _PromptlyStoppingWorker(Worker[JobContext]):
    """SAQ's worker, except that stopping cancels its upkeep loops (schedule, sweep, stats) at
    once: they sleep up to a minute between rounds, and SAQ's stop would wait for them as long as
    for running jobs, holding every shutdown for the whole grace period."""

    _upkeep_tasks: list[asyncio.Task[None]]

    async def upkeep(self) -> list[asyncio.Task[None]]:
        self._upkeep_tasks = await super().upkeep()
        return self._upkeep_tasks

    async def stop(self) -> None:
        for task in getattr(self, "_upkeep_tasks", []):
            task.cancel()
        await super().stop()


class _AbridgedJobs(logging.Filter):
    """SAQ logs a failed job with all its arguments, which for mail are the message and its
    signed links: logs get the job's name, key and attempts only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(arg, Job) for arg in record.args):
            record.args = tuple(arg.info() if isinstance(arg, Job) else arg for arg in record.args)
        return True


def _abridge_job_logs() -> None:
    saq_log = logging.getLogger("saq")
    if not any(isinstance(existing, _AbridgedJobs) for existing in saq_log.filters):
        saq_log.addFilter(_AbridgedJobs())
