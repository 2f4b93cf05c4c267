"""Shipments: partial deliveries of an order, their parcels and tracking events, the customer's
"where are my deliveries" table, and how shipping moves the order's status.

A shipment's status is that of its newest event by the time the event *happened*, so an event
that arrives late (carriers batch their feeds) joins the timeline in its place without turning
a delivered shipment back into one in transit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode
from uuid import uuid4

from piccolo.custom_types import Combinable

from portal import clock
from portal.accounts.customer_scope import customers_seen_by
from portal.accounts.scope import Scope
from portal.aftersales.access import require_back_office
from portal.aftersales.tables import Carrier, Parcel, Shipment, ShipmentEvent, ShipmentLine, ShipmentStatus
from portal.catalog.labels import unit_label
from portal.database import contains_text, lock_rows_for_decision, serialise_on, write_transaction
from portal.errors import Conflict, Invalid, NotFound
from portal.i18n import gettext as _
from portal.integration.outbox import emit
from portal.live import announce
from portal.mail import OutgoingMail, Postbox
from portal.ordering.confirmations import lines_named
from portal.ordering.orders import record_status
from portal.ordering.tables import Order, OrderLine, OrderStatus
from portal.web.forms import calendar_day, moment, page_number, record_id, whole_number

PAGE_SIZE = 50
# Carriers' clocks run a little ahead of ours now and then.
_CLOCK_SKEW = timedelta(minutes=5)
FINISHED = (ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED)
OPEN = tuple(status for status in ShipmentStatus if status not in FINISHED)
# The seller ships only what it has confirmed; these order states never get a shipment.
NOT_SHIPPABLE = (
    OrderStatus.AWAITING_APPROVAL,
    OrderStatus.APPROVED,
    OrderStatus.REJECTED,
    OrderStatus.CANCELLED,
)
# Order states shipping may move on from; invoiced and paid orders keep their status.
FOLLOWS_SHIPPING = (
    OrderStatus.SENT_TO_SELLER,
    OrderStatus.SENT_TO_ERP,
    OrderStatus.AWAITING_CONSENT,
    OrderStatus.CONFIRMED,
    OrderStatus.IN_FULFILMENT,
    OrderStatus.PARTLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
)
# Events the order's owner hears about by email.
EMAILED = (ShipmentStatus.HANDED_TO_CARRIER, ShipmentStatus.DELIVERY_FAILED)


def shipment_number(shipment_id: int, on: date) -> str:
    return f"WZ/{on.year}/{shipment_id:06d}"


@dataclass(frozen=True)
class TrackingLink:
    number: str
    url: str


@dataclass(frozen=True)
class CarrierView:
    code: str
    name: str


async def carriers() -> list[CarrierView]:
    rows = await Carrier.select(Carrier.code, Carrier.name).order_by(Carrier.id)
    return [CarrierView(row["code"], row["name"]) for row in rows]


def tracking_link(template: str, number: str) -> TrackingLink:
    return TrackingLink(number, template.replace("{tracking}", quote(number, safe="")) if template else "")


# --- Reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShipmentRow:
    id: int
    number: str
    order_id: int
    order_number: str
    po_number: str
    company_id: int
    company_name: str
    carrier_name: str
    status: str
    dispatched_on: date | None
    expected_on: date | None
    delivered_at: datetime | None
    latest_event_at: datetime | None
    latest_event_place: str
    tracking: list[TrackingLink] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status not in FINISHED

    @property
    def delivered(self) -> bool:
        return self.status == ShipmentStatus.DELIVERED


@dataclass(frozen=True)
class DeliveryFilters:
    """Empty status means every open shipment; "all" includes delivered and returned ones."""

    status: str = ""
    carrier: str = ""
    dispatched_from: date | None = None
    dispatched_to: date | None = None
    text: str = ""
    page: int = 1

    @classmethod
    def from_parameters(cls, parameters: dict[str, str]) -> DeliveryFilters:
        def day(name: str) -> date | None:
            return calendar_day(parameters.get(name, ""))

        status = parameters.get("status", "")
        page = page_number(parameters.get("page", "1"))
        return cls(
            status=status if status in {"all", *ShipmentStatus} else "",
            carrier=parameters.get("carrier", "").strip()[:20],
            dispatched_from=day("from"),
            dispatched_to=day("to"),
            text=parameters.get("q", "").strip()[:60],
            page=page,
        )

    def parameters(self, page: int = 1) -> str:
        values = {
            "status": self.status,
            "carrier": self.carrier,
            "from": self.dispatched_from.isoformat() if self.dispatched_from else "",
            "to": self.dispatched_to.isoformat() if self.dispatched_to else "",
            "q": self.text,
            "page": str(page) if page > 1 else "",
        }
        return urlencode({name: value for name, value in values.items() if value})


_ROW_COLUMNS = (
    Shipment.id,
    Shipment.number,
    Shipment.order,
    Shipment.status,
    Shipment.dispatched_on,
    Shipment.expected_on,
    Shipment.delivered_at,
    Shipment.latest_event_at,
    Shipment.latest_event_place,
    Shipment.order.number.as_alias("order_number"),
    Shipment.order.po_number.as_alias("po_number"),
    Shipment.company,
    Shipment.company.name.as_alias("company_name"),
    Shipment.carrier.name.as_alias("carrier_name"),
    Shipment.carrier.tracking_url.as_alias("tracking_url"),
)


async def _rows(condition: Combinable, *, limit: int | None = None, offset: int = 0) -> list[ShipmentRow]:
    query = Shipment.select(*_ROW_COLUMNS).where(condition).order_by(Shipment.id, ascending=False)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    rows = await query
    parcels: dict[int, list[str]] = {}
    if rows:
        for parcel in (
            await Parcel.select(Parcel.shipment, Parcel.tracking_number)
            .where(Parcel.shipment.is_in([row["id"] for row in rows]))
            .order_by(Parcel.id)
        ):
            parcels.setdefault(parcel["shipment"], []).append(parcel["tracking_number"])
    return [
        ShipmentRow(
            id=row["id"],
            number=row["number"],
            order_id=row["order"],
            order_number=row["order_number"],
            po_number=row["po_number"],
            company_id=row["company"],
            company_name=row["company_name"],
            carrier_name=_carrier_name(row["carrier_name"]),
            status=row["status"],
            dispatched_on=row["dispatched_on"],
            expected_on=row["expected_on"],
            delivered_at=row["delivered_at"],
            latest_event_at=row["latest_event_at"],
            latest_event_place=row["latest_event_place"],
            tracking=[tracking_link(row["tracking_url"], number) for number in parcels.get(row["id"], [])],
        )
        for row in rows
    ]


def _carrier_name(name: str) -> str:
    # Only own transport has a name to translate; carriers' names are brands.
    return _("Own transport") if name == "Own transport" else name


async def list_shipments(caller: Scope, filters: DeliveryFilters) -> tuple[list[ShipmentRow], bool]:
    condition: Combinable = customers_seen_by(caller, Shipment.company)
    if filters.status == "":
        condition &= Shipment.status.is_in(list(OPEN))
    elif filters.status != "all":
        condition &= Shipment.status == filters.status
    if filters.carrier:
        condition &= Shipment.carrier.code == filters.carrier
    if filters.dispatched_from:
        condition &= Shipment.dispatched_on >= filters.dispatched_from
    if filters.dispatched_to:
        condition &= Shipment.dispatched_on <= filters.dispatched_to
    if filters.text:
        condition &= (
            contains_text(Shipment.order.number, filters.text)
            | contains_text(Shipment.order.po_number, filters.text)
            | contains_text(Shipment.number, filters.text)
        )
    rows = await _rows(condition, limit=PAGE_SIZE + 1, offset=(filters.page - 1) * PAGE_SIZE)
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


async def shipment_row(caller: Scope, shipment_id: int) -> ShipmentRow:
    rows = await _rows(customers_seen_by(caller, Shipment.company) & (Shipment.id == shipment_id))
    if not rows:
        raise NotFound(_("This shipment does not exist."))
    return rows[0]


@dataclass(frozen=True)
class ShippedLine:
    sku: str
    name: str
    unit: str
    quantity: int


@dataclass(frozen=True)
class EventView:
    status: str
    occurred_at: datetime
    place: str
    note: str
    source: str


@dataclass(frozen=True)
class ShipmentDetail:
    row: ShipmentRow
    lines: list[ShippedLine]
    events: list[EventView]


async def shipment_detail(caller: Scope, shipment_id: int) -> ShipmentDetail:
    row = await shipment_row(caller, shipment_id)
    lines = (
        await ShipmentLine.select(
            ShipmentLine.quantity,
            ShipmentLine.order_line.sku.as_alias("sku"),
            ShipmentLine.order_line.name.as_alias("name"),
            ShipmentLine.order_line.unit.as_alias("unit"),
        )
        .where(ShipmentLine.shipment == shipment_id)
        .order_by(ShipmentLine.order_line)
    )
    events = await (
        ShipmentEvent.select()
        .where(ShipmentEvent.shipment == shipment_id)
        .order_by(ShipmentEvent.occurred_at)
        .order_by(ShipmentEvent.id)
    )
    return ShipmentDetail(
        row=row,
        lines=[ShippedLine(line["sku"], line["name"], line["unit"], line["quantity"]) for line in lines],
        events=[
            EventView(event["status"], event["occurred_at"], event["place"], event["note"], event["source"])
            for event in events
        ],
    )


@dataclass(frozen=True)
class LineProgress:
    order_line_id: int
    sku: str
    name: str
    unit: str
    ordered: int
    shipped: int
    delivered: int

    @property
    def to_ship(self) -> int:
        return max(0, self.ordered - self.shipped)


@dataclass(frozen=True)
class OrderDeliveries:
    shipments: list[ShipmentRow]
    lines: list[LineProgress]

    @property
    def anything_to_ship(self) -> bool:
        return any(line.to_ship for line in self.lines)

    @property
    def anything_delivered(self) -> bool:
        return any(line.delivered for line in self.lines)


async def line_progress(order_id: int) -> list[LineProgress]:
    """Per order line: to be delivered (as the seller confirmed it, else as ordered), in shipments
    (returned ones give their goods back) and delivered."""
    lines = (
        await OrderLine.select(
            OrderLine.id,
            OrderLine.sku,
            OrderLine.name,
            OrderLine.unit,
            OrderLine.quantity,
            OrderLine.confirmed_quantity,
        )
        .where(OrderLine.order == order_id)
        .order_by(OrderLine.id)
    )
    shipped = await ShipmentLine.select(
        ShipmentLine.order_line, ShipmentLine.quantity, ShipmentLine.shipment.status.as_alias("status")
    ).where(ShipmentLine.shipment.order == order_id)
    in_shipments: dict[int, int] = {}
    delivered: dict[int, int] = {}
    for line in shipped:
        if line["status"] != ShipmentStatus.RETURNED:
            in_shipments[line["order_line"]] = in_shipments.get(line["order_line"], 0) + line["quantity"]
        if line["status"] == ShipmentStatus.DELIVERED:
            delivered[line["order_line"]] = delivered.get(line["order_line"], 0) + line["quantity"]
    return [
        LineProgress(
            line["id"],
            line["sku"],
            line["name"],
            line["unit"],
            _to_deliver(line),
            in_shipments.get(line["id"], 0),
            delivered.get(line["id"], 0),
        )
        for line in lines
    ]


def _to_deliver(line: dict[str, Any]) -> int:
    """The quantity the seller confirmed for a line (the ordered one until it answered)."""
    return int(line["quantity"] if line["confirmed_quantity"] is None else line["confirmed_quantity"])


async def order_deliveries(caller: Scope, order_id: int) -> OrderDeliveries:
    order = (
        await Order.select(Order.id).where(customers_seen_by(caller, Order.company) & (Order.id == order_id)).first()
    )
    if order is None:
        raise NotFound(_("This order does not exist."))
    return OrderDeliveries(
        shipments=await _rows(Shipment.order == order_id),
        lines=await line_progress(order_id),
    )


# --- Recording shipments (back office) -------------------------------------------------------


@dataclass(frozen=True)
class ShipmentRequest:
    carrier: str
    tracking_numbers: list[str]
    quantities: dict[int, int]
    dispatched_on: date | None
    expected_on: date | None

    @classmethod
    def from_form(cls, values: dict[str, str]) -> ShipmentRequest:
        """Quantities come as `quantity-<order line id>`; tracking numbers one per line."""
        errors: dict[str, str] = {}
        quantities: dict[int, int] = {}
        for name, value in values.items():
            if not name.startswith("quantity-") or not value.strip():
                continue
            quantity = whole_number(value)
            line_id = record_id(name.removeprefix("quantity-"))
            if quantity is None or line_id is None:
                errors[name] = _("Enter a whole number.")
            elif quantity:
                quantities[line_id] = quantity

        def day(name: str) -> date | None:
            if not values.get(name, "").strip():
                return None
            found = calendar_day(values[name])
            if found is None:
                errors[name] = _("Enter a date as YYYY-MM-DD.")
            return found

        request = cls(
            carrier=values.get("carrier", ""),
            tracking_numbers=[n.strip() for n in values.get("tracking_numbers", "").split() if n.strip()],
            quantities=quantities,
            dispatched_on=day("dispatched_on"),
            expected_on=day("expected_on"),
        )
        if errors:
            raise Invalid(errors)
        return request


async def create_shipment(caller: Scope, order_id: int, request: ShipmentRequest) -> int:
    """A shipment of chosen order lines from the back office's form; nothing is stored unless
    every rule holds."""
    order = (
        await Order.select(Order.id, Order.company, Order.status)
        .where(customers_seen_by(caller, Order.company) & (Order.id == order_id))
        .first()
    )
    if order is None:
        raise NotFound(_("This order does not exist."))
    require_back_office(caller)
    # Checked once before the write lock, so a wrong form never waits for other writers.
    await _check_request(order, request, _form_field)
    shipment_id = await _store_shipment(order, request, _form_field, source="office", actor_id=caller.user_id)
    await announce(order["company"], f"shipment-{shipment_id}", f"order-{order_id}")
    return shipment_id


def _form_field(line_id: int) -> str:
    return f"quantity-{line_id}"


@dataclass(frozen=True)
class ErpShipmentLine:
    """One line of an ERP's shipment, named as the acknowledgements name them: by its number in
    the order (from 1) or its SKU."""

    line: int | None
    sku: str | None
    quantity: int


@dataclass(frozen=True)
class ErpShipment:
    shipment_number: str
    order_number: str
    carrier: str
    tracking_numbers: list[str]
    lines: list[ErpShipmentLine]
    dispatched_on: date | None = None
    expected_on: date | None = None


@dataclass(frozen=True)
class ErpShipmentResult:
    shipment_id: int
    number: str
    shipment_number: str
    order_number: str
    status: str
    recorded: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "shipment": self.number,
            "shipment_number": self.shipment_number,
            "order": self.order_number,
            "status": self.status,
            "recorded": self.recorded,
        }


async def record_erp_shipment(shipment: ErpShipment, *, source: str) -> ErpShipmentResult:
    """A shipment the ERP made, kept under its `shipment_number`: the same number again answers
    the stored shipment and changes nothing. NotFound for an unknown order, Conflict for an order
    that cannot be shipped or a number used for another order, Invalid (pointing at the body's
    fields) for anything else."""
    async with write_transaction(Shipment._meta.db):
        # Two calls with one number may arrive at once; the second must find the first's shipment.
        await serialise_on(f"erp-shipment:{shipment.shipment_number}")
        order = (
            await Order.select(Order.id, Order.company, Order.status)
            .where(Order.number == shipment.order_number)
            .first()
        )
        if order is None:
            raise NotFound(_("There is no order {number}.").format(number=shipment.order_number))
        earlier = (
            await Shipment.select(Shipment.id, Shipment.number, Shipment.order, Shipment.status)
            .where(Shipment.erp_number == shipment.shipment_number)
            .first()
        )
        if earlier is not None:
            if earlier["order"] != order["id"]:
                raise Conflict(
                    _("Shipment {shipment} was recorded for another order.").format(shipment=shipment.shipment_number)
                )
            return ErpShipmentResult(
                earlier["id"],
                earlier["number"],
                shipment.shipment_number,
                shipment.order_number,
                earlier["status"],
                recorded=False,
            )
        _check_shippable(order)
        lines = (
            await OrderLine.select(OrderLine.id, OrderLine.sku)
            .where(OrderLine.order == order["id"])
            .order_by(OrderLine.id)
        )
        named = lines_named(lines, shipment.lines)
        index_of = {id(entry): index for index, entry in enumerate(shipment.lines)}

        def quantity_field(line_id: int) -> str:
            return f"lines/{index_of[id(named[line_id])]}/quantity"

        request = ShipmentRequest(
            carrier=shipment.carrier,
            tracking_numbers=shipment.tracking_numbers,
            quantities={line_id: entry.quantity for line_id, entry in named.items()},
            dispatched_on=shipment.dispatched_on,
            expected_on=shipment.expected_on,
        )
        await _check_request(order, request, quantity_field)
        shipment_id = await _store_shipment(
            order, request, quantity_field, source=source, actor_id=None, erp_number=shipment.shipment_number
        )
        stored = await Shipment.select(Shipment.number, Shipment.status).where(Shipment.id == shipment_id).first()
    assert stored is not None
    await announce(order["company"], f"shipment-{shipment_id}", f"order-{order['id']}")
    return ErpShipmentResult(
        shipment_id,
        stored["number"],
        shipment.shipment_number,
        shipment.order_number,
        stored["status"],
        recorded=True,
    )


def _check_shippable(order: dict[str, Any]) -> None:
    if order["status"] in NOT_SHIPPABLE:
        raise Conflict(_("Only an order the seller has confirmed can be shipped."))


async def _check_request(order: dict[str, Any], request: ShipmentRequest, quantity_field: Callable[[int], str]) -> None:
    """Every rule of a shipment that needs no lock; `quantity_field` names a line's field."""
    _check_shippable(order)
    carrier = await Carrier.select(Carrier.tracking_url).where(Carrier.code == request.carrier).first()
    errors: dict[str, str] = {}
    if carrier is None:
        errors["carrier"] = _("Choose a carrier.")
    elif carrier["tracking_url"] and not request.tracking_numbers:
        errors["tracking_numbers"] = _("Enter the tracking number of at least one parcel.")
    if len(set(request.tracking_numbers)) != len(request.tracking_numbers):
        errors["tracking_numbers"] = _("A tracking number appears twice.")
    elif any(len(number) > 60 for number in request.tracking_numbers):
        errors["tracking_numbers"] = _("A tracking number is at most 60 characters long.")
    if request.dispatched_on and request.expected_on and request.expected_on < request.dispatched_on:
        errors["expected_on"] = _("The expected delivery cannot come before the dispatch.")
    if not request.quantities:
        errors["lines"] = _("Choose at least one line and its quantity.")
    errors |= await _quantity_errors(order["id"], request.quantities, quantity_field)
    if errors:
        raise Invalid(errors)


