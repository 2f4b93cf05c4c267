"""A company administrator invites a colleague; the colleague accepts from the emailed link."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from e2e.helpers import LiveServer, Screenshot, log_in, wait_for_mail

ADMIN = "admin@budmax.example"
NEW_COLLEAGUE = "new.colleague@budmax.example"
NEW_NAME = "Zofia Wróbel"
NEW_PASSWORD = "Zielona-hala-2026"
# "5 000,00 zł" in Polish, "PLN 5,000.00" in English (babel; the spaces may be non-breaking).
FIVE_THOUSAND = re.compile(r"5[\s\u00a0\u202f.,]?000[.,]00")


def test_admin_invites_a_colleague_who_joins(
    page: Page,
    new_context: Callable[[], BrowserContext],
    live_server: LiveServer,
    screenshot: Screenshot,
) -> None:
    live_server.mailbox.clear()
    admin = page
    log_in(admin, ADMIN)
    # The demo admin reads Polish; switch to English with the top bar's language buttons.
    admin.locator(".locale-switch button[value=en]").click()
    expect(admin.locator("html")).to_have_attribute("lang", "en")

    admin.locator("nav.mainnav").get_by_role("link", name="Users").click()
    expect(admin).to_have_url(live_server.url("/company/users"))
    expect(admin.locator("nav.mainnav a[aria-current=page]")).to_have_text("Users")
    invite = admin.locator("section#invite")
    screenshot(admin, "1-users")

    # A wrong address: the error is shown at the field (focus: see test_error_takes_the_keyboard_to_the_field).
    invite.get_by_label("Work email").fill("new.colleague@")
    invite.get_by_label("Buyer").check()
    invite.get_by_role("button", name="Send the invitation").click()
    email_field = admin.locator("section#invite input[name=email]")
    expect(email_field).to_have_attribute("aria-invalid", "true")
    error = admin.locator("section#invite #email-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("valid email")
    expect(email_field).to_have_attribute("aria-describedby", "email-error")
    # What was typed and ticked is kept.
    expect(email_field).to_have_value("new.colleague@")
    expect(admin.locator("section#invite").get_by_label("Buyer")).to_be_checked()
    screenshot(admin, "2-invalid-email")

    # Now right: Buyer with a limit of 5000 per order.
    invite = admin.locator("section#invite")
    invite.get_by_label("Work email").fill(NEW_COLLEAGUE)
    invite.get_by_label("Limit per order (net)").fill("5000")
    invite.get_by_role("button", name="Send the invitation").click()

    expect(admin.locator("#messages .flash-success")).to_contain_text(f"Invitation sent to {NEW_COLLEAGUE}")
    pending = admin.locator("section#people table").nth(1)
    row = pending.locator("tr", has_text=NEW_COLLEAGUE)
    expect(row).to_be_visible()
    expect(row).to_contain_text("Buyer")
    expect(row).to_contain_text("Anna Kowalczyk")
    screenshot(admin, "3-invitation-sent")

    message = wait_for_mail(live_server, NEW_COLLEAGUE)
    assert "BudMax" in str(message["Subject"]), message["Subject"]
    link = live_server.mailbox.link_in(message, live_server.base_url)
    assert link.startswith("/invitations/"), link

    # The colleague opens the link in a browser of their own.
    colleague = new_context().new_page()
    colleague.goto(link)
    expect(colleague.locator("h1")).to_contain_text("BudMax Sp. z o.o.")
    expect(colleague.locator("#invitation-form")).to_contain_text(NEW_COLLEAGUE)
    screenshot(colleague, "4-invitation")

    form = colleague.locator("#invitation-form")
    form.get_by_label("Your name").fill(NEW_NAME)
    form.get_by_label("New password").fill(NEW_PASSWORD)
    form.get_by_label("Repeat the password").fill(NEW_PASSWORD + "x")
    form.get_by_role("button", name="Accept the invitation").click()

    confirmation = colleague.locator("#invitation-form input[name=password_confirmation]")
    expect(confirmation).to_have_attribute("aria-invalid", "true")
    expect(colleague.locator("#password_confirmation-error")).to_contain_text("differ")
    expect(confirmation).to_have_attribute("aria-describedby", "password_confirmation-error")
    expect(colleague.locator("#invitation-form input[name=name]")).to_have_value(NEW_NAME)
    expect(colleague).to_have_url(live_server.url(link))
    screenshot(colleague, "5-passwords-differ")

    form = colleague.locator("#invitation-form")
    form.get_by_label("New password").fill(NEW_PASSWORD)
    form.get_by_label("Repeat the password").fill(NEW_PASSWORD)
    form.get_by_label("Repeat the password").press("Enter")

    expect(colleague).to_have_url(live_server.url("/"))
    expect(colleague.locator("#messages .flash-success")).to_be_visible()
    expect(colleague.locator(".topbar .user-name")).to_have_text(NEW_NAME)
    expect(colleague.locator(".topbar .company-name")).to_have_text("BudMax Sp. z o.o.")
    expect(colleague.locator("h1")).to_contain_text("Zofia")
    purchasing = colleague.locator("section#purchasing")
    expect(purchasing).to_be_visible()
    expect(purchasing.locator("dd").first).to_have_text(FIVE_THOUSAND)
    expect(colleague.locator("section#team")).to_have_count(0)
    screenshot(colleague, "6-colleague-home")

    # The link works once.
    colleague.goto(link)
    expect(colleague.locator("#invitation-form")).to_have_count(0)

    # The administrator now sees the colleague among the users, no longer as an invitation.
    admin.locator("nav.mainnav").get_by_role("link", name="Users").click()
    member = admin.locator("section#people table").first.locator("tr", has_text=NEW_COLLEAGUE)
    expect(member).to_be_visible()
    expect(member).to_contain_text(NEW_NAME)
    expect(member).to_contain_text("Buyer")
    expect(member.locator("td.num").first).to_have_text(FIVE_THOUSAND)
    expect(admin.locator("section#people")).not_to_contain_text("Pending invitations")
    screenshot(admin, "7-users-after")

    # The colleague can log in with the new password from now on.
    again = new_context().new_page()
    log_in(again, NEW_COLLEAGUE, NEW_PASSWORD)
    expect(again.locator("section#purchasing")).to_be_visible()


def test_error_takes_the_keyboard_to_the_field(page: Page, live_server: LiveServer) -> None:
    log_in(page, ADMIN)
    page.goto("/company/users")
    invite = page.locator("section#invite")
    invite.locator("input[name=email]").fill("not-an-address")
    # A keyboard user tabs on to the button and presses Enter there.
    invite.locator("button[type=submit]").focus()
    page.keyboard.press("Enter")
    email_field = page.locator("section#invite input[name=email]")
    expect(email_field).to_have_attribute("aria-invalid", "true")
    expect(email_field).to_be_focused()
