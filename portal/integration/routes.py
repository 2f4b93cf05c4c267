"""The integration API's data-in routes: one batch endpoint per resource, sync runs for full
exports, and the OpenAPI document with its readable page. Handlers only authorise, parse and
answer; the batch protocol is `portal.integration.batch`."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from pydantic import BaseModel, ValidationError

from portal.i18n import gettext as _
from portal.integration.api_auth import authorised_client
from portal.integration.api_keys import ApiKeyLimiter
from portal.integration.batch import BatchRefused, apply_batch, validation_errors
from portal.integration.erp_resources import ERP_RESOURCES
from portal.integration.openapi import BatchRequest, CloseSyncRun, OpenSyncRun, openapi_document
from portal.integration.resources import Resource
from portal.integration.sync_runs import close_run, open_run, sync_run
from portal.web.api import MalformedBody, Problem, json_object, problem
from portal.web.limits import BodyKind, body_kind
from portal.web.templating import page

API_ROOT = "/api/v1"
# Redoc styles itself with inline styles and parses the document in a worker of its own.
DOCS_PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "worker-src blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def _resource_named(name: str) -> Resource[Any]:
    resource = ERP_RESOURCES.get(name)
    if resource is None:
        raise Problem(404, _("Unknown resource."), _("There is no resource {name}.").format(name=name))
    return resource


async def validated_body(request: Request[Any, Any, Any], model: type[BaseModel]) -> Any:
    """The JSON body as `model`, or a 400 (not a JSON object) or 422 (with pointers) problem."""
    try:
        body = await json_object(request)
    except MalformedBody as error:
        raise Problem(400, _("The body is not a JSON object."), error.detail) from None
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise Problem(
            422,
            _("The request is not valid."),
            _("Correct the fields the errors point to."),
            errors=[problem.as_json() for problem in validation_errors(error)],
        ) from None


@post(f"{API_ROOT}/{{resource_name:str}}/batch", status_code=200, opt=body_kind(BodyKind.BATCH))
async def post_batch(
    request: Request[Any, Any, Any], resource_name: FromPath[str], api_key_limiter: NamedDependency[ApiKeyLimiter]
) -> Response[Any]:
    resource = _resource_named(resource_name)
    client = await authorised_client(request, api_key_limiter, resource.scope)
    batch: BatchRequest = await validated_body(request, BatchRequest)
    try:
        report = await apply_batch(
            resource,
            batch.upsert,
            batch.delete,
            atomic=batch.atomic,
            run_id=batch.sync_run,
            integration=client.name,
        )
    except BatchRefused as refusal:
        errors = [{"pointer": refusal.pointer, "detail": refusal.detail}] if refusal.pointer else None
        return problem(422, _("The batch was refused."), refusal.detail, errors=errors)
    if not report.applied:
        return problem(
            422,
            _("The atomic batch was not applied."),
            _("Some items were rejected, so none was written. Correct them and send the batch again."),
            errors=[error.as_json() for error in report.errors],
            extra={"results": report.as_json()["results"]},
        )
    return Response(report.as_json())


@post(f"{API_ROOT}/sync-runs", status_code=201, opt=body_kind(BodyKind.API))
async def post_sync_run(
    request: Request[Any, Any, Any], api_key_limiter: NamedDependency[ApiKeyLimiter]
) -> Response[Any]:
    opened: OpenSyncRun = await validated_body(request, OpenSyncRun)
    resource = _resource_named(opened.resource)
    client = await authorised_client(request, api_key_limiter, resource.scope)
    run = await open_run(resource, client.name)
    return Response(run.as_json(), status_code=201, headers={"Location": f"{API_ROOT}/sync-runs/{run.id}"})


@get(f"{API_ROOT}/sync-runs/{{run_id:int}}")
async def get_sync_run(
    request: Request[Any, Any, Any], run_id: FromPath[int], api_key_limiter: NamedDependency[ApiKeyLimiter]
) -> Response[Any]:
    await authorised_client(request, api_key_limiter)
    run = await sync_run(run_id)
    await authorised_client(request, api_key_limiter, _resource_named(run.resource).scope)
    return Response(run.as_json())


@post(f"{API_ROOT}/sync-runs/{{run_id:int}}/close", status_code=200, opt=body_kind(BodyKind.API))
async def post_close_sync_run(
    request: Request[Any, Any, Any], run_id: FromPath[int], api_key_limiter: NamedDependency[ApiKeyLimiter]
) -> Response[Any]:
    await authorised_client(request, api_key_limiter)
    run = await sync_run(run_id)
    resource = _resource_named(run.resource)
    await authorised_client(request, api_key_limiter, resource.scope)
    closing: CloseSyncRun = await validated_body(request, CloseSyncRun)
    closed = await close_run(resource, run_id, force=closing.force)
    return Response(closed.as_json())


@get(f"{API_ROOT}/openapi.json", media_type="application/vnd.oai.openapi+json")
async def get_openapi() -> dict[str, Any]:
    return openapi_document()


@get(f"{API_ROOT}/docs")
async def api_docs(request: Request[Any, Any, Any]) -> Template:
    return page(
        request,
        "integration/api_docs.html",
        headers={"Content-Security-Policy": DOCS_PAGE_POLICY},
        spec_url=f"{API_ROOT}/openapi.json",
    )


api_router = Router(
    path="/",
    route_handlers=[post_batch, post_sync_run, get_sync_run, post_close_sync_run, get_openapi, api_docs],
)
