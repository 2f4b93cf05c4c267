"""API keys of integrations, the ledger and runs of what ERPs send, and the outbox: events written in the same transaction as the change they report, so none is
lost and none is sent for a change that did not happen. Delivery is the integration API's job."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import JSON, UUID, BigInt, Boolean, Bytea, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class OutboxEvent(Table):
    """One change, written in the transaction that made it. The relay later gives it its
    `position`: gap-free and in the order events became visible, which a serial id is not (ids
    are taken when a transaction writes, not when it commits)."""

    id = Serial(primary_key=True)
    topic = Varchar(length=60, index=True)
    # The company the event concerns, so a customer's webhook only ever gets its own.
    company_id = Varchar(length=20, default="")
    # What the event is about ("order:12"): deliveries of one subject go out in order.
    subject = Varchar(length=60, default="")
    payload = JSON()
    created_at = Timestamptz(default=TimestamptzNow())
    # Set by the relay, together with `position`; both None while the event waits for it.
    published_at = Timestamptz(null=True, default=None, index=True)
    # Unique by a migration's index (SQLite cannot add a unique column).
    position = BigInt(null=True, default=None)


class FeedConsumer(Table):
    """How far one integration has read the event feed: asking for events after a position
    confirms everything up to it, so the Integration page can tell how far behind the ERP is."""

    id = Serial(primary_key=True)
    name = Varchar(length=60, unique=True)
    position = BigInt(default=0)
    read_at = Timestamptz(default=TimestamptzNow())


class ApiKey(Table):
    """The key one integration (an ERP, a carrier) calls the JSON API with, and the scopes it may
    touch. Only SHA-256 digests are kept; a key itself is shown once, when it is made or rotated.
    A rotated key's old digest stays valid until `previous_expires_at`, so the integration can
    switch without a gap; a revoked key stops at once."""

    id = Serial(primary_key=True)
    name = Varchar(length=60, unique=True)
    key_hash = Varchar(length=64, unique=True)
    # Scope names separated by spaces, as OAuth writes them.
    scopes = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)
    # Uses of the current key and of the rotated one, written at most once a minute each.
    last_used_at = Timestamptz(null=True, default=None)
    last_used_address = Varchar(length=45, default="")
    previous_hash = Varchar(length=64, null=True, default=None, index=True)
    previous_expires_at = Timestamptz(null=True, default=None)
    previous_last_used_at = Timestamptz(null=True, default=None)


class SyncedRecord(Table):
    """The ledger of every ERP record the portal was sent, one row per resource and key (unique
    by a migration's index): the digest of its last content makes a repeated item free, the ERP's
    modification time makes an older one harmless, and the last sync run that contained it tells
    what a full export left out."""

    id = Serial(primary_key=True)
    resource = Varchar(length=40)
    key = Varchar(length=300)
    digest = Varchar(length=64)
    erp_modified_at = Timestamptz(null=True, default=None)
    deleted = Boolean(default=False)
    last_run = Integer(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class SyncRunStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    # Closing found the run far smaller than what the portal holds: a truncated export.
    REFUSED = "refused"


class SyncRun(Table):
    """A full export of one resource: what its batches did not contain is deactivated at close."""

    id = Serial(primary_key=True)
    resource = Varchar(length=40, index=True)
    integration = Varchar(length=60, default="")
    status = Varchar(length=10, choices=SyncRunStatus, default=SyncRunStatus.OPEN)
    started_at = Timestamptz(default=TimestamptzNow())
    closed_at = Timestamptz(null=True, default=None)
    contained = Integer(default=0)
    deactivated = Integer(default=0)
    detail = Varchar(length=500, default="")


class BatchLog(Table):
    """Each batch an integration sent or a file brought, with its counts and first errors, for
    the Integration page."""

    id = Serial(primary_key=True)
    resource = Varchar(length=40, index=True)
    # "api" for a batch call, "file" for an import.
    source = Varchar(length=10, default="api")
    integration = Varchar(length=60, default="")
    received_at = Timestamptz(default=TimestamptzNow(), index=True)
    atomic = Boolean(default=False)
    applied = Boolean(default=True)
    counts = JSON(default={})
    errors = JSON(default=[])


class ImportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    # Imported: its report says what was kept and what was rejected, line by line.
    DONE = "done"
    # The file or its mapping could not be used at all, or the import broke off.
    FAILED = "failed"


class ImportJob(Table):
    """A file an integration uploaded, imported by a background job. Its bytes are kept only
    until the job has run; its report (counts, errors with line numbers) stays."""

    # Not a serial: the id in a job's URL tells nothing of how many imports there were.
    id = UUID(primary_key=True)
    resource = Varchar(length=40)
    integration = Varchar(length=60, default="")
    filename = Varchar(length=255, default="")
    content = Bytea(default=b"")
    # The mapping as checked at upload (MappingDocument's fields), or None: columns by field name.
    mapping = JSON(null=True, default=None)
    dry_run = Boolean(default=False)
    atomic = Boolean(default=False)
    full = Boolean(default=False)
    # The uploader's language, for the report's messages.
    locale = Varchar(length=5, default="pl")
    status = Varchar(length=10, choices=ImportStatus, default=ImportStatus.QUEUED)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    report = JSON(default={})


class WebhookEndpoint(Table):
    """A URL the seller's administrator registered to be sent events of the chosen types, signed
    with its secret (Standard Webhooks). A rotated secret's predecessor still signs until
    `previous_expires_at`, so the receiver can switch without refusing a delivery."""

    id = Serial(primary_key=True)
    url = Varchar(length=500)
    description = Varchar(length=200, default="")
    # Event types separated by spaces, in the order of WEBHOOK_TOPICS.
    event_types = Varchar(length=1000, default="")
    # Kept as it is, not digested: every delivery is signed with it.
    secret = Varchar(length=60, secret=True)
    previous_secret = Varchar(length=60, null=True, default=None, secret=True)
    previous_expires_at = Timestamptz(null=True, default=None)
    enabled = Boolean(default=True)
    # "failing" when the portal disabled it (the whole retry schedule without a success).
    disabled_reason = Varchar(length=300, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    last_success_at = Timestamptz(null=True, default=None)


class WebhookDeliveryStatus(StrEnum):
    # Waiting for its first or next attempt (or for an earlier delivery of its subject).
    PENDING = "pending"
    DELIVERED = "delivered"
    # Every attempt of the retry schedule failed.
    FAILED = "failed"


class WebhookDelivery(Table):
    """One event to one endpoint. Every attempt sends the same body with the same `webhook-id`
    (`evt_<position>`), so the receiver drops a repeat; a replay makes a new delivery of the same
    id. A worker sending it holds a lease (`lease_until`, `lease_token`): another worker leaves it
    alone until the lease runs out, which is how a killed worker's delivery is tried again."""

    id = Serial(primary_key=True)
    endpoint = ForeignKey(WebhookEndpoint, null=False, on_delete=OnDelete.cascade, index=True)
    position = BigInt()
    topic = Varchar(length=60)
    # Deliveries of one endpoint and subject go out one after another, in id order.
    subject = Varchar(length=60, default="")
    # The exact bytes signed and sent on every attempt (the event's envelope as JSON).
    body = Text()
    status = Varchar(length=10, choices=WebhookDeliveryStatus, default=WebhookDeliveryStatus.PENDING)
    created_at = Timestamptz(default=TimestamptzNow())
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow())
    lease_until = Timestamptz(null=True, default=None)
    lease_token = Varchar(length=32, default="")
    finished_at = Timestamptz(null=True, default=None)


class WebhookAttempt(Table):
    """One try of a delivery: when, how long, the HTTP status or what went wrong, and the start
    of the answer, for the endpoint's page."""

    id = Serial(primary_key=True)
    delivery = ForeignKey(WebhookDelivery, null=False, on_delete=OnDelete.cascade, index=True)
    attempted_at = Timestamptz(default=TimestamptzNow())
    duration_ms = Integer(default=0)
    http_status = Integer(null=True, default=None)
    error = Varchar(length=300, default="")
    response_excerpt = Varchar(length=300, default="")
