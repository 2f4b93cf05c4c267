"""Approval requests: an order's steps, the emailed single-use links, and the decisions made
through them or in the portal's inbox.

Opening a link changes nothing (mail scanners open links); only the POST of its form decides.
A decision locks the order's row (PostgreSQL) or takes SQLite's write lock first, so of two
approvers deciding at once one wins and the other is shown that decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from portal import clock
from portal.accounts import audit
from portal.accounts.companies import blocked_from_ordering
from portal.accounts.roles import Role
from portal.accounts.scope import Scope
from portal.accounts.tables import Company, CompanyStatus, Membership
from portal.accounts.tokens import LinkSigner
from portal.approvals.rules import (
    Approver,
    Budget,
    Member,
    budget,
    company_admins,
    eligible_approvers,
    with_role,
)
from portal.approvals.tables import ApprovalLink, ApprovalState, ApprovalStep
from portal.backoffice.inbox import announce_notifications
from portal.database import lock_rows_for_decision, write_transaction
from portal.errors import Conflict, Invalid, NotAllowed, NotFound
from portal.i18n import gettext as _
from portal.mail import OutgoingMail, Postbox
from portal.ordering.orders import OrderDetail, order_detail, record_status
from portal.ordering.tables import Order, OrderStatus

LINK_PURPOSE = "approval"
MAX_REASON_LENGTH = 500


async def _order_facts(order_id: int) -> dict[str, Any]:
    row = (
        await Order.select(
            Order.number,
            Order.company,
            Order.company.name.as_alias("company_name"),
            Order.placed_by,
            Order.placed_by.name.as_alias("placed_by_name"),
            Order.placed_by.email.as_alias("placed_by_email"),
            Order.placed_by.locale.as_alias("placed_by_locale"),
            Order.net_total,
            Order.currency,
            Order.status,
        )
        .where(Order.id == order_id)
        .first()
    )
    assert row is not None
    return row


async def links_for_step(
    order_id: int,
    step_id: int,
    excluded: set[int],
    signer: LinkSigner,
    postbox: Postbox,
    *,
    reminder: bool = False,
) -> list[OutgoingMail]:
    """A link per eligible approver of the step, or word to the administrators that nobody can."""
    order = await _order_facts(order_id)
    company_id = int(order["company"])
    approvers = await eligible_approvers(company_id, excluded)
    admins = [] if approvers else await company_admins(company_id)
    return await _links(order_id, order, step_id, approvers, admins, signer, postbox, reminder=reminder)


async def _links(
    order_id: int,
    order: Mapping[str, Any],
    step_id: int,
    approvers: Sequence[Approver],
    admins: Sequence[Approver],
    signer: LinkSigner,
    postbox: Postbox,
    *,
    reminder: bool = False,
) -> list[OutgoingMail]:
    if not approvers:
        return [
            postbox.compose(
                "approval_unassigned",
                admin.email,
                admin.locale,
                number=order["number"],
                placed_by=order["placed_by_name"],
                link=postbox.link(f"/orders/{order_id}"),
            )
            for admin in admins
        ]
    # One statement for all the step's links; RETURNING keeps the order of the VALUES rows.
    created = await ApprovalLink.insert(
        *(ApprovalLink(step=step_id, approver=approver.user_id) for approver in approvers)
    ).returning(ApprovalLink.id, ApprovalLink.approver)
    link_ids = {row["approver"]: row["id"] for row in created}
    return [
        _request_mail(
            postbox,
            approver,
            order,
            postbox.link(f"/approvals/{signer.sign(LINK_PURPOSE, link_ids[approver.user_id])}"),
            reminder,
        )
        for approver in approvers
    ]


def _request_mail(
    postbox: Postbox, approver: Approver, order: Mapping[str, Any], link: str, reminder: bool
) -> OutgoingMail:
    return postbox.compose(
        "approval_request",
        approver.email,
        approver.locale,
        number=order["number"],
        company=order["company_name"],
        placed_by=order["placed_by_name"],
        net_total=Decimal(str(order["net_total"])),
        currency=order["currency"],
        link=link,
        reminder=reminder,
    )


async def request_first_approval(
    order_id: int,
    approvers_needed: int,
    signer: LinkSigner,
    postbox: Postbox,
    *,
    order: Mapping[str, Any] | None = None,
    members: Sequence[Member] | None = None,
) -> list[OutgoingMail]:
    """Create the order's steps and email the first one's approvers. Inside the order's
    transaction. Checkout passes what it knows already, so nothing is read again: `order` with
    the columns of `_order_facts`, and `members`, the company's active members."""
    now = clock.now()
    steps = await ApprovalStep.insert(
        *(
            ApprovalStep(order=order_id, position=position, requested_at=now)
            for position in range(1, approvers_needed + 1)
        )
    ).returning(ApprovalStep.id)
    if order is None:
        order = await _order_facts(order_id)
    excluded = {int(order["placed_by"])}
    if members is None:
        return await links_for_step(order_id, steps[0]["id"], excluded, signer, postbox)
    approvers = with_role(members, Role.APPROVER, excluded)
    admins = [] if approvers else with_role(members, Role.COMPANY_ADMIN)
    return await _links(order_id, order, steps[0]["id"], approvers, admins, signer, postbox)


