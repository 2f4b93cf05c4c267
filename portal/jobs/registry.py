"""Which jobs exist: the `@job` decorator a capability puts on its job functions, what each job
gets when it runs (`JobContext`), and the list of modules the worker imports to find them."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Required, TypeVar, overload

from croniter import croniter
from saq.types import Context

from portal.config import Settings
from portal.mail import Postbox

if TYPE_CHECKING:
    from portal.jobs.queue import JobQueue

# Modules whose `@job` functions the worker runs. A capability adds its module here, one line.
JOB_MODULES: tuple[str, ...] = (
    "portal.jobs.mail",
    "portal.accounts.jobs",
    "portal.approvals.reminders",
    "portal.ordering.recurring",
    "portal.ordering.abandoned_carts",
    "portal.demo_aftersales",
    "portal.demo_erp",
    "portal.integration.import_jobs",
    "portal.integration.events",
    "portal.integration.webhooks",
    "portal.backoffice.jobs",
)


class JobContext(Context, total=False):
    """The first argument of every job: SAQ's context (`job`, `worker`) and the portal's services."""

    settings: Required[Settings]
    postbox: Required[Postbox]
    jobs: Required[JobQueue]


JobFunction = Callable[..., Awaitable[Any]]
"""`async def name(ctx: JobContext, *, argument: …) -> …`; arguments by keyword, JSON values."""

_F = TypeVar("_F", bound=JobFunction)


@dataclass(frozen=True)
class JobSpec:
    name: str
    function: JobFunction
    attempts: int
    retry_delay: float
    max_retry_delay: float
    timeout: int
    cron: str | None
    # Scheduled only when the portal runs as the demo (`cron` jobs only).
    demo_only: bool = False


_jobs: dict[str, JobSpec] = {}


@overload
def job(function: _F, /) -> _F: ...


@overload
def job(
    *,
    attempts: int = ...,
    retry_delay: float = ...,
    max_retry_delay: float = ...,
    timeout: int = ...,
    cron: str | None = ...,
    demo_only: bool = ...,
) -> Callable[[_F], _F]: ...


def job(
    function: _F | None = None,
    /,
    *,
    attempts: int = 6,
    retry_delay: float = 30.0,
    max_retry_delay: float = 1800.0,
    timeout: int = 60,
    cron: str | None = None,
    demo_only: bool = False,
) -> _F | Callable[[_F], _F]:
    """Registers an async function as a job, named by its name (unique over the portal).

    A failed run is tried again until `attempts` runs in all, after a random wait of up to
    `retry_delay` seconds doubled with each failure, at most `max_retry_delay` (with the
    defaults: six runs within a quarter of an hour). A run taking longer than `timeout`
    seconds counts as failed.

    `cron` makes it a periodic job as well: a crontab line in UTC (`"*/5 * * * *"`; a sixth
    field counts seconds). Whichever worker gets there first runs each occurrence once; a run
    that fails is not retried, the next occurrence comes anyway. `demo_only` schedules it only
    when the portal runs as the demo."""

    def register(function: _F) -> _F:
        if cron is not None and not croniter.is_valid(cron):
            raise ValueError(f"job {function.__qualname__}: {cron!r} is not a crontab line")
        # SAQ names a periodic job by its function's __qualname__, so every job is named so.
        name = function.__qualname__
        known = _jobs.get(name)
        if known is not None and _origin(known.function) != _origin(function):
            raise ValueError(f"two jobs named {name!r}: {_origin(known.function)} and {_origin(function)}; rename one")
        _jobs[name] = JobSpec(
            name=name,
            function=function,
            attempts=1 if cron else attempts,
            retry_delay=retry_delay,
            max_retry_delay=max_retry_delay,
            timeout=timeout,
            cron=cron,
            demo_only=demo_only,
        )
        return function

    return register(function) if function is not None else register


@dataclass(frozen=True)
class PumpSpec:
    name: str
    function: JobFunction
    every: float


_pumps: dict[str, PumpSpec] = {}


def pump(*, every: float) -> Callable[[_F], _F]:
    """Registers an async function (`ctx` only) that every worker process runs over and over,
    `every` seconds after each run ends: for work that must follow changes within a second, such
    as publishing the outbox and sending webhooks. It is not queued, so nothing is left holding
    a lock when a worker dies in the middle (a cron job would keep its key until swept), and the
    next worker carries on at once. Runs in several workers at once must be safe; a failed run is
    logged and the next one comes anyway."""

    def register(function: _F) -> _F:
        _pumps[function.__qualname__] = PumpSpec(function.__qualname__, function, every)
        return function

    return register


def registered_pumps() -> list[PumpSpec]:
    return list(_pumps.values())


def spec_for(function_or_name: JobFunction | str) -> JobSpec:
    """The registered job of that function or name; unknown names load the job modules first."""
    if isinstance(function_or_name, str):
        if function_or_name not in _jobs:
            load_job_modules()
        spec = _jobs.get(function_or_name)
        if spec is None:
            raise ValueError(f"no job named {function_or_name!r}; known: {', '.join(sorted(_jobs))}")
        return spec
    spec = _jobs.get(function_or_name.__qualname__)
    if spec is None or spec.function is not function_or_name:
        raise ValueError(f"{_origin(function_or_name)} is not a job: decorate it with @job")
    return spec


def registered_jobs() -> list[JobSpec]:
    return list(_jobs.values())


def load_job_modules() -> None:
    for module in JOB_MODULES:
        importlib.import_module(module)


def _origin(function: JobFunction) -> str:
    return f"{function.__module__}.{function.__qualname__}"