async def _store_shipment(
    order: dict[str, Any],
    request: ShipmentRequest,
    quantity_field: Callable[[int], str],
    *,
    source: str,
    actor_id: int | None,
    erp_number: str | None = None,
) -> int:
    """Stores a shipment `_check_request` accepted, checking again under the order's lock what
    another shipment may have changed since; emits `shipment.created` in the same transaction."""
    order_id = int(order["id"])
    async with write_transaction(Order._meta.db):
        # Locking the order serialises shipments of it, so two can't both ship the last pieces.
        await lock_rows_for_decision(Order.select(Order.id).where(Order.id == order_id)).first()
        # Again under the lock: another shipment may have taken pieces since the first check.
        errors = await _quantity_errors(order_id, request.quantities, quantity_field)
        used = await Parcel.select(Parcel.tracking_number).where(
            Parcel.tracking_number.is_in(request.tracking_numbers or [""])
        )
        if used:
            errors["tracking_numbers"] = _("Tracking number {number} belongs to another shipment.").format(
                number=used[0]["tracking_number"]
            )
        if errors:
            raise Invalid(errors)
        carrier = await Carrier.select(Carrier.id).where(Carrier.code == request.carrier).first()
        assert carrier is not None
        created = await Shipment.insert(
            Shipment(
                # The number comes from the id, known only after the insert.
                number=f"new-{uuid4().hex[:20]}",
                order=order_id,
                company=order["company"],
                carrier=carrier["id"],
                dispatched_on=request.dispatched_on,
                expected_on=request.expected_on,
                erp_number=erp_number,
            )
        ).returning(Shipment.id)
        shipment_id = int(created[0]["id"])
        await Shipment.update({Shipment.number: shipment_number(shipment_id, clock.today())}).where(
            Shipment.id == shipment_id
        )
        if request.tracking_numbers:
            await Parcel.insert(*(Parcel(shipment=shipment_id, tracking_number=n) for n in request.tracking_numbers))
        await ShipmentLine.insert(
            *(ShipmentLine(shipment=shipment_id, order_line=line, quantity=q) for line, q in request.quantities.items())
        )
        await ShipmentEvent.insert(
            ShipmentEvent(
                shipment=shipment_id,
                status=ShipmentStatus.CREATED,
                occurred_at=clock.now(),
                source=source,
                recorded_by=actor_id,
            )
        )
        await _apply_newest_event(shipment_id)
        if order["status"] == OrderStatus.CONFIRMED:
            await record_status(order_id, OrderStatus.IN_FULFILMENT, actor_id)
        await emit(
            "shipment.created",
            order["company"],
            {"shipment_id": shipment_id, "order_id": order_id},
            subject=f"order:{order_id}",
        )
    return shipment_id


