"""HTTP routes of the back office: the inbox with its read marks, the header's unread count, and
the seller's page of a customer's order with its conversation."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.params import FromPath
from litestar.response import Response

from portal.accounts.guards import Caller, requires
from portal.accounts.roles import Permission
from portal.accounts.scope import Scope
from portal.aftersales import messages
from portal.backoffice import inbox
from portal.backoffice.tables import NotificationKind
from portal.errors import NotAllowed
from portal.i18n import gettext as _
from portal.ordering.orders import order_detail
from portal.web import page, redirect, wants_fragment
from portal.web.forms import FormData

Html = Response[Any]
INBOX = "/office/inbox"


async def remember_unread_count(request: Request[Any, Any, Any]) -> None:
    """Before a whole page of a person with an inbox: the header's unread count, one statement,
    once per request (`request.state.inbox_unread`); fragments, files and streams go without."""
    caller = request.scope.get("user")
    if (
        isinstance(caller, Scope)
        and inbox.may_use_inbox(caller)
        and request.method == "GET"
        and not wants_fragment(request)
        and request.url.path != "/live"
    ):
        request.state.inbox_unread = await inbox.unread_count(caller)


def _filters(parameters: dict[str, str]) -> inbox.InboxFilters:
    return inbox.InboxFilters.from_parameters(parameters)


# Tells the header's count, on an htmx answer, that marks changed (it refetches itself).
READ_MARKS_CHANGED = {"HX-Trigger": "inbox-read"}


async def _inbox_page(
    request: Request[Any, Any, Any],
    caller: Scope,
    filters: inbox.InboxFilters,
    headers: dict[str, str] | None = None,
) -> Html:
    entries, has_next = await inbox.inbox(caller, filters)
    return page(
        request,
        "backoffice/inbox.html",
        block="results",
        headers=headers,
        entries=entries,
        has_next=has_next,
        filters=filters,
        kinds=[(kind.value, inbox.kind_label(kind)) for kind in NotificationKind],
    )


@get(INBOX, guards=[requires(Permission.CUSTOMERS_VIEW)])
async def inbox_page(request: Request[Any, Any, Any], caller: Caller) -> Html:
    return await _inbox_page(request, caller, _filters(dict(request.query_params.items())))


@get(f"{INBOX}/count", guards=[requires(Permission.CUSTOMERS_VIEW)])
async def inbox_count(request: Request[Any, Any, Any], caller: Caller) -> Html:
    """The header's badge alone, fetched again when a notification is announced; a person who
    opens the address gets the inbox."""
    if not wants_fragment(request):
        return redirect(request, INBOX)
    return page(request, "backoffice/_inbox_badge.html", unread=await inbox.unread_count(caller))


def _back_to_inbox(form: FormData) -> str:
    query = _filters(form.as_dict()).query()
    return f"{INBOX}?{query}" if query else INBOX


@post(f"{INBOX}/{{notification_id:int}}/read", guards=[requires()])
async def read_notification(request: Request[Any, Any, Any], caller: Caller, notification_id: FromPath[int]) -> Html:
    """Marks one read; with `open` it goes on to the thing the notification is about."""
    form = await FormData.of(request)
    link = await inbox.mark_read(caller, notification_id)
    if form.get("open"):
        return redirect(request, link)
    if wants_fragment(request):
        return await _inbox_page(request, caller, _filters(form.as_dict()), READ_MARKS_CHANGED)
    return redirect(request, _back_to_inbox(form))


@post(f"{INBOX}/read", guards=[requires(Permission.CUSTOMERS_VIEW)])
async def read_all_notifications(request: Request[Any, Any, Any], caller: Caller) -> Html:
    form = await FormData.of(request)
    await inbox.mark_all_read(caller, _filters(form.as_dict()))
    if wants_fragment(request):
        return await _inbox_page(request, caller, _filters(form.as_dict()), READ_MARKS_CHANGED)
    return redirect(request, _back_to_inbox(form))


@get("/office/orders/{order_id:int}", guards=[requires()])
async def office_order(request: Request[Any, Any, Any], caller: Caller, order_id: FromPath[int]) -> Html:
    """A customer's order as the seller's staff see it, with the conversation to answer in."""
    thread = await messages.order_thread(caller, order_id)
    if not inbox.may_use_inbox(caller):
        raise NotAllowed(_("Only the seller's staff see this page."))
    return page(
        request,
        "backoffice/order.html",
        thread=thread,
        order=await order_detail(thread.company_id, order_id),
        conversation=await messages.conversation(caller, thread),
    )


router = Router(
    path="/",
    route_handlers=[inbox_page, inbox_count, read_notification, read_all_notifications, office_order],
)
