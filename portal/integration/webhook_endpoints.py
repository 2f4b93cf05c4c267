"""Webhook endpoints: the seller's administrator registers the URLs that are sent events, each
with its event types and its signing secret (Standard Webhooks: `whsec_` and base64 of 32
random bytes), rotates the secret, disables, enables and deletes them. The relay plans a
delivery per subscribed endpoint in the transaction that publishes an event (`plan_deliveries`)."""

from __future__ import annotations

import base64
import ipaddress
import json
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from piccolo.columns import Column
from standardwebhooks.webhooks import Webhook

from portal import clock
from portal.accounts import Scope as CallerScope
from portal.accounts import audit, is_seller_admin
from portal.database import lock_rows_for_decision, write_transaction
from portal.errors import Invalid, NotFound
from portal.i18n import gettext as _
from portal.integration.tables import WebhookDelivery, WebhookEndpoint
from portal.outgoing.guard import Guard, OutgoingRefused

if TYPE_CHECKING:
    from portal.integration.events import PublishedEvent

# Every event type an endpoint can subscribe to, in the order the form lists them.
WEBHOOK_TOPICS: tuple[str, ...] = (
    "order.submitted",
    "order.approved",
    "order.rejected",
    "order.cancelled",
    "order.confirmed",
    "order.status_changed",
    "order.cancellation_requested",
    "shipment.created",
    "shipment.status_changed",
    "complaint.created",
    "complaint.status_changed",
    "message.created",
    "customer.logged_in",
    "cart.abandoned",
)
SECRET_PREFIX = "whsec_"
# How long a rotated secret still signs deliveries beside the new one.
SECRET_ROTATION_GRACE = timedelta(hours=24)
URL_MAX_LENGTH = 500
DESCRIPTION_MAX_LENGTH = 200


@dataclass(frozen=True)
class EndpointView:
    id: int
    url: str
    description: str
    event_types: tuple[str, ...]
    secret: str
    previous_expires_at: datetime | None
    enabled: bool
    disabled_reason: str
    created_at: datetime
    last_success_at: datetime | None

    def rotating(self, now: datetime) -> bool:
        return self.previous_expires_at is not None and self.previous_expires_at > now


_VIEW_COLUMNS: tuple[Column, ...] = (
    WebhookEndpoint.id,
    WebhookEndpoint.url,
    WebhookEndpoint.description,
    WebhookEndpoint.event_types,
    WebhookEndpoint.secret,
    WebhookEndpoint.previous_expires_at,
    WebhookEndpoint.enabled,
    WebhookEndpoint.disabled_reason,
    WebhookEndpoint.created_at,
    WebhookEndpoint.last_success_at,
)


def _types_of(stored: str) -> tuple[str, ...]:
    # A type dropped from the code is left out rather than failing the page.
    chosen = set(stored.split())
    return tuple(topic for topic in WEBHOOK_TOPICS if topic in chosen)


def _view(row: dict[str, Any]) -> EndpointView:
    return EndpointView(**{**row, "event_types": _types_of(row["event_types"])})


def _require_seller_admin(caller: CallerScope) -> None:
    # To anyone else the endpoints do not exist.
    if not is_seller_admin(caller):
        raise NotFound(_("There is no such webhook endpoint."))


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


@dataclass(frozen=True)
class EndpointForm:
    url: str
    description: str
    event_types: tuple[str, ...]


