"""The integration API's orders: the ERP reads an order's document and accepts or rejects an order
it received. Handlers authorise, parse and answer; the rules are `portal.ordering.confirmations`.

Order numbers hold slashes (ZAM/2026/000123), which the router sees decoded even when sent as
%2F: the whole rest of the path is read. Both calls share that one path, so they share a router."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from portal.config import Settings
from portal.errors import Conflict, Invalid, NotFound
from portal.i18n import gettext as _
from portal.integration.api_auth import authorised_client
from portal.integration.api_keys import ApiKeyLimiter
from portal.integration.openapi import AcknowledgementBody
from portal.integration.order_documents import erp_order_documents
from portal.integration.routes import API_ROOT, validated_body
from portal.integration.scopes import Scope
from portal.jobs import send_after_response
from portal.mail import Postbox
from portal.ordering.confirmations import (
    Acknowledgement,
    AcknowledgementOutcome,
    ConfirmedLine,
    record_acknowledgement,
)
from portal.ordering.documents import order_id_by_number
from portal.web.api import Problem
from portal.web.limits import BodyKind, body_kind

ACKNOWLEDGEMENTS = "/acknowledgements"
ORDER_PATH = f"{API_ROOT}/orders/{{reference:path}}"


@get(ORDER_PATH)
async def get_order(
    request: Request[Any, Any, Any], reference: FromPath[str], api_key_limiter: NamedDependency[ApiKeyLimiter]
) -> Response[Any]:
    """The order document of `GET /api/v1/orders/{number}`."""
    await authorised_client(request, api_key_limiter, Scope.ORDERS)
    number = reference.strip("/")
    order_id = await order_id_by_number(number)
    document = (await erp_order_documents([order_id])).get(order_id) if order_id is not None else None
    if document is None:
        raise Problem(404, _("Unknown order."), _("There is no order {number}.").format(number=number))
    return Response(document)


# The number is what precedes the last segment.
@post(ORDER_PATH, status_code=201, opt=body_kind(BodyKind.API))
async def post_acknowledgement(
    request: Request[Any, Any, Any],
    reference: FromPath[str],
    postbox: NamedDependency[Postbox],
    settings: NamedDependency[Settings],
    api_key_limiter: NamedDependency[ApiKeyLimiter],
) -> Response[Any]:
    """The ERP's answer to an order: `POST /api/v1/orders/{number}/acknowledgements` with an
    `AcknowledgementBody`; 201 recorded, 200 the same event id again, 404 unknown number, 409 an
    order that may not be answered (now), 422 invalid fields or lines that are not the order's."""
    number, _slash, call = reference.strip("/").rpartition("/")
    if f"/{call}" != ACKNOWLEDGEMENTS or not number:
        raise Problem(404, _("Unknown address."), _("Post answers to /api/v1/orders/{number}/acknowledgements."))
    client = await authorised_client(request, api_key_limiter, Scope.ORDERS)
    body: AcknowledgementBody = await validated_body(request, AcknowledgementBody)
    answer = Acknowledgement(
        event_id=body.event_id,
        outcome=AcknowledgementOutcome(body.outcome),
        erp_number=body.erp_number,
        reason=body.reason,
        lines=[
            ConfirmedLine(line.line, line.sku, line.quantity, line.unit_price, line.delivery_on) for line in body.lines
        ],
    )
    try:
        result = await record_acknowledgement(
            number, answer, source=client.name, tolerance_percent=settings.price_tolerance_percent, postbox=postbox
        )
    except NotFound as error:
        raise Problem(404, _("Unknown order."), error.message) from error
    except Conflict as error:
        raise Problem(409, _("The order cannot take this answer."), error.message) from error
    except Invalid as error:
        raise Problem(
            422,
            _("The answer does not fit the order."),
            error.message,
            errors=[{"pointer": f"/{field}", "detail": detail} for field, detail in error.errors.items()],
        ) from error
    response = Response(result.as_json(), status_code=201 if result.recorded else 200)
    return send_after_response(response, postbox, *result.mails)


order_api_router = Router(path="/", route_handlers=[get_order, post_acknowledgement])
