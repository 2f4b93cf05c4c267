"""Pages fit a common laptop screen (1280 px) without sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from e2e.helpers import LiveServer, log_in


@pytest.mark.parametrize("path", ["/", "/company", "/company/users", "/company/audit"])
def test_company_admin_pages_fit_the_screen(page: Page, live_server: LiveServer, path: str) -> None:
    log_in(page, "admin@budmax.example")
    page.goto(path)
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width, f"{path} is {scroll_width} px wide in a {client_width} px window"
