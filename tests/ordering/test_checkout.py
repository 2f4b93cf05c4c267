"""Checkout: the cart becomes one order with the buyer's PO, a company address and its terms;
what cannot be ordered gets a clear message and leaves the cart as it was."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest
import time_machine

from portal.accounts.roles import Role
from portal.accounts.tables import Company
from portal.backoffice.tables import Notification
from portal.finance.tables import CreditAccount
from portal.integration.tables import OutboxEvent
from portal.ordering.tables import CartLine, Order, OrderEvent, OrderLine, PurchasedProduct
from tests.factories import csrf_token, log_in, make_company, make_person, make_priced_product
from tests.mailbox import Mailbox

HTMX = {"HX-Request": "true"}


async def _buyer_with_cart(client: httpx.AsyncClient, price: str = "10.00", quantity: str = "5", **person):
    company = await make_company()
    buyer = await make_person(company, Role.BUYER, **person)
    await log_in(client, buyer.email)
    product = await make_priced_product(price, sku=f"CHK-{buyer.user_id}")
    token = csrf_token((await client.get("/")).text)
    await client.post(
        "/cart/lines", data={"product_id": product, "quantity": quantity, "_csrf_token": token}, headers=HTMX
    )
    return buyer, product


def _form(page: str, **fields: str) -> dict[str, str]:
    key = re.search(r'name="submission_key" value="([^"]+)"', page)
    address = re.search(r'name="delivery_address_id" value="(\d+)"', page)
    assert key and address
    return {
        "_csrf_token": csrf_token(page),
        "submission_key": key.group(1),
        "delivery_address_id": address.group(1),
        "po_number": "PO/2026/77",
        **fields,
    }


async def test_a_buyer_within_limits_places_an_order_that_goes_to_the_seller(client: httpx.AsyncClient) -> None:
    _, product = await _buyer_with_cart(client)
    form = _form((await client.get("/checkout")).text, note="Rampa 3")

    response = await client.post("/checkout", data=form)

    assert response.status_code == 303
    order = (await Order.select())[0]
    assert response.headers["location"] == f"/orders/{order['id']}"
    assert order["status"] == "sent_to_seller" and order["po_number"] == "PO/2026/77"
    assert re.fullmatch(r"ZAM/\d{4}/\d{6}", order["number"])
    assert Decimal(str(order["net_total"])) == Decimal("50.00")
    assert Decimal(str(order["gross_total"])) == Decimal("61.50")
    lines = await OrderLine.select()
    assert [(line["product"], line["quantity"]) for line in lines] == [(product, 5)]
    assert await CartLine.count() == 0
    assert [event["status"] for event in await OrderEvent.select(OrderEvent.status)] == ["sent_to_seller"]
    assert await OutboxEvent.count().where(OutboxEvent.topic == "order.submitted") == 1
    assert await Notification.select(Notification.kind, Notification.about_order) == [
        {"kind": "order_placed", "about_order": order["id"]}
    ]
    assert await PurchasedProduct.exists().where(PurchasedProduct.product == product)
    detail = await client.get(f"/orders/{order['id']}")
    assert "PO/2026/77" in detail.text and "Rampa 3" in detail.text


async def test_submitting_the_same_checkout_twice_makes_one_order(client: httpx.AsyncClient) -> None:
    await _buyer_with_cart(client)
    form = _form((await client.get("/checkout")).text)

    first = await client.post("/checkout", data=form)
    second = await client.post("/checkout", data=form)

    assert first.headers["location"] == second.headers["location"]
    assert await Order.count() == 1


async def test_the_author_is_mailed_a_confirmation_of_the_order_once(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    buyer, _ = await _buyer_with_cart(client)
    form = _form((await client.get("/checkout")).text)

    await client.post("/checkout", data=form)
    await client.post("/checkout", data=form)  # sent again: the same order, no second mail

    order = (await Order.select(Order.id, Order.number))[0]
    confirmations = [message for message in mailbox.messages if message["To"] == buyer.email]
    assert [message["Subject"] for message in confirmations] == [f"Order {order['number']} received"]
    text = Mailbox.text_of(confirmations[0])
    assert f"CHK-{buyer.user_id}" in text and "It goes to the seller." in text
    assert "61.50" in text and "PO/2026/77" in text
    assert f"/orders/{order['id']}" in text


async def test_bad_checkout_input_is_shown_and_the_cart_stays(client: httpx.AsyncClient) -> None:
    await _buyer_with_cart(client)
    page = (await client.get("/checkout")).text

    response = await client.post(
        "/checkout",
        data=_form(page, requested_delivery_on="2001-01-01", delivery_address_id="999999", po_number="x" * 61),
    )

    assert response.status_code == 422
    assert "The delivery date cannot be in the past." in response.text
    assert "Choose one of your company&#39;s delivery addresses." in response.text
    assert "Keep the PO number under 60 characters." in response.text
    assert await Order.count() == 0 and await CartLine.count() == 1


async def test_over_the_credit_limit_the_buyer_is_told_what_to_do_and_may_pay_in_advance(
    client: httpx.AsyncClient,
) -> None:
    buyer, _ = await _buyer_with_cart(client, price="100.00", quantity="10")  # 1 230.00 gross
    await CreditAccount.insert(
        CreditAccount(company=buyer.company_id, credit_limit=Decimal("2000.00"), open_balance=Decimal("900.00"))
    )
    page = (await client.get("/checkout")).text

    refused = await client.post("/checkout", data=_form(page))
    assert refused.status_code == 422
    assert "over your available credit of PLN1,100.00" in refused.text
    assert "Pay in advance" in refused.text
    assert await Order.count() == 0

    accepted = await client.post("/checkout", data=_form(refused.text, pay_in_advance="1"))
    assert accepted.status_code == 303
    assert (await Order.select(Order.payment_method))[0]["payment_method"] == "prepayment"


async def test_an_order_refused_for_credit_leaves_the_cart_as_it_was(client: httpx.AsyncClient) -> None:
    buyer, product = await _buyer_with_cart(client, price="100.00", quantity="10")
    await CreditAccount.insert(
        CreditAccount(company=buyer.company_id, credit_limit=Decimal("100.00"), open_balance=Decimal("0.00"))
    )

    refused = await client.post("/checkout", data=_form((await client.get("/checkout")).text, note="Rampa 3"))

    assert refused.status_code == 422
    assert (
        await Order.count() == 0
        and await OrderLine.count() == 0
        and await OutboxEvent.count().where(OutboxEvent.topic == "order.submitted") == 0
        and await Notification.count() == 0
    )
    assert [(line["product"], line["quantity"]) for line in await CartLine.select()] == [(product, 10)]


async def test_a_checkout_form_sent_again_later_finds_its_order_and_leaves_the_new_cart_alone(
    client: httpx.AsyncClient,
) -> None:
    await _buyer_with_cart(client)
    form = _form((await client.get("/checkout")).text)
    first = await client.post("/checkout", data=form)
    other = await make_priced_product("3.00", sku="CHK-LATER")
    await client.post(
        "/cart/lines", data={"product_id": other, "quantity": "2", "_csrf_token": form["_csrf_token"]}, headers=HTMX
    )

    again = await client.post("/checkout", data=form)

    assert again.headers["location"] == first.headers["location"]
    assert await Order.count() == 1 and await OrderLine.count() == 1
    assert [(line["product"], line["quantity"]) for line in await CartLine.select()] == [(other, 2)]


async def test_an_empty_cart_cannot_be_checked_out(client: httpx.AsyncClient) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await log_in(client, buyer.email)
    page = await client.get("/checkout")
    assert "Your cart is empty." in page.text
    assert await Order.count() == 0


@pytest.mark.parametrize("role", [Role.VIEWER, Role.FINANCE])
async def test_people_who_cannot_fill_a_cart_cannot_check_out(client: httpx.AsyncClient, role: Role) -> None:
    company = await make_company()
    person = await make_person(company, role)
    await log_in(client, person.email)
    assert (await client.get("/checkout")).status_code == 403


async def test_the_order_list_filters_by_status_text_and_who_ordered(client: httpx.AsyncClient) -> None:
    buyer, _ = await _buyer_with_cart(client)
    await client.post("/checkout", data=_form((await client.get("/checkout")).text, po_number="PO-FILTER-1"))
    listing = await client.get(
        "/orders", params={"q": "filter-1", "status": "sent_to_seller", "placed_by": buyer.user_id}
    )
    assert "PO-FILTER-1" in listing.text
    assert "PO-FILTER-1" not in (await client.get("/orders", params={"status": "rejected"})).text
    assert "PO-FILTER-1" not in (await client.get("/orders", params={"placed_by": buyer.user_id + 999})).text
    fragment = await client.get("/orders", params={"q": "PO-FILTER"}, headers=HTMX)
    assert "<html" not in fragment.text and "PO-FILTER-1" in fragment.text


# 00:30 on 1 January in Warsaw, when the server's own (UTC) calendar still says 31 December.
NEW_YEAR_IN_WARSAW = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)


async def test_delivery_dates_and_order_numbers_follow_warsaws_calendar_not_the_servers(
    client: httpx.AsyncClient,
) -> None:
    """A buyer ordering after midnight in Warsaw could ask for delivery yesterday, and the order
    was numbered in the old year."""
    with time_machine.travel(NEW_YEAR_IN_WARSAW, tick=True):
        await _buyer_with_cart(client)
        page = (await client.get("/checkout")).text

        yesterday = await client.post("/checkout", data=_form(page, requested_delivery_on="2026-12-31"))
        assert yesterday.status_code == 422 and "The delivery date cannot be in the past." in yesterday.text

        today = await client.post("/checkout", data=_form(page, requested_delivery_on="2027-01-01"))
        assert today.status_code == 303
        order = (await Order.select(Order.number, Order.requested_delivery_on))[0]
        assert order["number"].startswith("ZAM/2027/") and order["requested_delivery_on"] == date(2027, 1, 1)


async def test_the_companys_order_address_gets_a_copy_of_the_confirmation(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    buyer, _ = await _buyer_with_cart(client)
    await Company.update({Company.order_email: "zakupy@budmax.example"}).where(Company.id == buyer.company_id)
    mailbox.clear()

    placed = await client.post("/checkout", data=_form((await client.get("/checkout")).text))

    assert placed.status_code == 303
    own, copy = mailbox.last_to(buyer.email), mailbox.last_to("zakupy@budmax.example")
    assert own["Subject"] == copy["Subject"] and "PO/2026/77" in Mailbox.text_of(copy)
    assert sorted(message["To"] for message in mailbox.messages) == sorted([buyer.email, "zakupy@budmax.example"])
