"""Single sign-on: a person of Stalprofil (the demo's SSO company) types their work email, signs
in at the company's identity provider (started with the live server) and lands in the portal with
the roles their groups map to; a password gets nobody of that company in."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from e2e.helpers import LiveServer, Screenshot

PERSON = "anna.wojcik@stalprofil.example"  # groups Zakupy and Zatwierdzający: buyer and approver


def test_a_stalprofil_buyer_signs_in_at_the_company_provider_with_mapped_roles(
    page: Page, live_server: LiveServer, screenshot: Screenshot
) -> None:
    page.goto("/login")
    email = page.locator("input[name=email]")
    email.fill(PERSON)
    screenshot(page, "email-first")
    email.press("Enter")

    page.wait_for_url(lambda url: url.startswith(live_server.sso_issuer))
    screenshot(page, "provider")
    page.get_by_role("button", name=PERSON).click()

    page.wait_for_url(lambda url: url.startswith(live_server.base_url) and not urlsplit(url).path.startswith("/sso"))
    expect(page.locator(".company-name, .company-switch").first).to_contain_text("Stalprofil")
    expect(page.locator("#purchasing")).to_be_visible()
    expect(page.locator("#approvals")).to_be_visible()
    expect(page.locator("#finance")).to_have_count(0)
    expect(page.locator("#team")).to_have_count(0)
    screenshot(page, "home")


def test_a_password_gets_nobody_of_an_sso_company_in(page: Page, live_server: LiveServer) -> None:
    page.goto("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.content())
    assert token is not None
    answer = page.request.post(
        "/login", form={"_csrf_token": token.group(1), "email": PERSON, "password": "portal-demo", "next": "/"}
    )
    assert answer.status == 403
    assert 'id="sso-form"' in answer.text()  # the way on is the company's sign-in
    page.goto("/")
    assert urlsplit(page.url).path == "/login"
