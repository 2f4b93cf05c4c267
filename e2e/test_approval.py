"""An order over the buyer's limit waits; the approver approves it from the emailed link on a
browser that is not logged in, and the order's timeline says who approved it and when."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from e2e.helpers import LiveServer, Screenshot, log_in, wait_for_mail

# portal/demo.py: BudMax's buyer may order up to 20 000 zł net at once; this drill costs BudMax
# about 760 zł (portal/demo_data/price-list-entries.jsonl.gz), so 30 of them are over the limit.
DRILL = "VLT-WKA-2X2AH"
APPROVER_NAME = "Barbara Kamińska"


def test_an_order_over_the_limit_is_approved_from_the_email_link(
    page: Page, new_context: Callable[[], BrowserContext], live_server: LiveServer, screenshot: Screenshot
) -> None:
    log_in(page, "buyer@budmax.example")
    page.goto(f"/order?q={DRILL}")
    row = page.locator("#ordering-grid tbody tr").filter(has=page.get_by_role("link", name=DRILL, exact=True))
    quantity = row.locator(".quantity-input")
    quantity.fill("30")
    quantity.press("Enter")
    expect(row.locator("td.feedback .added")).to_be_visible()

    page.goto("/checkout")
    page.locator("#po_number").fill("BM/PO/2026/118")
    expect(page.locator("#approval-needed")).to_be_visible()
    screenshot(page, "checkout-needs-approval")
    page.locator("#checkout-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    expect(page.locator("h1 .badge")).to_have_class(re.compile("status-awaiting_approval"))
    number = page.locator("h1").inner_text().split()[1]
    order_url = page.url

    message = wait_for_mail(live_server, "approver@budmax.example")
    assert number in str(message["Subject"]), message["Subject"]
    link = live_server.mailbox.link_in(message, live_server.base_url)

    # The approver's phone: a fresh browser, nobody logged in.
    phone = new_context().new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(link)
    expect(phone.locator("h1")).to_contain_text(number)
    expect(phone.locator("table.order-lines")).to_contain_text(DRILL)
    screenshot(phone, "approval-page-on-a-phone")
    phone.locator("#decision-form button[value=approve]").click()
    expect(phone.locator("#decision-result")).to_be_visible()
    screenshot(phone, "approved")

    page.goto(order_url)
    timeline = page.locator("#timeline")
    # The demo users' interface is Polish: "Zatwierdzone" is "Approved".
    expect(timeline.locator("li").filter(has_text="Zatwierdzone")).to_contain_text(APPROVER_NAME)
    screenshot(page, "timeline")
