"""The home page: one page whose sections follow the caller's roles."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get

from portal.accounts import Permission, Role, company_profile, customers_for, requires
from portal.accounts.audit import company_audit_log
from portal.accounts.guards import Caller
from portal.accounts.members import list_members, my_terms, pending_invitations, team_limits
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


router = Router(path="/", route_handlers=[home, health])
