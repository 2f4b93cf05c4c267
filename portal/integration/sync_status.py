"""What the ERP has been sending, for the Integration page: recent batches and imports with their
counts and first errors, full-export runs, when each resource was last synchronised, and which
scopes are overdue against the cadence the seller expects."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from piccolo.querystring import QueryString

from portal.config import Settings
from portal.integration.resources import Resource
from portal.integration.scopes import Scope
from portal.integration.tables import BatchLog, SyncRun

RECENT_BATCHES = 50
RECENT_RUNS = 20
# The stock figures buyers see come from this resource (catalog/erp_sync.py); warehouses sent
# alone refresh none of them.
STOCK_RESOURCE = "stock"


@dataclass(frozen=True)
class BatchEntry:
    id: int
    resource: str
    source: str
    integration: str
    received_at: datetime
    atomic: bool
    applied: bool
    counts: dict[str, int]
    errors: list[dict[str, str]]

    @property
    def nonzero_counts(self) -> list[tuple[str, int]]:
        return [(outcome, count) for outcome, count in self.counts.items() if count]


@dataclass(frozen=True)
class RunEntry:
    id: int
    resource: str
    integration: str
    status: str
    started_at: datetime
    closed_at: datetime | None
    contained: int
    deactivated: int
    detail: str


@dataclass(frozen=True)
class ResourceSync:
    name: str
    last_synced_at: datetime | None


@dataclass(frozen=True)
class ScopeSync:
    """A scope's resources with when each was last synchronised, and the cadence expected of it."""

    scope: Scope
    cadence: timedelta | None
    resources: tuple[ResourceSync, ...]

    @property
    def last_synced_at(self) -> datetime | None:
        return max((r.last_synced_at for r in self.resources if r.last_synced_at is not None), default=None)

    def overdue(self, now: datetime) -> bool:
        """None of the scope's resources was refreshed within its cadence (or ever)."""
        if self.cadence is None:
            return False
        last = self.last_synced_at
        return last is None or now - last > self.cadence


def expected_cadences(settings: Settings) -> dict[Scope, timedelta]:
    minutes = {
        Scope.STOCK: settings.sync_cadence_stock_minutes,
        Scope.PRICES: settings.sync_cadence_prices_minutes,
        Scope.CATALOG: settings.sync_cadence_catalog_minutes,
    }
    return {scope: timedelta(minutes=value) for scope, value in minutes.items() if value is not None}


async def recent_batches(resource: str | None = None) -> list[BatchEntry]:
    """The newest batches and imports, of one resource when named."""
    query = (
        BatchLog.select(
            BatchLog.id,
            BatchLog.resource,
            BatchLog.source,
            BatchLog.integration,
            BatchLog.received_at,
            BatchLog.atomic,
            BatchLog.applied,
            BatchLog.counts,
            BatchLog.errors,
        )
        .order_by(BatchLog.received_at, ascending=False)
        .order_by(BatchLog.id, ascending=False)
        .limit(RECENT_BATCHES)
        .output(load_json=True)
    )
    if resource:
        query = query.where(BatchLog.resource == resource)
    return [BatchEntry(**row) for row in await query]


async def recent_runs() -> list[RunEntry]:
    rows = (
        await SyncRun.select(
            SyncRun.id,
            SyncRun.resource,
            SyncRun.integration,
            SyncRun.status,
            SyncRun.started_at,
            SyncRun.closed_at,
            SyncRun.contained,
            SyncRun.deactivated,
            SyncRun.detail,
        )
        .order_by(SyncRun.id, ascending=False)
        .limit(RECENT_RUNS)
    )
    return [RunEntry(**row) for row in rows]


async def scope_syncs(resources: Iterable[Resource[Any]], settings: Settings) -> list[ScopeSync]:
    """Each scope that has resources, in the order of `Scope`, with its resources' last applied
    batch (an atomic batch refused as a whole refreshed nothing)."""
    resources = list(resources)
    last = await _last_synced([resource.name for resource in resources])
    cadences = expected_cadences(settings)
    return [
        ScopeSync(
            scope,
            cadences.get(scope),
            tuple(ResourceSync(r.name, last.get(r.name)) for r in resources if r.scope is scope),
        )
        for scope in Scope
        if any(r.scope is scope for r in resources)
    ]


async def _last_synced(names: list[str]) -> dict[str, datetime]:
    # One statement with a subquery per resource: each reads the end of the (resource,
    # received_at) index, where a GROUP BY would scan every batch the log ever kept.
    if not names:
        return {}
    wanted = " UNION ALL ".join("SELECT CAST({} AS VARCHAR(40)) AS resource" for _name in names)
    rows = await BatchLog.raw(
        "SELECT wanted.resource, (SELECT MAX(b.received_at) FROM batch_log b"
        " WHERE b.resource = wanted.resource AND b.applied) AS last_synced_at"
        f" FROM ({wanted}) wanted",
        *names,
    )
    return {row["resource"]: _moment(row["last_synced_at"]) for row in rows if row["last_synced_at"] is not None}


def _moment(value: datetime | str) -> datetime:
    # SQLite answers a computed column as the text Piccolo stored; PostgreSQL as a datetime.
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


# --- Stock to be confirmed ---------------------------------------------------------------------

# Until create_app sets it: the setting's default (never the environment read a second time).
_stock_cadence: timedelta | None = timedelta(minutes=Settings.model_fields["sync_cadence_stock_minutes"].default)


def use_stock_cadence(settings: Settings) -> None:
    """The cadence stock figures are judged by in this process (set at start-up by create_app,
    as the hashing concurrency is): pages that show stock read it without the settings."""
    global _stock_cadence
    _stock_cadence = expected_cadences(settings).get(Scope.STOCK)


def stock_synced_column() -> QueryString:
    """`stock_synced_at`: when the ERP's stock figures were last applied, as a column any statement
    of stock can carry: it reads the end of the (resource, received_at) index once, not per row."""
    return QueryString(
        "(SELECT MAX(b.received_at) FROM batch_log b WHERE b.resource = {} AND b.applied) AS stock_synced_at",
        STOCK_RESOURCE,
    )


def stock_unconfirmed_since(synced_at: datetime | str | None, now: datetime) -> datetime | None:
    """When the ERP's stock figures (last applied at `synced_at`) are older than their cadence:
    the moment they date from, for buyers to see them as to be confirmed. None while they are
    fresh, when the seller expects no cadence, and when stock never came from the ERP (figures
    loaded by other means have no age to judge)."""
    if synced_at is None or _stock_cadence is None:
        return None
    moment = _moment(synced_at)
    return moment if now - moment > _stock_cadence else None
