"""Approvals that wait too long: the approvers get a fresh link again, later the company's
administrators are told. Found in the database by a periodic job, so a restart loses nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal import clock
from portal.accounts.tokens import LinkSigner
from portal.approvals.requests import links_for_step
from portal.approvals.rules import company_admins
from portal.approvals.tables import ApprovalState, ApprovalStep
from portal.jobs import JobContext, job
from portal.mail import OutgoingMail, Postbox
from portal.ordering.tables import Order, OrderStatus


async def remind_and_escalate(
    now: datetime, remind_after: timedelta, escalate_after: timedelta, signer: LinkSigner, postbox: Postbox
) -> list[OutgoingMail]:
    waiting = await ApprovalStep.select(
        ApprovalStep.id,
        ApprovalStep.order,
        ApprovalStep.requested_at,
        ApprovalStep.reminded_at,
        ApprovalStep.escalated_at,
        ApprovalStep.order.number.as_alias("number"),
        ApprovalStep.order.company.as_alias("company"),
        ApprovalStep.order._.placed_by._.name.as_alias("placed_by_name"),
    ).where(
        (ApprovalStep.state == ApprovalState.PENDING)
        & (ApprovalStep.order.status == OrderStatus.AWAITING_APPROVAL)
        & (ApprovalStep.requested_at <= now - remind_after)
        & (ApprovalStep.reminded_at.is_null() | ApprovalStep.escalated_at.is_null())
    )
    current = await _current_steps([step["order"] for step in waiting])
    mails: list[OutgoingMail] = []
    for step in waiting:
        if current.get(step["order"]) != step["id"]:
            continue
        if step["reminded_at"] is None:
            decided = await _deciders(step["order"])
            mails += await links_for_step(step["order"], step["id"], decided, signer, postbox, reminder=True)
            await ApprovalStep.update({ApprovalStep.reminded_at: now}).where(ApprovalStep.id == step["id"])
        if step["escalated_at"] is None and step["requested_at"] <= now - escalate_after:
            mails += [
                postbox.compose(
                    "approval_escalated",
                    admin.email,
                    admin.locale,
                    number=step["number"],
                    placed_by=step["placed_by_name"],
                    since=step["requested_at"],
                    link=postbox.link(f"/orders/{step['order']}"),
                )
                for admin in await company_admins(step["company"])
            ]
            await ApprovalStep.update({ApprovalStep.escalated_at: now}).where(ApprovalStep.id == step["id"])
    return mails


async def _current_steps(order_ids: list[int]) -> dict[int, int]:
    """Each order's first pending step: only that one is waiting for someone."""
    steps = (
        await ApprovalStep.select(ApprovalStep.id, ApprovalStep.order)
        .where(ApprovalStep.order.is_in(order_ids or [0]) & (ApprovalStep.state == ApprovalState.PENDING))
        .order_by(ApprovalStep.position)
    )
    current: dict[int, int] = {}
    for step in steps:
        current.setdefault(step["order"], step["id"])
    return current


async def _deciders(order_id: int) -> set[int]:
    placed = await Order.select(Order.placed_by).where(Order.id == order_id).first()
    steps = await ApprovalStep.select(ApprovalStep.decided_by).where(ApprovalStep.order == order_id)
    return {step["decided_by"] for step in steps if step["decided_by"]} | ({placed["placed_by"]} if placed else set())


@job(cron="*/10 * * * *")
async def remind_waiting_approvals(ctx: JobContext) -> int:
    settings = ctx["settings"]
    mails = await remind_and_escalate(
        clock.now(),
        timedelta(hours=settings.approval_reminder_hours),
        timedelta(hours=settings.approval_escalation_hours),
        LinkSigner(settings.resolved_secret_key(), settings.token_max_age_seconds),
        ctx["postbox"],
    )
    await ctx["postbox"].send_all(mails)
    return len(mails)
