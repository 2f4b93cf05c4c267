"""The integration API's OpenAPI 3.1 document, built from the same pydantic models that validate
what integrations send: the document cannot drift from the behaviour. Only the API is in it,
never the HTML pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import models_json_schema

from portal.aftersales.tables import ShipmentStatus
from portal.integration.batch import MAX_ITEMS, Outcome, key_model
from portal.integration.erp_resources import ERP_RESOURCES
from portal.integration.events import FEED_PAGE, MAX_FEED_PAGE, MAX_WAIT_SECONDS
from portal.integration.order_documents import OrderDocumentBody
from portal.integration.resources import Resource
from portal.integration.sync_runs import MIN_SHARE

API_VERSION = "1.0.0"
REF = "#/components/schemas/{model}"


class BatchRequest(BaseModel):
    """The envelope of a batch; its items are checked one by one, so one bad item cannot sink
    the others."""

    model_config = ConfigDict(extra="forbid")

    upsert: list[Any] = Field(default_factory=list, max_length=MAX_ITEMS)
    delete: list[Any] = Field(default_factory=list, max_length=MAX_ITEMS)
    atomic: bool = Field(default=False, strict=True)
    sync_run: int | None = Field(default=None, ge=1, le=2**31 - 1, strict=True)


class OpenSyncRun(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resource: str = Field(description="The resource the run exports in full, e.g. `products`.", max_length=40)


class CloseSyncRun(BaseModel):
    model_config = ConfigDict(extra="forbid")

    force: bool = Field(
        default=False,
        strict=True,
        description=f"Deactivate what the run left out even when it contained less than {MIN_SHARE:.0%} "
        "of the records held.",
    )


class FieldErrorBody(BaseModel):
    pointer: str = Field(description="RFC 6901 JSON pointer to the failing field of the request body.")
    detail: str


class ItemResultBody(BaseModel):
    op: Literal["upsert", "delete"]
    index: int = Field(description="The item's position in its list.")
    key: dict[str, str] | None = Field(description="The item's ERP key; null when the item could not be read.")
    outcome: Outcome
    errors: list[FieldErrorBody] = Field(default_factory=list, description="Why the item was rejected.")


class BatchReportBody(BaseModel):
    resource: str
    atomic: bool
    applied: bool = Field(description="False when an atomic batch was refused and nothing was written.")
    counts: dict[str, int] = Field(description="How many items had each outcome.")
    results: list[ItemResultBody]


class ProblemBody(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldErrorBody] = Field(default_factory=list)


class SyncRunBody(BaseModel):
    id: int
    resource: str
    status: Literal["open", "closed", "refused"]
    started_at: str
    closed_at: str | None
    contained: int = Field(description="Records the run contained, counted at close.")
    deactivated: int = Field(description="Records deactivated at close because the run left them out.")
    detail: str


class ImportAcceptedBody(BaseModel):
    id: str = Field(description="The import job's id.")
    status: Literal["queued"]
    url: str = Field(description="Where to poll the job (also in `Location`).")


class ImportErrorBody(BaseModel):
    line: int = Field(description="The file's line (the header is line 1); 0 for the file or mapping as a whole.")
    column: str | None = Field(description="The file's column, when one is to blame.")
    pointer: str = Field(description="RFC 6901 JSON pointer into the item the line makes (or into the mapping).")
    detail: str


class ImportJobBody(BaseModel):
    id: str
    resource: str
    filename: str
    status: Literal["queued", "running", "done", "failed"]
    dry_run: bool
    atomic: bool
    full: bool
    created_at: str
    started_at: str | None
    finished_at: str | None
    counts: dict[str, int] = Field(
        description="Items created, updated, unchanged, stale and rejected (and deactivated by a full import)."
    )
    rows: int | None = Field(description="Data lines read.")
    items: int | None = Field(description="Items the lines made (rows of one key make one item).")
    applied: bool = Field(description="False for a dry run, or an atomic import that rejected something.")
    detail: str
    error_count: int
    errors: list[ImportErrorBody] = Field(description="The first 1,000 problems, by line.")


class ShipmentEventBody(BaseModel):
    """A carrier's or the ERP's tracking event for a parcel the portal knows by its number."""

    event_id: str = Field(
        min_length=1, max_length=100, description="Your id of the event: the same id again is recorded once."
    )
    tracking_number: str = Field(min_length=1, description="The parcel's tracking number.")
    status: ShipmentStatus
    occurred_at: AwareDatetime = Field(description="When it happened, with its UTC offset; never in the future.")
    place: str = Field(default="", max_length=120)
    note: str = Field(default="", max_length=300)


class ShipmentEventAnswer(BaseModel):
    shipment: int
    status: ShipmentStatus = Field(description="The shipment's status after the event.")
    recorded: bool = Field(description="False when the same event id was recorded before.")


class ShipmentLineBody(BaseModel):
    """One order line of a shipment and how much of it left. Name the line by `line` (its number
    in the order, 1 for the first, as the order document numbers them) or by `sku`, or both (then
    they must agree); a SKU alone is enough unless the order has it on several lines."""

    model_config = ConfigDict(extra="forbid")

    line: int | None = Field(default=None, ge=1, le=100_000, strict=True, description="The line's number, from 1.")
    sku: str | None = Field(default=None, min_length=1, max_length=40, description="The line's product code.")
    quantity: int = Field(ge=1, le=10_000_000, strict=True, description="How many left in this shipment.")

    @model_validator(mode="after")
    def _names_a_line(self) -> ShipmentLineBody:
        if self.line is None and self.sku is None:
            raise ValueError("Name the line by `line` (its number) or `sku`.")
        return self


class ShipmentBody(BaseModel):
    """A shipment the ERP dispatched of (part of) a confirmed order."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    shipment_number: str = Field(
        min_length=1,
        max_length=60,
        description="Your id of the shipment: the same number again answers the shipment recorded first and "
        "changes nothing.",
    )
    order: str = Field(min_length=1, max_length=20, description="The order's number in the portal, `ZAM/2026/000123`.")
    carrier: str = Field(
        min_length=1, max_length=40, description="The carrier's code as the portal knows it, e.g. `dpd`, `inpost`."
    )
    tracking_numbers: list[Annotated[str, StringConstraints(min_length=1, max_length=60)]] = Field(
        default_factory=list,
        max_length=100,
        description="The parcels' tracking numbers; at least one with a carrier that tracks parcels.",
    )
    dispatched_on: date | None = Field(default=None, description="The dispatch date, `YYYY-MM-DD`.")
    expected_on: date | None = Field(default=None, description="The expected delivery date, `YYYY-MM-DD`.")
    lines: list[ShipmentLineBody] = Field(min_length=1, max_length=10_000, description="The lines shipped.")


