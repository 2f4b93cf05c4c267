"""Carts left with goods in them: after `cart_abandoned_hours` without a change, the seller's CRM
hears of each once (`cart.abandoned` in the outbox) with its lines and net value; a cart changed
after that is a new abandonment when it is left again."""

from __future__ import annotations

from datetime import datetime, timedelta

from piccolo.columns.combination import WhereRaw

from portal import clock
from portal.accounts.login import load_scope
from portal.database import lock_rows_for_decision, write_transaction
from portal.integration.outbox import emit
from portal.jobs import JobContext, job
from portal.ordering.cart import cart_view
from portal.ordering.tables import Cart, CartLine

# At most this many carts per run: the rest wait for the next one (each is priced for its owner).
BATCH = 200


async def signal_abandoned_carts(left_for: timedelta) -> int:
    """Signals every cart with lines unchanged for `left_for` and not signalled since its last
    change; answers how many were signalled."""
    now = clock.now()
    due = (
        await Cart.select(Cart.id, Cart.user, Cart.company, Cart.updated_at)
        .where(
            (Cart.updated_at <= now - left_for)
            # Piccolo compares a column with values only: the one comparison of two columns is raw.
            & WhereRaw("(abandoned_signalled_at IS NULL OR abandoned_signalled_at < updated_at)")
            & Cart.id.is_in(CartLine.select(CartLine.cart))
        )
        .order_by(Cart.id)
        .limit(BATCH)
    )
    signalled = 0
    for cart in due:
        signalled += await _signal(cart["id"], cart["user"], cart["company"], cart["updated_at"], now)
    return signalled


async def _signal(cart_id: int, user_id: int, company_id: int, updated_at: datetime, now: datetime) -> int:
    owner = await load_scope(user_id, company_id, "")
    if owner is None or owner.company_id != company_id:
        # The person left the company: nobody to win back, and their cart is no longer theirs to use.
        return 0
    # Priced as the owner would see it today, before the transaction: pricing only reads.
    view = await cart_view(owner)
    if not view.lines:
        return 0
    async with write_transaction(Cart._meta.db):
        current = await lock_rows_for_decision(Cart.select(Cart.updated_at).where(Cart.id == cart_id)).first()
        # Changed meanwhile: no longer left alone, and its next abandonment will be another one.
        if current is None or current["updated_at"] != updated_at:
            return 0
        await emit(
            "cart.abandoned",
            company_id,
            {
                "cart_id": cart_id,
                "company_id": company_id,
                "user_id": user_id,
                "lines": len(view.lines),
                "net_value": str(view.totals.net),
                "currency": view.totals.currency,
                "last_changed_at": updated_at.isoformat(),
            },
        )
        await Cart.update({Cart.abandoned_signalled_at: now}).where(Cart.id == cart_id)
    return 1


@job(cron="20 * * * *")
async def signal_abandoned_carts_hourly(ctx: JobContext) -> int:
    """Hourly: an abandonment is signalled within an hour of reaching the setting's age."""
    return await signal_abandoned_carts(timedelta(hours=ctx["settings"].cart_abandoned_hours))