# --- Reading a request ------------------------------------------------------------------------


@dataclass(frozen=True)
class StepView:
    position: int
    state: str
    decided_by_name: str
    decided_at: datetime | None
    reason: str


@dataclass(frozen=True)
class ApprovalPage:
    order: OrderDetail
    steps: list[StepView]
    requester_budget: Budget
    approver_name: str
    approver_locale: str
    # Why no decision can be made here, or "" when the buttons are live.
    closed_because: str

    @property
    def can_decide(self) -> bool:
        return not self.closed_because


async def _steps(order_id: int) -> list[StepView]:
    rows = (
        await ApprovalStep.select(
            ApprovalStep.position,
            ApprovalStep.state,
            ApprovalStep.decided_by.name.as_alias("decided_by_name"),
            ApprovalStep.decided_at,
            ApprovalStep.reason,
        )
        .where(ApprovalStep.order == order_id)
        .order_by(ApprovalStep.position)
    )
    return [
        StepView(row["position"], row["state"], row["decided_by_name"] or "", row["decided_at"], row["reason"])
        for row in rows
    ]


async def _link(token: str, signer: LinkSigner) -> dict[str, Any]:
    link_id = signer.unsign(LINK_PURPOSE, token)
    row = (
        await ApprovalLink.select(
            ApprovalLink.id,
            ApprovalLink.used_at,
            ApprovalLink.approver,
            ApprovalLink.approver.name.as_alias("approver_name"),
            ApprovalLink.approver.locale.as_alias("approver_locale"),
            ApprovalLink.step,
            ApprovalLink.step.order.as_alias("order_id"),
            ApprovalLink.step.state.as_alias("step_state"),
            ApprovalLink.step._.order._.company.as_alias("company_id"),
        )
        .where(ApprovalLink.id == link_id)
        .first()
    )
    if row is None:
        raise NotFound(_("This link is invalid or has expired."))
    return row


def _closed_because(order: OrderDetail, steps: list[StepView], link: dict[str, Any]) -> str:
    if order.summary.status != OrderStatus.AWAITING_APPROVAL:
        decided = [step for step in steps if step.state != ApprovalState.PENDING]
        if order.summary.status == OrderStatus.REJECTED and decided:
            return _("%(name)s has already rejected this order.") % {"name": decided[-1].decided_by_name}
        if order.summary.status == OrderStatus.CANCELLED:
            return _("The order was cancelled.")
        return _("This order is already approved.")
    if link["used_at"] is not None:
        return _("You have already used this link.")
    if link["step_state"] != ApprovalState.PENDING:
        decider = next((s.decided_by_name for s in steps if s.state != ApprovalState.PENDING), "?")
        return _("%(name)s has already decided this step.") % {"name": decider}
    return ""


async def open_approval(token: str, signer: LinkSigner) -> ApprovalPage:
    """What the emailed link shows. Reading only: a mail scanner opening it decides nothing."""
    link = await _link(token, signer)
    order = await order_detail(int(link["company_id"]), int(link["order_id"]))
    steps = await _steps(order.summary.id)
    return ApprovalPage(
        order=order,
        steps=steps,
        requester_budget=await budget(order.company_id, order.placed_by_id, await _membership_id(order)),
        approver_name=str(link["approver_name"]),
        approver_locale=str(link["approver_locale"]),
        closed_because=_closed_because(order, steps, link),
    )


