"""Importing one file of one resource, for `portal import` and the API's import jobs: read it,
map its columns, validate every item, then apply the good ones in batches of the batch
protocol (or the resource's bulk path for a large file), and answer what happened to each line.

A dry run or an atomic import runs in one transaction: a dry run always rolls it back (so the
resource's own checks, unknown codes among them, are reported too), an atomic one when anything
was rejected. A full import is a sync run: what the file does not contain is deactivated."""

from __future__ import annotations

import gc
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

import anyio
from pydantic import ValidationError

from portal.database import write_transaction
from portal.errors import Conflict
from portal.i18n import gettext as _
from portal.integration.batch import (
    LOGGED_ERRORS,
    MAX_ITEMS,
    BatchReport,
    Outcome,
    apply_batch,
    pointer,
    validation_errors,
)
from portal.integration.bulk import apply_bulk, mark_contained
from portal.integration.files import FileFormat, ImportProblem, read_file
from portal.integration.mapping import MappingDocument, SourcedItem, compile_mapping, gather_items
from portal.integration.resources import ErpItem, Resource, ledger_key
from portal.integration.sync_runs import close_run, open_run
from portal.integration.tables import BatchLog, SyncedRecord

# A file with this many items goes through the resource's bulk path, when it has one.
BULK_FROM_ITEMS = 5_000
# What an import counts, in the order it is told.
COUNTED = ("created", "updated", "unchanged", "stale", "rejected")


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    atomic: bool = False
    # A full export: what the file does not contain is deactivated.
    full: bool = False
    # Who imports: the API key's integration, or the command line.
    integration: str = ""


@dataclass
class PreparedImport:
    """A file read, mapped and validated; nothing written yet."""

    format: FileFormat
    rows: int
    valid: list[tuple[SourcedItem, ErpItem]]
    rejected: list[SourcedItem]
    # Lines that did not become an item at all (not JSON, too many cells).
    unreadable: list[ImportProblem]


@dataclass
class ImportReport:
    resource: str
    format: str
    options: ImportOptions
    rows: int
    items: int
    counts: dict[str, int]
    problems: list[ImportProblem]
    # False for a dry run, or an atomic import with a rejected item: nothing was kept.
    applied: bool
    # "batches" or "bulk"
    path: str
    detail: str = ""

    @property
    def failed(self) -> bool:
        """Anything rejected, or a full import's run refused."""
        return bool(self.counts["rejected"] or self.problems)

    def as_json(self, problems: int | None = None) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "format": self.format,
            "dry_run": self.options.dry_run,
            "atomic": self.options.atomic,
            "full": self.options.full,
            "applied": self.applied,
            "path": self.path,
            "rows": self.rows,
            "items": self.items,
            "counts": self.counts,
            "detail": self.detail,
            "error_count": len(self.problems),
            "errors": [problem.as_json() for problem in self.problems[:problems]],
        }


def prepare_import(
    resource: Resource[Any], content: bytes, filename: str, document: MappingDocument | None
) -> PreparedImport:
    """Read, map and validate, touching no database (it runs in a thread: this is the CPU's
    part). MappingRefused or FileRefused when the mapping or the file cannot be used at all."""
    mapping = compile_mapping(resource, document)
    source = read_file(content, filename, mapping.read_options)
    mapping = mapping.for_file(resource, source)
    valid: list[tuple[SourcedItem, ErpItem]] = []
    rejected: list[SourcedItem] = []
    for sourced in gather_items(source, mapping):
        try:
            item = resource.item_type.model_validate(sourced.values)
        except ValidationError as error:
            sourced.problems += [sourced.problem_at(found.pointer, found.detail) for found in validation_errors(error)]
        if sourced.problems:
            rejected.append(sourced)
        else:
            valid.append((sourced, item))
    return PreparedImport(source.format, len(source.rows), valid, rejected, source.problems)


