"""The seller administrator's Integration page: the API keys (made, rotated and revoked here, a
new key shown once), recent batches and imports with their counts and first errors, full-export
runs, when each scope's data was last synchronised, with a warning when it is overdue, and how
far each ERP has read the event feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Request, Router, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Response

from portal import clock
from portal.accounts import Scope as CallerScope
from portal.accounts import is_seller_admin
from portal.accounts.guards import Caller, CompanyNotChosen
from portal.config import Settings
from portal.errors import Invalid, NotFound
from portal.i18n import gettext as _
from portal.integration import api_keys, events, sync_status
from portal.integration.erp_resources import ERP_RESOURCES
from portal.integration.scopes import Scope
from portal.web import page, redirect, wants_fragment
from portal.web.forms import FormData

Html = Response[Any]
PAGE = "/office/integration"
TEMPLATE = "integration/integration.html"


def seller_admin_only(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
    """The page is the seller's: to anyone else, customers' people included, it does not exist."""
    caller: CallerScope = connection.user
    if not caller.has_company:
        raise CompanyNotChosen
    if not is_seller_admin(caller):
        raise NotFound(_("No such page."))


@dataclass(frozen=True)
class NewKey:
    """A key just made or rotated: its value is on this one answer and nowhere else."""

    name: str
    value: str
    old_valid_until: datetime | None = None


async def _keys_context(settings: Settings, **context: Any) -> dict[str, Any]:
    return {
        "keys": await api_keys.api_keys(),
        "now": clock.now(),
        "scopes": list(Scope),
        "grace": api_keys.rotation_grace(settings),
        "new_key": None,
        "errors": {},
        "values": {},
        **context,
    }


async def _activity_context(settings: Settings, resource: str | None) -> dict[str, Any]:
    now = clock.now()
    syncs = await sync_status.scope_syncs(ERP_RESOURCES.values(), settings)
    return {
        "now": now,
        "scope_syncs": syncs,
        "overdue": [sync for sync in syncs if sync.overdue(now)],
        "batches": await sync_status.recent_batches(resource),
        "runs": await sync_status.recent_runs(),
        "feed_head": await events.head_position(),
        "feed_consumers": await events.feed_consumers(),
        "resource": resource or "",
        "resource_names": sorted(ERP_RESOURCES),
    }


async def _keys_answer(
    request: Request[Any, Any, Any], settings: Settings, *, status_code: int = 200, **context: Any
) -> Html:
    """The keys section for htmx; the whole page for a plain form (a new key must be shown on
    this answer, so there is no redirect to a page that could show it again)."""
    keys = await _keys_context(settings, **context)
    if wants_fragment(request):
        return page(request, TEMPLATE, block="keys", status_code=status_code, **keys)
    return page(request, TEMPLATE, status_code=status_code, **{**await _activity_context(settings, None), **keys})


@get(PAGE)
async def integration_page(
    request: Request[Any, Any, Any], settings: NamedDependency[Settings], resource: FromQuery[str | None] = None
) -> Html:
    # Only a resource the portal knows filters the list; anything else shows every batch.
    chosen = resource if resource in ERP_RESOURCES else None
    activity = await _activity_context(settings, chosen)
    if wants_fragment(request):
        return page(request, TEMPLATE, block="batches", **activity)
    return page(request, TEMPLATE, **{**activity, **await _keys_context(settings)})


@post(f"{PAGE}/keys")
async def make_key(request: Request[Any, Any, Any], caller: Caller, settings: NamedDependency[Settings]) -> Html:
    form = await FormData.of(request)
    values = {"name": form.get("name"), "scopes": form.getall("scopes")}
    try:
        value = await api_keys.create_api_key(
            form.get("name"), api_keys.parse_scopes(form.getall("scopes")), caller=caller
        )
    except Invalid as error:
        return await _keys_answer(request, settings, status_code=422, errors=error.errors, values=values)
    return await _keys_answer(request, settings, new_key=NewKey(form.get("name"), value))


@post(f"{PAGE}/keys/{{key_id:int}}/rotate")
async def rotate_key(
    request: Request[Any, Any, Any], caller: Caller, settings: NamedDependency[Settings], key_id: FromPath[int]
) -> Html:
    value = await api_keys.rotate_api_key(key_id, api_keys.rotation_grace(settings), caller=caller)
    rotated = await api_keys.api_key(key_id)
    return await _keys_answer(
        request, settings, new_key=NewKey(rotated.name, value, old_valid_until=rotated.previous_expires_at)
    )


@post(f"{PAGE}/keys/{{key_id:int}}/revoke")
async def revoke_key(request: Request[Any, Any, Any], caller: Caller, key_id: FromPath[int]) -> Html:
    revoked = await api_keys.revoke_api_key(key_id, caller=caller)
    flash(
        request,
        _("The key {name} is revoked: calls with it are refused from now on.").format(name=revoked.name),
        "success",
    )
    return redirect(request, PAGE)


router = Router(
    path="/",
    guards=[seller_admin_only],
    route_handlers=[integration_page, make_key, rotate_key, revoke_key],
)
