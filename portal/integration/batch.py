"""The batch protocol every resource shares: upserts and deletes keyed by ERP codes, answered
item by item, with the ledger deciding what is unchanged or stale before the resource writes.

One batch is one transaction and each item a savepoint in it: a rejected item leaves no trace
while the good ones are kept, unless the batch is atomic, when one rejection keeps them all out.
Batches of one resource are serialised (an advisory lock on PostgreSQL, SQLite's write lock), so
two callers sending the same new code at once both succeed, one creating and one finding it."""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from piccolo.engine.postgres import PostgresEngine
from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError, create_model

from portal import clock
from portal.database import write_transaction
from portal.i18n import gettext as _
from portal.integration.resources import Applied, ErpItem, Rejected, Resource, ledger_key
from portal.integration.tables import BatchLog, SyncedRecord, SyncRun, SyncRunStatus

MAX_ITEMS = 1000
# Ledger keys one PostgreSQL statement looks up.
LEDGER_KEYS_PER_ARRAY = 20_000
# The first errors of a batch kept for the Integration page; the caller got them all.
LOGGED_ERRORS = 20


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DELETED = "deleted"
    NOT_FOUND = "not_found"
    REJECTED = "rejected"
    STALE = "stale"


Operation = Literal["upsert", "delete"]


@dataclass(frozen=True)
class FieldError:
    """What is wrong and where: `pointer` is an RFC 6901 JSON pointer into the request body
    (`/upsert/3/tiers/0/unit_price`), or into a file's row for an import."""

    pointer: str
    detail: str

    def as_json(self) -> dict[str, str]:
        return {"pointer": self.pointer, "detail": self.detail}


@dataclass
class ItemResult:
    op: Operation
    index: int
    key: dict[str, str] | None
    outcome: Outcome
    errors: list[FieldError] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"op": self.op, "index": self.index, "key": self.key, "outcome": self.outcome.value}
        if self.errors:
            answer["errors"] = [error.as_json() for error in self.errors]
        return answer


@dataclass
class BatchReport:
    resource: str
    atomic: bool
    # False when an atomic batch was refused: nothing of it was written.
    applied: bool
    results: list[ItemResult]

    @property
    def counts(self) -> dict[str, int]:
        tally = Counter(result.outcome.value for result in self.results)
        return {outcome.value: tally.get(outcome.value, 0) for outcome in Outcome}

    @property
    def errors(self) -> list[FieldError]:
        return [error for result in self.results for error in result.errors]

    def as_json(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "atomic": self.atomic,
            "applied": self.applied,
            "counts": self.counts,
            "results": [result.as_json() for result in self.results],
        }


class BatchRefused(Exception):
    """The batch as a whole cannot be taken (too many items, an unknown or closed sync run)."""

    def __init__(self, detail: str, pointer: str = "") -> None:
        super().__init__(detail)
        self.detail = detail
        self.pointer = pointer


class _AtomicRollback(Exception):
    pass


