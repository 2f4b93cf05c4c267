"""When an order needs approval, how many approvers it needs, and who may approve it.

An order needs one approval when its author may not place orders (a requester), or when it
takes them over their limit per order or per month; each of the company's value levels below
the order's net value adds one more approver. Approvers are the company's active members with
the approver role, never the order's author; each step is decided by a different person. No
rule approves by itself: an order with no one able to approve it waits, and the company's
administrators are told."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from piccolo.querystring import QueryString

from portal import clock
from portal.accounts.roles import Permission, Role
from portal.accounts.scope import Scope
from portal.accounts.tables import Membership
from portal.i18n import gettext as _
from portal.i18n import money_from_minor
from portal.ordering.tables import OrderStatus

# Orders that count against a monthly limit: all but those that will never be bought.
_NOT_SPENT = (OrderStatus.REJECTED, OrderStatus.CANCELLED)


@dataclass(frozen=True)
class Budget:
    order_limit: Decimal | None
    monthly_limit: Decimal | None
    spent_this_month: Decimal

    @property
    def monthly_remaining(self) -> Decimal | None:
        return None if self.monthly_limit is None else self.monthly_limit - self.spent_this_month


@dataclass(frozen=True)
class ApprovalNeed:
    approvers: int
    reasons: tuple[str, ...]

    @property
    def needed(self) -> bool:
        return self.approvers > 0


def budget_figures(company_id: int, user_id: int, membership_id: int | None, net: Decimal) -> QueryString:
    """One row: a member's limits (NULLs without a membership), what their orders this month
    spend, and how many of the company's value levels `net` is above. A SELECT of its own, so
    checkout can join it to the other facts of a submission in one statement."""
    return QueryString(
        "SELECT ms.order_limit_minor, ms.monthly_limit_minor,"
        " (SELECT SUM(o.net_total) FROM customer_order o WHERE o.company = {} AND o.placed_by = {}"
        f" AND o.created_at >= {{}} AND o.status NOT IN ({', '.join('{}' for _ in _NOT_SPENT)})) AS spent_this_month,"
        " (SELECT COUNT(*) FROM approval_level l WHERE l.company = {} AND l.above_net < {}) AS levels_exceeded"
        " FROM (SELECT 1 AS one) AS base LEFT JOIN membership ms ON ms.id = {}",
        company_id,
        user_id,
        clock.month_start(clock.now()),
        *_NOT_SPENT,
        company_id,
        net,
        membership_id,
    )


def budget_from(row: Mapping[str, Any]) -> Budget:
    order_limit = row["order_limit_minor"]
    monthly_limit = row["monthly_limit_minor"]
    spent = row["spent_this_month"]
    return Budget(
        order_limit=money_from_minor(order_limit) if order_limit is not None else None,
        monthly_limit=money_from_minor(monthly_limit) if monthly_limit is not None else None,
        # SUM over a Numeric is a float in SQLite: to the grosz it is the exact sum of the amounts.
        spent_this_month=Decimal(str(spent)).quantize(Decimal("0.01")) if spent is not None else Decimal("0.00"),
    )


async def budget(company_id: int, user_id: int, membership_id: int | None) -> Budget:
    """A member's limits and what their orders this month already spend of them."""
    rows = await Membership.raw("{}", budget_figures(company_id, user_id, membership_id, Decimal(0)))
    return budget_from(rows[0])


def approval_need(caller: Scope, net: Decimal, limits: Budget, levels_exceeded: int) -> ApprovalNeed:
    """How many approvers an order of `net` needs, from the author's limits and the number of the
    company's value levels below `net` (a row of `budget_figures`)."""
    reasons: list[str] = []
    if not caller.can(Permission.ORDER_PLACE):
        reasons.append(_("Your orders go to an approver."))
    if limits.order_limit is not None and net > limits.order_limit:
        reasons.append(_("The order is over your limit per order."))
    remaining = limits.monthly_remaining
    if remaining is not None and net > remaining:
        reasons.append(_("The order is over what is left of your monthly limit."))
    approvers = 1 if reasons else 0
    if levels_exceeded:
        reasons.append(_("Orders of this value need %(count)s approvers.") % {"count": approvers + levels_exceeded})
    return ApprovalNeed(approvers + levels_exceeded, tuple(reasons))


async def approvals_needed(caller: Scope, net: Decimal) -> ApprovalNeed:
    """The approval an order of `net` needs, in one statement."""
    assert caller.company_id is not None
    rows = await Membership.raw(
        "{}", budget_figures(caller.company_id, caller.user_id, caller.membership_id or None, net)
    )
    return approval_need(caller, net, budget_from(rows[0]), int(rows[0]["levels_exceeded"]))


@dataclass(frozen=True)
class Approver:
    user_id: int
    email: str
    name: str
    locale: str


@dataclass(frozen=True)
class Member(Approver):
    roles: tuple[str, ...] = ()


def company_members(company_id: int) -> QueryString:
    """The company's active members with active accounts, a row each (`members_from` reads them)."""
    return QueryString(
        "SELECT u.id AS member_id, u.email AS member_email, u.name AS member_name, u.locale AS member_locale,"
        ' m.roles AS member_roles FROM membership m JOIN portal_user u ON u.id = m."user"'
        " WHERE m.company = {} AND m.is_active = {} AND u.is_active = {}",
        company_id,
        True,
        True,
    )


def members_from(rows: Iterable[Mapping[str, Any]]) -> list[Member]:
    """The members in rows of `company_members`; a row without a member (an outer join's) is skipped."""
    return [
        Member(
            row["member_id"],
            row["member_email"],
            row["member_name"],
            row["member_locale"],
            tuple(_roles(row["member_roles"])),
        )
        for row in rows
        if row["member_id"] is not None
    ]


def _roles(value: list[str] | str) -> list[str]:
    # An array read by raw SQL through a subquery may reach SQLite's driver without its column type.
    return json.loads(value) if isinstance(value, str) else value


def with_role(members: Iterable[Member], role: Role, excluded_user_ids: Set[int] = frozenset()) -> list[Approver]:
    return [
        Approver(m.user_id, m.email, m.name, m.locale)
        for m in members
        if role.value in m.roles and m.user_id not in excluded_user_ids
    ]


async def _members_with(company_id: int, role: Role) -> list[Approver]:
    return with_role(members_from(await Membership.raw("{}", company_members(company_id))), role)


async def eligible_approvers(company_id: int, excluded_user_ids: set[int]) -> list[Approver]:
    """Active approvers of the company, leaving out the order's author and earlier deciders."""
    return [a for a in await _members_with(company_id, Role.APPROVER) if a.user_id not in excluded_user_ids]


async def company_admins(company_id: int) -> list[Approver]:
    return await _members_with(company_id, Role.COMPANY_ADMIN)
