"""Full exports: an ERP that can only send everything opens a run, sends its batches naming the
run, and closes it; what the run did not contain is then soft-deleted. A run far smaller than
what the portal holds is refused at close (a truncated export must not wipe the catalog)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal import clock
from portal.database import write_transaction
from portal.errors import Conflict, NotFound
from portal.i18n import gettext as _
from portal.integration.batch import lock_resource
from portal.integration.resources import Rejected, Resource, key_from_ledger
from portal.integration.tables import SyncedRecord, SyncRun, SyncRunStatus

# What a run must contain of the records the portal holds for it to deactivate the rest.
MIN_SHARE = 0.5


@dataclass(frozen=True)
class SyncRunView:
    id: int
    resource: str
    status: str
    started_at: datetime
    closed_at: datetime | None
    contained: int
    deactivated: int
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "resource": self.resource,
            "status": self.status,
            "started_at": self.started_at.isoformat(),
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "contained": self.contained,
            "deactivated": self.deactivated,
            "detail": self.detail,
        }


async def open_run(resource: Resource[Any], integration: str) -> SyncRunView:
    inserted = await SyncRun.insert(SyncRun(resource=resource.name, integration=integration)).returning(SyncRun.id)
    return await sync_run(inserted[0]["id"])


async def sync_run(run_id: int) -> SyncRunView:
    row = await SyncRun.select().where(SyncRun.id == run_id).first()
    if row is None:
        raise NotFound(_("There is no sync run {run}.").format(run=run_id))
    return SyncRunView(
        id=row["id"],
        resource=row["resource"],
        status=row["status"],
        started_at=row["started_at"],
        closed_at=row["closed_at"],
        contained=row["contained"],
        deactivated=row["deactivated"],
        detail=row["detail"],
    )


async def close_run(resource: Resource[Any], run_id: int, *, force: bool = False) -> SyncRunView:
    """Deactivate what the run did not contain; Conflict when the run is already closed or is far
    smaller than what is held (then it is marked refused and nothing is deactivated)."""
    refusal = ""
    async with write_transaction(SyncRun._meta.db) as transaction:
        run = await sync_run(run_id)
        if run.resource != resource.name:
            raise NotFound(_("There is no sync run {run} of {resource}.").format(run=run_id, resource=resource.name))
        if run.status != SyncRunStatus.OPEN:
            raise Conflict(_("Sync run {run} is already closed.").format(run=run_id))
        await lock_resource(resource)
        live = (SyncedRecord.resource == resource.name) & (SyncedRecord.deleted == False)  # noqa: E712
        held = await SyncedRecord.count().where(live)
        contained = await SyncedRecord.count().where(live & (SyncedRecord.last_run == run_id))
        if not force and held and contained < MIN_SHARE * held:
            detail = _(
                "The run contained {contained} of the {held} records held: an export this much smaller looks "
                "truncated, so nothing was deactivated. Close it with force to deactivate the rest anyway."
            ).format(contained=contained, held=held)
            await _finish(run_id, SyncRunStatus.REFUSED, contained, 0, detail)
            refusal = detail
        else:
            await _deactivate_left_out(transaction, resource, run_id, contained)
    if refusal:
        raise Conflict(refusal)
    return await sync_run(run_id)


async def _deactivate_left_out(transaction: Any, resource: Resource[Any], run_id: int, contained: int) -> None:
    """Delete what the run left out; a record the resource refuses to delete (the last
    administrator of a customer, say) stays, and the run's detail says which and why."""
    live = (SyncedRecord.resource == resource.name) & (SyncedRecord.deleted == False)  # noqa: E712
    left_out = await SyncedRecord.select(SyncedRecord.id, SyncedRecord.key).where(
        live & ((SyncedRecord.last_run != run_id) | SyncedRecord.last_run.is_null())
    )
    deleted: list[int] = []
    kept: list[str] = []
    for row in left_out:
        key = key_from_ledger(resource, row["key"])
        savepoint = await transaction.savepoint()
        try:
            await resource.delete(key)
        except Rejected as refusal:
            await savepoint.rollback_to()
            kept.append(f"{' / '.join(key.values())}: {refusal.reason}")
            continue
        await savepoint.release()
        deleted.append(row["id"])
    for start in range(0, len(deleted), 500):
        await SyncedRecord.update({SyncedRecord.deleted: True, SyncedRecord.updated_at: clock.now()}).where(
            SyncedRecord.id.is_in(deleted[start : start + 500])
        )
    detail = ""
    if kept:
        detail = _("Kept {count} records the run left out: {records}").format(count=len(kept), records="; ".join(kept))[
            :500
        ]
    await _finish(run_id, SyncRunStatus.CLOSED, contained, len(deleted), detail)


async def _finish(run_id: int, status: SyncRunStatus, contained: int, deactivated: int, detail: str) -> None:
    await SyncRun.update(
        {
            SyncRun.status: status,
            SyncRun.closed_at: clock.now(),
            SyncRun.contained: contained,
            SyncRun.deactivated: deactivated,
            SyncRun.detail: detail,
        }
    ).where(SyncRun.id == run_id)
