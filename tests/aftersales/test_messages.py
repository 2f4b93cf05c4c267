"""Conversations about a complaint or an order: who writes, who reads, who hears by email, files,
and a customer's answer putting a complaint back under review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from litestar.datastructures import UploadFile

from portal.accounts.roles import Role
from portal.aftersales.complaints import StatusChange, change_status
from portal.aftersales.messages import (
    complaint_thread,
    conversation,
    order_thread,
    post_message,
    unread_count,
)
from portal.aftersales.tables import Attachment, Complaint, ComplaintEvent, Message
from portal.errors import Invalid, NotFound
from portal.mail import Postbox
from tests.aftersales.test_complaints import (
    LIMIT,
    World,
    deliver,
    file_complaint,
    make_world,
    png,
)
from tests.factories import csrf_token, log_in, make_company, make_person
from tests.mailbox import Mailbox


async def _complaint(postbox: Postbox) -> tuple[World, int]:
    world = await make_world([10])
    (line,) = world.order.line_ids
    await deliver(world, {line: 10})
    filed = await file_complaint(world, postbox, {line: 1})
    return world, filed.complaint_id


@pytest.mark.usefixtures("db")
async def test_a_customer_writes_and_the_back_office_reads_it(postbox: Postbox, mailbox: Mailbox) -> None:
    world, complaint_id = await _complaint(postbox)
    buyer, office = await world.buyer_scope(), await world.office_scope()
    mailbox.clear()

    posted = await post_message(
        buyer,
        await complaint_thread(buyer, complaint_id),
        "Zdjęcie w załączniku.",
        [png()],
        postbox,
        max_upload_bytes=LIMIT,
    )
    assert posted.mails == ()

    thread = await complaint_thread(office, complaint_id)
    assert await unread_count(office, thread) == 1
    seen = await conversation(office, thread)
    assert [(m.body, m.from_seller, m.new) for m in seen.messages] == [("Zdjęcie w załączniku.", False, True)]
    assert [a.filename for a in seen.messages[0].attachments] == ["photo.png"]
    assert seen.messages[0].author_name.startswith("Person")
    assert await unread_count(office, thread) == 0
    assert not (await conversation(office, thread)).messages[0].new
    assert await unread_count(buyer, await complaint_thread(buyer, complaint_id)) == 0


@pytest.mark.usefixtures("db")
async def test_the_sellers_answer_emails_the_submitter(postbox: Postbox, mailbox: Mailbox) -> None:
    world, complaint_id = await _complaint(postbox)
    office = await world.office_scope()

    posted = await post_message(
        office,
        await complaint_thread(office, complaint_id),
        "Prosimy o numer partii.",
        [],
        postbox,
        max_upload_bytes=LIMIT,
    )
    await postbox.send_all(posted.mails)

    mail = mailbox.last_to(world.buyer.email)
    assert "New message about complaint" in mail["Subject"]
    assert "Prosimy o numer partii." in Mailbox.text_of(mail)
    assert f"/complaints/{complaint_id}" in Mailbox.text_of(mail)


@pytest.mark.usefixtures("db")
async def test_an_answer_to_the_back_offices_question_puts_the_complaint_back_under_review(postbox: Postbox) -> None:
    world, complaint_id = await _complaint(postbox)
    buyer, office = await world.buyer_scope(), await world.office_scope()
    await change_status(office, complaint_id, StatusChange("under_review"), [], postbox, max_upload_bytes=LIMIT)
    await change_status(
        office,
        complaint_id,
        StatusChange("more_information", note="Numer partii?"),
        [],
        postbox,
        max_upload_bytes=LIMIT,
    )

    await post_message(
        buyer, await complaint_thread(buyer, complaint_id), "Partia 2026/11.", [], postbox, max_upload_bytes=LIMIT
    )

    row = (
        await Complaint.select(Complaint.status, Complaint.response_due_at).where(Complaint.id == complaint_id).first()
    )
    assert row is not None and row["status"] == "under_review"
    assert row["response_due_at"] > datetime.now(UTC) + timedelta(hours=71)
    last = await ComplaintEvent.select().order_by(ComplaintEvent.id, ascending=False).first()
    assert last is not None and (last["status"], last["actor"]) == ("under_review", world.buyer.user_id)


@pytest.mark.usefixtures("db")
async def test_an_empty_message_or_a_refused_file_stores_nothing(postbox: Postbox) -> None:
    world, complaint_id = await _complaint(postbox)
    buyer = await world.buyer_scope()
    thread = await complaint_thread(buyer, complaint_id)
    bad = UploadFile(content_type="application/pdf", filename="umowa.pdf", file_data=b"<html>nope</html>")

    with pytest.raises(Invalid) as empty:
        await post_message(buyer, thread, "  ", [], postbox, max_upload_bytes=LIMIT)
    assert "Write a message or attach a file." in empty.value.errors["body"]
    with pytest.raises(Invalid) as refused:
        await post_message(buyer, thread, "Umowa", [bad], postbox, max_upload_bytes=LIMIT)
    assert "umowa.pdf" in refused.value.errors["files"]
    assert await Message.count() == 0
    assert await Attachment.count().where(Attachment.message.is_not_null()) == 0


@pytest.mark.usefixtures("db")
async def test_an_orders_conversation_belongs_to_its_company(postbox: Postbox, mailbox: Mailbox) -> None:
    world = await make_world([2])
    office = await world.office_scope()
    stranger = await make_person(await make_company(), Role.BUYER)

    with pytest.raises(NotFound):
        await order_thread(await stranger.scope(), world.order.id)
    with pytest.raises(NotFound):
        await complaint_thread(await stranger.scope(), 999_999)
    posted = await post_message(
        office, await order_thread(office, world.order.id), "Dostawa w piątek.", [], postbox, max_upload_bytes=LIMIT
    )
    await postbox.send_all(posted.mails)

    assert "New message about order" in mailbox.last_to(world.buyer.email)["Subject"]
    buyer = await world.buyer_scope()
    assert [m.body for m in (await conversation(buyer, await order_thread(buyer, world.order.id))).messages] == [
        "Dostawa w piątek."
    ]


async def test_a_message_sent_from_the_page_comes_back_in_the_conversation(client: httpx.AsyncClient) -> None:
    world = await make_world([2])
    await log_in(client, world.buyer.email)
    token = csrf_token((await client.get("/orders")).text)

    sent = await client.post(
        f"/orders/{world.order.id}/messages",
        data={"_csrf_token": token, "body": "Czy można dołożyć paletę?"},
        files=[("files", ("", b"", "application/octet-stream"))],
        headers={"HX-Request": "true"},
    )
    assert sent.status_code == 200
    assert "Czy można dołożyć paletę?" in sent.text
    assert 'sse-connect="/live"' in sent.text and f"sse:thread-order-{world.order.id}" in sent.text

    empty = await client.post(
        f"/orders/{world.order.id}/messages",
        data={"_csrf_token": token, "body": ""},
        headers={"HX-Request": "true"},
    )
    assert empty.status_code == 422
    assert "Write a message or attach a file." in empty.text

    fragment = await client.get(f"/orders/{world.order.id}/messages", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "Czy można dołożyć paletę?" in fragment.text and "<form" not in fragment.text