async def check_endpoint_form(guard: Guard, url: str, description: str, event_types: Iterable[str]) -> EndpointForm:
    """The endpoint's fields as a form sent them; Invalid naming each field that is wrong. An
    address written as an IP or as localhost is checked now; a name's addresses are checked at
    each delivery (they may change)."""
    errors: dict[str, str] = {}
    url = url.strip()
    if not url:
        errors["url"] = _("Enter the https address the events are sent to.")
    elif len(url) > URL_MAX_LENGTH:
        errors["url"] = _("An address has at most {count} characters.").format(count=URL_MAX_LENGTH)
    else:
        try:
            parsed = guard.check_url(url)
            if _names_an_address(parsed.host):
                await guard.checked_address(parsed.host, parsed.port or 443)
        except OutgoingRefused as refused:
            errors["url"] = str(refused)
    description = description.strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = _("A description has at most {count} characters.").format(count=DESCRIPTION_MAX_LENGTH)
    elif any(unicodedata.category(char).startswith("C") for char in description):
        errors["description"] = _("A description cannot hold control characters.")
    wanted = {name.strip() for name in event_types if name.strip()}
    if wanted - set(WEBHOOK_TOPICS):
        errors["event_types"] = _("Choose event types from the list.")
    elif not wanted:
        errors["event_types"] = _("Choose at least one event type to send.")
    if errors:
        raise Invalid(errors)
    return EndpointForm(url, description, tuple(topic for topic in WEBHOOK_TOPICS if topic in wanted))


