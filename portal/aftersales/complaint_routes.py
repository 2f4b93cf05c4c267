"""HTTP routes of complaints and conversations: the customer's complaints, filing one, the page
both sides work on, the back office's queue and deadlines, and the messages of a complaint or an
order (refreshed live when the other side writes)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Response

from portal.accounts.guards import Caller, requires
from portal.accounts.roles import Permission
from portal.accounts.scope import Scope
from portal.aftersales import complaints, messages
from portal.aftersales.tables import ComplaintReason, ComplaintStatus, Resolution, ReturnMethod, WantedResolution
from portal.config import Settings
from portal.errors import Conflict, Invalid
from portal.i18n import gettext as _
from portal.jobs import send_after_response
from portal.mail import Postbox
from portal.web import page, redirect, wants_fragment
from portal.web.forms import FormData, record_id
from portal.web.limits import BodyKind, body_kind

Html = Response[Any]
QUANTITY_FIELD = "quantity-"


def _number(text: str | None) -> int | None:
    return record_id(text) if text else None


async def _files(request: Request[Any, Any, Any], field: str) -> list[UploadFile | str]:
    form = await request.form()
    return list(form.getall(field)) if field in form else []


# --- The customer's complaints ---------------------------------------------------------------


@get("/complaints", guards=[requires(Permission.ORDER_VIEW)])
async def complaint_list(request: Request[Any, Any, Any], caller: Caller) -> Html:
    filters = complaints.ComplaintFilters.from_parameters(dict(request.query_params.items()))
    found, has_next = await complaints.list_complaints(caller, filters)
    return page(
        request,
        "aftersales/complaints.html",
        block="results",
        complaints=found,
        has_next=has_next,
        filters=filters,
        statuses=list(ComplaintStatus),
        labels=complaints.LABELS,
    )


async def _filing_page(
    request: Request[Any, Any, Any],
    caller: Scope,
    parameters: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Html:
    form = await complaints.complaint_form(
        caller,
        _number(parameters.get("order")),
        _number(parameters.get("shipment")),
        _number(parameters.get("invoice")),
    )
    return page(
        request,
        "aftersales/complaint_new.html",
        status_code=status_code,
        form=form,
        values=parameters,
        errors=errors or {},
        reasons=list(ComplaintReason),
        resolutions=list(WantedResolution),
        labels=complaints.LABELS,
    )


@get("/complaints/new", guards=[requires(Permission.ORDER_VIEW)])
async def new_complaint(request: Request[Any, Any, Any], caller: Caller) -> Html:
    return await _filing_page(request, caller, dict(request.query_params.items()))


@post("/complaints", guards=[requires(Permission.ORDER_VIEW)], opt=body_kind(BodyKind.UPLOAD))
async def file_complaint(
    request: Request[Any, Any, Any],
    caller: Caller,
    postbox: NamedDependency[Postbox],
    settings: NamedDependency[Settings],
) -> Html:
    form = await FormData.of(request)
    values = form.as_dict()
    try:
        filed = await complaints.submit_complaint(
            caller,
            complaints.ComplaintRequest(
                order_id=_number(form.get("order")),
                shipment_id=_number(form.get("shipment")),
                invoice_id=_number(form.get("invoice")),
                reason=form.get("reason"),
                wanted_resolution=form.get("wanted_resolution"),
                description=form.get("description"),
                damage_report_number=form.get("damage_report_number"),
                quantities={
                    line_id: value
                    for name, value in values.items()
                    if name.startswith(QUANTITY_FIELD) and (line_id := record_id(name.removeprefix(QUANTITY_FIELD)))
                },
            ),
            await _files(request, "photos"),
            await _files(request, "damage_report_files"),
            postbox,
            max_upload_bytes=settings.upload_max_bytes,
        )
    except Invalid as error:
        return await _filing_page(request, caller, values, errors=error.errors, status_code=422)
    flash(request, _("Complaint %(number)s is submitted.") % {"number": filed.number}, "success")
    return send_after_response(redirect(request, f"/complaints/{filed.complaint_id}"), postbox, *filed.mails)


# --- One complaint, for both sides -------------------------------------------------------------


async def _complaint_page(
    request: Request[Any, Any, Any],
    caller: Scope,
    complaint_id: int,
    *,
    block: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Html:
    detail = await complaints.complaint_detail(caller, complaint_id)
    # Only the whole page shows the conversation, so only it moves the caller's read mark (a
    # block's URL opened without htmx gets the whole page too).
    whole_page = not (block and wants_fragment(request))
    thread = (
        await messages.conversation(caller, await messages.complaint_thread(caller, complaint_id))
        if whole_page
        else None
    )
    return page(
        request,
        "aftersales/complaint.html",
        block=block,
        status_code=status_code,
        detail=detail,
        thread=thread,
        errors=errors or {},
        values=values or {},
        labels=complaints.LABELS,
        return_methods=list(ReturnMethod),
        resolutions=list(Resolution),
    )


@get("/complaints/{complaint_id:int}", guards=[requires()])
async def complaint_page(request: Request[Any, Any, Any], caller: Caller, complaint_id: FromPath[int]) -> Html:
    return await _complaint_page(request, caller, complaint_id)


@get("/complaints/{complaint_id:int}/state", guards=[requires()])
async def complaint_state(request: Request[Any, Any, Any], caller: Caller, complaint_id: FromPath[int]) -> Html:
    """The state, timeline and documents, fetched again when the complaint announces a change."""
    # Only htmx asks for the state alone; a person who opens the address gets the whole page.
    return await _complaint_page(request, caller, complaint_id, block="state" if wants_fragment(request) else None)


@post("/complaints/{complaint_id:int}/status", guards=[requires()], opt=body_kind(BodyKind.UPLOAD))
async def change_complaint_status(
    request: Request[Any, Any, Any],
    caller: Caller,
    complaint_id: FromPath[int],
    postbox: NamedDependency[Postbox],
    settings: NamedDependency[Settings],
) -> Html:
    form = await FormData.of(request)
    try:
        changed = await complaints.change_status(
            caller,
            complaint_id,
            complaints.StatusChange(
                to=form.get("to"),
                note=form.get("note"),
                return_method=form.get("return_method"),
                return_instructions=form.get("return_instructions"),
                pickup_on=form.get("pickup_on"),
                resolution=form.get("resolution"),
                credit_note_id=form.get("credit_note_id"),
                replacement_order_id=form.get("replacement_order_id"),
            ),
            await _files(request, "files"),
            postbox,
            max_upload_bytes=settings.upload_max_bytes,
        )
    except (Invalid, Conflict) as error:
        errors = error.errors if isinstance(error, Invalid) else {"to": error.message}
        return await _complaint_page(
            request,
            caller,
            complaint_id,
            errors=errors,
            values=form.as_dict(),
            status_code=422 if isinstance(error, Invalid) else 409,
        )
    flash(
        request, _("The complaint is now: %(state)s.") % {"state": complaints.status_label(changed.status)}, "success"
    )
    return send_after_response(redirect(request, f"/complaints/{complaint_id}"), postbox, *changed.mails)


# --- Conversations -----------------------------------------------------------------------------


async def _thread_fragment(
    request: Request[Any, Any, Any],
    caller: Scope,
    thread: messages.Thread,
    *,
    block: str | None = None,
    errors: dict[str, str] | None = None,
    body: str = "",
    status_code: int = 200,
) -> Html:
    return page(
        request,
        "aftersales/_thread.html",
        block=block,
        status_code=status_code,
        thread=await messages.conversation(caller, thread),
        errors=errors or {},
        body=body,
    )


async def _post_message(
    request: Request[Any, Any, Any], caller: Scope, thread: messages.Thread, postbox: Postbox, settings: Settings
) -> Html:
    form = await FormData.of(request)
    try:
        posted = await messages.post_message(
            caller,
            thread,
            form.get("body"),
            await _files(request, "files"),
            postbox,
            max_upload_bytes=settings.upload_max_bytes,
        )
    except Invalid as error:
        if request.headers.get("hx-request") != "true":
            flash(request, error.message, "error")
            return redirect(request, thread.page_for(caller))
        return await _thread_fragment(
            request, caller, thread, errors=error.errors, body=form.get("body"), status_code=422
        )
    if request.headers.get("hx-request") != "true":
        flash(request, _("Your message is sent."), "success")
        return send_after_response(redirect(request, thread.page_for(caller)), postbox, *posted.mails)
    return send_after_response(await _thread_fragment(request, caller, thread), postbox, *posted.mails)


@get("/complaints/{complaint_id:int}/messages", guards=[requires()])
async def complaint_messages(request: Request[Any, Any, Any], caller: Caller, complaint_id: FromPath[int]) -> Html:
    thread = await messages.complaint_thread(caller, complaint_id)
    return await _thread_fragment(request, caller, thread, block="messages")


@post("/complaints/{complaint_id:int}/messages", guards=[requires()], opt=body_kind(BodyKind.UPLOAD))
async def post_complaint_message(
    request: Request[Any, Any, Any],
    caller: Caller,
    complaint_id: FromPath[int],
    postbox: NamedDependency[Postbox],
    settings: NamedDependency[Settings],
) -> Html:
    thread = await messages.complaint_thread(caller, complaint_id)
    return await _post_message(request, caller, thread, postbox, settings)


@get("/orders/{order_id:int}/messages", guards=[requires()])
async def order_messages(request: Request[Any, Any, Any], caller: Caller, order_id: FromPath[int]) -> Html:
    thread = await messages.order_thread(caller, order_id)
    return await _thread_fragment(request, caller, thread, block="messages")


@post("/orders/{order_id:int}/messages", guards=[requires()], opt=body_kind(BodyKind.UPLOAD))
async def post_order_message(
    request: Request[Any, Any, Any],
    caller: Caller,
    order_id: FromPath[int],
    postbox: NamedDependency[Postbox],
    settings: NamedDependency[Settings],
) -> Html:
    thread = await messages.order_thread(caller, order_id)
    return await _post_message(request, caller, thread, postbox, settings)


# --- The back office -------------------------------------------------------------------------


@get("/office/complaints", guards=[requires(Permission.COMPLAINTS_MANAGE)])
async def complaint_desk(request: Request[Any, Any, Any], caller: Caller) -> Html:
    filters = complaints.ComplaintFilters.from_parameters(dict(request.query_params.items()))
    found, has_next = await complaints.complaint_queue(caller, filters)
    return page(
        request,
        "aftersales/office_complaints.html",
        block="results",
        complaints=found,
        has_next=has_next,
        filters=filters,
        statuses=list(ComplaintStatus),
        reasons=list(ComplaintReason),
        customers=await complaints.complaining_customers(caller),
        labels=complaints.LABELS,
    )


@get("/office/complaints/policy", guards=[requires(Permission.COMPLAINTS_MANAGE)])
async def complaint_policy(request: Request[Any, Any, Any]) -> Html:
    return page(
        request,
        "aftersales/complaint_policy.html",
        policies=await complaints.complaint_policies(),
        values={},
        errors={},
        labels=complaints.LABELS,
    )


@post("/office/complaints/policy", guards=[requires(Permission.COMPLAINTS_MANAGE)])
async def save_complaint_policy(request: Request[Any, Any, Any], caller: Caller) -> Html:
    form = await FormData.of(request)
    try:
        await complaints.update_policies(caller, form.as_dict())
    except Invalid as error:
        return page(
            request,
            "aftersales/complaint_policy.html",
            status_code=422,
            policies=await complaints.complaint_policies(),
            values=form.as_dict(),
            errors=error.errors,
            labels=complaints.LABELS,
        )
    flash(request, _("Complaint deadlines saved."), "success")
    return redirect(request, "/office/complaints/policy")


complaint_router = Router(
    path="/",
    route_handlers=[
        complaint_list,
        new_complaint,
        file_complaint,
        complaint_page,
        complaint_state,
        change_complaint_status,
        complaint_messages,
        post_complaint_message,
        order_messages,
        post_order_message,
        complaint_desk,
        complaint_policy,
        save_complaint_policy,
    ],
)