async def _quantity_errors(
    order_id: int, quantities: dict[int, int], quantity_field: Callable[[int], str]
) -> dict[str, str]:
    progress = {line.order_line_id: line for line in await line_progress(order_id)}
    errors = {}
    for line_id, quantity in quantities.items():
        line = progress.get(line_id)
        if line is None:
            errors[quantity_field(line_id)] = _("This line is not part of the order.")
        elif quantity > line.to_ship:
            errors[quantity_field(line_id)] = _("Only {count} {unit} are left to ship.").format(
                count=line.to_ship, unit=unit_label(line.unit)
            )
    return errors


# --- Tracking events -------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackingEvent:
    status: ShipmentStatus
    occurred_at: datetime
    place: str = ""
    note: str = ""
    # Who reported it and under which id of theirs; the pair makes a repeat recognisable.
    source: str = "office"
    external_id: str | None = None


@dataclass(frozen=True)
class EventOutcome:
    shipment_id: int
    recorded: bool
    status: str
    mails: list[OutgoingMail] = field(default_factory=list)


def parse_event(values: dict[str, Any], *, source: str) -> TrackingEvent:
    """An event from a form or a JSON body; every problem named by its field."""
    errors: dict[str, str] = {}
    status = str(values.get("status") or "")
    if status not in set(ShipmentStatus):
        errors["status"] = _("Unknown status; use one of: {choices}.").format(choices=", ".join(ShipmentStatus))
    occurred_at = moment(str(values.get("occurred_at") or ""))
    if occurred_at is None:
        errors["occurred_at"] = _("Give the time as an ISO 8601 date and time, e.g. 2026-11-25T14:30:00+01:00.")
    else:
        if occurred_at.tzinfo is None:
            errors["occurred_at"] = _("Give the time with its UTC offset, e.g. 2026-11-25T14:30:00+01:00.")
        elif occurred_at > clock.now().replace(microsecond=0) + _CLOCK_SKEW:
            errors["occurred_at"] = _("The event cannot happen in the future.")
    place = str(values.get("place") or "").strip()
    note = str(values.get("note") or "").strip()
    if len(place) > 120:
        errors["place"] = _("At most {count} characters.").format(count=120)
    if len(note) > 300:
        errors["note"] = _("At most {count} characters.").format(count=300)
    external_id = values.get("event_id")
    if external_id is not None and (not str(external_id).strip() or len(str(external_id)) > 100):
        errors["event_id"] = _("An event id has 1 to 100 characters.")
    if errors:
        raise Invalid(errors)
    assert occurred_at is not None
    return TrackingEvent(
        ShipmentStatus(status),
        occurred_at,
        place,
        note,
        source,
        str(external_id).strip() if external_id is not None else None,
    )