async def _membership_id(order: OrderDetail) -> int | None:
    row = (
        await Membership.select(Membership.id)
        .where((Membership.user == order.placed_by_id) & (Membership.company == order.company_id))
        .first()
    )
    return row["id"] if row else None


# --- Deciding --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    order_id: int
    number: str
    approved: bool
    # The order's state after this decision: still awaiting another step, approved, or rejected.
    status: OrderStatus
    mails: tuple[OutgoingMail, ...]


async def decide_by_link(
    token: str, approve: bool, reason: str, ip_address: str, signer: LinkSigner, postbox: Postbox
) -> Decision:
    link = await _link(token, signer)
    return await _decide(
        int(link["order_id"]),
        int(link["approver"]),
        approve,
        reason,
        ip_address,
        signer,
        postbox,
        link_id=int(link["id"]),
    )


async def _decide(
    order_id: int,
    decider_id: int,
    approve: bool,
    reason: str,
    ip_address: str,
    signer: LinkSigner,
    postbox: Postbox,
    *,
    link_id: int | None = None,
) -> Decision:
    reason = reason.strip()
    if not approve and not reason:
        raise Invalid({"reason": _("Say why the order is rejected; the buyer will read it.")})
    if len(reason) > MAX_REASON_LENGTH:
        raise Invalid({"reason": _("Keep the reason under 500 characters.")})
    async with write_transaction(Order._meta.db):
        order = await lock_rows_for_decision(
            Order.select(Order.status, Order.placed_by, Order.company, Order.number).where(Order.id == order_id)
        ).first()
        assert order is not None
        if order["status"] != OrderStatus.AWAITING_APPROVAL:
            raise Conflict(_("Someone has decided this order already; the page shows what happened."))
        steps = (
            await ApprovalStep.select(ApprovalStep.id, ApprovalStep.state, ApprovalStep.decided_by)
            .where(ApprovalStep.order == order_id)
            .order_by(ApprovalStep.position)
        )
        pending = [step for step in steps if step["state"] == ApprovalState.PENDING]
        if not pending:
            # Awaiting approval with no step left to decide: nothing for this decision to change.
            raise Conflict(_("Someone has decided this order already; the page shows what happened."))
        current = pending[0]
        if link_id is not None:
            link = (
                await ApprovalLink.select(ApprovalLink.used_at, ApprovalLink.step)
                .where(ApprovalLink.id == link_id)
                .first()
            )
            assert link is not None
            if link["used_at"] is not None:
                raise Conflict(_("You have already used this link."))
            if link["step"] != current["id"]:
                raise Conflict(_("This step is already decided."))
        if decider_id == order["placed_by"]:
            raise NotAllowed(_("Nobody approves their own order."))
        if decider_id in {step["decided_by"] for step in steps}:
            raise NotAllowed(_("Another approver must decide this step."))
        if decider_id not in {a.user_id for a in await eligible_approvers(order["company"], set())}:
            raise NotAllowed(_("You are no longer an approver of this company."))
        # Approving sends the order on its way: a blocked company orders nothing. Rejecting stays possible.
        if approve and await Company.exists().where(
            (Company.id == order["company"]) & (Company.status == CompanyStatus.BLOCKED)
        ):
            raise Conflict(blocked_from_ordering())
        now = clock.now()
        await ApprovalStep.update(
            {
                ApprovalStep.state: ApprovalState.APPROVED if approve else ApprovalState.REJECTED,
                ApprovalStep.decided_by: decider_id,
                ApprovalStep.decided_at: now,
                ApprovalStep.reason: reason,
            }
        ).where(ApprovalStep.id == current["id"])
        if link_id is not None:
            await ApprovalLink.update({ApprovalLink.used_at: now}).where(ApprovalLink.id == link_id)
        mails: list[OutgoingMail] = []
        if not approve:
            status = OrderStatus.REJECTED
            await record_status(order_id, status, decider_id, reason)
        elif len(pending) > 1:
            status = OrderStatus.AWAITING_APPROVAL
            deciders = {step["decided_by"] for step in steps if step["decided_by"]} | {decider_id, order["placed_by"]}
            # The next step's waiting time, for reminders, starts now.
            await ApprovalStep.update({ApprovalStep.requested_at: now}).where(ApprovalStep.id == pending[1]["id"])
            mails += await links_for_step(order_id, pending[1]["id"], deciders, signer, postbox)
        else:
            status = OrderStatus.APPROVED
            await record_status(order_id, OrderStatus.APPROVED, decider_id, reason)
            await record_status(order_id, OrderStatus.SENT_TO_SELLER, None)
        await audit.record(
            "order.approved" if approve else "order.rejected",
            actor_id=decider_id,
            company_id=order["company"],
            object_type="order",
            object_id=order_id,
            details={"number": order["number"], "reason": reason, "by_link": link_id is not None},
            ip_address=ip_address,
        )
        if status is not OrderStatus.AWAITING_APPROVAL:
            mails.append(await _decision_mail(order_id, approve, reason, postbox))
    if status is OrderStatus.APPROVED:
        # The order went on to the seller: its back office's inbox has it now.
        await announce_notifications(int(order["company"]))
    return Decision(order_id, str(order["number"]), approve, status, tuple(mails))


