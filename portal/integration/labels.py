"""Names of the integration's scopes, outcomes and states as the seller's administrator reads them.

Keyed by the stored strings rather than the enums of `batch` and `api_keys`: templates load this
module before the database layer exists (tests check that every outcome and state has a name)."""

from __future__ import annotations

from portal.i18n import gettext as _
from portal.integration.scopes import Scope
from portal.integration.tables import SyncRunStatus, WebhookDeliveryStatus


def scope_label(scope: str) -> str:
    labels = {
        Scope.CATALOG: _("Catalog"),
        Scope.PRICES: _("Prices"),
        Scope.STOCK: _("Stock levels"),
        Scope.CUSTOMERS: _("Customers"),
        Scope.FINANCE: _("Finance"),
        Scope.ORDERS: _("Orders"),
        Scope.SHIPMENTS: _("Shipments"),
        Scope.EVENTS: _("Event feed"),
    }
    return labels[Scope(scope)]


def outcome_label(outcome: str) -> str:
    labels = {
        "created": _("created"),
        "updated": _("updated"),
        "unchanged": _("unchanged"),
        "deleted": _("deleted"),
        "not_found": _("not found"),
        "rejected": _("rejected"),
        "stale": _("stale"),
    }
    # Counts are stored with each batch: one written under an outcome since renamed still shows.
    return labels.get(outcome, outcome)


def key_state_label(state: str) -> str:
    return {"active": _("active"), "rotating": _("rotating"), "revoked": _("revoked")}[state]


def run_status_label(status: str) -> str:
    labels: dict[str, str] = {
        SyncRunStatus.OPEN: _("open"),
        SyncRunStatus.CLOSED: _("closed"),
        SyncRunStatus.REFUSED: _("refused: far smaller than what the portal holds"),
    }
    return labels.get(status, status)


def source_label(source: str) -> str:
    return {"api": _("API"), "file": _("file")}.get(source, source)


def webhook_delivery_status_label(status: str) -> str:
    labels: dict[str, str] = {
        WebhookDeliveryStatus.PENDING: _("waiting"),
        WebhookDeliveryStatus.DELIVERED: _("delivered"),
        WebhookDeliveryStatus.FAILED: _("failed"),
    }
    return labels.get(status, status)
