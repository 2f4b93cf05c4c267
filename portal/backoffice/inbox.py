"""The back office's inbox: what customers did that the seller's staff should look at (a new
order, a complaint, a message on an order or a complaint), each person's read marks, and the
email that tells the back office of each one.

A notification is written by the capability where the thing happens, inside that transaction
(`notify`), announced after the commit (`announce_notifications`), and mailed by a job
(`notification_mails_due`), so a rolled-back order tells nobody and a committed one is never
forgotten. Who sees a notification is `customers_seen_by`: the back office every customer's, a
sales rep only their own customers'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.custom_types import Combinable

from portal import clock
from portal.accounts.customer_scope import customers_seen_by
from portal.accounts.roles import Permission, Role
from portal.accounts.scope import Scope
from portal.accounts.tables import CompanyKind, Membership
from portal.backoffice.tables import Notification, NotificationKind, NotificationRead
from portal.config import Settings
from portal.database import lock_rows_for_decision, write_transaction
from portal.errors import NotAllowed, NotFound
from portal.i18n import gettext as _
from portal.live import announce
from portal.mail import OutgoingMail, Postbox
from portal.web.forms import record_id

PAGE_SIZE = 50
EXCERPT_LENGTH = 200
# The name announced on the seller's live channel when a notification is written: the header's
# count and the inbox's list refresh on it.
LIVE_EVENT = "inbox"
DEFAULT_MAIL_LOCALE = "pl"


def kind_label(kind: str) -> str:
    labels = {
        NotificationKind.ORDER_PLACED: _("New order"),
        NotificationKind.COMPLAINT_FILED: _("New complaint"),
        NotificationKind.CUSTOMER_MESSAGE: _("Customer's message"),
    }
    return labels[NotificationKind(kind)] if kind in NotificationKind.__members__.values() else kind


def excerpt_of(text: str) -> str:
    """The start of a message, on one line, for a list and a mail subject's neighbour."""
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_LENGTH else flat[: EXCERPT_LENGTH - 1].rstrip() + "…"


def may_use_inbox(caller: Scope) -> bool:
    """The seller's staff who look after customers: the back office, its administrators, reps."""
    return caller.is_seller and caller.can(Permission.CUSTOMERS_VIEW)


# --- Writing ---------------------------------------------------------------------------------


async def notify(
    kind: NotificationKind,
    company_id: int,
    *,
    number: str,
    actor_id: int | None,
    order_id: int | None = None,
    complaint_id: int | None = None,
    excerpt: str = "",
) -> None:
    """Write a notification; call inside the transaction of what it tells of, and
    `announce_notifications` once that has committed."""
    await Notification.insert(
        Notification(
            kind=kind,
            company=company_id,
            about_order=order_id,
            about_complaint=complaint_id,
            number=number[:40],
            actor=actor_id,
            excerpt=excerpt_of(excerpt),
            created_at=clock.now(),
        )
    )


async def announce_notifications(company_id: int) -> None:
    """After the commit: open inboxes and headers of those who see the company refresh."""
    await announce(company_id, LIVE_EVENT)


# --- Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    kind: str = ""
    unread: bool = False
    # Keyset paging: the notifications older than this one.
    before: int | None = None

    @classmethod
    def from_parameters(cls, parameters: dict[str, str]) -> InboxFilters:
        kind = parameters.get("kind", "")
        return cls(
            kind=kind if kind in NotificationKind.__members__.values() else "",
            unread=parameters.get("unread") == "1",
            before=record_id(parameters.get("before", "")),
        )

    def query(self, **changes: Any) -> str:
        """The filters as a query string, for links to another page of the same list."""
        values = {"kind": self.kind, "unread": "1" if self.unread else "", **changes}
        return "&".join(f"{name}={value}" for name, value in values.items() if value)


@dataclass(frozen=True)
class InboxEntry:
    id: int
    kind: str
    company_name: str
    number: str
    actor_name: str
    excerpt: str
    created_at: datetime
    order_id: int | None
    complaint_id: int | None
    unread: bool

    @property
    def label(self) -> str:
        return kind_label(self.kind)

    @property
    def link(self) -> str:
        return notification_link(self.kind, self.order_id, self.complaint_id)


def notification_link(kind: str, order_id: int | None, complaint_id: int | None) -> str:
    """Where the seller's staff see the thing: the complaint's page (a complaint's message too),
    else the seller's page of the order with its conversation."""
    if complaint_id is not None:
        return f"/complaints/{complaint_id}"
    return f"/office/orders/{order_id}"


def _require_inbox(caller: Scope) -> None:
    if not may_use_inbox(caller):
        raise NotAllowed(_("Only the seller's staff have an inbox."))


def _unread_by(caller: Scope) -> Combinable:
    return Notification.id.not_in(
        NotificationRead.select(NotificationRead.notification).where(NotificationRead.reader == caller.user_id)
    )


def _visible(caller: Scope, filters: InboxFilters) -> Combinable:
    condition: Combinable = customers_seen_by(caller, Notification.company)
    if filters.kind:
        condition &= Notification.kind == filters.kind
    if filters.unread:
        condition &= _unread_by(caller)
    return condition


