"""Where jobs wait: SAQ's Redis queue on Valkey, shared by every web and worker process, or the
same queue (the same Lua scripts) on an in-memory fakeredis server inside this process when there
is no Valkey. Its keys carry the deployment's key prefix, so deployments can share one server."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from fakeredis import FakeAsyncRedis, FakeServer
from redis.asyncio import Redis
from saq import Job, Status
from saq.queue.redis import RedisQueue
from saq.types import VersionTuple

from portal.config import Settings
from portal.jobs.registry import JobFunction, spec_for

JobStatus = Status
"""`queued`, `active`, `complete`, `failed`, `aborted` … (a `str` enum)."""

FINISHED = frozenset({Status.COMPLETE, Status.FAILED, Status.ABORTED})


class JobQueue:
    """The handle on the queue that web handlers (the `jobs` dependency), domain code
    (`portal.jobs.enqueue`) and jobs themselves (`ctx["jobs"]`) put jobs on."""

    def __init__(self, saq_queue: RedisQueue, *, shared: bool) -> None:
        self._queue = saq_queue
        self._shared = shared

    @classmethod
    def for_settings(cls, settings: Settings) -> JobQueue:
        name = f"{settings.key_prefix}-jobs"
        if settings.valkey_url is not None:
            valkey = Redis.from_url(_as_redis_url(settings.valkey_url))
            return cls(_SweepingQueue(valkey, name=name, dump=_dump_json), shared=True)
        return cls(_InProcessQueue(name), shared=False)

    @property
    def shared(self) -> bool:
        """True on Valkey, where any process's worker may run the job; False in memory, where
        only a worker inside this process can."""
        return self._shared

    @property
    def saq_queue(self) -> RedisQueue:
        """SAQ's queue, for the worker (and tests looking at its keys)."""
        return self._queue

    async def enqueue(
        self,
        job: JobFunction | str,
        /,
        *,
        key: str | None = None,
        scheduled_at: datetime | None = None,
        **kwargs: Any,
    ) -> str | None:
        """Puts `job(ctx, **kwargs)` on the queue and answers its key, or None when a job with the
        same `key` is already waiting, scheduled, retrying or running (an idempotency key: once
        that one has finished, the key may be queued again).

        `scheduled_at` (timezone-aware) holds it back until then, to the second. Arguments travel
        as JSON: dataclasses arrive as dicts; Decimal, dates, datetimes and UUIDs as strings;
        anything else JSON cannot hold fails here, not in the worker."""
        spec = spec_for(job)
        queued = await self._queue.enqueue(
            Job(
                function=spec.name,
                kwargs=kwargs or None,
                key=key or str(uuid.uuid4()),
                timeout=spec.timeout,
                retries=spec.attempts,  # SAQ's "retries" counts every run, the first one included
                retry_delay=spec.retry_delay,
                retry_backoff=spec.max_retry_delay,
                scheduled=_epoch_seconds(scheduled_at),
            )
        )
        return queued.key if queued is not None else None

    async def status(self, key: str) -> JobStatus | None:
        """The job's status; None once a finished job has been forgotten (after ten minutes)."""
        found = await self._queue.job(key)
        return found.status if found is not None else None

    async def close(self) -> None:
        await self._queue.disconnect()


_bound: JobQueue | None = None


def use_job_queue(queue: JobQueue) -> None:
    """Makes `queue` the one `portal.jobs.enqueue` uses in this process (set at start-up, as
    `use_database` does for the tables)."""
    global _bound
    _bound = queue


def job_queue() -> JobQueue:
    if _bound is None:
        raise RuntimeError("no job queue in this process: create_app() or `portal worker` sets one")
    return _bound


async def enqueue(
    job: JobFunction | str,
    /,
    *,
    key: str | None = None,
    scheduled_at: datetime | None = None,
    **kwargs: Any,
) -> str | None:
    """`JobQueue.enqueue` on this process's queue, for domain code: see there."""
    return await job_queue().enqueue(job, key=key, scheduled_at=scheduled_at, **kwargs)


