"""A buyer pastes a list copied from Excel, fixes a mistyped code in the report, and adds the
checked lines to the cart in one go."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.helpers import LiveServer, Screenshot, log_in

# README, portal/demo_data/customer-part-numbers.jsonl: BudMax's own part number for a bolt it buys.
BUDMAX_OWN_CODE = "BM-ŚR-0102"


def _orderable_skus(page: Page, count: int) -> list[str]:
    """SKUs of grid rows the buyer can order (the row has a price and a quantity input)."""
    page.goto("/order?q=din")
    rows = page.locator("#ordering-grid tbody tr.grid-row").filter(has=page.locator(".quantity-input"))
    expect(rows.first).to_be_visible()
    skus = [sku.strip() for sku in rows.locator("td.sku a").all_inner_texts()]
    assert len(skus) >= count, skus
    return skus[:count]


def _cart_lines(page: Page) -> dict[str, tuple[str, str, str]]:
    """The cart as it stands: line id → (quantity, note, SKU)."""
    page.goto("/cart")
    lines = {}
    for row in page.locator("#cart-lines tbody tr.cart-line").all():
        line_id = (row.get_attribute("id") or "").removeprefix("line-")
        quantity = row.locator("input[name=quantity]").input_value()
        lines[line_id] = (quantity, row.locator("input[name=note]").input_value(), row.locator("td.sku a").inner_text())
    return lines


def _restore_cart(page: Page, before: dict[str, tuple[str, str, str]]) -> None:
    """Leave the shared demo buyer's cart as the test found it, for the tests after this one."""
    token = page.locator("input[name=_csrf_token]").first.input_value()
    for line_id in _cart_lines(page).keys() - before.keys():
        page.request.post(f"/cart/lines/{line_id}/delete", form={"_csrf_token": token})
    for line_id, (quantity, note, _sku) in before.items():
        page.request.post(f"/cart/lines/{line_id}", form={"quantity": quantity, "note": note, "_csrf_token": token})
    assert _cart_lines(page) == before


def test_a_buyer_pastes_twenty_lines_fixes_one_and_adds_them_to_the_cart(
    page: Page, live_server: LiveServer, screenshot: Screenshot
) -> None:
    log_in(page, "buyer@budmax.example")
    cart_before = _cart_lines(page)
    skus = _orderable_skus(page, 19)

    # From the grid's head to the quick order page.
    page.locator('.grid-head a[href="/order/quick"]').click()
    expect(page).to_have_url(re.compile(r"/order/quick$"))
    expect(page.locator("h1")).to_have_text("Szybkie zamówienie")

    # An Excel paste: a Polish header, a name column, a lower-cased SKU, a typo, the own code.
    mistyped = skus[0] + "-X"
    rows = [f"{sku.lower() if index == 3 else sku}\tProdukt {index}\t{index + 1}" for index, sku in enumerate(skus[1:])]
    pasted = "\n".join(
        ["Indeks\tNazwa\tIlość", f"{mistyped}\tŚruba\t10", *rows, f"{BUDMAX_OWN_CODE}\tNasza śruba\t1 000"]
    )
    page.locator("#quick-order-lines").fill(pasted)
    screenshot(page, "pasted")
    page.locator("#quick-order-input button[type=submit]").click()

    # The report: twenty lines, the typo marked, nothing in the cart yet.
    report = page.locator("#quick-order-table tbody tr.quick-line")
    expect(report).to_have_count(20)
    typo = page.locator("#quick-line-2")
    expect(typo).to_have_class(re.compile(r"\battention\b"))
    expect(typo.locator("td.result")).to_contain_text("Nieznany kod")
    expect(page.locator(".count-attention")).to_contain_text("1")
    own = page.locator("#quick-line-21")
    expect(own.locator(".own-code")).to_have_text(BUDMAX_OWN_CODE)
    own_sku = own.locator("a.sku").inner_text().strip()
    screenshot(page, "report")

    # Fixed in place and checked again: every line is ready.
    typo.locator("input[name=code]").fill(skus[0])
    page.locator("#quick-order-lines .report-actions").first.get_by_role("button", name="Sprawdź ponownie").click()
    expect(page.locator("#quick-line-2")).not_to_have_class(re.compile(r"\battention\b"))
    expect(page.locator("#quick-line-2 td.result")).to_contain_text("Gotowe do dodania")
    expect(page.locator(".count-attention")).to_have_count(0)
    products = len({*skus, own_sku})
    add = page.locator("#quick-order-lines .report-actions").first.locator("button.add-valid")
    expect(add).to_contain_text(str(products))
    screenshot(page, "report-fixed")

    add.click()
    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(page.locator("#messages")).to_contain_text(f"{products}")
    cart_skus = page.locator("#cart-lines tbody tr.cart-line td.sku a").all_inner_texts()
    assert {*skus, own_sku} <= {sku.strip() for sku in cart_skus}, cart_skus
    screenshot(page, "cart")

    _restore_cart(page, cart_before)
