"""The first load's path for resources that come by the hundred thousand: the ledger decides
what is unchanged or stale for a whole chunk at once, the resource writes the rest with its own
set-based `bulk_upsert`, and the ledger rows are written with one statement per few thousand.

It answers in the batch protocol's terms (a BatchReport with one ItemResult per item, pointers
`/upsert/<position>/…`), so an import reads both paths the same way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from portal import clock
from portal.database import write_transaction
from portal.i18n import gettext as _
from portal.integration.batch import (
    LEDGER_KEYS_PER_ARRAY,
    BatchReport,
    FieldError,
    ItemResult,
    Outcome,
    _is_stale,
    _ledger,
    digest_of,
    lock_resource,
    pointer,
)
from portal.integration.resources import ErpItem, Rejected, Resource, ledger_key
from portal.integration.tables import SyncedRecord

# Items one transaction takes: large enough for set-based writes to pay, small enough that
# a first load of a million prices does not hold one transaction and all its keys in memory.
CHUNK_ITEMS = 20_000
# Keys in one `IN (…)` list.
KEYS_PER_STATEMENT = 500
LEDGER_COLUMNS = ("resource", "key", "digest", "erp_modified_at", "deleted", "last_run", "updated_at")
LEDGER_COLUMN_TYPES = ("varchar", "varchar", "varchar", "timestamptz", "boolean", "integer", "timestamptz")
# Ledger rows a statement writes: both databases take at most 32,766 parameters in one.
LEDGER_ROWS_PER_STATEMENT = 30_000 // len(LEDGER_COLUMNS)


async def apply_bulk(
    resource: Resource[Any],
    items: Sequence[ErpItem],
    *,
    run_id: int | None = None,
) -> BatchReport:
    """Upsert `items` through the resource's `bulk_upsert`, never atomic: a rejected item is
    left out and the others are kept. Logging the load is the caller's."""
    if resource.bulk_upsert is None:
        raise ValueError(f"{resource.name} has no bulk path")
    results: list[ItemResult] = []
    for start in range(0, len(items), CHUNK_ITEMS):
        results += await _apply_chunk(resource, items[start : start + CHUNK_ITEMS], start, run_id)
    return BatchReport(resource.name, False, True, results)


async def _apply_chunk(
    resource: Resource[Any], chunk: Sequence[ErpItem], start: int, run_id: int | None
) -> list[ItemResult]:
    assert resource.bulk_upsert is not None
    keys = [resource.key_of(item) for item in chunk]
    stored_keys = [ledger_key(key) for key in keys]
    digests = [digest_of(item) for item in chunk]
    results: dict[int, ItemResult] = {}
    changed: list[int] = []
    contained: list[str] = []
    first_at: dict[str, int] = {}
    async with write_transaction(SyncedRecord._meta.db):
        await lock_resource(resource)
        ledger = await _ledger(resource, stored_keys)
        for position, item in enumerate(chunk):
            index = start + position
            stored_key = stored_keys[position]
            known = ledger.get(stored_key)
            if stored_key in first_at:
                # One statement cannot write a row twice; the batch protocol would apply both in turn.
                results[position] = ItemResult(
                    "upsert",
                    index,
                    keys[position],
                    Outcome.REJECTED,
                    [
                        FieldError(
                            pointer("upsert", index),
                            _("The same key came already at position {position}.").format(
                                position=first_at[stored_key]
                            ),
                        )
                    ],
                )
                continue
            first_at[stored_key] = index
            if _is_stale(known, item.modified_at):
                results[position] = ItemResult("upsert", index, keys[position], Outcome.STALE)
            elif known is not None and not known["deleted"] and known["digest"] == digests[position]:
                results[position] = ItemResult("upsert", index, keys[position], Outcome.UNCHANGED)
                if run_id is not None and known["last_run"] != run_id:
                    contained.append(stored_key)
            else:
                changed.append(position)
        refused = dict(await resource.bulk_upsert([chunk[position] for position in changed]))
        written: list[int] = []
        for order, position in enumerate(changed):
            index = start + position
            refusal = refused.get(order)
            if refusal is not None:
                results[position] = _rejected(index, keys[position], refusal)
                continue
            written.append(position)
            created = ledger.get(stored_keys[position]) is None
            results[position] = ItemResult(
                "upsert", index, keys[position], Outcome.CREATED if created else Outcome.UPDATED
            )
        await _remember_all(
            resource,
            ledger,
            [(stored_keys[position], digests[position], chunk[position]) for position in written],
            run_id,
        )
        if run_id is not None:
            await mark_contained(resource, contained, run_id)
    return [results[position] for position in range(len(chunk))]


