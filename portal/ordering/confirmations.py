"""The seller's ERP answers an order: it accepts it (with its own number and, per line, the
quantity, net unit price and delivery date it confirms) or rejects it. A confirmed price above the
ordered one by more than the tolerance waits for the buyer's consent. Each answer is kept by the
ERP's id of it, so an answer sent again changes nothing and gets the first answer's result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from portal import clock
from portal.accounts.scope import Scope
from portal.database import lock_rows_for_decision, serialise_on, write_transaction
from portal.errors import Conflict, Invalid, NotFound
from portal.i18n import gettext as _
from portal.live import announce
from portal.mail import OutgoingMail, Postbox
from portal.ordering.cart import vat_subtotals
from portal.ordering.orders import line_value, order_detail, record_status
from portal.ordering.tables import Order, OrderAcknowledgement, OrderLine, OrderStatus

# Only an order the seller has and has not answered yet may be answered.
ANSWERABLE = (OrderStatus.SENT_TO_SELLER, OrderStatus.SENT_TO_ERP)
HUNDRED = Decimal(100)


class AcknowledgementOutcome(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class ConfirmedLine:
    """What the ERP confirms of one line, named by its number (1 for the order's first line) or
    its SKU; a value left out is confirmed as ordered."""

    line: int | None = None
    sku: str | None = None
    quantity: int | None = None
    unit_price: Decimal | None = None
    delivery_on: date | None = None


@dataclass(frozen=True)
class Acknowledgement:
    event_id: str
    outcome: AcknowledgementOutcome
    erp_number: str = ""
    reason: str = ""
    lines: Sequence[ConfirmedLine] = ()


@dataclass(frozen=True)
class AcknowledgementResult:
    order_id: int
    number: str
    event_id: str
    outcome: AcknowledgementOutcome
    # The status this answer led to (for a repeat, the one it led to the first time).
    status: OrderStatus
    erp_number: str
    # False when this event id was recorded before: nothing changed.
    recorded: bool
    mails: tuple[OutgoingMail, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "order": self.number,
            "event_id": self.event_id,
            "outcome": self.outcome.value,
            "status": self.status.value,
            "erp_number": self.erp_number,
            "recorded": self.recorded,
        }


def above_tolerance(ordered: Decimal, confirmed: Decimal, tolerance_percent: Decimal) -> bool:
    return confirmed > ordered * (HUNDRED + tolerance_percent) / HUNDRED


async def record_acknowledgement(
    number: str, answer: Acknowledgement, *, source: str, tolerance_percent: Decimal, postbox: Postbox
) -> AcknowledgementResult:
    """Apply the ERP's answer to the order `number`: accepted moves it to CONFIRMED (or to
    AWAITING_CONSENT when a confirmed unit price exceeds the ordered one by more than
    `tolerance_percent`), rejected to REJECTED with the reason on the timeline; the author is
    mailed and the order's page refreshed. NotFound for an unknown number, Conflict for an order
    that may not be answered (now), Invalid for lines that are not the order's."""
    async with write_transaction(Order._meta.db):
        order = await lock_rows_for_decision(
            Order.select(Order.id, Order.number, Order.status, Order.company, Order.erp_number).where(
                Order.number == number
            )
        ).first()
        if order is None:
            raise NotFound(_("There is no order {number}.").format(number=number))
        order_id = int(order["id"])
        # Answers with one event id for different orders may arrive at once.
        await serialise_on(f"order-acknowledgement:{answer.event_id}")
        earlier = await OrderAcknowledgement.select().where(OrderAcknowledgement.event_id == answer.event_id).first()
        if earlier is not None:
            return await _repeated(earlier, order_id, number)
        await _check_answerable(order_id, OrderStatus(order["status"]))
        erp_number = answer.erp_number or str(order["erp_number"])
        await Order.update({Order.erp_number: erp_number}).where(Order.id == order_id)
        if answer.outcome is AcknowledgementOutcome.REJECTED:
            status = OrderStatus.REJECTED
            await record_status(order_id, status, None, answer.reason)
        else:
            status = await _accept(order_id, answer, tolerance_percent)
        await OrderAcknowledgement.insert(
            OrderAcknowledgement(
                event_id=answer.event_id, order=order_id, outcome=answer.outcome, status=status, source=source
            )
        )
    await announce(int(order["company"]), f"order-{order_id}")
    return AcknowledgementResult(
        order_id,
        number,
        answer.event_id,
        answer.outcome,
        status,
        erp_number,
        recorded=True,
        mails=(await _answer_mail(order_id, status, answer.reason, postbox),),
    )


