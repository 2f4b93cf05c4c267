"""When an order needs approval, how many approvers it needs, and who may approve it.

An order needs one approval when its author may not place orders (a requester), or when it
takes them over their limit per order or per month; each of the company's value levels below
the order's net value adds one more approver. Approvers are the company's active members with
the approver role, never the order's author; each step is decided by a different person. No
rule approves by itself: an order with no one able to approve it waits, and the company's
administrators are told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from portal.accounts.roles import Permission, Role
from portal.accounts.scope import Scope
from portal.accounts.tables import Membership
from portal.approvals.tables import ApprovalLevel
from portal.i18n import gettext as _
from portal.i18n import money_from_minor
from portal.ordering.tables import Order, OrderStatus

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


def _month_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


async def budget(company_id: int, user_id: int, membership_id: int | None) -> Budget:
    """A member's limits and what their orders this month already spend of them."""
    membership = (
        await Membership.select(Membership.order_limit_minor, Membership.monthly_limit_minor)
        .where(Membership.id == membership_id)
        .first()
        if membership_id
        else None
    )
    spent = await Order.select(Order.net_total).where(
        (Order.company == company_id)
        & (Order.placed_by == user_id)
        & (Order.created_at >= _month_start(datetime.now(UTC)))
        & Order.status.not_in(list(_NOT_SPENT))
    )
    order_limit = membership["order_limit_minor"] if membership else None
    monthly_limit = membership["monthly_limit_minor"] if membership else None
    return Budget(
        order_limit=money_from_minor(order_limit) if order_limit is not None else None,
        monthly_limit=money_from_minor(monthly_limit) if monthly_limit is not None else None,
        spent_this_month=sum((Decimal(str(row["net_total"])) for row in spent), Decimal("0.00")),
    )


async def approvals_needed(caller: Scope, net: Decimal) -> ApprovalNeed:
    assert caller.company_id is not None
    limits = await budget(caller.company_id, caller.user_id, caller.membership_id)
    reasons: list[str] = []
    if not caller.can(Permission.ORDER_PLACE):
        reasons.append(_("Your orders go to an approver."))
    if limits.order_limit is not None and net > limits.order_limit:
        reasons.append(_("The order is over your limit per order."))
    remaining = limits.monthly_remaining
    if remaining is not None and net > remaining:
        reasons.append(_("The order is over what is left of your monthly limit."))
    approvers = 1 if reasons else 0
    levels = await ApprovalLevel.select(ApprovalLevel.above_net).where(ApprovalLevel.company == caller.company_id)
    exceeded = [Decimal(str(level["above_net"])) for level in levels if net > Decimal(str(level["above_net"]))]
    if exceeded:
        reasons.append(_("Orders of this value need %(count)s approvers.") % {"count": approvers + len(exceeded)})
    return ApprovalNeed(approvers + len(exceeded), tuple(reasons))


@dataclass(frozen=True)
class Approver:
    user_id: int
    email: str
    name: str
    locale: str


async def _members_with(company_id: int, role: Role) -> list[Approver]:
    rows = await Membership.select(
        Membership.user.id.as_alias("user_id"),
        Membership.user.email.as_alias("email"),
        Membership.user.name.as_alias("name"),
        Membership.user.locale.as_alias("locale"),
        Membership.roles,
    ).where(
        (Membership.company == company_id) & (Membership.is_active == True) & (Membership.user.is_active == True)  # noqa: E712
    )
    return [
        Approver(row["user_id"], row["email"], row["name"], row["locale"]) for row in rows if role.value in row["roles"]
    ]


async def eligible_approvers(company_id: int, excluded_user_ids: set[int]) -> list[Approver]:
    """Active approvers of the company, leaving out the order's author and earlier deciders."""
    return [a for a in await _members_with(company_id, Role.APPROVER) if a.user_id not in excluded_user_ids]


async def company_admins(company_id: int) -> list[Approver]:
    return await _members_with(company_id, Role.COMPANY_ADMIN)
