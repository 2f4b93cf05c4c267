"""Tables of approvals: a company's value levels and each order's approval steps and links."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import ForeignKey, Integer, Numeric, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.accounts.tables import Company, User
from portal.ordering.tables import Order


class ApprovalLevel(Table):
    """Above `above_net` an order needs one more approver than below it (set by the company admin)."""

    id = Serial(primary_key=True)
    company = ForeignKey(Company, null=False, index=True, on_delete=OnDelete.cascade)
    above_net = Numeric(digits=(14, 2))


class ApprovalState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ApprovalStep(Table):
    """One approval an order needs; steps are decided in order, each by a different person."""

    id = Serial(primary_key=True)
    order = ForeignKey(Order, null=False, index=True, on_delete=OnDelete.cascade)
    position = Integer()
    state = Varchar(length=10, choices=ApprovalState, default=ApprovalState.PENDING)
    decided_by = ForeignKey(User, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    reason = Varchar(length=500, default="")
    requested_at = Timestamptz(default=TimestamptzNow())
    reminded_at = Timestamptz(null=True, default=None)
    escalated_at = Timestamptz(null=True, default=None)


class ApprovalLink(Table):
    """An emailed link for one approver and one step; its signed id is the token. Used once."""

    id = Serial(primary_key=True)
    step = ForeignKey(ApprovalStep, null=False, index=True, on_delete=OnDelete.cascade)
    approver = ForeignKey(User, null=False)
    used_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