def _rejected(index: int, key: dict[str, str], refusal: Rejected) -> ItemResult:
    where = pointer("upsert", index, *[part for part in refusal.field.split("/") if part])
    return ItemResult("upsert", index, key, Outcome.REJECTED, [FieldError(where, refusal.reason)])


async def _remember_all(
    resource: Resource[Any],
    ledger: dict[str, dict[str, Any]],
    written: Sequence[tuple[str, str, ErpItem]],
    run_id: int | None,
) -> None:
    """The ledger rows of what was written, as the batch protocol leaves them (a modification
    time or run the item does not name keeps the known one), inserted or replaced per key: raw
    SQL, because building thousands of rows through the query builder cost as much as the
    resource's own writes. PostgreSQL takes each column as one array (`unnest`), so a chunk is
    one statement with seven parameters; SQLite takes rows of parameters, a few thousand a
    statement."""
    now = clock.now()
    rows = []
    for stored_key, digest, item in written:
        known = ledger.get(stored_key) or {}
        modified_at = item.modified_at or known.get("erp_modified_at")
        last_run = run_id if run_id is not None else known.get("last_run")
        rows.append((resource.name, stored_key, digest, modified_at, False, last_run, now))
    if not rows:
        return
    columns = ", ".join(f'"{column}"' for column in LEDGER_COLUMNS)
    upsert = ' ON CONFLICT ("resource", "key") DO UPDATE SET ' + ", ".join(
        f'"{column}" = excluded."{column}"' for column in LEDGER_COLUMNS[2:]
    )
    if isinstance(SyncedRecord._meta.db, PostgresEngine):
        arrays = ", ".join(f"{{}}::{kind}[]" for kind in LEDGER_COLUMN_TYPES)
        await SyncedRecord.raw(
            f'INSERT INTO "synced_record" ({columns}) SELECT * FROM unnest({arrays}){upsert}',
            *(list(column) for column in zip(*rows, strict=True)),
        )
        return
    one_row = "(" + ", ".join(["{}"] * len(LEDGER_COLUMNS)) + ")"
    for start in range(0, len(rows), LEDGER_ROWS_PER_STATEMENT):
        chunk = rows[start : start + LEDGER_ROWS_PER_STATEMENT]
        await SyncedRecord.raw(
            f'INSERT INTO "synced_record" ({columns}) VALUES {", ".join([one_row] * len(chunk))}{upsert}',
            *(value for row in chunk for value in row),
        )


async def mark_contained(resource: Resource[Any], stored_keys: Sequence[str], run_id: int) -> None:
    """Records the sync run `run_id` contained though nothing of them was written (unchanged,
    or refused this time): closing the run must not deactivate them."""
    if isinstance(SyncedRecord._meta.db, PostgresEngine):
        for start in range(0, len(stored_keys), LEDGER_KEYS_PER_ARRAY):
            await SyncedRecord.raw(
                "UPDATE synced_record SET last_run = {}, updated_at = {}"
                " WHERE resource = {} AND key = ANY({}::varchar[])",
                run_id,
                clock.now(),
                resource.name,
                list(stored_keys[start : start + LEDGER_KEYS_PER_ARRAY]),
            )
        return
    for start in range(0, len(stored_keys), KEYS_PER_STATEMENT):
        await SyncedRecord.update({SyncedRecord.last_run: run_id, SyncedRecord.updated_at: clock.now()}).where(
            (SyncedRecord.resource == resource.name)
            & SyncedRecord.key.is_in(list(stored_keys[start : start + KEYS_PER_STATEMENT]))
        )
