"""The integration API's imports: `POST /api/v1/imports` uploads a file of one resource as an
import job (multipart: `resource`, `file`, optional `mapping`, `dry_run`, `atomic`, `full`) and
answers 202 with the job's address; `GET /api/v1/imports/{id}` answers its status, counts and
errors with line numbers. Both need a key with the resource's scope."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response

from portal.i18n import current_locale
from portal.i18n import gettext as _
from portal.integration.api_auth import authorised_client
from portal.integration.api_keys import ApiKeyLimiter
from portal.integration.erp_resources import ERP_RESOURCES
from portal.integration.files import FileRefused, file_format
from portal.integration.import_jobs import import_job, queue_import
from portal.integration.imports import ImportOptions
from portal.integration.mapping import MappingDocument, MappingRefused, compile_mapping, parse_mapping
from portal.web.api import Problem
from portal.web.limits import BodyKind, body_kind

IMPORTS_PATH = "/api/v1/imports"
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def _invalid(errors: list[dict[str, str]]) -> Problem:
    return Problem(422, _("The import cannot be started."), _("See errors for what to change."), errors)


@post(IMPORTS_PATH, opt=body_kind(BodyKind.IMPORT), status_code=202)
async def create_import(
    request: Request[Any, Any, Any], api_key_limiter: NamedDependency[ApiKeyLimiter]
) -> Response[dict[str, Any]]:
    """Upload a file (CSV, XLSX or JSON Lines) of one resource to be imported by a background
    job. A mapping (TOML or JSON) names the file's columns; without one they are field names.
    `dry_run` checks every row and reference and changes nothing; `atomic` writes nothing when
    a row is rejected; `full` deactivates what the file does not contain."""
    await authorised_client(request, api_key_limiter)
    form = await request.form()
    name = _text(form.get("resource"))
    resource = ERP_RESOURCES.get(name)
    if resource is None:
        raise _invalid(
            [
                {
                    "pointer": "/resource",
                    "detail": _("Name one of the resources: {names}.").format(names=", ".join(ERP_RESOURCES)),
                }
            ]
        )
    client = await authorised_client(request, api_key_limiter, resource.scope)
    errors: list[dict[str, str]] = []
    upload = form.get("file")
    content = b""
    if not isinstance(upload, UploadFile):
        errors.append({"pointer": "/file", "detail": _("Attach the file to import as the part `file`.")})
    else:
        content = await upload.read()
        try:
            if not content:
                raise FileRefused(_("The file is empty."))
            file_format(upload.filename or "", content)
        except FileRefused as refused:
            errors.append({"pointer": "/file", "detail": refused.problems[0].detail})
    flags: dict[str, bool] = {}
    for flag in ("dry_run", "atomic", "full"):
        value = _text(form.get(flag)).lower()
        if value not in _TRUE | _FALSE:
            errors.append({"pointer": f"/{flag}", "detail": _("Say true or false.")})
        flags[flag] = value in _TRUE
    mapping = await _mapping(form.get("mapping"), errors)
    if mapping is not None:
        try:
            compile_mapping(resource, mapping)
        except MappingRefused as refused:
            errors += [{"pointer": "/mapping" + error.pointer, "detail": error.detail} for error in refused.errors]
    if errors:
        raise _invalid(errors)
    assert isinstance(upload, UploadFile)
    options = ImportOptions(integration=client.name, **flags)
    import_id = await queue_import(resource, content, upload.filename or "", mapping, options, current_locale())
    location = f"{IMPORTS_PATH}/{import_id}"
    return Response(
        {"id": str(import_id), "status": "queued", "url": location},
        status_code=202,
        headers={"Location": location},
    )


async def _mapping(part: Any, errors: list[dict[str, str]]) -> MappingDocument | None:
    """The mapping sent as a file or as text; None when none was sent."""
    if part is None or part == "":
        return None
    if isinstance(part, UploadFile):
        raw, filename = await part.read(), part.filename or ""
    else:
        raw, filename = str(part).encode(), ""
    try:
        return parse_mapping(raw.decode("utf-8"), filename)
    except UnicodeDecodeError:
        errors.append({"pointer": "/mapping", "detail": _("Send the mapping as UTF-8 text.")})
    except MappingRefused as refused:
        errors += [{"pointer": "/mapping" + error.pointer, "detail": error.detail} for error in refused.errors]
    return None


def _text(part: Any) -> str:
    return part.strip() if isinstance(part, str) else ""


@get(IMPORTS_PATH + "/{import_id:uuid}")
async def import_status(
    request: Request[Any, Any, Any], import_id: FromPath[uuid.UUID], api_key_limiter: NamedDependency[ApiKeyLimiter]
) -> Response[dict[str, Any]]:
    """An import job: its status (queued, running, done, failed), counts and errors with line
    numbers."""
    await authorised_client(request, api_key_limiter)
    found = await import_job(import_id)
    resource = ERP_RESOURCES.get(found.resource) if found else None
    if found is None or resource is None:
        raise Problem(404, _("No such import."), _("There is no import {id}.").format(id=import_id))
    await authorised_client(request, api_key_limiter, resource.scope)
    return Response(found.as_json())


router = Router(path="/", route_handlers=[create_import, import_status])
