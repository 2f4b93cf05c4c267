"""Conversations between a customer's users and the seller's back office about a complaint or an
order: messages with files, how far each person has read, word by email to the customer when
the seller writes, the back office's notification (and its mail) when the customer writes, and
every message's outbox event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from litestar.datastructures import UploadFile
from piccolo.querystring import QueryString

from portal.accounts.customer_scope import customers_seen_by
from portal.accounts.scope import Scope
from portal.aftersales.attachments import AttachmentView, attachments_of, check_uploads, save_attachment
from portal.aftersales.complaints import reopen_after_customer_answer
from portal.aftersales.tables import AttachmentPurpose, Complaint, Message, ThreadRead
from portal.backoffice.inbox import NotificationKind, announce_notifications, excerpt_of, notify
from portal.database import write_transaction
from portal.errors import Invalid, NotFound
from portal.i18n import gettext as _
from portal.integration.outbox import emit
from portal.live import announce
from portal.mail import OutgoingMail, Postbox
from portal.ordering.tables import Order

MAX_BODY_LENGTH = 5000
COMPLAINT = "complaint"
ORDER = "order"


@dataclass(frozen=True)
class Thread:
    """A conversation the caller may see, named by what it is about."""

    kind: str
    object_id: int
    company_id: int
    number: str
    # Who hears by email when the seller writes: the complaint's submitter, the order's placer.
    owner_email: str
    owner_locale: str
    company_name: str
    # The order the conversation is about, or the complaint is of.
    order_id: int | None
    order_number: str

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.object_id}"

    @property
    def live_event(self) -> str:
        return f"thread-{self.kind}-{self.object_id}"

    @property
    def page_path(self) -> str:
        return f"/{'complaints' if self.kind == COMPLAINT else 'orders'}/{self.object_id}"

    @property
    def messages_path(self) -> str:
        return f"{self.page_path}/messages"

    def page_for(self, caller: Scope) -> str:
        """The page of the conversation for this caller: the seller's staff have their own page
        of a customer's order (the customer's order page is for the customer's people)."""
        return f"/office/orders/{self.object_id}" if self.kind == ORDER and caller.is_seller else self.page_path


async def complaint_thread(caller: Scope, complaint_id: int) -> Thread:
    row = (
        await Complaint.select(
            Complaint.company,
            Complaint.number,
            Complaint.submitted_by.email.as_alias("email"),
            Complaint.submitted_by.locale.as_alias("locale"),
            Complaint.company.name.as_alias("company_name"),
            Complaint.order,
            Complaint.order.number.as_alias("order_number"),
        )
        .where((Complaint.id == complaint_id) & customers_seen_by(caller, Complaint.company))
        .first()
    )
    if row is None:
        raise NotFound(_("This complaint does not exist."))
    return Thread(
        COMPLAINT,
        complaint_id,
        row["company"],
        row["number"],
        row["email"],
        row["locale"],
        row["company_name"],
        row["order"],
        row["order_number"] or "",
    )


async def order_thread(caller: Scope, order_id: int) -> Thread:
    row = (
        await Order.select(
            Order.company,
            Order.number,
            Order.placed_by.email.as_alias("email"),
            Order.placed_by.locale.as_alias("locale"),
            Order.company.name.as_alias("company_name"),
        )
        .where((Order.id == order_id) & customers_seen_by(caller, Order.company))
        .first()
    )
    if row is None:
        raise NotFound(_("This order does not exist."))
    return Thread(
        ORDER,
        order_id,
        row["company"],
        row["number"],
        row["email"],
        row["locale"],
        row["company_name"],
        order_id,
        row["number"],
    )


@dataclass(frozen=True)
class MessageView:
    id: int
    author_name: str
    from_seller: bool
    body: str
    created_at: datetime
    attachments: list[AttachmentView]
    # Written by the other side after the reader last looked.
    new: bool


@dataclass(frozen=True)
class Conversation:
    thread: Thread
    messages: list[MessageView]


async def _last_read(reader_id: int, thread: Thread) -> int:
    row = (
        await ThreadRead.select(ThreadRead.last_read_message)
        .where((ThreadRead.reader == reader_id) & (ThreadRead.thread == thread.name))
        .first()
    )
    return row["last_read_message"] if row else 0


async def conversation(caller: Scope, thread: Thread) -> Conversation:
    """The messages, oldest first; reading them moves the caller's read mark, which is the
    reader's own bookkeeping and changes nothing of the matter itself."""
    rows = (
        await Message.select(
            Message.id,
            Message.author.name.as_alias("author_name"),
            Message.from_seller,
            Message.body,
            Message.created_at,
        )
        .where((Message.thread == thread.name) & (Message.company == thread.company_id))
        .order_by(Message.id)
    )
    last_read = await _last_read(caller.user_id, thread)
    files = await attachments_of(message_ids=[row["id"] for row in rows]) if rows else {}
    messages = [
        MessageView(
            id=row["id"],
            author_name=row["author_name"],
            from_seller=row["from_seller"],
            body=row["body"],
            created_at=row["created_at"],
            attachments=files.get(row["id"], []),
            new=row["id"] > last_read and row["from_seller"] != caller.is_seller,
        )
        for row in rows
    ]
    if messages and messages[-1].id > last_read:
        await _mark_read(caller.user_id, thread, messages[-1].id)
    return Conversation(thread, messages)


