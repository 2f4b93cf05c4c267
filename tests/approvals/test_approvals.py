"""Approvals: limits and levels decide whether an order waits; approvers decide from an emailed
link without logging in, once, never their own order; every path ends decided or waiting."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
import time_machine

from portal.accounts.roles import Role
from portal.accounts.tables import AuditEntry
from portal.accounts.tokens import LinkSigner
from portal.approvals.requests import open_approval
from portal.approvals.rules import approvals_needed
from portal.approvals.tables import ApprovalLevel
from portal.backoffice.tables import Notification
from portal.errors import NotFound
from portal.ordering.tables import Order, OrderEvent
from tests.conftest import BASE_URL
from tests.factories import csrf_token, log_in, make_company, make_person, make_priced_product
from tests.mailbox import Mailbox

HTMX = {"HX-Request": "true"}
# Approvers on a phone, not logged in; pages without a known approver answer in the browser's language.
ENGLISH = {"Accept-Language": "en"}


async def _order(client: httpx.AsyncClient, buyer_email: str, price: str, quantity: str = "1") -> dict:
    """Log in as the buyer, fill the cart and check out; the order as stored."""
    client.cookies.clear()
    await log_in(client, buyer_email)
    product = await make_priced_product(price)
    token = csrf_token((await client.get("/")).text)
    await client.post(
        "/cart/lines", data={"product_id": product, "quantity": quantity, "_csrf_token": token}, headers=HTMX
    )
    page = (await client.get("/checkout")).text
    key = re.search(r'name="submission_key" value="([^"]+)"', page)
    address = re.search(r'name="delivery_address_id" value="(\d+)"', page)
    assert key and address, page
    response = await client.post(
        "/checkout",
        data={"_csrf_token": csrf_token(page), "submission_key": key.group(1), "delivery_address_id": address.group(1)},
    )
    assert response.status_code == 303, response.text
    order_id = int(response.headers["location"].rsplit("/", 1)[1])
    return (await Order.select().where(Order.id == order_id))[0]


@pytest.fixture
async def team(db: None) -> dict:
    """A company with a buyer limited to 1,000 zł per order and 3,000 zł a month, two approvers and an admin."""
    company = await make_company("Budowa Test Sp. z o.o.")
    return {
        "company": company,
        "buyer": await make_person(company, Role.BUYER, order_limit_minor=100_000, monthly_limit_minor=300_000),
        "anna": await make_person(company, Role.APPROVER, email="anna@approvers.example"),
        "piotr": await make_person(company, Role.APPROVER, email="piotr@approvers.example"),
        "admin": await make_person(company, Role.COMPANY_ADMIN, email="admin@approvers.example"),
    }


@pytest.mark.parametrize(("net", "waits"), [("999.99", False), ("1000.00", False), ("1000.01", True)])
async def test_the_per_order_limit_is_inclusive(team: dict, net: str, waits: bool) -> None:
    need = await approvals_needed(await team["buyer"].scope(), Decimal(net))
    assert need.needed is waits


async def test_levels_add_approvers_above_their_value(team: dict) -> None:
    await ApprovalLevel.insert(ApprovalLevel(company=team["company"], above_net=Decimal("20000.00")))
    buyer = await team["buyer"].scope()
    assert (await approvals_needed(buyer, Decimal("5000.00"))).approvers == 1
    assert (await approvals_needed(buyer, Decimal("20000.01"))).approvers == 2


async def test_a_requester_always_waits_for_an_approver(team: dict) -> None:
    requester = await make_person(team["company"], Role.REQUESTER)
    assert (await approvals_needed(await requester.scope(), Decimal("1.00"))).approvers == 1


async def test_the_monthly_limit_counts_earlier_orders(client: httpx.AsyncClient, team: dict) -> None:
    first = await _order(client, team["buyer"].email, "900.00")
    second = await _order(client, team["buyer"].email, "900.00")
    third = await _order(client, team["buyer"].email, "900.00")
    fourth = await _order(client, team["buyer"].email, "900.00")  # 3,600 > 3,000 this month
    assert [o["status"] for o in (first, second, third, fourth)] == ["sent_to_seller"] * 3 + ["awaiting_approval"]


async def test_the_monthly_limit_starts_the_month_at_midnight_in_warsaw(client: httpx.AsyncClient, team: dict) -> None:
    """At 00:30 on 1 March in Warsaw UTC is still in February: February's orders were counted."""
    with time_machine.travel(datetime(2027, 2, 28, 20, 0, tzinfo=UTC), tick=True):  # 21:00 in Warsaw
        for _ in range(3):
            await _order(client, team["buyer"].email, "900.00")
    with time_machine.travel(datetime(2027, 2, 28, 23, 30, tzinfo=UTC), tick=True):  # 00:30 on 1 March
        march = await _order(client, team["buyer"].email, "900.00")
    assert march["status"] == "sent_to_seller"