async def record_event(
    shipment_id: int, event: TrackingEvent, postbox: Postbox, recorded_by: int | None = None
) -> EventOutcome:
    """Add an event to the shipment's timeline. An event id already recorded from the same
    source changes nothing and says so; the order's owner is emailed when the shipment is
    handed to the carrier or its delivery failed."""
    async with write_transaction(Shipment._meta.db):
        shipment = await lock_rows_for_decision(
            Shipment.select(Shipment.id, Shipment.status, Shipment.order, Shipment.company).where(
                Shipment.id == shipment_id
            )
        ).first()
        if shipment is None:
            raise NotFound(_("This shipment does not exist."))
        if event.external_id is not None:
            seen = await ShipmentEvent.exists().where(
                (ShipmentEvent.source == event.source) & (ShipmentEvent.external_id == event.external_id)
            )
            if seen:
                return EventOutcome(shipment_id, False, shipment["status"])
        await ShipmentEvent.insert(
            ShipmentEvent(
                shipment=shipment_id,
                status=event.status,
                occurred_at=event.occurred_at,
                place=event.place,
                note=event.note,
                source=event.source,
                external_id=event.external_id,
                recorded_by=recorded_by,
            )
        )
        status = await _apply_newest_event(shipment_id)
        changed = status != shipment["status"]
        if changed:
            await _follow_with_order(shipment["order"], recorded_by)
            await emit(
                "shipment.status_changed",
                shipment["company"],
                {"shipment_id": shipment_id, "order_id": shipment["order"], "status": status},
                subject=f"order:{shipment['order']}",
            )
    await announce(shipment["company"], f"shipment-{shipment_id}", f"order-{shipment['order']}")
    mails = await _event_mails(shipment_id, event, postbox) if changed and status in EMAILED else []
    return EventOutcome(shipment_id, True, status, mails)


