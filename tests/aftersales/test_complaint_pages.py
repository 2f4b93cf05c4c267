"""Complaint pages as people use them: filing with a photo, the back office's queue and steps,
and what another company or a customer may not reach."""

from __future__ import annotations

from io import BytesIO

import httpx
from PIL import Image

from portal.accounts.roles import Role
from portal.aftersales.tables import Attachment, Complaint, ComplaintStatus
from tests.aftersales.test_complaints import World, deliver, make_world
from tests.factories import csrf_token, log_in, make_company, make_person
from tests.mailbox import Mailbox


def png_bytes() -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, format="PNG")
    return out.getvalue()


async def _token(client: httpx.AsyncClient, path: str) -> str:
    return csrf_token((await client.get(path)).text)


async def _file_through_the_form(
    client: httpx.AsyncClient, world: World, quantity: str, photo: tuple[str, bytes, str] | None = None
) -> httpx.Response:
    line = world.order.line_ids[0]
    token = await _token(client, f"/complaints/new?order={world.order.id}")
    return await client.post(
        "/complaints",
        data={
            "_csrf_token": token,
            "order": str(world.order.id),
            f"quantity-{line}": quantity,
            "reason": "defective",
            "wanted_resolution": "credit_note",
            "description": "Silnik nie startuje.",
        },
        files=[("photos", photo)] if photo else [("photos", ("", b"", "application/octet-stream"))],
    )


async def _delivered_world(client: httpx.AsyncClient) -> World:
    world = await make_world([10, 5])
    await deliver(world, {world.order.line_ids[0]: 10})
    await log_in(client, world.buyer.email)
    return world


async def test_a_buyer_files_a_complaint_with_a_photo(client: httpx.AsyncClient, mailbox: Mailbox) -> None:
    world = await _delivered_world(client)

    form = await client.get(f"/complaints/new?order={world.order.id}")
    assert form.status_code == 200
    assert "Damaged in transport" in form.text and "until" in form.text
    response = await _file_through_the_form(client, world, "2", ("uszkodzenie.png", png_bytes(), "image/png"))

    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    complaint = await Complaint.select(Complaint.id, Complaint.number).first()
    assert complaint is not None
    assert complaint["number"] in page.text
    attachment = await Attachment.select(Attachment.id).first()
    assert attachment is not None and f'href="/files/{attachment["id"]}"' in page.text
    assert "uszkodzenie.png" in page.text
    assert complaint["number"] in mailbox.last_to(world.buyer.email)["Subject"]
    listed = await client.get("/complaints")
    assert complaint["number"] in listed.text


async def test_a_refused_photo_is_named_in_the_form_and_nothing_is_stored(client: httpx.AsyncClient) -> None:
    world = await _delivered_world(client)

    response = await _file_through_the_form(client, world, "2", ("photo.png", b"GIF89a but not really", "image/png"))

    assert response.status_code == 422
    assert "photo.png" in response.text and "nothing was filed yet" in response.text
    assert 'value="2"' in response.text
    assert await Complaint.count() == 0 and await Attachment.count() == 0


async def test_more_than_was_delivered_is_refused_in_the_form(client: httpx.AsyncClient) -> None:
    world = await _delivered_world(client)

    response = await _file_through_the_form(client, world, "11")

    assert response.status_code == 422
    assert "At most 10 can be complained about" in response.text
    assert await Complaint.count() == 0


async def test_an_order_with_nothing_delivered_says_so(client: httpx.AsyncClient) -> None:
    world = await make_world([3])
    await log_in(client, world.buyer.email)

    response = await client.get(f"/complaints/new?order={world.order.id}")

    assert response.status_code == 409
    assert "has been delivered yet" in response.text


async def test_the_back_office_queue_shows_the_overdue_and_moves_a_complaint(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    world = await _delivered_world(client)
    await _file_through_the_form(client, world, "1")
    complaint = await Complaint.select(Complaint.id, Complaint.number).first()
    assert complaint is not None
    await Complaint.update({Complaint.response_due_at: Complaint.created_at}).where(Complaint.id == complaint["id"])
    await client.post("/logout", data={"_csrf_token": await _token(client, "/")})
    await log_in(client, world.office.email)

    queue = await client.get("/office/complaints")
    assert queue.status_code == 200
    assert complaint["number"] in queue.text and "overdue" in queue.text

    page = await client.get(f"/complaints/{complaint['id']}")
    token = csrf_token(page.text)
    refused = await client.post(f"/complaints/{complaint['id']}/status", data={"_csrf_token": token, "to": "closed"})
    assert refused.status_code == 409
    assert "possible next steps: Under review, Rejected" in refused.text
    moved = await client.post(
        f"/complaints/{complaint['id']}/status", data={"_csrf_token": token, "to": "under_review"}
    )
    assert moved.status_code == 303
    row = await Complaint.select(Complaint.status).first()
    assert row is not None and row["status"] == ComplaintStatus.UNDER_REVIEW
    assert "Under review" in mailbox.last_to(world.buyer.email)["Subject"]


async def test_a_customer_cannot_reach_the_back_office(client: httpx.AsyncClient) -> None:
    world = await _delivered_world(client)
    await _file_through_the_form(client, world, "1")
    complaint = await Complaint.select(Complaint.id).first()
    assert complaint is not None
    token = await _token(client, "/complaints")

    assert (await client.get("/office/complaints")).status_code == 403
    assert (await client.get("/office/complaints/policy")).status_code == 403
    moved = await client.post(
        f"/complaints/{complaint['id']}/status", data={"_csrf_token": token, "to": "under_review"}
    )
    assert moved.status_code == 403
    row = await Complaint.select(Complaint.status).first()
    assert row is not None and row["status"] == ComplaintStatus.SUBMITTED


async def test_another_companys_complaint_and_its_conversation_are_not_found(client: httpx.AsyncClient) -> None:
    world = await _delivered_world(client)
    await _file_through_the_form(client, world, "1")
    complaint = await Complaint.select(Complaint.id, Complaint.number).first()
    assert complaint is not None
    await client.post("/logout", data={"_csrf_token": await _token(client, "/")})
    stranger = await make_person(await make_company(), Role.COMPANY_ADMIN, Role.BUYER)
    await log_in(client, stranger.email)
    token = await _token(client, "/complaints")

    for method, path in (
        ("GET", f"/complaints/{complaint['id']}"),
        ("GET", f"/complaints/{complaint['id']}/state"),
        ("GET", f"/complaints/{complaint['id']}/messages"),
        ("POST", f"/complaints/{complaint['id']}/messages"),
        ("GET", f"/orders/{world.order.id}/messages"),
        ("POST", f"/orders/{world.order.id}/messages"),
        ("GET", f"/complaints/new?order={world.order.id}"),
    ):
        data = {"_csrf_token": token, "body": "Hej"} if method == "POST" else None
        response = await client.request(method, path, data=data)
        assert response.status_code == 404, f"{method} {path} answered {response.status_code}"
        assert complaint["number"] not in response.text
    assert complaint["number"] not in (await client.get("/complaints")).text


async def test_the_deadlines_page_saves_and_refuses_nonsense(client: httpx.AsyncClient) -> None:
    world = await make_world([1])
    await log_in(client, world.office.email)
    page = await client.get("/office/complaints/policy")
    assert page.status_code == 200
    token = csrf_token(page.text)

    refused = await client.post("/office/complaints/policy", data={"_csrf_token": token, "filing_days-defective": "-3"})
    assert refused.status_code == 422
    assert "Enter a whole number from 1 to" in refused.text