async def test_an_order_over_the_limit_is_approved_from_the_emailed_link_without_logging_in(
    client: httpx.AsyncClient, team: dict, mailbox: Mailbox
) -> None:
    order = await _order(client, team["buyer"].email, "1500.00")
    assert order["status"] == "awaiting_approval"
    # The seller hears of the order only once it is approved and comes to them.
    assert await Notification.count() == 0
    mail = mailbox.last_to("anna@approvers.example")
    assert order["number"] in mail["Subject"]
    link = mailbox.link_in(mail, BASE_URL)
    assert mailbox.last_to("piotr@approvers.example")

    async with httpx.AsyncClient(transport=client._transport, base_url=BASE_URL, headers=ENGLISH) as phone:
        opened = await phone.get(link)
        assert opened.status_code == 200
        assert order["number"] in opened.text and "PLN1,500.00" in opened.text
        assert (await Order.select(Order.status).where(Order.id == order["id"]))[0]["status"] == "awaiting_approval"

        decided = await phone.post(link, data={"decision": "approve", "_csrf_token": csrf_token(opened.text)})
        assert decided.status_code == 200 and "You approved the order." in decided.text

        again = await phone.get(link)
        assert "already" in again.text and 'id="decision-form"' not in again.text

    assert (await Order.select(Order.status).where(Order.id == order["id"]))[0]["status"] == "sent_to_seller"
    assert await Notification.select(Notification.kind, Notification.about_order, Notification.actor) == [
        {"kind": "order_placed", "about_order": order["id"], "actor": team["buyer"].user_id}
    ]
    events = await OrderEvent.select(OrderEvent.status, OrderEvent.actor.email.as_alias("actor")).where(
        OrderEvent.order == order["id"]
    )
    assert ("approved", "anna@approvers.example") in [(e["status"], e["actor"]) for e in events]
    assert await AuditEntry.exists().where(AuditEntry.action == "order.approved")
    assert "approved" in mailbox.last_to(team["buyer"].email)["Subject"]
    timeline = await client.get(f"/orders/{order['id']}")
    assert "Person anna" in timeline.text


async def test_rejecting_needs_a_reason_which_the_buyer_reads(
    client: httpx.AsyncClient, team: dict, mailbox: Mailbox
) -> None:
    order = await _order(client, team["buyer"].email, "1500.00")
    link = mailbox.link_in(mailbox.last_to("anna@approvers.example"), BASE_URL)
    async with httpx.AsyncClient(transport=client._transport, base_url=BASE_URL, headers=ENGLISH) as phone:
        token = csrf_token((await phone.get(link)).text)
        without = await phone.post(link, data={"decision": "reject", "_csrf_token": token})
        assert without.status_code == 422 and "Say why the order is rejected" in without.text
        assert (await Order.select(Order.status).where(Order.id == order["id"]))[0]["status"] == "awaiting_approval"
        rejected = await phone.post(link, data={"decision": "reject", "reason": "Za drogo", "_csrf_token": token})
        assert rejected.status_code == 200
    assert (await Order.select(Order.status).where(Order.id == order["id"]))[0]["status"] == "rejected"
    assert await Notification.count() == 0
    assert "Za drogo" in mailbox.text_of(mailbox.last_to(team["buyer"].email))


async def test_a_second_approver_using_a_link_after_the_first_sees_the_decision(
    client: httpx.AsyncClient, team: dict, mailbox: Mailbox
) -> None:
    order = await _order(client, team["buyer"].email, "1500.00")
    annas = mailbox.link_in(mailbox.last_to("anna@approvers.example"), BASE_URL)
    piotrs = mailbox.link_in(mailbox.last_to("piotr@approvers.example"), BASE_URL)
    async with httpx.AsyncClient(transport=client._transport, base_url=BASE_URL, headers=ENGLISH) as phone:
        token = csrf_token((await phone.get(annas)).text)
        piotr_page = await phone.get(piotrs)
        await phone.post(annas, data={"decision": "approve", "_csrf_token": token})
        late = await phone.post(
            piotrs, data={"decision": "reject", "reason": "nie", "_csrf_token": csrf_token(piotr_page.text)}
        )
    assert late.status_code == 409
    assert "already approved" in late.text
    assert (await Order.select(Order.status).where(Order.id == order["id"]))[0]["status"] == "sent_to_seller"