class _CycleCollectionPause:
    """Python's cycle collector paused while imports build their millions of small objects
    (cells, items, results): it would walk all of them again and again as they pile up, half a
    large file's reading and mapping time, and they hold no cycles it could free. Imports may
    overlap (the API's jobs, in threads): the first pauses, the last resumes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._imports = 0
        self._was_enabled = False

    @contextmanager
    def during_import(self) -> Iterator[None]:
        with self._lock:
            if self._imports == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._imports += 1
        try:
            yield
        finally:
            with self._lock:
                self._imports -= 1
                if self._imports == 0 and self._was_enabled:
                    gc.enable()


_CYCLE_COLLECTION = _CycleCollectionPause()


async def import_file(
    resource: Resource[Any],
    content: bytes,
    filename: str,
    document: MappingDocument | None = None,
    options: ImportOptions | None = None,
) -> ImportReport:
    with _CYCLE_COLLECTION.during_import():
        return await _import_file(resource, content, filename, document, options or ImportOptions())


async def _import_file(
    resource: Resource[Any],
    content: bytes,
    filename: str,
    document: MappingDocument | None,
    options: ImportOptions,
) -> ImportReport:
    prepared = await anyio.to_thread.run_sync(prepare_import, resource, content, filename, document)
    tally = _Tally(prepared)
    if options.dry_run or options.atomic:
        async with write_transaction(SyncedRecord._meta.db) as transaction:
            await _apply(resource, prepared, options, tally)
            if options.dry_run or tally.counts["rejected"]:
                await cast(Any, transaction).rollback()
    else:
        await _apply(resource, prepared, options, tally)
    applied = not options.dry_run and not (options.atomic and tally.counts["rejected"])
    tally.problems.sort(key=lambda problem: problem.line)
    if options.dry_run:
        tally.details.insert(0, _("A dry run: nothing was changed."))
    else:
        if not applied:
            tally.details.insert(
                0,
                _("Nothing was written: the import is atomic and {count} were rejected.").format(
                    count=tally.counts["rejected"]
                ),
            )
        await _log(resource, tally, options, applied)
    return ImportReport(
        resource=resource.name,
        format=prepared.format.value,
        options=options,
        rows=prepared.rows,
        items=len(prepared.valid) + len(prepared.rejected),
        counts=dict(tally.counts),
        problems=tally.problems,
        applied=applied,
        path=tally.path,
        detail=" ".join(tally.details),
    )


class _Tally:
    """What an import has found so far."""

    def __init__(self, prepared: PreparedImport) -> None:
        self.counts: Counter[str] = Counter(dict.fromkeys(COUNTED, 0))
        self.counts["rejected"] = len(prepared.rejected) + len(prepared.unreadable)
        self.problems = list(prepared.unreadable) + [
            problem for sourced in prepared.rejected for problem in sourced.problems
        ]
        self.details: list[str] = []
        self.path = "batches"
        # Ledger keys the file held that were not written (rejected, stale): a full import's
        # run contained them all the same, so its close must not deactivate them.
        self.held_back: list[str] = []


async def _apply(resource: Resource[Any], prepared: PreparedImport, options: ImportOptions, tally: _Tally) -> None:
    run = await open_run(resource, options.integration) if options.full else None
    run_id = run.id if run else None
    bulk = resource.bulk_upsert is not None and len(prepared.valid) >= BULK_FROM_ITEMS
    tally.path = "bulk" if bulk else "batches"
    size = len(prepared.valid) if bulk else MAX_ITEMS
    for start in range(0, len(prepared.valid), size):
        chunk = prepared.valid[start : start + size]
        items = [item for _sourced, item in chunk]
        if bulk:
            report = await apply_bulk(resource, items, run_id=run_id)
        else:
            report = await apply_batch(resource, items, [], run_id=run_id, logged=False)
        _count(report, chunk, tally)
    if run_id is None or (options.atomic and not options.dry_run and tally.counts["rejected"]):
        return
    tally.held_back += [
        ledger_key(resource.key_of(sourced.values))
        for sourced in prepared.rejected
        if all(isinstance(sourced.values.get(name), str | int) for name in resource.key_fields)
    ]
    await mark_contained(resource, tally.held_back, run_id)
    try:
        closed = await close_run(resource, run_id)
    except Conflict as refused:
        tally.problems.append(ImportProblem(0, refused.message))
        tally.details.append(refused.message)
    else:
        tally.counts["deactivated"] = closed.deactivated


def _count(report: BatchReport, chunk: list[tuple[SourcedItem, ErpItem]], tally: _Tally) -> None:
    for result in report.results:
        sourced, _item = chunk[result.index]
        tally.counts[result.outcome.value] += 1
        if result.outcome in (Outcome.REJECTED, Outcome.STALE) and result.key is not None:
            tally.held_back.append(ledger_key(result.key))
        prefix = pointer("upsert", result.index)
        tally.problems += [
            sourced.problem_at(error.pointer.removeprefix(prefix), error.detail) for error in result.errors
        ]


async def _log(resource: Resource[Any], tally: _Tally, options: ImportOptions, applied: bool) -> None:
    """One row of the batch log for the whole file (its batches log nothing of their own), its
    errors pointing at lines: `/<line>/<field path>`. A dry run changes nothing, the log
    included."""
    await BatchLog.insert(
        BatchLog(
            resource=resource.name,
            source="file",
            integration=options.integration,
            atomic=options.atomic,
            applied=applied,
            counts=dict(tally.counts),
            errors=[
                {"pointer": pointer(problem.line) + problem.pointer, "detail": problem.detail}
                for problem in tally.problems[:LOGGED_ERRORS]
            ],
        )
    )
