"""Orders after checkout: their status changes (each one on the timeline and in the outbox, in
the same transaction), the list with its filters, the detail page and cancelling."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any
from urllib.parse import urlencode

from piccolo.custom_types import Combinable
from piccolo.querystring import QueryString

from portal import clock
from portal.accounts.scope import Scope
from portal.database import after_commit, contains_text, lock_rows_for_decision, write_transaction
from portal.errors import Conflict, NotFound
from portal.i18n import gettext as _
from portal.integration.outbox import emit
from portal.live import announce
from portal.ordering.cart import GROSZ
from portal.ordering.tables import Order, OrderEvent, OrderLine, OrderStatus, PurchasedProduct
from portal.web.forms import calendar_day, page_number, record_id

PAGE_SIZE = 50
# Until the seller confirms, the buyer may still change their mind.
CANCELLABLE = (
    OrderStatus.AWAITING_APPROVAL,
    OrderStatus.APPROVED,
    OrderStatus.SENT_TO_SELLER,
    OrderStatus.SENT_TO_ERP,
    OrderStatus.AWAITING_CONSENT,
)
# Once the seller confirmed, only the seller cancels: the buyer may ask until the goods leave.
CANCELLATION_REQUESTABLE = (OrderStatus.CONFIRMED, OrderStatus.IN_FULFILMENT, OrderStatus.PARTLY_SHIPPED)
OPEN_STATUSES = tuple(s for s in OrderStatus if s not in (OrderStatus.REJECTED, OrderStatus.CANCELLED))


def line_value(unit_price: Decimal, quantity: int) -> Decimal:
    """Per line, half up, to the grosz: the invoice rule."""
    return (unit_price * quantity).quantize(GROSZ, rounding=ROUND_HALF_UP)


def order_number(order_id: int, placed_on: date) -> str:
    return f"ZAM/{placed_on.year}/{order_id:06d}"


async def record_status(order_id: int, status: OrderStatus, actor_id: int | None, note: str = "") -> None:
    """Move an order to `status`: the order row, its timeline and the outbox event together.
    Call inside the transaction that made the decision."""
    await Order.update({Order.status: status}).where(Order.id == order_id)
    order = await Order.select(Order.number, Order.company).where(Order.id == order_id).first()
    assert order is not None
    bought: list[tuple[int, int]] = []
    if status is OrderStatus.SENT_TO_SELLER:
        lines = await OrderLine.select(OrderLine.product, OrderLine.quantity).where(OrderLine.order == order_id)
        bought = [(line["product"], line["quantity"]) for line in lines]
    await record_first_status(order_id, order["number"], order["company"], status, actor_id, note, bought)


# The event a move to these statuses is; any other move is `order.status_changed`.
_STATUS_TOPICS = {
    OrderStatus.APPROVED: "order.approved",
    OrderStatus.REJECTED: "order.rejected",
    OrderStatus.CANCELLED: "order.cancelled",
    OrderStatus.CONFIRMED: "order.confirmed",
}
SUBMITTED_TOPIC = "order.submitted"


async def record_first_status(
    order_id: int,
    number: str,
    company_id: int,
    status: OrderStatus,
    actor_id: int | None,
    note: str = "",
    bought: Sequence[tuple[int, int]] = (),
    topic: str | None = None,
) -> None:
    """The timeline entry and outbox event of an order written with `status` in this transaction,
    and, once it goes to the seller, its (product, quantity) lines `bought` in the company's
    history: what the caller has just written is passed in, not read back. The event is `topic`
    (checkout's is `order.submitted`), else the status's own."""
    await OrderEvent.insert(OrderEvent(order=order_id, status=status, actor=actor_id, note=note[:500]))
    await emit(
        topic or _STATUS_TOPICS.get(status, "order.status_changed"),
        company_id,
        {"order_id": order_id, "number": number, "status": status.value, "actor_id": actor_id},
        subject=f"order:{order_id}",
    )
    if status is OrderStatus.SENT_TO_SELLER:
        await _remember_purchases(company_id, bought)


async def _remember_purchases(company_id: int, bought: Sequence[tuple[int, int]]) -> None:
    """What the order bought joins the company's "bought before" history, in one statement:
    the unique (company, product) index turns a product bought again into a count."""
    if not bought:
        return
    now = clock.now()
    values = ", ".join("({}, {}, 1, {}, {})" for _ in bought)
    statement = QueryString(
        "INSERT INTO purchased_product (company, product, times_ordered, last_quantity, last_ordered_at)"
        f" VALUES {values} ON CONFLICT (company, product) DO UPDATE SET"
        " times_ordered = purchased_product.times_ordered + 1,"
        " last_quantity = excluded.last_quantity, last_ordered_at = excluded.last_ordered_at",
        *(value for product, quantity in bought for value in (company_id, product, quantity, now)),
    )
    await PurchasedProduct.raw("{}", statement)


async def mark_received_by_erp(order_ids: Sequence[int]) -> list[int]:
    """Of these orders, those placed and waiting for the ERP are now sent: it has read them from
    the feed or taken a webhook. Returns their ids. Call inside a write transaction."""
    if not order_ids:
        return []
    waiting = await lock_rows_for_decision(
        Order.select(Order.id, Order.company).where(
            Order.id.is_in(list(order_ids)) & (Order.status == OrderStatus.SENT_TO_SELLER)
        )
    )
    for order in waiting:
        await record_status(order["id"], OrderStatus.SENT_TO_ERP, None)
        await after_commit(partial(announce, order["company"], f"order-{order['id']}"))
    return [order["id"] for order in waiting]


# --- Reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFilters:
    text: str = ""
    status: str = ""
    placed_from: date | None = None
    placed_to: date | None = None
    placed_by: int | None = None
    page: int = 1

    @classmethod
    def from_parameters(cls, parameters: dict[str, str]) -> OrderFilters:
        def day(name: str) -> date | None:
            return calendar_day(parameters.get(name, ""))

        status = parameters.get("status", "")
        page = parameters.get("page", "1")
        placed_by = parameters.get("placed_by", "")
        return cls(
            text=parameters.get("q", "").strip()[:60],
            status=status if status in OrderStatus.__members__.values() else "",
            placed_from=day("from"),
            placed_to=day("to"),
            placed_by=record_id(placed_by),
            page=page_number(page),
        )

    def parameters(self, page: int) -> str:
        """These filters as a query string for another page."""
        pairs = {
            "q": self.text,
            "status": self.status,
            "from": self.placed_from.isoformat() if self.placed_from else "",
            "to": self.placed_to.isoformat() if self.placed_to else "",
            "placed_by": str(self.placed_by or ""),
            "page": str(page),
        }
        return urlencode({name: value for name, value in pairs.items() if value})


@dataclass(frozen=True)
class OrderSummary:
    id: int
    number: str
    status: str
    po_number: str
    placed_by_name: str
    created_at: datetime
    net_total: Decimal
    gross_total: Decimal
    currency: str


async def who_ordered(caller: Scope) -> list[tuple[int, str]]:
    """The people who placed the company's orders, for the list's filter."""
    rows = (
        await Order.select(Order.placed_by, Order.placed_by.name.as_alias("name"))
        .where(Order.company == caller.company_id)
        .distinct()
    )
    return sorted(((row["placed_by"], row["name"]) for row in rows), key=lambda person: person[1])


async def list_orders(caller: Scope, filters: OrderFilters) -> tuple[list[OrderSummary], bool]:
    """The company's orders, newest first; text matches the number, the PO number or a line's
    SKU or name."""
    condition: Combinable = Order.company == caller.company_id
    if filters.status:
        condition &= Order.status == filters.status
    if filters.placed_from:
        condition &= Order.created_at >= datetime.combine(filters.placed_from, time.min).astimezone()
    if filters.placed_to:
        condition &= Order.created_at <= datetime.combine(filters.placed_to, time.max).astimezone()
    if filters.placed_by:
        condition &= Order.placed_by == filters.placed_by
    if filters.text:
        text = filters.text
        with_line = OrderLine.select(OrderLine.order).where(
            contains_text(OrderLine.sku, text) | contains_text(OrderLine.name, text)
        )
        condition &= (
            contains_text(Order.number, text) | contains_text(Order.po_number, text) | Order.id.is_in(with_line)
        )
    rows = (
        await Order.select(
            Order.id,
            Order.number,
            Order.status,
            Order.po_number,
            Order.placed_by.name.as_alias("placed_by_name"),
            Order.created_at,
            Order.net_total,
            Order.gross_total,
            Order.currency,
        )
        .where(condition)
        .order_by(Order.id, ascending=False)
        .limit(PAGE_SIZE + 1)
        .offset((filters.page - 1) * PAGE_SIZE)
    )
    return [_summary(row) for row in rows[:PAGE_SIZE]], len(rows) > PAGE_SIZE


def _summary(row: dict[str, Any]) -> OrderSummary:
    return OrderSummary(
        id=row["id"],
        number=row["number"],
        status=row["status"],
        po_number=row["po_number"],
        placed_by_name=row["placed_by_name"],
        created_at=row["created_at"],
        net_total=Decimal(str(row["net_total"])),
        gross_total=Decimal(str(row["gross_total"])),
        currency=row["currency"],
    )


@dataclass(frozen=True)
class OrderLineView:
    id: int
    product_id: int
    sku: str
    name: str
    unit: str
    quantity: int
    unit_price: Decimal
    line_net: Decimal
    vat_rate: str
    price_source: str
    note: str
    # What the ERP confirmed; None until it accepted the order.
    confirmed_quantity: int | None = None
    confirmed_unit_price: Decimal | None = None
    confirmed_delivery_on: date | None = None

    @property
    def quantity_changed(self) -> bool:
        return self.confirmed_quantity is not None and self.confirmed_quantity != self.quantity

    @property
    def price_changed(self) -> bool:
        return self.confirmed_unit_price is not None and self.confirmed_unit_price != self.unit_price

    @property
    def confirmed_line_net(self) -> Decimal:
        """The line's value at the confirmed quantity and price (as ordered until confirmed)."""
        quantity = self.quantity if self.confirmed_quantity is None else self.confirmed_quantity
        unit_price = self.unit_price if self.confirmed_unit_price is None else self.confirmed_unit_price
        return line_value(unit_price, quantity)


@dataclass(frozen=True)
class TimelineEntry:
    status: str
    actor_name: str
    note: str
    at: datetime


@dataclass(frozen=True)
class OrderDetail:
    summary: OrderSummary
    company_id: int
    placed_by_id: int
    delivery: dict[str, str]
    requested_delivery_on: date | None
    payment_method: str
    payment_days: int
    note: str
    vat_total: Decimal
    lines: list[OrderLineView]
    timeline: list[TimelineEntry]
    erp_number: str = ""
    confirmed_at: datetime | None = None
    cancellation_requested_at: datetime | None = None

    @property
    def cancellable(self) -> bool:
        return self.summary.status in CANCELLABLE

    @property
    def awaiting_consent(self) -> bool:
        return self.summary.status == OrderStatus.AWAITING_CONSENT

    @property
    def cancellation_requestable(self) -> bool:
        return self.summary.status in CANCELLATION_REQUESTABLE and self.cancellation_requested_at is None

    @property
    def any_line_changed(self) -> bool:
        return any(line.quantity_changed or line.price_changed or line.confirmed_delivery_on for line in self.lines)

    @property
    def confirmed_net_total(self) -> Decimal:
        """The net total at the confirmed values: what the buyer consents to."""
        return sum((line.confirmed_line_net for line in self.lines), Decimal("0.00"))


async def order_detail(company_id: int | None, order_id: int) -> OrderDetail:
    """An order of the given company; another company's order is not found."""
    row = (
        await Order.select(
            *Order.all_columns(),
            Order.placed_by.name.as_alias("placed_by_name"),
        )
        .where((Order.id == order_id) & (Order.company == company_id))
        .first()
    )
    if row is None:
        raise NotFound(_("This order does not exist."))
    lines = await OrderLine.select().where(OrderLine.order == order_id).order_by(OrderLine.id)
    events = (
        await OrderEvent.select(
            OrderEvent.status,
            OrderEvent.note,
            OrderEvent.created_at,
            OrderEvent.cancellation_requested,
            OrderEvent.actor.name.as_alias("actor_name"),
        )
        .where(OrderEvent.order == order_id)
        .order_by(OrderEvent.id)
    )
    return OrderDetail(
        summary=_summary(row),
        company_id=row["company"],
        placed_by_id=row["placed_by"],
        delivery={
            "label": row["delivery_label"],
            "street": row["delivery_street"],
            "postal_code": row["delivery_postal_code"],
            "city": row["delivery_city"],
        },
        requested_delivery_on=row["requested_delivery_on"],
        payment_method=row["payment_method"],
        payment_days=row["payment_days"],
        note=row["note"],
        vat_total=Decimal(str(row["vat_total"])),
        lines=[
            OrderLineView(
                id=line["id"],
                product_id=line["product"],
                sku=line["sku"],
                name=line["name"],
                unit=line["unit"],
                quantity=line["quantity"],
                unit_price=Decimal(str(line["unit_price"])),
                line_net=Decimal(str(line["line_net"])),
                vat_rate=line["vat_rate"],
                price_source=line["price_source"],
                note=line["note"],
                confirmed_quantity=line["confirmed_quantity"],
                confirmed_unit_price=_decimal_or_none(line["confirmed_unit_price"]),
                confirmed_delivery_on=line["confirmed_delivery_on"],
            )
            for line in lines
        ],
        timeline=[
            TimelineEntry(
                # A request to cancel shows as such, not as the status the order kept.
                "cancellation_requested" if event["cancellation_requested"] else event["status"],
                event["actor_name"] or "",
                event["note"],
                event["created_at"],
            )
            for event in events
        ],
        erp_number=row["erp_number"],
        confirmed_at=row["confirmed_at"],
        cancellation_requested_at=row["cancellation_requested_at"],
    )


def _decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


async def cancel_order(caller: Scope, order_id: int, reason: str) -> None:
    await order_detail(caller.company_id, order_id)
    async with write_transaction(Order._meta.db):
        row = await lock_rows_for_decision(Order.select(Order.status).where(Order.id == order_id)).first()
        assert row is not None
        if row["status"] not in CANCELLABLE:
            raise Conflict(_("The seller has already confirmed this order; ask them to cancel it."))
        await record_status(order_id, OrderStatus.CANCELLED, caller.user_id, reason)
    assert caller.company_id is not None
    await announce(caller.company_id, f"order-{order_id}")


async def request_cancellation(caller: Scope, order_id: int, reason: str) -> None:
    """Ask the seller to cancel a confirmed order: the request is on the timeline and goes to the
    ERP as an `order.cancellation_requested` event; the status stays until the ERP decides."""
    await order_detail(caller.company_id, order_id)
    reason = reason.strip()[:500]
    async with write_transaction(Order._meta.db):
        row = await lock_rows_for_decision(
            Order.select(Order.status, Order.number, Order.company, Order.cancellation_requested_at).where(
                Order.id == order_id
            )
        ).first()
        assert row is not None
        if row["cancellation_requested_at"] is not None:
            raise Conflict(_("You have already asked the seller to cancel this order."))
        if row["status"] not in CANCELLATION_REQUESTABLE:
            raise Conflict(_("This order can no longer be cancelled."))
        await Order.update({Order.cancellation_requested_at: clock.now()}).where(Order.id == order_id)
        await OrderEvent.insert(
            OrderEvent(
                order=order_id, status=row["status"], actor=caller.user_id, note=reason, cancellation_requested=True
            )
        )
        await emit(
            "order.cancellation_requested",
            row["company"],
            {"order_id": order_id, "number": row["number"], "reason": reason, "actor_id": caller.user_id},
        )
    await announce(row["company"], f"order-{order_id}")