class ShipmentAnswer(BaseModel):
    shipment: str = Field(description="The shipment's number in the portal (`WZ/2026/000012`).")
    shipment_number: str
    order: str
    status: ShipmentStatus = Field(description="The shipment's status.")
    recorded: bool = Field(description="False when the same shipment number was recorded before: nothing changed.")


class AcknowledgementLineBody(BaseModel):
    """What the ERP confirms of one order line. Name the line by `line` (its number in the order,
    1 for the first, as the order document numbers them) or by `sku`, or both (then they must
    agree); a line's SKU alone is enough unless the order has that SKU on several lines. A value
    left out is confirmed as ordered; a line left out of `lines` is confirmed as ordered."""

    model_config = ConfigDict(extra="forbid")

    line: int | None = Field(default=None, ge=1, le=100_000, strict=True, description="The line's number, from 1.")
    sku: str | None = Field(default=None, min_length=1, max_length=40, description="The line's product code.")
    quantity: int | None = Field(
        default=None, ge=0, le=10_000_000, strict=True, description="The quantity confirmed; 0: not delivered."
    )
    unit_price: Decimal | None = Field(
        default=None,
        ge=0,
        max_digits=14,
        decimal_places=4,
        allow_inf_nan=False,
        description='The net unit price confirmed, as a decimal string (`"12.5000"`), 4 decimals at most.',
    )
    delivery_on: date | None = Field(default=None, description="The delivery date confirmed, `YYYY-MM-DD`.")

    @model_validator(mode="after")
    def _names_a_line(self) -> AcknowledgementLineBody:
        if self.line is None and self.sku is None:
            raise ValueError("Name the line by `line` (its number) or `sku`.")
        return self


