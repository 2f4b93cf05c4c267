"""A finance user filters overdue invoices, downloads one PDF and a ZIP of three, and opens the
payment QR for two; the first page of the PDF is saved as a picture to look at."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pypdfium2
from playwright.sync_api import Locator, Page, expect

from e2e.conftest import ARTIFACTS
from e2e.helpers import LiveServer, Screenshot, log_in


def _overdue_rows(page: Page) -> Locator:
    page.goto("/invoices")
    with page.expect_response(lambda response: "status=overdue" in response.url):
        page.locator("#invoice-status").select_option("overdue")
    page.wait_for_load_state("networkidle")
    rows = page.locator("#invoices tbody tr")
    expect(rows.first).to_be_visible()
    return rows


def test_finance_downloads_invoices_and_sees_the_payment_qr(
    page: Page, live_server: LiveServer, screenshot: Screenshot
) -> None:
    log_in(page, "finance@budmax.example")
    page.goto("/finance")
    expect(page.locator("main")).to_contain_text("zł")
    screenshot(page, "finance-home")

    rows = _overdue_rows(page)
    assert rows.count() >= 3
    screenshot(page, "overdue-invoices")

    rows.first.locator("a[href^='/invoices/']").first.click()
    page.wait_for_url(re.compile(r"/invoices/\d+$"))
    with page.expect_download(timeout=30_000) as pdf_download:
        page.locator("a[href$='/pdf']").click()
    pdf = Path(pdf_download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    first_page = pypdfium2.PdfDocument(pdf)[0].render(scale=1.5).to_pil()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    first_page.save(ARTIFACTS / "finance-invoice-first-page.png")

    rows = _overdue_rows(page)
    for index in range(3):
        rows.nth(index).locator("input[name=invoice]").check()
    with page.expect_download(timeout=60_000) as zip_download:
        # The answer is a file, not a page: the click must not wait for a navigation.
        page.get_by_role("button", name="Pobierz wybrane jako ZIP").click(no_wait_after=True)
    expect(page.locator("#zip-progress")).to_be_hidden(timeout=60_000)
    names = zipfile.ZipFile(io.BytesIO(Path(zip_download.value.path()).read_bytes())).namelist()
    assert len(names) == 3 and all(name.endswith(".pdf") for name in names)

    rows = _overdue_rows(page)
    for index in range(2):
        rows.nth(index).locator("input[name=invoice]").check()
    page.get_by_role("button", name="Zapłać wybrane").click()
    expect(page.locator("svg").first).to_be_visible()
    screenshot(page, "payment-qr")