async def _apply_newest_event(shipment_id: int) -> str:
    """Put the newest event (by when it happened) on the shipment row; returns its status."""
    events = await (
        ShipmentEvent.select(ShipmentEvent.status, ShipmentEvent.occurred_at, ShipmentEvent.place)
        .where(ShipmentEvent.shipment == shipment_id)
        .order_by(ShipmentEvent.occurred_at, ascending=False)
        .order_by(ShipmentEvent.id, ascending=False)
    )
    # "Created" is our own record of the shipment, often made after the carrier already
    # scanned it: any carrier event outranks it.
    carrier_events = [e for e in events if e["status"] != ShipmentStatus.CREATED]
    newest = carrier_events[0] if carrier_events else events[0]
    values: dict[Any, Any] = {
        Shipment.status: newest["status"],
        Shipment.latest_event_at: newest["occurred_at"],
        Shipment.latest_event_place: newest["place"],
        Shipment.delivered_at: newest["occurred_at"] if newest["status"] == ShipmentStatus.DELIVERED else None,
    }
    # The carrier's first scan dates the dispatch, unless the office gave a date.
    handed = carrier_events[-1] if carrier_events else None
    if handed is not None:
        current = await Shipment.select(Shipment.dispatched_on).where(Shipment.id == shipment_id).first()
        if current is not None and current["dispatched_on"] is None:
            values[Shipment.dispatched_on] = clock.business_day(handed["occurred_at"])
    await Shipment.update(values).where(Shipment.id == shipment_id)
    return str(newest["status"])


