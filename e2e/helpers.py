"""What the e2e tests share besides fixtures: the live server's handle, logging in like a person does."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.mailbox import Mailbox


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    mailbox: Mailbox
    log_file: Path
    # The demo's local OpenID Connect provider (`portal demo --sso`).
    sso_issuer: str

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def output(self) -> str:
        return self.log_file.read_text(errors="replace") if self.log_file.exists() else ""


# screenshot(page, "step") saves test-artifacts/e2e/<test-name>-<step>.png
Screenshot = Callable[[Page, str], Path]

DEMO_PASSWORD = "portal-demo"  # portal/demo.py

# The home page's role-specific sections (templates/web/home.html).
ROLE_SECTIONS = ("customers", "purchasing", "approvals", "finance", "team", "recent-activity")


def log_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Type the email, press Enter, type the password in the step that follows, press Enter;
    returns once the browser has left /login."""
    page.goto("/login")
    email_field = page.locator("input[name=email]")
    email_field.fill(email)
    email_field.press("Enter")
    password_field = page.locator("input[name=password]")
    password_field.wait_for()
    password_field.fill(password)
    password_field.press("Enter")
    try:
        page.wait_for_url(lambda url: urlsplit(url).path != "/login")
    except PlaywrightTimeoutError:
        errors = page.locator(".field-error").all_inner_texts()
        raise AssertionError(f"logging in as {email} failed: {errors or 'no error shown'}") from None


def wait_for_mail(live_server: LiveServer, address: str, timeout: float = 60.0) -> EmailMessage:
    """The mail goes out in a background task after the response; poll for it."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return live_server.mailbox.last_to(address)
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