class _SweepingQueue(RedisQueue):
    """SAQ's Redis queue, except that its sweep gives a job a second look before running it
    again. A worker moves a job to the active list and marks it active in two steps; SAQ's
    sweep takes a job it finds between them for abandoned and queues it again, so it ran twice
    (tobymao/saq#277; seen in CI on a busy machine). Such a job is swept only when a later
    sweep still finds it in the active list and not active; a stuck active job is swept at once."""

    # SAQ's own: the active list's jobs, read by the one sweeper that takes the lock for `lock` seconds.
    _ACTIVE_JOBS_ONCE_PER_LOCK = """
        local id_jobs = {}
        if redis.call('EXISTS', KEYS[1]) == 0 then
            redis.call('SETEX', KEYS[1], ARGV[1], 1)
            for i, v in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
                id_jobs[i] = {v, redis.call('GET', v)}
            end
        end
        return id_jobs
    """

    async def sweep(self, lock: int = 60, abort: float = 5.0) -> list[str]:
        active_jobs = self.redis.register_script(self._ACTIVE_JOBS_ONCE_PER_LOCK)
        id_jobs = await active_jobs(keys=[self._sweep, self._active], args=[lock], client=self.redis)
        swept: list[str] = []
        for job_id, job_bytes in id_jobs:
            job = self.deserialize(job_bytes)
            if job is None:
                async with self.redis.pipeline(transaction=True) as forget:
                    forget.lrem(self._active, 0, job_id)
                    forget.zrem(self._incomplete, job_id)
                    await forget.execute()
            elif job.stuck or (job.status != Status.ACTIVE and not await self._first_seen_inactive(job_id, lock)):
                await self.abort(job, error=self.swept_error_message)
                with contextlib.suppress(TimeoutError):
                    await job.refresh(abort)
                if job.retryable:
                    await self.retry(job, error=self.swept_error_message)
                else:
                    await self.finish(job, Status.ABORTED, error=self.swept_error_message)
            else:
                continue
            swept.append(job_id.decode())
        return swept

    async def _first_seen_inactive(self, job_id: bytes, lock: int) -> bool:
        """Remembers, across every process sweeping this queue, that the job was seen in the active
        list but not active; True when no sweep had seen it so before."""
        return bool(await self.redis.set(self.namespace("inactive:") + job_id.decode(), 1, nx=True, ex=3 * lock))


class _InProcessQueue(_SweepingQueue):
    """SAQ's Redis queue on a fakeredis server of its own, living as long as this process."""

    _VERSION = (7, 0, 0)  # what the fakeredis server emulates: the Redis of production and CI

    def __init__(self, name: str) -> None:
        server = FakeServer(version=self._VERSION)
        super().__init__(FakeAsyncRedis(server=server), name=name, dump=_dump_json)

    async def version(self) -> VersionTuple:
        # SAQ reads the version with INFO, which fakeredis does not implement. It asks only to
        # choose between BLMOVE and BRPOPLPUSH for dequeuing, and fakeredis answers a BLMOVE at
        # once instead of waiting out its timeout, which spun every idle worker at full CPU; its
        # BRPOPLPUSH waits as Redis does, so SAQ is told a Redis that predates BLMOVE.
        return (6, 0, 0)


def _dump_json(job: Mapping[Any, Any]) -> str:
    return json.dumps(job, default=_json_value)


def _json_value(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    raise TypeError(f"a job's arguments travel as JSON, and {type(value).__name__} is not JSON: pass its id")


def _epoch_seconds(moment: datetime | None) -> int:
    if moment is None:
        return 0  # SAQ: now
    if moment.tzinfo is None:
        raise ValueError("scheduled_at needs a timezone (datetime.now(UTC) + …)")
    # Rounded up: SAQ schedules by whole seconds, and a job must never run before its time.
    return math.ceil(moment.timestamp())


def _as_redis_url(url: str) -> str:
    """redis-py speaks `redis://`; settings may say `valkey://` too."""
    parts = urlsplit(url)
    scheme = {"valkey": "redis", "valkeys": "rediss"}.get(parts.scheme, parts.scheme)
    return urlunsplit(parts._replace(scheme=scheme))
