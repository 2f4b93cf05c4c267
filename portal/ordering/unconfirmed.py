"""Orders the ERP has not confirmed yet: since when each has waited (from the moment it went to
the seller, not from when it was placed: an order that waited for an approver was not the ERP's
to confirm), which wait longer than the seller expects, and the back office's queue of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from piccolo.custom_types import Combinable

from portal.accounts.customer_scope import customers_seen_by
from portal.accounts.scope import Scope
from portal.config import Settings
from portal.ordering.confirmations import ANSWERABLE
from portal.ordering.orders import OrderDetail, OrderSummary
from portal.ordering.tables import OrderEvent, OrderStatus

# Placed and not yet answered by the ERP: the statuses an acknowledgement moves an order on from.
AWAITING_ERP = ANSWERABLE
QUEUE_LIMIT = 200


def expected_confirmation(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.order_confirmation_expected_minutes)


@dataclass(frozen=True)
class ConfirmationWait:
    """An order waiting for the ERP longer than expected: since when, and for how long now."""

    since: datetime
    waited: timedelta


def confirmation_wait(
    status: str, sent_at: datetime | None, now: datetime, expected: timedelta
) -> ConfirmationWait | None:
    """The wait of an order in `status` that went to the seller at `sent_at`, when it is still
    unconfirmed after `expected`; None for any other order."""
    if status not in AWAITING_ERP or sent_at is None or now - sent_at <= expected:
        return None
    return ConfirmationWait(sent_at, now - sent_at)


def order_wait(order: OrderDetail, now: datetime, expected: timedelta) -> ConfirmationWait | None:
    """The order page's wait, from the order's own timeline (already read for the page)."""
    sent = [entry.at for entry in order.timeline if entry.status == OrderStatus.SENT_TO_SELLER]
    return confirmation_wait(order.summary.status, max(sent, default=None), now, expected)


async def list_waits(orders: Iterable[OrderSummary], now: datetime, expected: timedelta) -> dict[int, ConfirmationWait]:
    """The waits of a page of orders, by order id: one statement, and none when no order on the
    page is still with the ERP."""
    waiting = [order for order in orders if order.status in AWAITING_ERP]
    sent = await _sent_to_seller_at([order.id for order in waiting])
    waits = {order.id: confirmation_wait(order.status, sent.get(order.id), now, expected) for order in waiting}
    return {order_id: wait for order_id, wait in waits.items() if wait is not None}


async def _sent_to_seller_at(order_ids: list[int]) -> dict[int, datetime]:
    if not order_ids:
        return {}
    rows = await OrderEvent.select(OrderEvent.order, OrderEvent.created_at).where(
        OrderEvent.order.is_in(order_ids) & (OrderEvent.status == OrderStatus.SENT_TO_SELLER)
    )
    sent: dict[int, datetime] = {}
    for row in rows:
        sent[row["order"]] = max(row["created_at"], sent.get(row["order"], row["created_at"]))
    return sent


# --- The back office's queue -------------------------------------------------------------------


@dataclass(frozen=True)
class UnconfirmedOrder:
    id: int
    number: str
    status: str
    company_id: int
    company_name: str
    placed_at: datetime
    sent_at: datetime
    age: timedelta
    overdue: bool
    net_total: Decimal
    currency: str

    @property
    def held_before_sending(self) -> bool:
        """It went to the seller well after it was placed: an approver held it first."""
        return self.sent_at - self.placed_at > timedelta(minutes=1)


@dataclass(frozen=True)
class UnconfirmedQueue:
    orders: list[UnconfirmedOrder]
    # Every unconfirmed order the caller sees, also those past the page.
    count: int
    overdue: int
    expected: timedelta

    @property
    def more(self) -> int:
        return self.count - len(self.orders)


def _awaiting_erp(caller: Scope) -> Combinable:
    """The "went to the seller" timeline entries of the orders still with the ERP, of the
    customers the caller sees (one entry per order: checkout or the approval writes it)."""
    return (
        (OrderEvent.status == OrderStatus.SENT_TO_SELLER)
        & OrderEvent.order.status.is_in(list(AWAITING_ERP))
        & customers_seen_by(caller, OrderEvent.order.company)
    )


async def unconfirmed_orders(caller: Scope, now: datetime, expected: timedelta) -> UnconfirmedQueue:
    """The orders of the customers the caller sees that wait for the ERP, oldest first (ordered
    and limited by the database), with how many there are in all and how many are overdue."""
    rows = (
        await OrderEvent.select(
            OrderEvent.order.as_alias("id"),
            OrderEvent.order.number.as_alias("number"),
            OrderEvent.order.status.as_alias("status"),
            OrderEvent.order.company.as_alias("company_id"),
            OrderEvent.order._.company._.name.as_alias("company_name"),
            OrderEvent.order.created_at.as_alias("placed_at"),
            OrderEvent.order.net_total.as_alias("net_total"),
            OrderEvent.order.currency.as_alias("currency"),
            OrderEvent.created_at.as_alias("sent_at"),
        )
        .where(_awaiting_erp(caller))
        .order_by(OrderEvent.created_at)
        .order_by(OrderEvent.id)
        .limit(QUEUE_LIMIT)
    )
    return UnconfirmedQueue(
        orders=[
            UnconfirmedOrder(
                **{**row, "net_total": Decimal(str(row["net_total"]))},
                age=now - row["sent_at"],
                overdue=now - row["sent_at"] > expected,
            )
            for row in rows
        ],
        count=await unconfirmed_count(caller),
        overdue=await unconfirmed_count(caller, sent_before=now - expected),
        expected=expected,
    )


async def unconfirmed_count(caller: Scope, sent_before: datetime | None = None) -> int:
    """How many orders of the caller's customers wait for the ERP (sent before a moment, when given)."""
    condition = _awaiting_erp(caller)
    if sent_before is not None:
        condition &= OrderEvent.created_at < sent_before
    return await OrderEvent.count().where(condition)
