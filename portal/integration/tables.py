"""API keys of integrations, and the outbox: events written in the same transaction as the change they report, so none is
lost and none is sent for a change that did not happen. Delivery is the integration API's job."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class OutboxEvent(Table):
    id = Serial(primary_key=True)
    topic = Varchar(length=60, index=True)
    # The company the event concerns, so a customer's webhook only ever gets its own.
    company_id = Varchar(length=20, default="")
    payload = JSON()
    created_at = Timestamptz(default=TimestamptzNow())
    published_at = Timestamptz(null=True, default=None, index=True)


class ApiKey(Table):
    """The key one integration (an ERP, a carrier) calls the JSON API with. Only its SHA-256 is
    kept; the key itself is shown once, when it is made."""

    id = Serial(primary_key=True)
    name = Varchar(length=60, unique=True)
    key_hash = Varchar(length=64, unique=True)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
