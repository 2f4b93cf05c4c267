"""The back office's inbox: a buyer writes on an order, the office's open inbox and header count
show it without a reload, the office answers from its page of the order and marks it read."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from e2e.helpers import Screenshot, log_in


def test_a_buyers_message_reaches_the_open_inbox_and_is_answered(new_context, screenshot: Screenshot) -> None:
    office = new_context().new_page()
    log_in(office, "office@hurtownia.example")
    office.goto("/office/inbox?kind=customer_message")
    expect(office.locator("#inbox-link")).to_be_visible()
    before = office.locator("#inbox-unread")
    unread_before = int(before.inner_text()) if before.count() else 0

    buyer = new_context().new_page()
    log_in(buyer, "buyer@budmax.example")
    buyer.goto("/orders")
    buyer.locator("a[href^='/orders/']").first.click()
    buyer.wait_for_url(re.compile(r"/orders/\d+$"))
    question = f"Czy możecie dowieźć w piątek przed 10? ({uuid.uuid4().hex[:6]})"
    buyer.locator(".message-form textarea[name=body]").fill(question)
    buyer.locator(".message-form button[type=submit]").click()
    expect(buyer.locator(".message-list")).to_contain_text(question)

    # The office's page was never reloaded: the list and the count arrive over the live stream.
    row = office.locator("#inbox tbody tr", has_text=question)
    expect(row).to_be_visible()
    expect(row).to_have_class(re.compile(r"\bunread\b"))
    expect(office.locator("#inbox-unread")).to_have_text(str(unread_before + 1))
    screenshot(office, "inbox-live")

    row.locator("form[action$='/read'] button").click()
    expect(office.locator("#inbox tbody tr", has_text=question)).to_have_class(re.compile(r"\bread\b"))
    # The header counts one fewer without a reload.
    if unread_before:
        expect(office.locator("#inbox-unread")).to_have_text(str(unread_before))
    else:
        expect(office.locator("#inbox-unread")).to_have_count(0)
    office.locator("#inbox tbody tr", has_text=question).locator("a[href^='/office/orders/']").click()
    office.wait_for_url(re.compile(r"/office/orders/\d+$"))
    expect(office.locator(".message-list")).to_contain_text(question)
    answer = "Tak, kurier będzie o 9:30."
    office.locator(".message-form textarea[name=body]").fill(answer)
    office.locator(".message-form button[type=submit]").click()
    expect(office.locator(".message-list")).to_contain_text(answer)
    screenshot(office, "office-order")
    expect(buyer.locator(".message-list")).to_contain_text(answer)