async def _follow_with_order(order_id: int, actor_id: int | None) -> None:
    """The order is shipped when every piece is on its way, delivered when every piece arrived."""
    order = await Order.select(Order.status).where(Order.id == order_id).first()
    assert order is not None
    if order["status"] not in FOLLOWS_SHIPPING:
        return
    dispatched = await ShipmentLine.select(
        ShipmentLine.order_line, ShipmentLine.quantity, ShipmentLine.shipment.status.as_alias("status")
    ).where(ShipmentLine.shipment.order == order_id)
    on_the_way: dict[int, int] = {}
    arrived: dict[int, int] = {}
    for line in dispatched:
        if line["status"] not in (ShipmentStatus.CREATED, ShipmentStatus.RETURNED):
            on_the_way[line["order_line"]] = on_the_way.get(line["order_line"], 0) + line["quantity"]
        if line["status"] == ShipmentStatus.DELIVERED:
            arrived[line["order_line"]] = arrived.get(line["order_line"], 0) + line["quantity"]
    ordered = await OrderLine.select(OrderLine.id, OrderLine.quantity, OrderLine.confirmed_quantity).where(
        OrderLine.order == order_id
    )
    if all(arrived.get(line["id"], 0) >= _to_deliver(line) for line in ordered):
        target = OrderStatus.DELIVERED
    elif all(on_the_way.get(line["id"], 0) >= _to_deliver(line) for line in ordered):
        target = OrderStatus.SHIPPED
    elif on_the_way:
        target = OrderStatus.PARTLY_SHIPPED
    else:
        return
    if target != order["status"]:
        await record_status(order_id, target, actor_id)