class AcknowledgementBody(BaseModel):
    """The ERP's answer to an order: accepted (with the ERP's order number and what it changed)
    or rejected (with a reason)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    event_id: str = Field(
        min_length=1,
        max_length=100,
        description="Your unique id of this answer: the same id again is answered as the first time and "
        "changes nothing.",
    )
    outcome: Literal["accepted", "rejected"]
    erp_number: str = Field(
        default="",
        max_length=60,
        validate_default=True,
        description="Your number of the order; required when `outcome` is accepted.",
    )
    reason: str = Field(default="", max_length=500, description="Why the order is rejected; shown to the buyer.")
    lines: list[AcknowledgementLineBody] = Field(
        default_factory=list,
        max_length=10_000,
        description="Only the lines you confirm otherwise than ordered (accepted only).",
    )

    @field_validator("erp_number")
    @classmethod
    def _number_of_an_acceptance(cls, erp_number: str, info: ValidationInfo) -> str:
        if info.data.get("outcome") == "accepted" and not erp_number:
            raise ValueError("An accepted order needs your `erp_number`.")
        return erp_number

    @field_validator("lines")
    @classmethod
    def _lines_of_an_acceptance(
        cls, lines: list[AcknowledgementLineBody], info: ValidationInfo
    ) -> list[AcknowledgementLineBody]:
        if info.data.get("outcome") == "rejected" and lines:
            raise ValueError("A rejection confirms no `lines`; leave them out.")
        return lines


class AcknowledgementAnswer(BaseModel):
    order: str = Field(description="The order's number in the portal.")
    event_id: str
    outcome: Literal["accepted", "rejected"]
    status: Literal["confirmed", "awaiting_consent", "rejected"] = Field(
        description="The status the answer led to: confirmed, awaiting_consent (a price above the tolerance "
        "waits for the buyer) or rejected."
    )
    erp_number: str
    recorded: bool = Field(description="False when the same event id was recorded before: nothing changed.")


class EventBody(BaseModel):
    """One published event. Its `data` depends on `type`; an order event's `data.order` is the
    order document as it was when the event was published (within a second or so of the change)."""

    id: str = Field(
        description="The event's id (`evt_<position>`): deduplicate by it; webhooks send it as `webhook-id`."
    )
    position: int = Field(description="Gap-free, increasing: every event has the next number.")
    type: str = Field(
        description="order.submitted, order.approved, order.rejected, order.cancelled, order.confirmed, "
        "order.status_changed, shipment.created, shipment.status_changed, and the others the Integration page lists."
    )
    timestamp: AwareDatetime = Field(description="When the event was published.")
    data: dict[str, Any]


class FeedPageBody(BaseModel):
    events: list[EventBody]
    next_after: int = Field(description="Ask for events after this position next.")
    head: int = Field(description="The newest position there is: `head - next_after` events are still to read.")


_SHARED_MODELS: list[type[BaseModel]] = [
    AcknowledgementBody,
    AcknowledgementAnswer,
    EventBody,
    FeedPageBody,
    OrderDocumentBody,
    ShipmentEventBody,
    ShipmentEventAnswer,
    ShipmentBody,
    ShipmentAnswer,
    BatchReportBody,
    ProblemBody,
    SyncRunBody,
    OpenSyncRun,
    CloseSyncRun,
    ImportAcceptedBody,
    ImportJobBody,
]


def _problems(*statuses: int) -> dict[str, Any]:
    descriptions = {
        400: "The request cannot be read: a body that is not a JSON object, or a NUL character in the query.",
        401: "No key, or not an active one.",
        403: "The key lacks the scope this call needs.",
        404: "No such record.",
        409: "The call collides with the current state.",
        410: "What was asked for is no longer kept.",
        413: "The body is larger than this call accepts.",
        422: "The request breaks a rule; `errors` point to the fields.",
        429: "Too many calls with a wrong key; `Retry-After` says when to try again.",
    }
    content = {"application/problem+json": {"schema": {"$ref": REF.format(model="ProblemBody")}}}
    return {str(status): {"description": descriptions[status], "content": content} for status in statuses}


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _json_answer(description: str, model: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": REF.format(model=model)}}}}


def _batch_operation(resource: Resource[Any]) -> dict[str, Any]:
    item = REF.format(model=resource.item_type.__name__)
    key = REF.format(model=key_model(resource).__name__)
    request: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "upsert": {"type": "array", "items": {"$ref": item}, "maxItems": MAX_ITEMS},
            "delete": {"type": "array", "items": {"$ref": key}, "maxItems": MAX_ITEMS},
            "atomic": {"type": "boolean", "default": False},
            "sync_run": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, {"type": "null"}]},
        },
    }
    if resource.example:
        request["examples"] = [{"upsert": [resource.example]}]
    keys = ", ".join(f"`{name}`" for name in resource.key_fields)
    return {
        "post": {
            "operationId": f"batch_{resource.name.replace('-', '_')}",
            "tags": [resource.scope.value],
            "summary": resource.summary,
            "description": (
                f"Upsert and delete {resource.name} keyed by {keys}, at most {MAX_ITEMS} items or 5 MB a call. "
                "Each item is answered: created, updated, unchanged (nothing written), deleted, not_found, "
                "rejected (with the field and why) or stale (older than what the portal holds). Good items are "
                "kept when others are rejected unless `atomic` is true. Deletion is soft; deleting what is gone "
                "succeeds. Nested lists are replaced as a whole. Name an open `sync_run` to send a full export."
            ),
            "security": [{"apiKey": [resource.scope.value]}],
            "requestBody": _json_body(request),
            "responses": {
                "200": _json_answer("Every item's outcome.", "BatchReportBody"),
                **_problems(400, 401, 403, 413, 422, 429),
            },
        }
    }


def _shipment_paths() -> dict[str, Any]:
    return {
        "/api/v1/shipments": {
            "post": {
                "operationId": "record_shipment",
                "tags": ["shipments"],
                "summary": "Record a shipment of a confirmed order",
                "description": (
                    "Records the lines (and quantities) of an order the ERP dispatched, with the carrier and the "
                    "parcels' tracking numbers; a confirmed order moves to in_fulfilment and a `shipment.created` "
                    "event follows. The same `shipment_number` again answers 200 with the shipment recorded first; "
                    "that number for another order, or an order not confirmed (awaiting approval, rejected, "
                    "cancelled), is a 409 problem; more than is left to ship of a line a 422 one."
                ),
                "security": [{"apiKey": ["shipments"]}],
                "requestBody": _json_body({"$ref": REF.format(model="ShipmentBody")}),
                "responses": {
                    "201": _json_answer("The shipment was recorded.", "ShipmentAnswer"),
                    "200": _json_answer(
                        "The same shipment number was recorded before; nothing changed.", "ShipmentAnswer"
                    ),
                    **_problems(400, 401, 403, 404, 409, 413, 422, 429),
                },
            }
        },
        "/api/v1/shipment-events": {
            "post": {
                "operationId": "record_shipment_event",
                "tags": ["shipments"],
                "summary": "Record a tracking event of a shipment",
                "description": "The order's owner is emailed when the parcel is handed over or its delivery failed.",
                "security": [{"apiKey": ["shipments"]}],
                "requestBody": _json_body({"$ref": REF.format(model="ShipmentEventBody")}),
                "responses": {
                    "201": _json_answer("The event was recorded.", "ShipmentEventAnswer"),
                    "200": _json_answer(
                        "The same event id was recorded before; nothing changed.", "ShipmentEventAnswer"
                    ),
                    **_problems(400, 401, 403, 404, 413, 422, 429),
                },
            }
        },
    }


ORDER_NUMBER_PARAMETER = {
    "name": "number",
    "in": "path",
    "required": True,
    "description": "The order's number, e.g. `ZAM/2026/000123`: its slashes as they are or percent-encoded.",
    "schema": {"type": "string", "maxLength": 20},
}


def _way_out_paths() -> dict[str, Any]:
    def whole(name: str, default: int, highest: int, description: str) -> dict[str, Any]:
        schema = {"type": "integer", "minimum": 0, "maximum": highest, "default": default}
        return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}

    return {
        "/api/v1/events": {
            "get": {
                "operationId": "read_events",
                "tags": ["events"],
                "summary": "Events after a position, for an ERP that pulls (long polling)",
                "description": (
                    "Events come in position order, without gaps. Ask for events `after` the last position you "
                    "processed: that confirms everything up to it (the portal stores each key's position and "
                    "marks the orders you have thereby received as sent). With `wait`, an empty answer is "
                    "held up to that many seconds until an event comes. Events are kept at least 90 days; a "
                    "position older than that answers 410, one past the newest 409."
                ),
                "security": [{"apiKey": ["events"]}],
                "parameters": [
                    whole("after", 0, 2**62, "The last position you processed; 0 for the beginning."),
                    whole("limit", FEED_PAGE, MAX_FEED_PAGE, "At most this many events."),
                    whole("wait", 0, MAX_WAIT_SECONDS, "Seconds to wait for an event when none is there yet."),
                ],
                "responses": {
                    "200": _json_answer("The events, and where to continue.", "FeedPageBody"),
                    **_problems(400, 401, 403, 409, 410, 422, 429),
                },
            }
        },
        "/api/v1/orders/{number}": {
            "get": {
                "operationId": "get_order",
                "tags": ["orders"],
                "summary": "An order as the ERP needs it",
                "description": "The same document as an order event's `data.order`, as the order is now.",
                "security": [{"apiKey": ["orders"]}],
                "parameters": [ORDER_NUMBER_PARAMETER],
                "responses": {
                    "200": _json_answer("The order document.", "OrderDocumentBody"),
                    **_problems(401, 403, 404, 429),
                },
            }
        },
    }


def _acknowledgement_path() -> dict[str, Any]:
    return {
        "/api/v1/orders/{number}/acknowledgements": {
            "post": {
                "operationId": "acknowledge_order",
                "tags": ["orders"],
                "summary": "Answer an order: accept it (with what you changed) or reject it",
                "description": (
                    "Answers an order placed and not yet answered (status sent_to_seller or sent_to_erp). "
                    "Accepted confirms it, unless a confirmed unit price exceeds the ordered one by more than the "
                    "portal's price tolerance: then it waits for the buyer's consent (awaiting_consent), and the "
                    "buyer accepts the new prices or cancels (an `order.confirmed` or `order.cancelled` event tells you which). "
                    "Rejected rejects it with the reason. The buyer is emailed either way. The same `event_id` "
                    "again answers 200 with the first result; another answer to an answered order, or an answer "
                    "to an order awaiting approval, cancelled or rejected, is a 409 problem."
                ),
                "security": [{"apiKey": ["orders"]}],
                "parameters": [ORDER_NUMBER_PARAMETER],
                "requestBody": _json_body({"$ref": REF.format(model="AcknowledgementBody")}),
                "responses": {
                    "201": _json_answer("The answer was recorded.", "AcknowledgementAnswer"),
                    "200": _json_answer(
                        "The same event id was recorded before; nothing changed.", "AcknowledgementAnswer"
                    ),
                    **_problems(400, 401, 403, 404, 409, 413, 422, 429),
                },
            }
        }
    }


def _sync_run_paths() -> dict[str, Any]:
    run_id = {
        "name": "run_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    }
    security: list[dict[str, list[str]]] = [{"apiKey": []}]
    return {
        "/api/v1/sync-runs": {
            "post": {
                "operationId": "open_sync_run",
                "tags": ["sync runs"],
                "summary": "Open a full export of one resource",
                "security": security,
                "requestBody": _json_body({"$ref": REF.format(model="OpenSyncRun")}),
                "responses": {
                    "201": _json_answer("The open run; name its id in each batch.", "SyncRunBody"),
                    **_problems(400, 401, 403, 404, 422, 429),
                },
            }
        },
        "/api/v1/sync-runs/{run_id}": {
            "get": {
                "operationId": "get_sync_run",
                "tags": ["sync runs"],
                "summary": "A sync run's state",
                "security": security,
                "parameters": [run_id],
                "responses": {"200": _json_answer("The run.", "SyncRunBody"), **_problems(401, 403, 404, 429)},
            }
        },
        "/api/v1/sync-runs/{run_id}/close": {
            "post": {
                "operationId": "close_sync_run",
                "tags": ["sync runs"],
                "summary": "Close a full export: deactivate what it did not contain",
                "description": (
                    f"A run that contained less than {MIN_SHARE:.0%} of the records the portal holds is refused "
                    "(409) and deactivates nothing, unless `force` is true: a truncated export must not wipe "
                    "the catalog."
                ),
                "security": security,
                "parameters": [run_id],
                "requestBody": _json_body({"$ref": REF.format(model="CloseSyncRun")}),
                "responses": {
                    "200": _json_answer("The closed run.", "SyncRunBody"),
                    **_problems(400, 401, 403, 404, 409, 422, 429),
                },
            }
        },
    }


def _import_paths() -> dict[str, Any]:
    flag = {"type": "string", "enum": ["true", "false"], "default": "false"}
    upload = {
        "type": "object",
        "required": ["resource", "file"],
        "properties": {
            "resource": {"type": "string", "enum": sorted(ERP_RESOURCES), "description": "What the file holds."},
            "file": {"type": "string", "contentMediaType": "application/octet-stream", "description": "The file."},
            "mapping": {
                "type": "string",
                "description": "TOML (or JSON) naming the file's columns; without it columns are field names.",
            },
            "dry_run": {**flag, "description": "Check every row and reference; change nothing."},
            "atomic": {**flag, "description": "Write nothing when any row is rejected."},
            "full": {**flag, "description": "A full export: deactivate what the file does not contain."},
        },
    }
    security: list[dict[str, list[str]]] = [{"apiKey": []}]
    return {
        "/api/v1/imports": {
            "post": {
                "operationId": "create_import",
                "tags": ["imports"],
                "summary": "Upload a file of one resource to be imported",
                "description": (
                    "CSV (UTF-8, UTF-16 or Windows-1250; `;`, `,` or tab; decimal commas), XLSX or JSON Lines, "
                    "at most 50 MB with its mapping. The upload is checked (the resource, the file's kind, the "
                    "mapping against the resource's fields) and imported by a background job; poll its URL. "
                    "Needs the resource's scope."
                ),
                "security": security,
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": upload}}},
                "responses": {
                    "202": {
                        **_json_answer("The import job, queued.", "ImportAcceptedBody"),
                        "headers": {"Location": {"schema": {"type": "string"}, "description": "The job's URL."}},
                    },
                    **_problems(400, 401, 403, 413, 422, 429),
                },
            }
        },
        "/api/v1/imports/{import_id}": {
            "get": {
                "operationId": "get_import",
                "tags": ["imports"],
                "summary": "An import job's status, counts and errors by line",
                "security": security,
                "parameters": [{"name": "import_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": _json_answer("The job and, once run, its report.", "ImportJobBody"),
                    **_problems(401, 403, 404, 429),
                },
            }
        },
    }


@cache
def openapi_document() -> dict[str, Any]:
    resources = list(ERP_RESOURCES.values())
    models: list[type[BaseModel]] = [
        *_SHARED_MODELS,
        *(resource.item_type for resource in resources),
        *(key_model(resource) for resource in resources),
    ]
    _schemas, definitions = models_json_schema([(model, "validation") for model in models], ref_template=REF)
    # Any name is read, and an unknown one answered 404; the document names the known ones.
    definitions["$defs"]["OpenSyncRun"]["properties"]["resource"]["enum"] = sorted(ERP_RESOURCES)
    paths: dict[str, Any] = {f"/api/v1/{resource.name}/batch": _batch_operation(resource) for resource in resources}
    paths.update(_sync_run_paths())
    paths.update(_import_paths())
    paths.update(_shipment_paths())
    paths.update(_way_out_paths())
    paths.update(_acknowledgement_path())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Portal integration API",
            "version": API_VERSION,
            "description": (
                "How the seller's ERP loads catalog, prices, stock, customers and finance documents, and "
                "answers orders. Every "
                "record is keyed by the ERP's own codes, never by the portal's ids. Calls carry "
                "`Authorization: Bearer <key>`; the seller's administrator makes keys with scopes on the "
                "Integration page or with `portal api-key`. Errors are `application/problem+json` with JSON "
                "pointers to the failing fields."
            ),
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": tag}
            for tag in dict.fromkeys(
                tag for path in paths.values() for operation in path.values() for tag in operation["tags"]
            )
        ],
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer", "description": "An API key."}},
        },
    }