async def _repeated(earlier: dict[str, Any], order_id: int, number: str) -> AcknowledgementResult:
    if earlier["order"] != order_id:
        other = await Order.select(Order.number).where(Order.id == earlier["order"]).first()
        assert other is not None
        raise Conflict(
            _("The event id {event_id} was already used for order {number}; give each answer its own id.").format(
                event_id=earlier["event_id"], number=other["number"]
            )
        )
    current = await Order.select(Order.erp_number).where(Order.id == order_id).first()
    assert current is not None
    return AcknowledgementResult(
        order_id,
        number,
        str(earlier["event_id"]),
        AcknowledgementOutcome(earlier["outcome"]),
        OrderStatus(earlier["status"]),
        str(current["erp_number"]),
        recorded=False,
    )


async def _check_answerable(order_id: int, status: OrderStatus) -> None:
    if status in ANSWERABLE:
        return
    answered = (
        await OrderAcknowledgement.select(OrderAcknowledgement.event_id, OrderAcknowledgement.outcome)
        .where(OrderAcknowledgement.order == order_id)
        .first()
    )
    if answered is not None:
        raise Conflict(
            _("The order was already answered ({outcome}, event id {event_id}); a second answer is refused.").format(
                outcome=answered["outcome"], event_id=answered["event_id"]
            )
        )
    if status in (OrderStatus.AWAITING_APPROVAL, OrderStatus.APPROVED):
        raise Conflict(_("The order still waits for the customer's approval; it has not been placed yet."))
    if status in (OrderStatus.CANCELLED, OrderStatus.REJECTED):
        raise Conflict(_("The order is {status} and can no longer be answered.").format(status=status.value))
    raise Conflict(_("The order is already {status}; a second answer is refused.").format(status=status.value))


async def _accept(order_id: int, answer: Acknowledgement, tolerance_percent: Decimal) -> OrderStatus:
    lines = (
        await OrderLine.select(OrderLine.id, OrderLine.sku, OrderLine.quantity, OrderLine.unit_price)
        .where(OrderLine.order == order_id)
        .order_by(OrderLine.id)
    )
    changes = lines_named(lines, answer.lines)
    # Every line is confirmed as ordered, then the few the ERP changed get their own values.
    await OrderLine.update(
        {
            OrderLine.confirmed_quantity: OrderLine.quantity,
            OrderLine.confirmed_unit_price: OrderLine.unit_price,
            OrderLine.confirmed_delivery_on: None,
        }
    ).where(OrderLine.order == order_id)
    by_id = {int(line["id"]): line for line in lines}
    over_tolerance = False
    for line_id, change in changes.items():
        # One statement per line the ERP named: an answer names a handful, once per order.
        values: dict[Any, Any] = {OrderLine.confirmed_delivery_on: change.delivery_on}
        if change.quantity is not None:
            values[OrderLine.confirmed_quantity] = change.quantity
        if change.unit_price is not None:
            values[OrderLine.confirmed_unit_price] = change.unit_price
            ordered = Decimal(str(by_id[line_id]["unit_price"]))
            over_tolerance |= above_tolerance(ordered, change.unit_price, tolerance_percent)
        await OrderLine.update(values).where(OrderLine.id == line_id)
    if over_tolerance:
        await record_status(order_id, OrderStatus.AWAITING_CONSENT, None)
        return OrderStatus.AWAITING_CONSENT
    await _confirm(order_id)
    await record_status(order_id, OrderStatus.CONFIRMED, None)
    return OrderStatus.CONFIRMED


class NamesALine(Protocol):
    """An ERP's entry about one order line, named by its number (1 for the order's first line,
    as the order document numbers them) or its SKU, or both."""

    @property
    def line(self) -> int | None: ...

    @property
    def sku(self) -> str | None: ...


Entry = TypeVar("Entry", bound=NamesALine)


def lines_named(lines: Sequence[dict[str, Any]], entries: Sequence[Entry]) -> dict[int, Entry]:
    """The order line id each entry names, given the order's `lines` (`id` and `sku`, in the
    order of their ids); every entry that names none, or one another entry named already, is
    refused with a pointer to it (`lines/<index>/...`)."""
    by_sku: dict[str, list[int]] = {}
    for line in lines:
        by_sku.setdefault(str(line["sku"]).casefold(), []).append(int(line["id"]))
    numbered = [int(line["id"]) for line in lines]
    errors: dict[str, str] = {}
    named: dict[int, Entry] = {}
    for index, entry in enumerate(entries):
        found: int | None = None
        if entry.line is not None:
            if entry.line > len(numbered):
                errors[f"lines/{index}/line"] = _("The order has {count} lines.").format(count=len(numbered))
                continue
            found = numbered[entry.line - 1]
            if entry.sku is not None and found not in by_sku.get(entry.sku.casefold(), []):
                errors[f"lines/{index}/sku"] = _("Line {line} is not {sku}.").format(line=entry.line, sku=entry.sku)
                continue
        elif entry.sku is not None:
            candidates = by_sku.get(entry.sku.casefold(), [])
            if not candidates:
                errors[f"lines/{index}/sku"] = _("The order has no line with SKU {sku}.").format(sku=entry.sku)
                continue
            if len(candidates) > 1:
                errors[f"lines/{index}/line"] = _("SKU {sku} is on several lines; name the line by its number.").format(
                    sku=entry.sku
                )
                continue
            found = candidates[0]
        assert found is not None
        if found in named:
            errors[f"lines/{index}"] = _("Another entry already names this line.")
            continue
        named[found] = entry
    if errors:
        raise Invalid(errors)
    return named


