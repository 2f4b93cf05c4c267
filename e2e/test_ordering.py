"""A buyer orders from the grid with the keyboard alone and finds the same prices in the cart."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from e2e.helpers import LiveServer, Screenshot, log_in
from portal import clock

# portal/demo_data/contract-prices.jsonl: BudMax buys this bolt on its contract of the year,
# UMOWA/<year>/014 (0.28 zł from 1 pc);
# other customers pay the base list price (0.3294 zł).
CONTRACT_BOLT = "DIN933-M8X40-88ZN"


def _row(page: Page, index: int) -> Locator:
    return page.locator("#ordering-grid tbody tr.grid-row").nth(index)


def _row_of(page: Page, table: str, sku: str) -> Locator:
    """The row whose SKU link is exactly `sku` (other variants' SKUs start the same)."""
    return page.locator(f"{table} tbody tr").filter(has=page.get_by_role("link", name=sku, exact=True))


def test_a_buyer_orders_five_products_with_the_keyboard_only(
    page: Page, live_server: LiveServer, screenshot: Screenshot
) -> None:
    log_in(page, "buyer@budmax.example")
    page.goto("/order")
    screenshot(page, "grid")

    # "/" puts the keyboard in the search box from anywhere on the page.
    page.locator("main").focus()
    page.keyboard.press("/")
    search = page.locator("#grid-search")
    expect(search).to_be_focused()
    page.keyboard.type("din933 m8x40", delay=20)
    expect(_row(page, 0)).to_contain_text("DIN933-M8X40")
    expect(page).to_have_url(re.compile(r"/order\?q=din933\+m8x40"))

    # Arrow down into the first row's quantity; type, Enter, and the next row is ready.
    page.keyboard.press("ArrowDown")
    first_quantity = _row(page, 0).locator(".quantity-input")
    expect(first_quantity).to_be_focused()

    ordered: dict[str, str] = {}
    for index, quantity in enumerate(["150", "100", "200", "100", "300"]):
        row = _row(page, index)
        expect(row.locator(".quantity-input")).to_be_focused()
        sku = row.locator("td.sku a").inner_text()
        page.keyboard.type(quantity)
        page.keyboard.press("Enter")
        expect(row.locator("td.feedback .added")).to_be_visible()
        expect(_row(page, index + 1).locator(".quantity-input")).to_be_focused()
        ordered[sku] = row.locator("td.price strong").inner_text()
    # The first row asked for 150 of a product sold in hundreds: rounded up, and said so.
    expect(_row(page, 0).locator("td.feedback .adjusted")).to_contain_text("150")
    expect(page.locator("#cart-summary")).to_contain_text("5")
    screenshot(page, "five-added")

    # "?" on a row explains its price; Escape closes it and the keyboard is back in the row.
    contract_row = _row_of(page, "#ordering-grid", CONTRACT_BOLT)
    contract_row.locator(".quantity-input").focus()
    page.keyboard.press("?")
    dialog = page.locator("#price-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"UMOWA/{clock.today().year}/014")
    screenshot(page, "price-explanation")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(contract_row.locator(".quantity-input")).to_be_focused()

    # The cart holds the five lines at the prices the grid showed.
    page.goto("/cart")
    lines = page.locator("#cart-lines tbody tr.cart-line")
    expect(lines).to_have_count(5)
    for sku, price in ordered.items():
        expect(_row_of(page, "#cart-lines", sku).locator("td.price")).to_contain_text(price)
    expect(page.locator("#cart-totals")).to_be_visible()
    screenshot(page, "cart")


def test_budmax_and_elektroplus_see_their_own_price_for_the_same_bolt(
    page: Page, live_server: LiveServer, screenshot: Screenshot
) -> None:
    prices = {}
    for buyer in ("buyer@budmax.example", "buyer@elektroplus.example"):
        page.context.clear_cookies()
        log_in(page, buyer)
        page.goto(f"/order?q={CONTRACT_BOLT}")
        row = _row_of(page, "#ordering-grid", CONTRACT_BOLT)
        prices[buyer] = row.locator("td.price strong").inner_text()
        screenshot(page, buyer.split("@")[1].split(".")[0])
    assert prices["buyer@budmax.example"] != prices["buyer@elektroplus.example"], prices
    assert "0,28" in prices["buyer@budmax.example"] or "0.28" in prices["buyer@budmax.example"]


def test_page_down_keeps_the_row_and_arrows_cross_pages(page: Page, live_server: LiveServer) -> None:
    log_in(page, "buyer@budmax.example")
    page.goto("/order?q=din933")
    _row(page, 3).locator(".quantity-input").focus()

    page.keyboard.press("PageDown")
    expect(page.locator("#grid-results")).to_have_attribute("data-page", "2")
    expect(_row(page, 3).locator(".quantity-input")).to_be_focused()

    # Up from the first row goes to the last row of the page before.
    _row(page, 0).locator(".quantity-input").focus()
    page.keyboard.press("ArrowUp")
    expect(page.locator("#grid-results")).to_have_attribute("data-page", "1")
    expect(page.locator("#ordering-grid tbody tr.grid-row").last.locator(".quantity-input")).to_be_focused()
