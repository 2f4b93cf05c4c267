"""HTTP routes of shipments: the customer's deliveries table and shipment pages, the back
office's shipping desk, tracking events from integrations (JSON), and downloads of files."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response

from portal.accounts.guards import Caller, requires
from portal.accounts.roles import Permission
from portal.aftersales import shipments
from portal.aftersales.access import require_back_office
from portal.aftersales.attachments import attachment_for_download, attachments_of, check_uploads, save_attachment
from portal.aftersales.shipment_documents import delivery_note_pdf, packing_list_pdf
from portal.aftersales.tables import AttachmentPurpose, Shipment, ShipmentStatus
from portal.config import Settings
from portal.database import write_transaction
from portal.errors import Conflict, Invalid, NotFound
from portal.i18n import current_locale
from portal.i18n import gettext as _
from portal.integration.api_auth import authorised_client
from portal.integration.api_keys import ApiKeyLimiter
from portal.integration.openapi import ShipmentBody
from portal.integration.routes import validated_body
from portal.integration.scopes import Scope
from portal.jobs import send_after_response
from portal.mail import Postbox
from portal.web import page, redirect, wants_fragment
from portal.web.api import MalformedBody, Problem, json_object
from portal.web.forms import FormData
from portal.web.limits import BodyKind, body_kind

Html = Response[Any]


@get("/deliveries", guards=[requires(Permission.ORDER_VIEW)])
async def delivery_list(request: Request[Any, Any, Any], caller: Caller) -> Html:
    return await _deliveries(request, caller, "aftersales/deliveries.html")


@get("/office/shipments", guards=[requires(Permission.COMPLAINTS_MANAGE)])
async def shipping_desk(request: Request[Any, Any, Any], caller: Caller) -> Html:
    return await _deliveries(
        request, caller, "aftersales/shipping_desk.html", orders=await shipments.orders_to_ship(caller)
    )


async def _deliveries(request: Request[Any, Any, Any], caller: Caller, template: str, **context: Any) -> Html:
    filters = shipments.DeliveryFilters.from_parameters(dict(request.query_params.items()))
    found, has_next = await shipments.list_shipments(caller, filters)
    return page(
        request,
        template,
        block="results",
        shipments=found,
        has_next=has_next,
        filters=filters,
        path=request.url.path,
        statuses=list(ShipmentStatus),
        carriers=await shipments.carriers(),
        **context,
    )


@get("/deliveries/{shipment_id:int}/row", guards=[requires()])
async def delivery_row(request: Request[Any, Any, Any], caller: Caller, shipment_id: FromPath[int]) -> Html:
    """One row of the deliveries table, fetched again when its shipment announces a change."""
    if not wants_fragment(request):
        # Only htmx asks for a row; a person who opens the address gets the shipment's page.
        return await _shipment_page(request, caller, shipment_id)
    return page(
        request, "aftersales/deliveries.html", block="row", shipment=await shipments.shipment_row(caller, shipment_id)
    )


@get("/deliveries/{shipment_id:int}", guards=[requires()])
async def shipment_page(request: Request[Any, Any, Any], caller: Caller, shipment_id: FromPath[int]) -> Html:
    return await _shipment_page(request, caller, shipment_id)


async def _shipment_page(
    request: Request[Any, Any, Any],
    caller: Caller,
    shipment_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Html:
    detail = await shipments.shipment_detail(caller, shipment_id)
    return page(
        request,
        "aftersales/shipment.html",
        block="tracking",
        status_code=status_code,
        detail=detail,
        documents=await attachments_of(shipment_id=shipment_id),
        statuses=list(ShipmentStatus),
        errors=errors or {},
        values=values or {},
    )


@post("/deliveries/{shipment_id:int}/events", guards=[requires()])
async def add_event(
    request: Request[Any, Any, Any], caller: Caller, shipment_id: FromPath[int], postbox: NamedDependency[Postbox]
) -> Html:
    form = await FormData.of(request)
    try:
        outcome = await shipments.record_office_event(caller, shipment_id, form.as_dict(), postbox)
    except Invalid as error:
        return await _shipment_page(
            request, caller, shipment_id, errors=error.errors, values=form.as_dict(), status_code=422
        )
    return send_after_response(redirect(request, f"/deliveries/{shipment_id}"), postbox, *outcome.mails)


@post("/deliveries/{shipment_id:int}/documents", guards=[requires()], opt=body_kind(BodyKind.UPLOAD))
async def add_proof_of_delivery(
    request: Request[Any, Any, Any], caller: Caller, shipment_id: FromPath[int], settings: NamedDependency[Settings]
) -> Html:
    detail = await shipments.shipment_detail(caller, shipment_id)
    require_back_office(caller)
    form = await request.form()
    try:
        files = await check_uploads(form.getall("files"), "files", settings.upload_max_bytes)
        if not files:
            raise Invalid({"files": _("Choose a file to attach.")})
    except Invalid as error:
        return await _shipment_page(request, caller, shipment_id, errors=error.errors, status_code=422)
    async with write_transaction(Shipment._meta.db):
        for file in files:
            await save_attachment(
                file,
                company_id=detail.row.company_id,
                purpose=AttachmentPurpose.PROOF_OF_DELIVERY,
                uploaded_by=caller.user_id,
                shipment_id=shipment_id,
            )
    return redirect(request, f"/deliveries/{shipment_id}")


@get("/deliveries/{shipment_id:int}/delivery-note.pdf", guards=[requires()])
async def delivery_note(
    caller: Caller, shipment_id: FromPath[int], settings: NamedDependency[Settings]
) -> Response[bytes]:
    content = await delivery_note_pdf(caller, shipment_id, current_locale(), settings)
    return _pdf(content, f"WZ-{shipment_id}.pdf")


@get("/deliveries/{shipment_id:int}/packing-list.pdf", guards=[requires()])
async def packing_list(
    caller: Caller, shipment_id: FromPath[int], settings: NamedDependency[Settings]
) -> Response[bytes]:
    content = await packing_list_pdf(caller, shipment_id, current_locale(), settings)
    return _pdf(content, f"packing-list-{shipment_id}.pdf")


def _pdf(content: bytes, filename: str) -> Response[bytes]:
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@get("/office/orders/{order_id:int}/ship", guards=[requires()])
async def new_shipment(request: Request[Any, Any, Any], caller: Caller, order_id: FromPath[int]) -> Html:
    return await _shipment_form(request, caller, order_id)


async def _shipment_form(
    request: Request[Any, Any, Any],
    caller: Caller,
    order_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Html:
    deliveries = await shipments.order_deliveries(caller, order_id)
    require_back_office(caller)
    return page(
        request,
        "aftersales/shipment_new.html",
        block="form",
        status_code=status_code,
        order_id=order_id,
        deliveries=deliveries,
        carriers=await shipments.carriers(),
        errors=errors or {},
        values=values or {},
    )


@post("/office/orders/{order_id:int}/ship", guards=[requires()])
async def create_shipment(request: Request[Any, Any, Any], caller: Caller, order_id: FromPath[int]) -> Html:
    form = await FormData.of(request)
    try:
        shipment_id = await shipments.create_shipment(
            caller, order_id, shipments.ShipmentRequest.from_form(form.as_dict())
        )
    except Invalid as error:
        return await _shipment_form(
            request, caller, order_id, errors=error.errors, values=form.as_dict(), status_code=422
        )
    return redirect(request, f"/deliveries/{shipment_id}")


@get("/files/{attachment_id:int}", guards=[requires()])
async def download_file(caller: Caller, attachment_id: FromPath[int]) -> Response[bytes]:
    attachment, content = await attachment_for_download(caller, attachment_id)
    inline = attachment.content_type.startswith("image/") or attachment.content_type == "application/pdf"
    return Response(
        content,
        media_type=attachment.content_type,
        headers={
            "Content-Disposition": f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(attachment.filename, safe='')}",
            # Uploaded bytes are never run as a page of ours, whatever they claim to be.
            "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        },
    )


# --- JSON API --------------------------------------------------------------------------------


@post("/api/v1/shipment-events", status_code=201, opt=body_kind(BodyKind.API))
async def post_shipment_event(
    request: Request[Any, Any, Any],
    postbox: NamedDependency[Postbox],
    api_key_limiter: NamedDependency[ApiKeyLimiter],
) -> Response[Any]:
    """A carrier's or ERP's tracking event:
    `{"event_id", "tracking_number", "status", "occurred_at", "place"?, "note"?}` with
    `Authorization: Bearer <key>` of a key with the `shipments` scope. 201 recorded, 200 the same
    event id again, 401 bad key, 403 a key without the scope, 404 unknown tracking number, 422
    invalid fields: every refusal a problem+json document whose errors point at the fields."""
    client = await authorised_client(request, api_key_limiter, Scope.SHIPMENTS)
    try:
        body = await json_object(request)
    except MalformedBody as error:
        raise Problem(400, _("The body is not a JSON object."), error.detail) from error
    try:
        event = shipments.parse_event(body, source=client.name)
        if not str(body.get("tracking_number") or "").strip():
            raise Invalid({"tracking_number": _("Give the parcel's tracking number.")})
        if event.external_id is None:
            raise Invalid({"event_id": _("Give your id of the event, so a repeated call is recorded once.")})
        shipment_id = await shipments.shipment_for_tracking_number(str(body["tracking_number"]).strip())
        outcome = await shipments.record_event(shipment_id, event, postbox)
    except Invalid as error:
        raise Problem(
            422,
            _("The event is not valid."),
            error.message,
            errors=[{"pointer": f"/{field}", "detail": detail} for field, detail in error.errors.items()],
        ) from error
    except NotFound as error:
        raise Problem(
            404,
            _("Unknown tracking number."),
            error.message,
            errors=[{"pointer": "/tracking_number", "detail": error.message}],
        ) from error
    response = Response(
        {"shipment": outcome.shipment_id, "status": outcome.status, "recorded": outcome.recorded},
        status_code=201 if outcome.recorded else 200,
    )
    return send_after_response(response, postbox, *outcome.mails)


@post("/api/v1/shipments", status_code=201, opt=body_kind(BodyKind.API))
async def post_shipment(
    request: Request[Any, Any, Any], api_key_limiter: NamedDependency[ApiKeyLimiter]
) -> Response[Any]:
    """The ERP's shipment of a confirmed order: a `ShipmentBody` with `Authorization: Bearer <key>`
    of a key with the `shipments` scope. 201 recorded, 200 the same shipment number again, 404
    unknown order, 409 an order that cannot be shipped or a number used for another order, 422
    invalid fields or quantities beyond what is left, with pointers to them."""
    client = await authorised_client(request, api_key_limiter, Scope.SHIPMENTS)
    body: ShipmentBody = await validated_body(request, ShipmentBody)
    shipment = shipments.ErpShipment(
        shipment_number=body.shipment_number,
        order_number=body.order,
        carrier=body.carrier,
        tracking_numbers=body.tracking_numbers,
        lines=[shipments.ErpShipmentLine(line.line, line.sku, line.quantity) for line in body.lines],
        dispatched_on=body.dispatched_on,
        expected_on=body.expected_on,
    )
    try:
        result = await shipments.record_erp_shipment(shipment, source=client.name)
    except NotFound as error:
        raise Problem(
            404, _("Unknown order."), error.message, errors=[{"pointer": "/order", "detail": error.message}]
        ) from error
    except Conflict as error:
        raise Problem(409, _("The order cannot take this shipment."), error.message) from error
    except Invalid as error:
        raise Problem(
            422,
            _("The shipment does not fit the order."),
            error.message,
            errors=[{"pointer": f"/{field}", "detail": detail} for field, detail in error.errors.items()],
        ) from error
    return Response(result.as_json(), status_code=201 if result.recorded else 200)


shipment_router = Router(
    path="/",
    route_handlers=[
        delivery_list,
        shipping_desk,
        delivery_row,
        shipment_page,
        add_event,
        add_proof_of_delivery,
        delivery_note,
        packing_list,
        new_shipment,
        create_shipment,
        download_file,
        post_shipment_event,
        post_shipment,
    ],
)