async def _confirm(order_id: int) -> None:
    """The order becomes binding: its totals are recomputed from the confirmed values (the
    ordered ones where none was confirmed) by the invoice rules: each line half up to the grosz,
    VAT per rate."""
    lines = await OrderLine.select(
        OrderLine.vat_rate,
        OrderLine.quantity,
        OrderLine.unit_price,
        OrderLine.confirmed_quantity,
        OrderLine.confirmed_unit_price,
    ).where(OrderLine.order == order_id)

    def confirmed_value(line: dict[str, Any]) -> Decimal:
        quantity = line["quantity"] if line["confirmed_quantity"] is None else line["confirmed_quantity"]
        price = line["unit_price"] if line["confirmed_unit_price"] is None else line["confirmed_unit_price"]
        return line_value(Decimal(str(price)), int(quantity))

    subtotals = vat_subtotals((str(line["vat_rate"]), confirmed_value(line)) for line in lines)
    net = sum((subtotal.net for subtotal in subtotals), Decimal("0.00"))
    vat = sum((subtotal.vat for subtotal in subtotals), Decimal("0.00"))
    await Order.update(
        {Order.confirmed_at: clock.now(), Order.net_total: net, Order.vat_total: vat, Order.gross_total: net + vat}
    ).where(Order.id == order_id)


async def accept_changed_prices(caller: Scope, order_id: int) -> None:
    """The buyer consents to the prices the ERP confirmed above the tolerance: the order is
    confirmed at them. (Declining is cancelling the order.)"""
    await order_detail(caller.company_id, order_id)
    async with write_transaction(Order._meta.db):
        row = await lock_rows_for_decision(Order.select(Order.status).where(Order.id == order_id)).first()
        assert row is not None
        if row["status"] != OrderStatus.AWAITING_CONSENT:
            raise Conflict(_("The order no longer waits for your decision on its prices."))
        await _confirm(order_id)
        await record_status(order_id, OrderStatus.CONFIRMED, caller.user_id)
    assert caller.company_id is not None
    await announce(caller.company_id, f"order-{order_id}")


async def _answer_mail(order_id: int, status: OrderStatus, reason: str, postbox: Postbox) -> OutgoingMail:
    """The author learns the seller's answer in their language, with each line the seller
    changed: its quantity, price or date beside the ordered one."""
    order = (
        await Order.select(
            Order.number,
            Order.erp_number,
            Order.currency,
            Order.net_total,
            Order.gross_total,
            Order.placed_by.email.as_alias("author_email"),
            Order.placed_by.locale.as_alias("author_locale"),
        )
        .where(Order.id == order_id)
        .first()
    )
    assert order is not None
    detail_lines = (
        await OrderLine.select(
            OrderLine.sku,
            OrderLine.name,
            OrderLine.unit,
            OrderLine.quantity,
            OrderLine.unit_price,
            OrderLine.confirmed_quantity,
            OrderLine.confirmed_unit_price,
            OrderLine.confirmed_delivery_on,
        )
        .where(OrderLine.order == order_id)
        .order_by(OrderLine.id)
    )
    changed = [line for line in map(_mailed_line, detail_lines) if line["changed"]]
    return postbox.compose(
        "order_answered",
        str(order["author_email"]),
        str(order["author_locale"]),
        number=order["number"],
        status=status.value,
        erp_number=order["erp_number"],
        reason=reason,
        changed=changed,
        currency=order["currency"],
        net_total=Decimal(str(order["net_total"])),
        gross_total=Decimal(str(order["gross_total"])),
        link=postbox.link(f"/orders/{order_id}"),
    )


def _mailed_line(row: dict[str, Any]) -> dict[str, Any]:
    ordered_price = Decimal(str(row["unit_price"]))
    price = Decimal(str(row["confirmed_unit_price"])) if row["confirmed_unit_price"] is not None else ordered_price
    quantity = row["confirmed_quantity"] if row["confirmed_quantity"] is not None else row["quantity"]
    return {
        "sku": row["sku"],
        "name": row["name"],
        "unit": row["unit"],
        "ordered_quantity": row["quantity"],
        "quantity": quantity,
        "ordered_unit_price": ordered_price,
        "unit_price": price,
        "delivery_on": row["confirmed_delivery_on"],
        "changed": quantity != row["quantity"] or price != ordered_price or row["confirmed_delivery_on"] is not None,
    }