async def test_concurrent_decisions_have_one_outcome(client: httpx.AsyncClient, team: dict, mailbox: Mailbox) -> None:
    order = await _order(client, team["buyer"].email, "1500.00")
    links = [mailbox.link_in(mailbox.last_to(f"{name}@approvers.example"), BASE_URL) for name in ("anna", "piotr")]
    async with httpx.AsyncClient(transport=client._transport, base_url=BASE_URL, headers=ENGLISH) as phone:
        token = csrf_token((await phone.get(links[0])).text)
        answers = await asyncio.gather(
            phone.post(links[0], data={"decision": "approve", "_csrf_token": token}),
            phone.post(links[1], data={"decision": "reject", "reason": "nie", "_csrf_token": token}),
        )
    assert sorted(answer.status_code for answer in answers) == [200, 409]
    events = await OrderEvent.select(OrderEvent.status).where(OrderEvent.order == order["id"])
    decided = [e["status"] for e in events if e["status"] in ("approved", "rejected")]
    assert len(decided) == 1


async def test_forged_or_expired_links_show_a_clear_page_and_change_nothing(
    client: httpx.AsyncClient, team: dict, mailbox: Mailbox, settings
) -> None:
    order = await _order(client, team["buyer"].email, "1500.00")
    link = mailbox.link_in(mailbox.last_to("anna@approvers.example"), BASE_URL)
    token = link.rsplit("/", 1)[1]
    async with httpx.AsyncClient(transport=client._transport, base_url=BASE_URL, headers=ENGLISH) as phone:
        forged = await phone.get(link[:-3] + "abc")
        assert forged.status_code == 404 and "invalid or has expired" in forged.text
        posted = await phone.post(
            link[:-3] + "abc", data={"decision": "approve", "_csrf_token": csrf_token(forged.text)}
        )
        assert posted.status_code == 404
    expired = LinkSigner(settings.resolved_secret_key(), max_age_seconds=-1)
    with pytest.raises(NotFound):
        await open_approval(token, expired)
    assert (await Order.select(Order.status).where(Order.id == order["id"]))[0]["status"] == "awaiting_approval"


async def test_nobody_approves_their_own_order(client: httpx.AsyncClient, team: dict, mailbox: Mailbox) -> None:
    both = await make_person(
        team["company"], Role.BUYER, Role.APPROVER, order_limit_minor=100, email="both@approvers.example"
    )
    order = await _order(client, both.email, "50.00")
    assert order["status"] == "awaiting_approval"
    # Only the order's confirmation: no request to approve it.
    assert [message["Subject"] for message in mailbox.messages if message["To"] == "both@approvers.example"] == [
        f"Order {order['number']} received"
    ]
    token = csrf_token((await client.get("/approvals")).text)
    answer = await client.post(f"/orders/{order['id']}/decision", data={"decision": "approve", "_csrf_token": token})
    assert answer.status_code == 403
    assert (await Order.select(Order.status).where(Order.id == order["id"]))[0]["status"] == "awaiting_approval"


async def test_two_levels_need_two_different_approvers(client: httpx.AsyncClient, team: dict, mailbox: Mailbox) -> None:
    await ApprovalLevel.insert(ApprovalLevel(company=team["company"], above_net=Decimal("1200.00")))
    order = await _order(client, team["buyer"].email, "1500.00")
    client.cookies.clear()
    await log_in(client, team["anna"].email)
    token = csrf_token((await client.get("/approvals")).text)
    first = await client.post(f"/orders/{order['id']}/decision", data={"decision": "approve", "_csrf_token": token})
    assert first.status_code == 303
    assert (await Order.select(Order.status).where(Order.id == order["id"]))[0]["status"] == "awaiting_approval"
    assert "Nothing waits for your approval." in (await client.get("/approvals")).text  # Anna decided her step

    second_link = mailbox.link_in(mailbox.last_to("piotr@approvers.example"), BASE_URL)
    async with httpx.AsyncClient(transport=client._transport, base_url=BASE_URL, headers=ENGLISH) as phone:
        page = await phone.get(second_link)
        await phone.post(second_link, data={"decision": "approve", "_csrf_token": csrf_token(page.text)})
    assert (await Order.select(Order.status).where(Order.id == order["id"]))[0]["status"] == "sent_to_seller"


async def test_with_no_approver_the_order_waits_and_the_admin_is_told(
    client: httpx.AsyncClient, mailbox: Mailbox, db: None
) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER, order_limit_minor=100)
    await make_person(company, Role.COMPANY_ADMIN, email="lonely-admin@example.com")
    order = await _order(client, buyer.email, "50.00")
    assert order["status"] == "awaiting_approval"
    assert "Nobody can approve" in mailbox.last_to("lonely-admin@example.com")["Subject"]
