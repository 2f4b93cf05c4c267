"""The inbox as the seller's staff use it: the header's count, the list, marking read, the
seller's page of an order where they answer, and who is refused."""

from __future__ import annotations

import re

import httpx
import pytest
from litestar import Litestar

from portal.accounts.roles import Role
from portal.backoffice.tables import Notification
from portal.mail import Postbox
from tests.backoffice.test_inbox import _write, make_seller
from tests.conftest import client_at
from tests.factories import csrf_token, log_in, make_person
from tests.mailbox import Mailbox
from tests.ordering.test_checkout import _buyer_with_cart, _form
from tests.query_counter import count_queries

HTMX = {"HX-Request": "true"}


def _unread_badge(html: str) -> str | None:
    found = re.search(r'id="inbox-unread"[^>]*>(\d+)<', html)
    return found.group(1) if found else None


@pytest.mark.usefixtures("db")
async def test_the_back_office_sees_the_count_the_list_and_marks_read(
    client: httpx.AsyncClient, postbox: Postbox
) -> None:
    world = await make_seller()
    await _write(await world.own_buyer.scope(), world.own_order, "Gdzie jest moja paczka?", postbox)
    await log_in(client, world.office.email)

    home = await client.get("/")
    assert _unread_badge(home.text) == "1"
    page = await client.get("/office/inbox")
    assert page.status_code == 200
    assert "Gdzie jest moja paczka?" in page.text and "Budmax Sp. z o.o." in page.text
    assert f'href="/office/orders/{world.own_order}"' in page.text
    notification = await Notification.select(Notification.id).first()
    assert notification is not None

    read = await client.post(
        f"/office/inbox/{notification['id']}/read", data={"_csrf_token": csrf_token(page.text), "kind": ""}
    )

    assert read.status_code == 303 and read.headers["location"] == "/office/inbox"
    after = await client.get("/office/inbox")
    assert _unread_badge(after.text) is None
    assert 'class="unread"' not in after.text
    assert (await client.get("/office/inbox/count", headers=HTMX)).text.count("inbox-unread") == 0


@pytest.mark.usefixtures("db")
async def test_opening_a_notification_marks_it_read_and_goes_to_the_thing(
    client: httpx.AsyncClient, postbox: Postbox
) -> None:
    world = await make_seller()
    await _write(await world.own_buyer.scope(), world.own_order, "Pytanie", postbox)
    await log_in(client, world.office.email)
    token = csrf_token((await client.get("/office/inbox")).text)
    notification = await Notification.select(Notification.id).first()
    assert notification is not None

    opened = await client.post(f"/office/inbox/{notification['id']}/read", data={"_csrf_token": token, "open": "1"})

    assert opened.headers["location"] == f"/office/orders/{world.own_order}"
    assert _unread_badge((await client.get("/")).text) is None


@pytest.mark.usefixtures("db")
async def test_the_seller_answers_from_its_page_of_the_order_and_the_customer_is_mailed(
    client: httpx.AsyncClient, postbox: Postbox, mailbox: Mailbox
) -> None:
    world = await make_seller()
    await _write(await world.own_buyer.scope(), world.own_order, "Czy można szybciej?", postbox)
    await log_in(client, world.office.email)
    order_page = await client.get(f"/office/orders/{world.own_order}")
    assert order_page.status_code == 200
    assert f"ZAM/2026/B{world.own}" in order_page.text and "Czy można szybciej?" in order_page.text
    mailbox.clear()

    answered = await client.post(
        f"/orders/{world.own_order}/messages",
        data={"_csrf_token": csrf_token(order_page.text), "body": "Wyślemy jutro."},
    )

    assert answered.status_code == 303 and answered.headers["location"] == f"/office/orders/{world.own_order}"
    assert "Wyślemy jutro." in Mailbox.text_of(mailbox.last_to(world.own_buyer.email))
    # The seller's own answer is nobody's news in the inbox.
    assert await Notification.count() == 1