async def _decision_mail(order_id: int, approved: bool, reason: str, postbox: Postbox) -> OutgoingMail:
    order = await _order_facts(order_id)
    return postbox.compose(
        "order_decided",
        str(order["placed_by_email"]),
        str(order["placed_by_locale"]),
        number=order["number"],
        approved=approved,
        reason=reason,
        link=postbox.link(f"/orders/{order_id}"),
    )


async def decide_in_portal(
    caller: Scope, order_id: int, approve: bool, reason: str, signer: LinkSigner, postbox: Postbox
) -> Decision:
    """The inbox's buttons: the same decision as by link, by the logged-in approver."""
    await order_detail(caller.company_id, order_id)
    return await _decide(order_id, caller.user_id, approve, reason, caller.ip_address, signer, postbox)


@dataclass(frozen=True)
class InboxEntry:
    order_id: int
    number: str
    placed_by_name: str
    net_total: Decimal
    currency: str
    created_at: datetime
    step: int
    steps: int


async def approval_inbox(caller: Scope) -> list[InboxEntry]:
    """Orders of the caller's company waiting for a decision the caller may make."""
    orders = (
        await Order.select(
            Order.id,
            Order.number,
            Order.placed_by,
            Order.placed_by.name.as_alias("placed_by_name"),
            Order.net_total,
            Order.currency,
            Order.created_at,
        )
        .where((Order.company == caller.company_id) & (Order.status == OrderStatus.AWAITING_APPROVAL))
        .order_by(Order.id)
    )
    steps = await ApprovalStep.select(ApprovalStep.order, ApprovalStep.state, ApprovalStep.decided_by).where(
        ApprovalStep.order.is_in([order["id"] for order in orders] or [0])
    )
    entries = []
    for order in orders:
        own = [step for step in steps if step["order"] == order["id"]]
        decided = [step for step in own if step["state"] != ApprovalState.PENDING]
        if order["placed_by"] == caller.user_id or caller.user_id in {step["decided_by"] for step in decided}:
            continue
        entries.append(
            InboxEntry(
                order["id"],
                order["number"],
                order["placed_by_name"],
                Decimal(str(order["net_total"])),
                order["currency"],
                order["created_at"],
                len(decided) + 1,
                len(own),
            )
        )
    return entries


async def approvals_given(order_ids: Sequence[int]) -> dict[int, list[dict[str, str]]]:
    """Who approved each of these orders and when, in step order, for the ERP's order document;
    an order that needed no approval has an empty list."""
    given: dict[int, list[dict[str, str]]] = {order_id: [] for order_id in order_ids}
    if not given:
        return given
    rows = (
        await ApprovalStep.select(
            ApprovalStep.order,
            ApprovalStep.decided_by.name.as_alias("name"),
            ApprovalStep.decided_by.email.as_alias("email"),
            ApprovalStep.decided_at,
        )
        .where(ApprovalStep.order.is_in(list(given)) & (ApprovalStep.state == ApprovalState.APPROVED))
        .order_by(ApprovalStep.position)
    )
    for row in rows:
        given[row["order"]].append(
            {"name": row["name"] or "", "email": row["email"] or "", "approved_at": row["decided_at"].isoformat()}
        )
    return given
