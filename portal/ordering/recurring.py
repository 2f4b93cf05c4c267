"""Recurring orders: a shopping list ordered every N weeks or months from a first date until an
optional end, turned into an order by the worker on its date, as its owner and through the same
limits, credit check and approvals as a checkout; the owner is emailed what happened. The owner
pauses, resumes, skips the next date, changes or deletes the schedule."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from piccolo.columns import Column

from portal import clock
from portal.accounts.companies import blocked_from_ordering, company_profile
from portal.accounts.login import load_scope
from portal.accounts.scope import Scope
from portal.accounts.tables import PaymentMethod
from portal.accounts.tokens import LinkSigner
from portal.errors import Invalid, NotFound
from portal.i18n import gettext as _
from portal.i18n import use_locale
from portal.jobs import JobContext, job
from portal.mail import OutgoingMail, Postbox
from portal.ordering.cart import CartView, priced_lines
from portal.ordering.checkout import OrderRequest, order_problems, submit_order
from portal.ordering.lists import list_detail
from portal.ordering.tables import OrderStatus, RecurringOrder, RecurringUnit, ShoppingListLine
from portal.web.forms import calendar_day, record_id, whole_number

MAX_EVERY = {RecurringUnit.WEEKS: 52, RecurringUnit.MONTHS: 12}


def following_date(current: date, every: int, unit: RecurringUnit) -> date:
    """The next date of a schedule; the 31st of a month falls back to the month's last day."""
    if unit is RecurringUnit.WEEKS:
        return current + timedelta(weeks=every)
    year, month = divmod(current.month - 1 + every, 12)
    year, month = current.year + year, month + 1
    return date(year, month, min(current.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Schedule:
    every: int
    unit: RecurringUnit
    first_on: date
    ends_on: date | None
    delivery_address_id: int
    po_number: str


def parse_schedule(every: str, unit: str, first_on: str, ends_on: str, address: str, po_number: str) -> Schedule:
    errors: dict[str, str] = {}
    if unit not in RecurringUnit.__members__.values():
        errors["unit"] = _("Choose weeks or months.")
    chosen_unit = RecurringUnit(unit) if unit in RecurringUnit.__members__.values() else RecurringUnit.WEEKS
    interval = whole_number(every, minimum=1, maximum=MAX_EVERY[chosen_unit])
    if interval is None:
        errors["every"] = _("Enter how often: 1 to 52 weeks or 1 to 12 months.")
    first = _day(first_on, "first_on", errors)
    if first is not None and first < clock.today():
        errors["first_on"] = _("The first date cannot be in the past.")
    last = _day(ends_on, "ends_on", errors) if ends_on else None
    if first and last and last < first:
        errors["ends_on"] = _("The end cannot come before the first date.")
    if len(po_number) > 60:
        errors["po_number"] = _("Keep the PO number under 60 characters.")
    address_id = record_id(address)
    if address_id is None:
        errors["delivery_address_id"] = _("Choose one of your company's delivery addresses.")
    if errors:
        raise Invalid(errors)
    assert first is not None and interval is not None and address_id is not None
    return Schedule(interval, chosen_unit, first, last, address_id, po_number)


def _day(text: str, field: str, errors: dict[str, str]) -> date | None:
    day = calendar_day(text)
    if day is None:
        errors[field] = _("Enter a date such as 2026-12-01.")
    return day


@dataclass(frozen=True)
class RecurringView:
    id: int
    list_id: int
    list_name: str
    every: int
    unit: str
    next_run_on: date
    ends_on: date | None
    paused: bool
    po_number: str
    last_order_id: int | None
    last_result: str
    delivery_address_id: int

    def as_form(self) -> dict[str, str]:
        return {
            "every": str(self.every),
            "unit": self.unit,
            "first_on": self.next_run_on.isoformat(),
            "ends_on": self.ends_on.isoformat() if self.ends_on else "",
            "delivery_address_id": str(self.delivery_address_id),
            "po_number": self.po_number,
        }

    @property
    def finished(self) -> bool:
        return self.ends_on is not None and self.next_run_on > self.ends_on


async def recurring_orders(caller: Scope) -> list[RecurringView]:
    rows = (
        await RecurringOrder.select(
            *RecurringOrder.all_columns(), RecurringOrder.shopping_list.name.as_alias("list_name")
        )
        .where((RecurringOrder.company == caller.company_id) & (RecurringOrder.owner == caller.user_id))
        .order_by(RecurringOrder.next_run_on)
    )
    return [
        RecurringView(
            row["id"],
            row["shopping_list"],
            row["list_name"],
            row["every"],
            row["unit"],
            row["next_run_on"],
            row["ends_on"],
            bool(row["paused"]),
            row["po_number"],
            row["last_order"],
            row["last_result"],
            row["delivery_address"],
        )
        for row in rows
    ]


async def _own(caller: Scope, recurring_id: int) -> RecurringView:
    for item in await recurring_orders(caller):
        if item.id == recurring_id:
            return item
    raise NotFound(_("This recurring order does not exist."))


async def schedule_list(caller: Scope, list_id: int, schedule: Schedule) -> int:
    """A schedule for a list the caller can read (their own or a shared one)."""
    await list_detail(caller, list_id)
    company = await company_profile(caller)
    if schedule.delivery_address_id not in {address.id for address in company.delivery_addresses}:
        raise Invalid({"delivery_address_id": _("Choose one of your company's delivery addresses.")})
    created = await RecurringOrder.insert(
        RecurringOrder(
            company=caller.company_id,
            owner=caller.user_id,
            shopping_list=list_id,
            every=schedule.every,
            unit=schedule.unit,
            next_run_on=schedule.first_on,
            ends_on=schedule.ends_on,
            delivery_address=schedule.delivery_address_id,
            po_number=schedule.po_number,
        )
    ).returning(RecurringOrder.id)
    return int(created[0]["id"])


async def schedule_of(caller: Scope, recurring_id: int) -> RecurringView:
    return await _own(caller, recurring_id)


async def update_schedule(caller: Scope, recurring_id: int, schedule: Schedule) -> None:
    await _own(caller, recurring_id)
    company = await company_profile(caller)
    if schedule.delivery_address_id not in {address.id for address in company.delivery_addresses}:
        raise Invalid({"delivery_address_id": _("Choose one of your company's delivery addresses.")})
    await RecurringOrder.update(
        {
            RecurringOrder.every: schedule.every,
            RecurringOrder.unit: schedule.unit,
            RecurringOrder.next_run_on: schedule.first_on,
            RecurringOrder.ends_on: schedule.ends_on,
            RecurringOrder.delivery_address: schedule.delivery_address_id,
            RecurringOrder.po_number: schedule.po_number,
        }
    ).where(RecurringOrder.id == recurring_id)


async def set_paused(caller: Scope, recurring_id: int, paused: bool) -> None:
    await _own(caller, recurring_id)
    await RecurringOrder.update({RecurringOrder.paused: paused}).where(RecurringOrder.id == recurring_id)


async def skip_next(caller: Scope, recurring_id: int) -> date:
    item = await _own(caller, recurring_id)
    following = following_date(item.next_run_on, item.every, RecurringUnit(item.unit))
    await RecurringOrder.update({RecurringOrder.next_run_on: following}).where(RecurringOrder.id == recurring_id)
    return following


async def delete_recurring(caller: Scope, recurring_id: int) -> None:
    await _own(caller, recurring_id)
    await RecurringOrder.delete().where(RecurringOrder.id == recurring_id)


async def change_schedule(caller: Scope, recurring_id: int, action: str) -> None:
    """The owner's buttons: pause, resume, skip (the next date) or delete."""
    await _own(caller, recurring_id)
    if action in ("pause", "resume"):
        await set_paused(caller, recurring_id, action == "pause")
    elif action == "skip":
        await skip_next(caller, recurring_id)
    elif action == "delete":
        await delete_recurring(caller, recurring_id)
    else:
        raise NotFound(_("No such action."))


# --- The worker's part ---------------------------------------------------------------------


async def _list_as_lines(owner: Scope, list_id: int) -> CartView:
    """The list priced and checked for its owner today, in the shape a cart has."""
    rows = (
        await ShoppingListLine.select(
            ShoppingListLine.id, ShoppingListLine.product, ShoppingListLine.quantity, ShoppingListLine.note
        )
        .where(ShoppingListLine.shopping_list == list_id)
        .order_by(ShoppingListLine.id)
    )
    return await priced_lines(owner, rows)


async def place_recurring_order(
    recurring_id: int, today: date, signer: LinkSigner, postbox: Postbox
) -> list[OutgoingMail]:
    """Order one due schedule (once per date: the submission key names it) and move it on."""
    row = (
        await RecurringOrder.select(
            *RecurringOrder.all_columns(),
            RecurringOrder.owner.email.as_alias("owner_email"),
            RecurringOrder.owner.locale.as_alias("owner_locale"),
            RecurringOrder.shopping_list.name.as_alias("list_name"),
        )
        .where(RecurringOrder.id == recurring_id)
        .first()
    )
    if row is None:
        return []
    owner = await load_scope(row["owner"], row["company"], "")
    following = following_date(row["next_run_on"], row["every"], RecurringUnit(row["unit"]))
    with use_locale(row["owner_locale"]):
        placed_order: int | None = None
        mails: list[OutgoingMail] = []
        if owner is None or not owner.has_company or not owner.can("cart.edit"):
            result = _("Not placed: you can no longer order for this company.")
        else:
            company = await company_profile(owner)
            address = next((a for a in company.delivery_addresses if a.id == row["delivery_address"]), None)
            lines = await _list_as_lines(owner, row["shopping_list"])
            method = PaymentMethod(company.payment_method)
            problems = await order_problems(owner, lines, method)
            if address is None:
                result = _("Not placed: the delivery address no longer exists.")
            elif company.blocked:
                result = _("Not placed: %(reason)s") % {"reason": blocked_from_ordering()}
            elif problems:
                result = _("Not placed: %(reason)s") % {"reason": " ".join(problems.values())}
            else:
                placed = await submit_order(
                    owner,
                    OrderRequest(
                        lines=lines,
                        address=address,
                        requested_on=None,
                        po_number=row["po_number"],
                        note=_("Recurring order from the list “%(name)s”") % {"name": row["list_name"]},
                        payment_method=method,
                        submission_key=f"recurring-{recurring_id}-{row['next_run_on'].isoformat()}",
                        empties_cart=False,
                    ),
                    company,
                    signer,
                    postbox,
                )
                placed_order = placed.order_id
                mails += placed.mails
                result = (
                    _("Order %(number)s waits for approval.")
                    if placed.status is OrderStatus.AWAITING_APPROVAL
                    else _("Order %(number)s is sent to the seller.")
                ) % {"number": placed.number}
        changes: dict[Column | str, Any] = {
            RecurringOrder.next_run_on: following,
            RecurringOrder.last_result: result[:500],
        }
        if placed_order:
            changes[RecurringOrder.last_order] = placed_order
        await RecurringOrder.update(changes).where(RecurringOrder.id == recurring_id)
        mails.append(
            postbox.compose(
                "recurring_order_run",
                row["owner_email"],
                row["owner_locale"],
                list_name=row["list_name"],
                result=result,
                next_run_on=following if not row["ends_on"] or following <= row["ends_on"] else None,
                link=postbox.link(f"/orders/{placed_order}" if placed_order else "/recurring"),
            )
        )
    return mails


async def due_recurring_orders(today: date) -> list[int]:
    rows = await RecurringOrder.select(RecurringOrder.id, RecurringOrder.next_run_on, RecurringOrder.ends_on).where(
        (RecurringOrder.paused == False) & (RecurringOrder.next_run_on <= today)  # noqa: E712
    )
    return [row["id"] for row in rows if row["ends_on"] is None or row["next_run_on"] <= row["ends_on"]]


@job(cron="5 * * * *")
async def place_due_recurring_orders(ctx: JobContext) -> int:
    """Hourly, so an order missed while the worker was down goes out at the next round."""
    settings = ctx["settings"]
    signer = LinkSigner(settings.resolved_secret_key(), settings.token_max_age_seconds)
    today = clock.today()
    placed = 0
    for recurring_id in await due_recurring_orders(today):
        mails = await place_recurring_order(recurring_id, today, signer, ctx["postbox"])
        await ctx["postbox"].send_all(mails)
        placed += 1
    return placed
