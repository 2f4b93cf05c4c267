"""The seller's view of an ERP that does not answer: the queue of unconfirmed orders by age, and
the silence noted for the layout's banner on each page the seller's people open."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Response
from litestar.stores.base import Store

from portal import clock
from portal.accounts import Scope as CallerScope
from portal.accounts.guards import Caller, CompanyNotChosen
from portal.accounts.roles import Permission
from portal.config import Settings
from portal.errors import NotFound
from portal.i18n import gettext as _
from portal.integration.erp_health import erp_silence, last_erp_contact, silence_alert_after
from portal.integration.erp_silence import note_page_silence
from portal.ordering.unconfirmed import expected_confirmation, unconfirmed_orders
from portal.web import page, wants_fragment

Html = Response[Any]
QUEUE = "/office/unconfirmed-orders"


def seller_staff_only(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
    """The seller's people who look after customers (reps see their own); to anyone else the
    page does not exist."""
    caller: CallerScope = connection.user
    if not caller.has_company:
        raise CompanyNotChosen
    if not (caller.is_seller and caller.can(Permission.CUSTOMERS_VIEW)):
        raise NotFound(_("No such page."))


@get(QUEUE)
async def unconfirmed_queue(
    request: Request[Any, Any, Any], caller: Caller, settings: NamedDependency[Settings]
) -> Html:
    now = clock.now()
    return page(
        request,
        "integration/unconfirmed_orders.html",
        queue=await unconfirmed_orders(caller, now, expected_confirmation(settings)),
        last_contact=await last_erp_contact(),
        now=now,
    )


async def note_erp_silence(request: Request[Any, Any, Any], settings: Settings, cache: Store) -> None:
    """Before a seller's page is rendered: the ERP's silence for its banner. Fragments, the API
    and everyone else's pages go without (and without its lookup)."""
    caller: CallerScope | None = request.scope.get("user")
    shows_layout = request.method == "GET" and not wants_fragment(request) and not request.url.path.startswith("/api/")
    silence = None
    if caller is not None and caller.is_seller and shows_layout:
        silence = await erp_silence(caller, clock.now(), silence_alert_after(settings), cache)
    note_page_silence(silence)


router = Router(path="/", guards=[seller_staff_only], route_handlers=[unconfirmed_queue])