@pytest.mark.usefixtures("db")
async def test_a_rep_sees_only_their_customers_in_the_inbox_and_orders(
    client: httpx.AsyncClient, postbox: Postbox
) -> None:
    world = await make_seller()
    await _write(await world.own_buyer.scope(), world.own_order, "Od mojego klienta", postbox)
    await _write(await world.other_buyer.scope(), world.other_order, "Od cudzego klienta", postbox)
    await log_in(client, world.rep.email)

    page = await client.get("/office/inbox")

    assert "Od mojego klienta" in page.text and "Od cudzego klienta" not in page.text
    assert _unread_badge(page.text) == "1"
    assert (await client.get(f"/office/orders/{world.own_order}")).status_code == 200
    assert (await client.get(f"/office/orders/{world.other_order}")).status_code == 404
    foreign = await Notification.select(Notification.id).where(Notification.company == world.other).first()
    assert foreign is not None
    refused = await client.post(f"/office/inbox/{foreign['id']}/read", data={"_csrf_token": csrf_token(page.text)})
    assert refused.status_code == 404


@pytest.mark.usefixtures("db")
async def test_a_customers_people_have_no_inbox(client: httpx.AsyncClient, postbox: Postbox) -> None:
    world = await make_seller()
    await _write(await world.own_buyer.scope(), world.own_order, "Pytanie", postbox)
    admin = await make_person(world.own, Role.COMPANY_ADMIN)
    await log_in(client, admin.email)

    assert (await client.get("/office/inbox")).status_code == 403
    assert "inbox-link" not in (await client.get("/")).text
    assert (await client.get(f"/office/orders/{world.own_order}")).status_code == 403


async def test_a_placed_order_reaches_the_inbox(client: httpx.AsyncClient, app: Litestar) -> None:
    world = await make_seller()
    buyer, _ = await _buyer_with_cart(client)
    placed = await client.post("/checkout", data=_form((await client.get("/checkout")).text))
    assert placed.status_code == 303

    rows = await Notification.select(Notification.kind, Notification.company, Notification.actor, Notification.number)
    assert [(row["kind"], row["company"], row["actor"]) for row in rows] == [
        ("order_placed", buyer.company_id, buyer.user_id)
    ]
    async with client_at(app, "127.0.0.2") as office:
        await log_in(office, world.office.email)
        page = await office.get("/office/inbox?kind=order_placed")
    assert rows[0]["number"] in page.text and "New order" in page.text


@pytest.mark.usefixtures("db")
async def test_the_headers_count_is_one_statement_per_page_and_none_for_a_fragment(
    client: httpx.AsyncClient, postbox: Postbox
) -> None:
    world = await make_seller()
    await _write(await world.own_buyer.scope(), world.own_order, "Pytanie", postbox)
    await log_in(client, world.office.email)

    with count_queries() as page:
        home = await client.get("/office/complaints")
    with count_queries() as fragment:
        await client.get("/office/complaints", headers=HTMX)

    assert _unread_badge(home.text) == "1"
    assert len([s for s in page.statements if "notification" in s]) == 1, page.statements
    assert [s for s in fragment.statements if "notification" in s] == []


@pytest.mark.usefixtures("db")
async def test_marking_read_with_htmx_answers_the_list_and_tells_the_header(
    client: httpx.AsyncClient, postbox: Postbox
) -> None:
    world = await make_seller()
    await _write(await world.own_buyer.scope(), world.own_order, "Pierwsze", postbox)
    await _write(await world.own_buyer.scope(), world.own_order, "Drugie", postbox)
    await log_in(client, world.office.email)
    token = csrf_token((await client.get("/office/inbox")).text)

    answered = await client.post("/office/inbox/read", data={"_csrf_token": token, "unread": "1"}, headers=HTMX)

    assert answered.status_code == 200 and answered.headers["HX-Trigger"] == "inbox-read"
    assert answered.text.lstrip().startswith('<div id="inbox-results"') and "Pierwsze" not in answered.text
    assert _unread_badge((await client.get("/")).text) is None
