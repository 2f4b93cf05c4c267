"""HTTP routes of approvals: the emailed link's page (no login) and the approvals inbox."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Response

from portal.accounts.guards import Caller, requires
from portal.accounts.roles import Permission
from portal.accounts.sessions import client_address
from portal.accounts.tokens import LinkSigner
from portal.approvals import requests
from portal.approvals.levels import approval_levels as levels_of
from portal.approvals.levels import set_approval_levels
from portal.errors import Conflict, Invalid
from portal.i18n import gettext as _
from portal.i18n import set_locale
from portal.jobs import send_after_response
from portal.mail import Postbox
from portal.web import page, redirect
from portal.web.forms import FormData

Html = Response[Any]


@get("/approvals/{token:str}")
async def approval_page(
    request: Request[Any, Any, Any], token: FromPath[str], signer: NamedDependency[LinkSigner]
) -> Html:
    """Shows the order; deciding is the form's POST, so opening the link changes nothing."""
    view = await requests.open_approval(token, signer)
    # Nobody is logged in here: the page speaks the approver's language, as the email did.
    set_locale(view.approver_locale)
    return page(request, "approvals/decision.html", view=view, token=token, errors={}, decision=None)


@post("/approvals/{token:str}")
async def decide_by_link(
    request: Request[Any, Any, Any],
    token: FromPath[str],
    signer: NamedDependency[LinkSigner],
    postbox: NamedDependency[Postbox],
) -> Html:
    form = await FormData.of(request)
    approve = form.get("decision") == "approve"
    try:
        decision = await requests.decide_by_link(
            token, approve, form.get("reason"), client_address(request), signer, postbox
        )
    except (Invalid, Conflict) as error:
        view = await requests.open_approval(token, signer)
        set_locale(view.approver_locale)
        errors = error.errors if isinstance(error, Invalid) else {"form": error.message}
        return page(
            request,
            "approvals/decision.html",
            status_code=422 if isinstance(error, Invalid) else 409,
            view=view,
            token=token,
            errors=errors,
            decision=None,
        )
    view = await requests.open_approval(token, signer)
    set_locale(view.approver_locale)
    response = page(request, "approvals/decision.html", view=view, token=token, errors={}, decision=decision)
    return send_after_response(response, postbox, *decision.mails)


@get("/approvals", guards=[requires(Permission.ORDER_APPROVE)])
async def approval_inbox(request: Request[Any, Any, Any], caller: Caller) -> Html:
    return page(request, "approvals/inbox.html", entries=await requests.approval_inbox(caller), errors={})


@post("/orders/{order_id:int}/decision", guards=[requires(Permission.ORDER_APPROVE)])
async def decide_in_portal(
    request: Request[Any, Any, Any],
    caller: Caller,
    order_id: FromPath[int],
    signer: NamedDependency[LinkSigner],
    postbox: NamedDependency[Postbox],
) -> Html:
    form = await FormData.of(request)
    approve = form.get("decision") == "approve"
    try:
        decision = await requests.decide_in_portal(caller, order_id, approve, form.get("reason"), signer, postbox)
    except (Invalid, Conflict) as error:
        flash(request, error.message, "error")
        return redirect(request, "/approvals")
    flash(
        request,
        (_("Order %(number)s approved.") if decision.approved else _("Order %(number)s rejected."))
        % {"number": decision.number},
        "success",
    )
    return send_after_response(redirect(request, "/approvals"), postbox, *decision.mails)


@get("/company/approval-levels", guards=[requires(Permission.USERS_MANAGE)])
async def approval_levels_form(request: Request[Any, Any, Any], caller: Caller) -> Html:
    levels = [str(level) for level in await levels_of(caller)]
    return page(request, "approvals/levels.html", levels=levels, errors={})


@post("/company/approval-levels", guards=[requires(Permission.USERS_MANAGE)])
async def save_approval_levels(request: Request[Any, Any, Any], caller: Caller) -> Html:
    form = await FormData.of(request)
    try:
        await set_approval_levels(caller, form.getall("level"))
    except Invalid as error:
        return page(request, "approvals/levels.html", status_code=422, levels=form.getall("level"), errors=error.errors)
    flash(request, _("Approval levels saved."), "success")
    return redirect(request, "/company/approval-levels")


router = Router(
    path="/",
    route_handlers=[
        approval_page,
        decide_by_link,
        approval_inbox,
        decide_in_portal,
        approval_levels_form,
        save_approval_levels,
    ],
)