async def _event_mails(shipment_id: int, event: TrackingEvent, postbox: Postbox) -> list[OutgoingMail]:
    (row,) = await _rows(Shipment.id == shipment_id)
    owner = (
        await Order.select(
            Order.placed_by.email.as_alias("email"),
            Order.placed_by.name.as_alias("name"),
            Order.placed_by.locale.as_alias("locale"),
        )
        .where(Order.id == row.order_id)
        .first()
    )
    assert owner is not None
    return [
        postbox.compose(
            "shipment_dispatched" if event.status == ShipmentStatus.HANDED_TO_CARRIER else "shipment_failed",
            owner["email"],
            owner["locale"],
            name=owner["name"],
            shipment=row,
            place=event.place,
            note=event.note,
            link=postbox.link(f"/deliveries/{shipment_id}"),
        )
    ]


async def shipment_for_tracking_number(tracking_number: str) -> int:
    parcel = await Parcel.select(Parcel.shipment).where(Parcel.tracking_number == tracking_number).first()
    if parcel is None:
        raise NotFound(_("No shipment has tracking number {number}.").format(number=tracking_number))
    return int(parcel["shipment"])


async def record_office_event(
    caller: Scope, shipment_id: int, values: dict[str, str], postbox: Postbox
) -> EventOutcome:
    """From the back-office form, whose date-time field has no offset: it is Polish time, and
    an empty one means now."""
    await shipment_row(caller, shipment_id)
    require_back_office(caller)
    values = dict(values)
    typed = values.get("occurred_at", "").strip()
    when = moment(typed) if typed else clock.now()
    if when is None:
        raise Invalid({"occurred_at": _("Enter the date and time of the event.")})
    if when.tzinfo is None:
        when = when.replace(tzinfo=clock.BUSINESS_ZONE)
    values["occurred_at"] = when.isoformat()
    values.pop("event_id", None)
    return await record_event(shipment_id, parse_event(values, source="office"), postbox, caller.user_id)


@dataclass(frozen=True)
class ShippableOrder:
    id: int
    number: str
    company_name: str
    status: str
    created_at: datetime


async def orders_to_ship(caller: Scope) -> list[ShippableOrder]:
    """Confirmed orders with something left to ship, oldest first: the shipping desk's work."""
    require_back_office(caller)
    rows = await (
        Order.select(Order.id, Order.number, Order.status, Order.created_at, Order.company.name.as_alias("company"))
        .where(
            customers_seen_by(caller, Order.company)
            & Order.status.is_in(
                [
                    OrderStatus.SENT_TO_SELLER,
                    OrderStatus.SENT_TO_ERP,
                    OrderStatus.CONFIRMED,
                    OrderStatus.IN_FULFILMENT,
                    OrderStatus.PARTLY_SHIPPED,
                ]
            )
        )
        .order_by(Order.created_at)
        .limit(PAGE_SIZE)
    )
    return [ShippableOrder(r["id"], r["number"], r["company"], r["status"], r["created_at"]) for r in rows]