async def inbox(caller: Scope, filters: InboxFilters) -> tuple[list[InboxEntry], bool]:
    """One page, newest first, and whether an older page exists (one row more is fetched)."""
    _require_inbox(caller)
    condition = _visible(caller, filters)
    if filters.before is not None:
        condition &= Notification.id < filters.before
    rows = (
        await Notification.select(
            Notification.id,
            Notification.kind,
            Notification.company.name.as_alias("company_name"),
            Notification.number,
            Notification.actor.name.as_alias("actor_name"),
            Notification.excerpt,
            Notification.created_at,
            Notification.about_order,
            Notification.about_complaint,
        )
        .where(condition)
        .order_by(Notification.id, ascending=False)
        .limit(PAGE_SIZE + 1)
    )
    shown = rows[:PAGE_SIZE]
    read = (
        set(
            await NotificationRead.select(NotificationRead.notification)
            .where(
                (NotificationRead.reader == caller.user_id)
                & NotificationRead.notification.is_in([row["id"] for row in shown])
            )
            .output(as_list=True)
        )
        if shown
        else set()
    )
    return [
        InboxEntry(
            id=row["id"],
            kind=row["kind"],
            company_name=row["company_name"],
            number=row["number"],
            actor_name=row["actor_name"] or "",
            excerpt=row["excerpt"],
            created_at=row["created_at"],
            order_id=row["about_order"],
            complaint_id=row["about_complaint"],
            unread=row["id"] not in read,
        )
        for row in shown
    ], len(rows) > PAGE_SIZE


async def unread_count(caller: Scope) -> int:
    """The caller's unread notifications, in one statement; 0 for whoever has no inbox."""
    if not may_use_inbox(caller):
        return 0
    return int(await Notification.count().where(customers_seen_by(caller, Notification.company) & _unread_by(caller)))


# Read marks per INSERT: three values each, well under SQLite's limit on a statement's values.
MARKS_PER_STATEMENT = 500


async def _mark(caller: Scope, notification_ids: list[int]) -> None:
    now = clock.now()
    async with write_transaction(NotificationRead._meta.db):
        for start in range(0, len(notification_ids), MARKS_PER_STATEMENT):
            chunk = notification_ids[start : start + MARKS_PER_STATEMENT]
            # The unique (reader, notification) index makes a second click, or a race, a no-op.
            await NotificationRead.insert(
                *(NotificationRead(notification=id_, reader=caller.user_id, read_at=now) for id_ in chunk)
            ).on_conflict(action="DO NOTHING")


async def mark_read(caller: Scope, notification_id: int) -> str:
    """The caller has read this notification; answers where it leads. Another company's, or one
    of a customer a rep does not look after, is not found."""
    row = (
        await Notification.select(Notification.kind, Notification.about_order, Notification.about_complaint)
        .where((Notification.id == notification_id) & customers_seen_by(caller, Notification.company))
        .first()
        if caller.is_seller
        else None
    )
    if row is None:
        raise NotFound(_("This notification does not exist."))
    _require_inbox(caller)
    await _mark(caller, [notification_id])
    return notification_link(row["kind"], row["about_order"], row["about_complaint"])


async def mark_all_read(caller: Scope, filters: InboxFilters) -> int:
    """Every unread notification the filters show (of every page) is read; answers how many."""
    _require_inbox(caller)
    unread = InboxFilters(kind=filters.kind, unread=True)
    ids = await Notification.select(Notification.id).where(_visible(caller, unread)).output(as_list=True)
    await _mark(caller, list(ids))
    return len(ids)


# --- Mail ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    email: str
    locale: str


async def back_office_recipients(settings: Settings) -> list[Recipient]:
    """The shared mailbox when one is set, else every active person with the back-office role."""
    if settings.back_office_email:
        return [Recipient(settings.back_office_email, DEFAULT_MAIL_LOCALE)]
    rows = await Membership.select(
        Membership.roles,
        Membership.user.email.as_alias("email"),
        Membership.user.locale.as_alias("locale"),
    ).where(
        (Membership.company.kind == CompanyKind.SELLER)
        & Membership.is_active.eq(True)
        & (Membership.user.is_active == True)  # noqa: E712 - Piccolo turns == into SQL
    )
    found = {row["email"]: row["locale"] or DEFAULT_MAIL_LOCALE for row in rows if Role.BACK_OFFICE in row["roles"]}
    return [Recipient(email, locale) for email, locale in sorted(found.items())]


async def notification_mails_due(settings: Settings, postbox: Postbox) -> list[OutgoingMail]:
    """The mails of notifications not mailed yet, one per notification and recipient; from here
    they count as mailed (the caller sends them, queueing any the server refuses)."""
    async with write_transaction(Notification._meta.db):
        due = await lock_rows_for_decision(
            Notification.select(Notification.id).where(Notification.mail_due.eq(True)).order_by(Notification.id)
        )
        if not due:
            return []
        ids = [row["id"] for row in due]
        await Notification.update({Notification.mail_due: False}).where(Notification.id.is_in(ids))
        rows = (
            await Notification.select(
                Notification.kind,
                Notification.number,
                Notification.excerpt,
                Notification.about_order,
                Notification.about_complaint,
                Notification.company.name.as_alias("company_name"),
                Notification.actor.name.as_alias("actor_name"),
            )
            .where(Notification.id.is_in(ids))
            .order_by(Notification.id)
        )
        recipients = await back_office_recipients(settings)
        # Composed before the commit: a mail that cannot be made leaves its notification due.
        return [
            postbox.compose(
                "back_office_notice",
                recipient.email,
                recipient.locale,
                kind=row["kind"],
                number=row["number"],
                company_name=row["company_name"],
                actor_name=row["actor_name"] or "",
                excerpt=row["excerpt"],
                link=postbox.link(notification_link(row["kind"], row["about_order"], row["about_complaint"])),
            )
            for row in rows
            for recipient in recipients
        ]
