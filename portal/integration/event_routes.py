"""The integration API's event feed, which ERPs behind a firewall pull (long-polling)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get
from litestar.di import NamedDependency

from portal.i18n import gettext as _
from portal.integration.api_auth import authorised_client
from portal.integration.api_keys import ApiKeyLimiter
from portal.integration.events import FEED_PAGE, MAX_FEED_PAGE, MAX_WAIT_SECONDS, FeedPositionRefused, read_feed
from portal.integration.scopes import Scope
from portal.web.api import Problem


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


router = Router(path="/", route_handlers=[get_events])
