"""The home page: one page whose sections follow the caller's roles."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from litestar import Request, Response, Router, get
from litestar.di import NamedDependency
from litestar.response import ServerSentEvent, ServerSentEventMessage

from portal.accounts import Permission, Role, company_profile, customers_for, requires, seen_customers
from portal.accounts.audit import company_audit_log
from portal.accounts.guards import Caller
from portal.accounts.members import list_members, my_terms, pending_invitations, team_limits
from portal.accounts.sessions import retrieve_caller
from portal.live import LiveUpdates
from portal.web.templating import page


@get("/", guards=[requires()])
async def home(request: Request[Any, Any, Any], caller: Caller) -> Response[Any]:
    context: dict[str, Any] = {"company": await company_profile(caller)}
    if caller.is_seller and caller.can(Permission.CUSTOMERS_VIEW):
        context["customers"] = await customers_for(caller)
    if caller.has_role(Role.BUYER) or caller.has_role(Role.REQUESTER):
        context["my_terms"] = await my_terms(caller)
    if caller.can(Permission.ORDER_APPROVE):
        context["team"] = await team_limits(caller)
    if caller.can(Permission.USERS_MANAGE):
        context["members"] = await list_members(caller)
        context["invitations"] = await pending_invitations(caller)
    if caller.can(Permission.AUDIT_READ):
        context["recent_audit"] = (await company_audit_log(caller))[0][:8]
    return page(request, "web/home.html", **context)


@get("/health", sync_to_thread=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/live", guards=[requires()])
async def live_events(
    request: Request[Any, Any, Any], caller: Caller, live: NamedDependency[LiveUpdates]
) -> Response[Any]:
    """The page's one event stream: names of what changed for the customers the caller sees
    (their own company; a sales rep's own customers; every one for the back office); htmx's SSE
    extension refreshes the elements listening."""
    session = dict(request.session)
    channels = live.channels_for(await seen_customers(caller))
    if not channels:
        # Nothing to hear: 204 tells the browser's EventSource not to reconnect.
        return Response(None, status_code=204)

    async def names() -> AsyncIterator[ServerSentEventMessage]:
        async for name in live.stream(channels):
            # Asked again at every event: a stream outlives the request that opened it, and
            # ends once its session ends (password reset, deactivation, lifetime), the person
            # no longer belongs to the company, or the customers they see have changed.
            now = await retrieve_caller(session, request)
            if (
                now is None
                or now.company_id != caller.company_id
                or live.channels_for(await seen_customers(now)) != channels
            ):
                return
            yield ServerSentEventMessage(event=name, data=name)

    return ServerSentEvent(names())


router = Router(path="/", route_handlers=[home, health, live_events])
