"""An order placed in the browser reaches the simulated ERP (`portal erp-sim`, reading the event
feed), which confirms it with its own number; the buyer's order page, never reloaded, turns
"Confirmed" and shows the ERP's number."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import portal.app  # noqa: F401 - the app's modules first: the OpenAPI module alone imports in a cycle
from e2e.conftest import START_TIMEOUT_SECONDS
from e2e.helpers import LiveServer, Screenshot, log_in
from portal.demo import DEMO_ERP_KEY
from portal.integration.openapi import openapi_document

ACKNOWLEDGEMENTS = "/api/v1/orders/{number}/acknowledgements"
pytestmark = pytest.mark.skipif(
    ACKNOWLEDGEMENTS not in openapi_document()["paths"], reason="needs the acknowledgements endpoint"
)

REPO_ROOT = Path(__file__).resolve().parent.parent
# portal/demo_data/contract-prices.jsonl: BudMax buys this bolt on its contract (0.28 zł), so a
# hundred stay far below the buyer's limit and need no approval.
BOLT = "DIN933-M8X40-88ZN"


@pytest.fixture
def erp_simulator(live_server: LiveServer, tmp_path: Path) -> Iterator[Path]:
    """`portal erp-sim` against the live server with the demo's ERP key, taking only orders placed
    from its start on (the demo's own orders keep their story for the other tests), confirming
    after a second at the ordered prices. Yields its log."""
    log = tmp_path / "erp-sim.log"
    arguments = [
        "erp-sim",
        "--url",
        live_server.base_url,
        "--key",
        DEMO_ERP_KEY,
        "--state",
        str(tmp_path / "erp-sim.json"),
        "--since",
        "now",
        "--ack-delay",
        "1",
        "--invoice-delay",
        "3600",
        "--price-change",
        "0",
    ]
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PORTAL_")}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", f"from portal.cli import main; main({arguments!r})"],
            cwd=REPO_ROOT,
            env={**environment, "PORTAL_VAR_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        # Orders placed before its first answer from the portal are not its to take: wait for it.
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while "taking orders placed from" not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the ERP simulator did not start:\n{log.read_text(errors='replace')}", pytrace=False)
            time.sleep(0.1)
        yield log
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_an_order_placed_in_the_browser_is_confirmed_by_the_erp_on_the_open_page(
    page: Page, live_server: LiveServer, erp_simulator: Path, screenshot: Screenshot
) -> None:
    log_in(page, "buyer@budmax.example")
    page.goto(f"/order?q={BOLT}")
    row = page.locator("#ordering-grid tbody tr").filter(has=page.get_by_role("link", name=BOLT, exact=True))
    quantity = row.locator(".quantity-input")
    quantity.fill("100")
    quantity.press("Enter")
    expect(row.locator("td.feedback .added")).to_be_visible()
    page.goto("/checkout")
    page.locator("#po_number").fill("BM/PO/2026/ERP")
    page.locator("#checkout-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    number = page.locator("h1").inner_text().split()[1]
    screenshot(page, "placed")

    # The page is not reloaded from here on: the ERP's answer arrives over its live stream.
    badge = page.locator("h1 .badge")
    try:
        expect(badge).to_have_class(re.compile("status-confirmed"))
    except AssertionError:
        raise AssertionError(f"the ERP simulator's log:\n{erp_simulator.read_text(errors='replace')}") from None
    # The demo buyer's interface is Polish: "Potwierdzone" is "Confirmed".
    expect(badge).to_have_text("Potwierdzone")
    expect(page.locator("#erp-number")).to_have_text("ZS/" + number.split("/", 1)[1])
    screenshot(page, "confirmed-by-the-erp")
    assert f"order {number} acknowledged" in erp_simulator.read_text(errors="replace")