async def _mark_read(reader_id: int, thread: Thread, message_id: int) -> None:
    # One upsert on the unique (reader, thread) index; a mark never moves back, even when an
    # older page's request arrives after a newer one.
    await ThreadRead.raw(
        "{}",
        QueryString(
            "INSERT INTO thread_read (reader, thread, last_read_message) VALUES ({}, {}, {})"
            " ON CONFLICT (reader, thread) DO UPDATE SET last_read_message = CASE"
            " WHEN excluded.last_read_message > thread_read.last_read_message"
            " THEN excluded.last_read_message ELSE thread_read.last_read_message END",
            reader_id,
            thread.name,
            message_id,
        ),
    )


async def unread_count(caller: Scope, thread: Thread) -> int:
    """Messages of the other side the caller has not seen yet."""
    last_read = await _last_read(caller.user_id, thread)
    return await Message.count().where(
        (Message.thread == thread.name)
        & (Message.company == thread.company_id)
        & (Message.id > last_read)
        & (Message.from_seller != caller.is_seller)
    )


@dataclass(frozen=True)
class PostedMessage:
    message_id: int
    mails: tuple[OutgoingMail, ...]


async def post_message(
    caller: Scope,
    thread: Thread,
    body: str,
    files: Sequence[UploadFile | str],
    postbox: Postbox,
    *,
    max_upload_bytes: int,
) -> PostedMessage:
    text = body.strip()
    checked = await check_uploads(files, "files", max_upload_bytes)
    if not text and not checked:
        raise Invalid({"body": _("Write a message or attach a file.")})
    if len(text) > MAX_BODY_LENGTH:
        raise Invalid({"body": _("A message may have at most %(num)d characters.") % {"num": MAX_BODY_LENGTH}})

    reopened = False
    async with write_transaction(Message._meta.db):
        created = await Message.insert(
            Message(
                company=thread.company_id,
                thread=thread.name,
                author=caller.user_id,
                from_seller=caller.is_seller,
                body=text,
            )
        ).returning(Message.id)
        message_id = created[0]["id"]
        for file in checked:
            purpose = AttachmentPurpose.PHOTO if file.content_type.startswith("image/") else AttachmentPurpose.DOCUMENT
            await save_attachment(
                file, company_id=thread.company_id, purpose=purpose, uploaded_by=caller.user_id, message_id=message_id
            )
        if thread.kind == COMPLAINT and not caller.is_seller:
            reopened = await reopen_after_customer_answer(thread.object_id, caller.user_id)
        await _signal(caller, thread, message_id, text, has_files=bool(checked))
    await announce(thread.company_id, thread.live_event, *([f"complaint-{thread.object_id}"] if reopened else []))
    if not caller.is_seller:
        await announce_notifications(thread.company_id)
    return PostedMessage(message_id, _mails_for(caller, thread, text, postbox))


async def _signal(caller: Scope, thread: Thread, message_id: int, text: str, *, has_files: bool) -> None:
    """The outbox event of every message and, for a customer's, the back office's notification;
    inside the message's transaction."""
    await emit(
        "message.created",
        thread.company_id,
        {
            "message_id": message_id,
            "thread": thread.name,
            "order_id": thread.order_id,
            "order_number": thread.order_number,
            "complaint_id": thread.object_id if thread.kind == COMPLAINT else None,
            "complaint_number": thread.number if thread.kind == COMPLAINT else None,
            "author_side": "seller" if caller.is_seller else "customer",
            "author_id": caller.user_id,
            "excerpt": excerpt_of(text),
            "has_files": has_files,
        },
    )
    if not caller.is_seller:
        await notify(
            NotificationKind.CUSTOMER_MESSAGE,
            thread.company_id,
            number=thread.number,
            actor_id=caller.user_id,
            order_id=thread.order_id,
            complaint_id=thread.object_id if thread.kind == COMPLAINT else None,
            excerpt=text,
        )


def _mails_for(caller: Scope, thread: Thread, text: str, postbox: Postbox) -> tuple[OutgoingMail, ...]:
    if not caller.is_seller:
        return ()
    return (
        postbox.compose(
            "conversation_message",
            thread.owner_email,
            thread.owner_locale,
            kind=thread.kind,
            number=thread.number,
            author=caller.name,
            body=text,
            link=postbox.link(thread.page_path),
        ),
    )
