"""The login page works from the keyboard: the skip link comes first, the email field is ready,
Enter leads to the password."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.helpers import LiveServer, Screenshot


def test_login_page_keyboard_order(page: Page, live_server: LiveServer, screenshot: Screenshot) -> None:
    page.goto("/login")

    # autofocus: a person can type the email right away.
    email = page.locator("input[name=email]")
    expect(email).to_be_focused()
    expect(page.get_by_label("Work email")).to_be_focused()  # and the field is labelled
    # Email first: the password is asked in the next step, unless the company signs in elsewhere.
    expect(page.locator("input[name=password]")).to_have_count(0)

    # From the start of the page (a click on empty page background moves the point where
    # sequential focus navigation starts), the first Tab reaches the skip link.
    viewport = page.viewport_size
    assert viewport is not None
    x, y = viewport["width"] - 5, viewport["height"] - 5
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).tagName", [x, y]) in {"BODY", "HTML"}
    page.mouse.click(x, y)
    page.keyboard.press("Tab")

    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_attribute("href", "#main")
    # Hidden until focused, then on screen.
    box = skip_link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, box
    screenshot(page, "skip-link")

    # Following it puts the keyboard in the main content.
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(email).to_be_focused()

    # Enter moves on to the password, focused and labelled, the email kept.
    email.fill("nobody@example.com")
    email.press("Enter")
    expect(page.get_by_label("Password")).to_be_focused()
    expect(email).to_have_value("nobody@example.com")
