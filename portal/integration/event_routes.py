"""The integration API's way out: the event feed ERPs pull, and the order document by number.

An order number has slashes ("ZAM/2026/000123"): its three parts are three path segments, so
the number may be sent as it is or with its slashes encoded (%2F)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from portal.i18n import gettext as _
from portal.integration.api_auth import authorised_client
from portal.integration.api_keys import ApiKeyLimiter
from portal.integration.events import FEED_PAGE, MAX_FEED_PAGE, MAX_WAIT_SECONDS, FeedPositionRefused, read_feed
from portal.integration.order_documents import erp_order_documents
from portal.integration.scopes import Scope
from portal.ordering.documents import order_id_by_number
from portal.web.api import Problem

ORDER_PATH = "/api/v1/orders/{prefix:str}/{year:str}/{serial:str}"


def _whole_number(request: Request[Any, Any, Any], name: str, default: int, highest: int) -> int:
    text = request.query_params.get(name)
    if text is None or text == "":
        return default
    if not (text.isascii() and text.isdigit()) or int(text) > highest:
        raise Problem(
            422,
            _("The request is not valid."),
            _("{name} must be a whole number from 0 to {highest}.").format(name=name, highest=highest),
            errors=[
                {"pointer": f"/{name}", "detail": _("A whole number from 0 to {highest}.").format(highest=highest)}
            ],
        )
    return int(text)


@get("/api/v1/events")
async def get_events(request: Request[Any, Any, Any], api_key_limiter: NamedDependency[ApiKeyLimiter]) -> Response[Any]:
    client = await authorised_client(request, api_key_limiter, Scope.EVENTS)
    after = _whole_number(request, "after", 0, 2**62)
    limit = max(1, _whole_number(request, "limit", FEED_PAGE, MAX_FEED_PAGE))
    wait = _whole_number(request, "wait", 0, MAX_WAIT_SECONDS)
    try:
        feed = await read_feed(client.name, after, limit, wait)
    except FeedPositionRefused as refusal:
        raise Problem(
            refusal.status,
            _("The feed cannot continue from there.") if refusal.status == 409 else _("Those events are gone."),
            refusal.message,
        ) from None
    return Response(feed.as_json())


@get(ORDER_PATH)
async def get_order(
    request: Request[Any, Any, Any],
    prefix: FromPath[str],
    year: FromPath[str],
    serial: FromPath[str],
    api_key_limiter: NamedDependency[ApiKeyLimiter],
) -> Response[Any]:
    await authorised_client(request, api_key_limiter, Scope.ORDERS)
    number = f"{prefix}/{year}/{serial}"
    order_id = await order_id_by_number(number)
    document = (await erp_order_documents([order_id])).get(order_id) if order_id is not None else None
    if document is None:
        raise Problem(404, _("Unknown order."), _("There is no order {number}.").format(number=number))
    return Response(document)


router = Router(path="/", route_handlers=[get_events, get_order])