# An import names the same few places (`/tiers/0/unit_price`) for each of a million rows.
@functools.lru_cache(maxsize=4096)
def pointer(*parts: str | int) -> str:
    """An RFC 6901 JSON pointer: "~" and "/" inside a name are escaped."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def validation_errors(error: ValidationError, *prefix: str | int) -> list[FieldError]:
    return [FieldError(pointer(*prefix, *problem["loc"]), problem["msg"]) for problem in error.errors()]


_KEY_MODELS: dict[str, type[BaseModel]] = {}


def key_model(resource: Resource[Any]) -> type[BaseModel]:
    """What a delete item holds: the key's codes and, optionally, the ERP's modification time."""
    if resource.name not in _KEY_MODELS:
        fields: dict[str, Any] = {name: (str, ...) for name in resource.key_fields}
        fields["modified_at"] = (AwareDatetime | None, None)
        _KEY_MODELS[resource.name] = create_model(
            f"{resource.item_type.__name__}Key",
            __config__=ConfigDict(extra="forbid", str_strip_whitespace=True, str_min_length=1, str_max_length=300),
            **fields,
        )
    return _KEY_MODELS[resource.name]


def digest_of(item: ErpItem) -> str:
    return hashlib.sha256(item.content_digest_source().encode()).hexdigest()


async def lock_resource(resource: Resource[Any]) -> None:
    engine = SyncedRecord._meta.db
    if isinstance(engine, PostgresEngine):
        await SyncedRecord.raw("SELECT pg_advisory_xact_lock(hashtext({}))", f"erp-sync:{resource.name}")


async def _ledger(resource: Resource[Any], keys: list[str]) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    if isinstance(SyncedRecord._meta.db, PostgresEngine):
        # One array a statement: a first load's chunk of 20,000 keys in one round trip, where
        # `IN` lists of a few hundred cost a million-price load most of a minute.
        for start in range(0, len(keys), LEDGER_KEYS_PER_ARRAY):
            for row in await SyncedRecord.raw(
                "SELECT * FROM synced_record WHERE resource = {} AND key = ANY({}::varchar[])",
                resource.name,
                keys[start : start + LEDGER_KEYS_PER_ARRAY],
            ):
                rows[row["key"]] = row
        return rows
    # Few hundred keys a statement keeps SQLite's parameter limit far away.
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for row in await SyncedRecord.select().where(
            (SyncedRecord.resource == resource.name) & SyncedRecord.key.is_in(chunk)
        ):
            rows[row["key"]] = row
    return rows


async def _remember(
    resource: Resource[Any],
    ledger: dict[str, dict[str, Any]],
    key: str,
    *,
    digest: str | None = None,
    modified_at: Any = None,
    deleted: bool = False,
    run_id: int | None = None,
) -> None:
    known = ledger.get(key)
    values: dict[Any, Any] = {
        "digest": digest if digest is not None else (known["digest"] if known else ""),
        "erp_modified_at": modified_at or (known["erp_modified_at"] if known else None),
        "deleted": deleted,
        "last_run": run_id if run_id is not None else (known["last_run"] if known else None),
    }
    if known is None:
        inserted = await SyncedRecord.insert(SyncedRecord(resource=resource.name, key=key, **values)).returning(
            SyncedRecord.id
        )
        ledger[key] = {"id": inserted[0]["id"], "key": key, **values}
        return
    await SyncedRecord.update({**values, SyncedRecord.updated_at: clock.now()}).where(SyncedRecord.id == known["id"])
    known.update(values)


def _is_stale(known: dict[str, Any] | None, modified_at: Any) -> bool:
    return bool(known and modified_at and known["erp_modified_at"] and modified_at < known["erp_modified_at"])


async def _open_run(resource: Resource[Any], run_id: int | None) -> None:
    if run_id is None:
        return
    run = await SyncRun.select(SyncRun.resource, SyncRun.status).where(SyncRun.id == run_id).first()
    if run is None or run["resource"] != resource.name:
        raise BatchRefused(
            _("Sync run {run} is not a run of {resource}.").format(run=run_id, resource=resource.name), "/sync_run"
        )
    if run["status"] != SyncRunStatus.OPEN:
        raise BatchRefused(_("Sync run {run} is already closed.").format(run=run_id), "/sync_run")


async def apply_batch(
    resource: Resource[Any],
    upserts: list[Any],
    deletes: list[Any],
    *,
    atomic: bool = False,
    run_id: int | None = None,
    integration: str = "",
    source: str = "api",
    logged: bool = True,
) -> BatchReport:
    """Apply one batch and answer each item; BatchRefused when the batch as a whole is refused.
    `logged=False` leaves the BatchLog row to the caller (an import logs its file once)."""
    if len(upserts) + len(deletes) > MAX_ITEMS:
        raise BatchRefused(_("Send at most {count} items in one batch.").format(count=MAX_ITEMS))
    results: list[ItemResult] = []
    parsed_upserts: list[tuple[int, ErpItem]] = []
    for index, raw in enumerate(upserts):
        try:
            parsed_upserts.append((index, resource.item_type.model_validate(raw)))
        except ValidationError as error:
            results.append(
                ItemResult("upsert", index, None, Outcome.REJECTED, validation_errors(error, "upsert", index))
            )
    keys = key_model(resource)
    parsed_deletes: list[tuple[int, BaseModel]] = []
    for index, raw in enumerate(deletes):
        try:
            parsed_deletes.append((index, keys.model_validate(raw)))
        except ValidationError as error:
            results.append(
                ItemResult("delete", index, None, Outcome.REJECTED, validation_errors(error, "delete", index))
            )

    try:
        async with write_transaction(SyncedRecord._meta.db) as transaction:
            await _open_run(resource, run_id)
            await lock_resource(resource)
            ledger = await _ledger(
                resource,
                [ledger_key(resource.key_of(item)) for _index, item in parsed_upserts]
                + [ledger_key(resource.key_of(key)) for _index, key in parsed_deletes],
            )
            for index, item in parsed_upserts:
                results.append(await _upsert_one(transaction, resource, ledger, index, item, run_id))
            for index, key_item in parsed_deletes:
                results.append(await _delete_one(transaction, resource, ledger, index, key_item))
            if atomic and any(result.outcome is Outcome.REJECTED for result in results):
                raise _AtomicRollback
    except _AtomicRollback:
        report = BatchReport(resource.name, atomic, False, _in_request_order(results))
    else:
        report = BatchReport(resource.name, atomic, True, _in_request_order(results))
    if logged:
        await _log(report, integration, source)
    return report


def _in_request_order(results: list[ItemResult]) -> list[ItemResult]:
    return sorted(results, key=lambda result: (result.op != "upsert", result.index))


async def _upsert_one(
    transaction: Any,
    resource: Resource[Any],
    ledger: dict[str, dict[str, Any]],
    index: int,
    item: ErpItem,
    run_id: int | None,
) -> ItemResult:
    key = resource.key_of(item)
    stored_key = ledger_key(key)
    known = ledger.get(stored_key)
    if _is_stale(known, item.modified_at):
        return ItemResult("upsert", index, key, Outcome.STALE)
    digest = digest_of(item)
    if known is not None and not known["deleted"] and known["digest"] == digest:
        if run_id is not None and known["last_run"] != run_id:
            await _remember(resource, ledger, stored_key, run_id=run_id)
        return ItemResult("upsert", index, key, Outcome.UNCHANGED)
    savepoint = await transaction.savepoint()
    try:
        applied = await resource.upsert(item)
    except Rejected as refusal:
        await savepoint.rollback_to()
        where = pointer("upsert", index, *[part for part in refusal.field.split("/") if part])
        return ItemResult("upsert", index, key, Outcome.REJECTED, [FieldError(where, refusal.reason)])
    await savepoint.release()
    await _remember(resource, ledger, stored_key, digest=digest, modified_at=item.modified_at, run_id=run_id)
    return ItemResult("upsert", index, key, Outcome.CREATED if applied is Applied.CREATED else Outcome.UPDATED)


async def _delete_one(
    transaction: Any,
    resource: Resource[Any],
    ledger: dict[str, dict[str, Any]],
    index: int,
    key_item: BaseModel,
) -> ItemResult:
    key = resource.key_of(key_item)
    stored_key = ledger_key(key)
    known = ledger.get(stored_key)
    modified_at = getattr(key_item, "modified_at", None)
    if _is_stale(known, modified_at):
        return ItemResult("delete", index, key, Outcome.STALE)
    if known is not None and known["deleted"]:
        # Deleting what is gone is success, and writes nothing.
        return ItemResult("delete", index, key, Outcome.DELETED)
    savepoint = await transaction.savepoint()
    try:
        found = await resource.delete(key)
    except Rejected as refusal:
        await savepoint.rollback_to()
        where = pointer("delete", index, *[part for part in refusal.field.split("/") if part])
        return ItemResult("delete", index, key, Outcome.REJECTED, [FieldError(where, refusal.reason)])
    await savepoint.release()
    if not found:
        return ItemResult("delete", index, key, Outcome.NOT_FOUND)
    await _remember(resource, ledger, stored_key, modified_at=modified_at, deleted=True)
    return ItemResult("delete", index, key, Outcome.DELETED)


async def _log(report: BatchReport, integration: str, source: str) -> None:
    await BatchLog.insert(
        BatchLog(
            resource=report.resource,
            source=source,
            integration=integration,
            atomic=report.atomic,
            applied=report.applied,
            counts=report.counts,
            errors=[error.as_json() for error in report.errors[:LOGGED_ERRORS]],
        )
    )