def _names_an_address(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


async def webhook_endpoints(caller: CallerScope) -> list[EndpointView]:
    _require_seller_admin(caller)
    rows = await WebhookEndpoint.select(*_VIEW_COLUMNS).order_by(WebhookEndpoint.id)
    return [_view(row) for row in rows]


async def webhook_endpoint(caller: CallerScope, endpoint_id: int) -> EndpointView:
    _require_seller_admin(caller)
    row = await WebhookEndpoint.select(*_VIEW_COLUMNS).where(WebhookEndpoint.id == endpoint_id).first()
    if row is None:
        raise NotFound(_("There is no such webhook endpoint."))
    return _view(row)


async def create_webhook_endpoint(caller: CallerScope, form: EndpointForm) -> EndpointView:
    """A new endpoint, enabled, with a new secret; deliveries start with the next event."""
    _require_seller_admin(caller)
    async with write_transaction(WebhookEndpoint._meta.db):
        inserted = await WebhookEndpoint.insert(
            WebhookEndpoint(
                url=form.url,
                description=form.description,
                event_types=" ".join(form.event_types),
                secret=new_secret(),
                created_at=clock.now(),
            )
        ).returning(WebhookEndpoint.id)
        endpoint_id = int(inserted[0]["id"])
        await _audit("webhook.created", caller, endpoint_id, form.url, event_types=list(form.event_types))
    return await webhook_endpoint(caller, endpoint_id)


async def _locked(endpoint_id: int) -> dict[str, Any]:
    row = await lock_rows_for_decision(
        WebhookEndpoint.select(
            WebhookEndpoint.id, WebhookEndpoint.url, WebhookEndpoint.secret, WebhookEndpoint.enabled
        ).where(WebhookEndpoint.id == endpoint_id)
    ).first()
    if row is None:
        raise NotFound(_("There is no such webhook endpoint."))
    return row


async def update_webhook_endpoint(caller: CallerScope, endpoint_id: int, form: EndpointForm) -> EndpointView:
    """New address, description or event types; deliveries already planned keep theirs."""
    _require_seller_admin(caller)
    async with write_transaction(WebhookEndpoint._meta.db):
        row = await _locked(endpoint_id)
        await WebhookEndpoint.update(
            {
                WebhookEndpoint.url: form.url,
                WebhookEndpoint.description: form.description,
                WebhookEndpoint.event_types: " ".join(form.event_types),
            }
        ).where(WebhookEndpoint.id == endpoint_id)
        await _audit(
            "webhook.changed",
            caller,
            endpoint_id,
            form.url,
            previous_url=row["url"],
            event_types=list(form.event_types),
        )
    return await webhook_endpoint(caller, endpoint_id)


async def rotate_webhook_secret(caller: CallerScope, endpoint_id: int) -> EndpointView:
    """A new secret; the old one signs too (a second signature) for SECRET_ROTATION_GRACE, so
    the receiver verifies with either while it switches. Rotating again ends the older grace."""
    _require_seller_admin(caller)
    async with write_transaction(WebhookEndpoint._meta.db):
        row = await _locked(endpoint_id)
        until = clock.now() + SECRET_ROTATION_GRACE
        await WebhookEndpoint.update(
            {
                WebhookEndpoint.secret: new_secret(),
                WebhookEndpoint.previous_secret: row["secret"],
                WebhookEndpoint.previous_expires_at: until,
            }
        ).where(WebhookEndpoint.id == endpoint_id)
        await _audit(
            "webhook.secret_rotated", caller, endpoint_id, row["url"], old_secret_valid_until=until.isoformat()
        )
    return await webhook_endpoint(caller, endpoint_id)


async def set_webhook_enabled(caller: CallerScope, endpoint_id: int, enabled: bool) -> EndpointView:
    """Disabled, an endpoint is planned no new deliveries and its waiting ones are held; enabled
    again, those go out."""
    _require_seller_admin(caller)
    async with write_transaction(WebhookEndpoint._meta.db):
        row = await _locked(endpoint_id)
        if row["enabled"] != enabled:
            await WebhookEndpoint.update({WebhookEndpoint.enabled: enabled, WebhookEndpoint.disabled_reason: ""}).where(
                WebhookEndpoint.id == endpoint_id
            )
            await _audit("webhook.enabled" if enabled else "webhook.disabled", caller, endpoint_id, row["url"])
    return await webhook_endpoint(caller, endpoint_id)


async def delete_webhook_endpoint(caller: CallerScope, endpoint_id: int) -> str:
    """The endpoint goes with its deliveries and their attempts; returns its address."""
    _require_seller_admin(caller)
    async with write_transaction(WebhookEndpoint._meta.db):
        row = await _locked(endpoint_id)
        await WebhookEndpoint.delete().where(WebhookEndpoint.id == endpoint_id)
        await _audit("webhook.deleted", caller, endpoint_id, row["url"])
    return str(row["url"])


async def _audit(action: str, caller: CallerScope, endpoint_id: int, url: str, **details: Any) -> None:
    await audit.record(
        action, caller=caller, object_type="webhook_endpoint", object_id=endpoint_id, details={"url": url, **details}
    )


def envelope_body(event: PublishedEvent) -> str:
    """The bytes every attempt of the event's deliveries sends and signs."""
    return json.dumps(event.as_json(), ensure_ascii=False, separators=(",", ":"))


async def plan_deliveries(events: Sequence[PublishedEvent]) -> int:
    """A delivery of each event to each enabled endpoint subscribed to its type; the relay calls
    this in the transaction that publishes the events, so none is published unplanned."""
    endpoints = await WebhookEndpoint.select(WebhookEndpoint.id, WebhookEndpoint.event_types).where(
        WebhookEndpoint.enabled.eq(True)
    )
    return await insert_deliveries(
        [
            (endpoint["id"], event)
            for event in events
            for endpoint in endpoints
            if event.topic in endpoint["event_types"].split()
        ]
    )


async def insert_deliveries(planned: Sequence[tuple[int, PublishedEvent]]) -> int:
    if not planned:
        return 0
    now = clock.now()
    await WebhookDelivery.insert(
        *(
            WebhookDelivery(
                endpoint=endpoint_id,
                position=event.position,
                topic=event.topic,
                subject=event.subject,
                body=envelope_body(event),
                created_at=now,
                next_attempt_at=now,
            )
            for endpoint_id, event in planned
        )
    )
    return len(planned)


def signature_header(secret: str, previous_secret: str | None, message_id: str, moment: datetime, body: str) -> str:
    """`webhook-signature`: the current secret's signature, then the rotated one's while it is
    still valid (the caller passes it only then), separated by a space as the spec says."""
    return " ".join(Webhook(key).sign(message_id, moment, body) for key in (secret, previous_secret) if key)
