"""The integration API's documentation page renders its OpenAPI document in the browser, with
nothing loaded from elsewhere: Redoc's own scripts and styles pass the page's content security
policy, and the one thing it asks of another site (its maker's logo) is refused by it."""

from __future__ import annotations

from playwright.sync_api import ConsoleMessage, Page, expect

from e2e.helpers import LiveServer


def test_the_api_documentation_renders_in_the_browser_from_this_site_alone(page: Page, live_server: LiveServer) -> None:
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text) if _is_error(message) else None)
    page.goto("/api/v1/docs")

    expect(page.get_by_role("heading", name="Portal integration API")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("/api/v1/products/batch").first).to_be_attached()
    refused = [text for text in complaints if "Content Security Policy" in text]
    assert all("https://cdn.redoc.ly/" in text for text in refused), refused


def _is_error(message: ConsoleMessage) -> bool:
    return message.type == "error"
