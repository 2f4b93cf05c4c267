"""The Webhooks pages under the seller administrator's Integration page: the endpoints with the
form that registers one, and each endpoint's page (its settings and secret, rotate, disable or
enable, delete, replay, and its recent deliveries with their attempts, filtered by status).
The Integration page's router, and so its seller-administrator guard, serves these handlers."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Response

from portal import clock
from portal.accounts.guards import Caller
from portal.config import Settings
from portal.errors import Invalid
from portal.i18n import gettext as _
from portal.integration import webhook_endpoints, webhooks
from portal.integration.tables import WebhookDeliveryStatus
from portal.outgoing.guard import guard_for
from portal.web import page, redirect, wants_fragment
from portal.web.forms import FormData, calendar_day, whole_number

Html = Response[Any]
PAGE = "/office/integration/webhooks"
LIST_TEMPLATE = "integration/webhooks.html"
ENDPOINT_TEMPLATE = "integration/webhook.html"


async def _endpoint_form(form: FormData, settings: Settings) -> webhook_endpoints.EndpointForm:
    return await webhook_endpoints.check_endpoint_form(
        guard_for(settings), form.get("url"), form.get("description"), form.getall("event_types")
    )


def _form_values(form: FormData) -> dict[str, Any]:
    return {"url": form.get("url"), "description": form.get("description"), "event_types": form.getall("event_types")}


@get(PAGE)
async def webhooks_page(request: Request[Any, Any, Any], caller: Caller) -> Html:
    return page(
        request,
        LIST_TEMPLATE,
        endpoints=await webhook_endpoints.webhook_endpoints(caller),
        topics=webhook_endpoints.WEBHOOK_TOPICS,
        errors={},
        values={},
    )


@post(PAGE)
async def create_webhook(request: Request[Any, Any, Any], caller: Caller, settings: NamedDependency[Settings]) -> Html:
    form = await FormData.of(request)
    try:
        endpoint = await webhook_endpoints.create_webhook_endpoint(caller, await _endpoint_form(form, settings))
    except Invalid as error:
        return page(
            request,
            LIST_TEMPLATE,
            block="new_endpoint",
            status_code=422,
            endpoints=await webhook_endpoints.webhook_endpoints(caller),
            topics=webhook_endpoints.WEBHOOK_TOPICS,
            errors=error.errors,
            values=_form_values(form),
        )
    flash(
        request, _("The endpoint is registered. Copy its secret to the receiver to verify the signatures."), "success"
    )
    return redirect(request, f"{PAGE}/{endpoint.id}")


def _status_filter(status: str | None) -> WebhookDeliveryStatus | None:
    # Anything but a known status shows every delivery.
    return WebhookDeliveryStatus(status) if status in set(WebhookDeliveryStatus) else None


async def _endpoint_answer(
    request: Request[Any, Any, Any],
    caller: Caller,
    endpoint_id: int,
    *,
    status: WebhookDeliveryStatus | None = None,
    status_code: int = 200,
    **context: Any,
) -> Html:
    return page(
        request,
        ENDPOINT_TEMPLATE,
        status_code=status_code,
        **{
            "endpoint": await webhook_endpoints.webhook_endpoint(caller, endpoint_id),
            "deliveries": await webhooks.recent_deliveries(caller, endpoint_id, status),
            "status": status.value if status else "",
            "statuses": list(WebhookDeliveryStatus),
            "topics": webhook_endpoints.WEBHOOK_TOPICS,
            "now": clock.now(),
            "grace": webhook_endpoints.SECRET_ROTATION_GRACE,
            "errors": {},
            "values": {},
            "replay": None,
            **context,
        },
    )


@get(f"{PAGE}/{{endpoint_id:int}}")
async def webhook_page(
    request: Request[Any, Any, Any], caller: Caller, endpoint_id: FromPath[int], status: FromQuery[str | None] = None
) -> Html:
    chosen = _status_filter(status)
    if wants_fragment(request):
        return page(
            request,
            ENDPOINT_TEMPLATE,
            block="deliveries",
            endpoint=await webhook_endpoints.webhook_endpoint(caller, endpoint_id),
            deliveries=await webhooks.recent_deliveries(caller, endpoint_id, chosen),
            status=chosen.value if chosen else "",
            statuses=list(WebhookDeliveryStatus),
        )
    return await _endpoint_answer(request, caller, endpoint_id, status=chosen)


@post(f"{PAGE}/{{endpoint_id:int}}")
async def change_webhook(
    request: Request[Any, Any, Any], caller: Caller, settings: NamedDependency[Settings], endpoint_id: FromPath[int]
) -> Html:
    form = await FormData.of(request)
    try:
        await webhook_endpoints.update_webhook_endpoint(caller, endpoint_id, await _endpoint_form(form, settings))
    except Invalid as error:
        return await _endpoint_answer(
            request, caller, endpoint_id, status_code=422, errors=error.errors, values=_form_values(form)
        )
    flash(request, _("The endpoint is saved."), "success")
    return redirect(request, f"{PAGE}/{endpoint_id}")


@post(f"{PAGE}/{{endpoint_id:int}}/rotate")
async def rotate_webhook_secret(request: Request[Any, Any, Any], caller: Caller, endpoint_id: FromPath[int]) -> Html:
    await webhook_endpoints.rotate_webhook_secret(caller, endpoint_id)
    flash(
        request,
        _("A new secret signs the deliveries; the old one signs them too until the time shown."),
        "success",
    )
    return redirect(request, f"{PAGE}/{endpoint_id}")


@post(f"{PAGE}/{{endpoint_id:int}}/enable")
async def enable_webhook(request: Request[Any, Any, Any], caller: Caller, endpoint_id: FromPath[int]) -> Html:
    await webhook_endpoints.set_webhook_enabled(caller, endpoint_id, True)
    flash(request, _("The endpoint is enabled: its waiting deliveries go out now."), "success")
    return redirect(request, f"{PAGE}/{endpoint_id}")


@post(f"{PAGE}/{{endpoint_id:int}}/disable")
async def disable_webhook(request: Request[Any, Any, Any], caller: Caller, endpoint_id: FromPath[int]) -> Html:
    await webhook_endpoints.set_webhook_enabled(caller, endpoint_id, False)
    flash(request, _("The endpoint is disabled: nothing is sent to it until it is enabled again."), "success")
    return redirect(request, f"{PAGE}/{endpoint_id}")


@post(f"{PAGE}/{{endpoint_id:int}}/delete")
async def delete_webhook(request: Request[Any, Any, Any], caller: Caller, endpoint_id: FromPath[int]) -> Html:
    url = await webhook_endpoints.delete_webhook_endpoint(caller, endpoint_id)
    flash(request, _("The endpoint {url} is deleted with its deliveries.").format(url=url), "success")
    return redirect(request, PAGE)


@post(f"{PAGE}/{{endpoint_id:int}}/replay")
async def replay_webhook(request: Request[Any, Any, Any], caller: Caller, endpoint_id: FromPath[int]) -> Html:
    """The first POST shows how many events would be sent again and asks to confirm; the second,
    with `confirm`, queues them."""
    form = await FormData.of(request)
    values = {"from_position": form.get("from_position"), "from_date": form.get("from_date")}
    try:
        from_position, since = _replay_start(values["from_position"], values["from_date"])
        if form.get("confirm") != "yes":
            events = await webhooks.replayable_events(caller, endpoint_id, from_position=from_position, since=since)
            return await _endpoint_answer(request, caller, endpoint_id, values=values, replay=len(events))
        count = await webhooks.replay_events(caller, endpoint_id, from_position=from_position, since=since)
    except Invalid as error:
        return await _endpoint_answer(request, caller, endpoint_id, status_code=422, errors=error.errors, values=values)
    flash(request, _("{count} events are queued to be sent again.").format(count=count), "success")
    return redirect(request, f"{PAGE}/{endpoint_id}")


def _replay_start(position_text: str, date_text: str) -> tuple[int | None, datetime | None]:
    """A position or a day (its start in Polish time) to replay from; Invalid for anything else."""
    position = whole_number(position_text, minimum=1) if position_text else None
    day = calendar_day(date_text) if date_text else None
    if position_text and position is None:
        raise Invalid({"replay_from": _("A position is a whole number from 1.")})
    if date_text and day is None:
        raise Invalid({"replay_from": _("Enter the date as YYYY-MM-DD.")})
    return position, clock.at(day, time(0)) if day else None


route_handlers = [
    webhooks_page,
    create_webhook,
    webhook_page,
    change_webhook,
    rotate_webhook_secret,
    enable_webhook,
    disable_webhook,
    delete_webhook,
    replay_webhook,
]
