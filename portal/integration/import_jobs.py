"""Imports uploaded through the API: the upload is kept as an import job, a background job
imports it, and the integration polls its status (queued, running, done, failed) and report."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal import clock
from portal.i18n import gettext as _
from portal.i18n import use_locale
from portal.integration.erp_resources import ERP_RESOURCES
from portal.integration.files import FileRefused, printable_name
from portal.integration.imports import ImportOptions, import_file
from portal.integration.mapping import MappingDocument, MappingRefused
from portal.integration.resources import Resource
from portal.integration.tables import ImportJob, ImportStatus
from portal.jobs import JobContext, enqueue, job

log = logging.getLogger(__name__)

# Errors an import job keeps in its report; the count says how many there were in all.
STORED_ERRORS = 1000


@dataclass(frozen=True)
class ImportJobView:
    id: uuid.UUID
    resource: str
    filename: str
    status: ImportStatus
    dry_run: bool
    atomic: bool
    full: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    report: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "resource": self.resource,
            "filename": self.filename,
            "status": self.status.value,
            "dry_run": self.dry_run,
            "atomic": self.atomic,
            "full": self.full,
            "created_at": self.created_at.isoformat(),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "counts": self.report.get("counts", {}),
            "rows": self.report.get("rows"),
            "items": self.report.get("items"),
            "applied": self.report.get("applied", False),
            "detail": self.report.get("detail", ""),
            "error_count": self.report.get("error_count", 0),
            "errors": self.report.get("errors", []),
        }


async def queue_import(
    resource: Resource[Any],
    content: bytes,
    filename: str,
    mapping: MappingDocument | None,
    options: ImportOptions,
    locale: str,
) -> uuid.UUID:
    """Keeps the upload and queues its import; the job's id."""
    inserted = await ImportJob.insert(
        ImportJob(
            resource=resource.name,
            integration=options.integration,
            filename=printable_name(filename),
            content=content,
            mapping=mapping.model_dump(exclude_none=True) if mapping is not None else None,
            dry_run=options.dry_run,
            atomic=options.atomic,
            full=options.full,
            locale=locale,
        )
    ).returning(ImportJob.id)
    import_id: uuid.UUID = inserted[0]["id"]
    await enqueue(run_import_job, key=f"import-{import_id}", import_id=str(import_id))
    return import_id


async def import_job(import_id: uuid.UUID) -> ImportJobView | None:
    row = (
        await ImportJob.select(*ImportJob.all_columns(exclude=[ImportJob.content, ImportJob.mapping]))
        .where(ImportJob.id == import_id)
        .output(load_json=True)
        .first()
    )
    if row is None:
        return None
    return ImportJobView(
        id=row["id"],
        resource=row["resource"],
        filename=row["filename"],
        status=ImportStatus(row["status"]),
        dry_run=row["dry_run"],
        atomic=row["atomic"],
        full=row["full"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        report=row["report"] or {},
    )


# An import of a large file may take minutes; it is not tried again (a failure is reported, and
# the integration decides whether to send the file again).
@job(attempts=1, timeout=3600)
async def run_import_job(ctx: JobContext, *, import_id: str) -> None:
    del ctx  # the import needs nothing but the database
    await perform_import(uuid.UUID(import_id))


async def perform_import(import_id: uuid.UUID) -> None:
    """Import the job's file, record its report, and let go of its bytes."""
    # Taken in one statement, so a job delivered twice is imported once.
    taken = (
        await ImportJob.update({ImportJob.status: ImportStatus.RUNNING, ImportJob.started_at: clock.now()})
        .where((ImportJob.id == import_id) & (ImportJob.status == ImportStatus.QUEUED))
        .returning(ImportJob.id)
    )
    row = await ImportJob.select().where(ImportJob.id == import_id).output(load_json=True).first()
    if not taken or row is None:
        return
    with use_locale(row["locale"]):
        status, report = await _import(row)
    await ImportJob.update(
        {
            ImportJob.status: status,
            ImportJob.finished_at: clock.now(),
            ImportJob.report: report,
            ImportJob.content: b"",
        }
    ).where(ImportJob.id == import_id)


async def _import(row: dict[str, Any]) -> tuple[ImportStatus, dict[str, Any]]:
    resource = ERP_RESOURCES.get(row["resource"])
    if resource is None:
        return ImportStatus.FAILED, {"detail": _("There is no resource {name}.").format(name=row["resource"])}
    options = ImportOptions(
        dry_run=row["dry_run"], atomic=row["atomic"], full=row["full"], integration=row["integration"]
    )
    try:
        mapping = MappingDocument.model_validate(row["mapping"]) if row["mapping"] is not None else None
        report = await import_file(resource, bytes(row["content"]), row["filename"], mapping, options)
    except MappingRefused as refused:
        return ImportStatus.FAILED, {
            "detail": _("The mapping cannot be used."),
            "error_count": len(refused.errors),
            "errors": [{"line": 0, "column": None, **error.as_json()} for error in refused.errors],
        }
    except FileRefused as refused:
        return ImportStatus.FAILED, {
            "detail": _("The file cannot be imported."),
            "error_count": len(refused.problems),
            "errors": [problem.as_json() for problem in refused.problems],
        }
    except Exception:
        # The integration learns that it broke off and when; the log keeps why.
        log.exception("import job %s broke off", row["id"])
        return ImportStatus.FAILED, {
            "detail": _(
                "The import broke off. What it imported before is kept; send the file again to finish "
                "(what is already there comes back unchanged)."
            )
        }
    return ImportStatus.DONE, report.as_json(problems=STORED_ERRORS)
