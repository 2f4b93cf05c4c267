"""Finding invoices: filters, sort, paging, detail, and the filtered list exported."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import httpx
from openpyxl import load_workbook

from portal.accounts.roles import Role
from portal.clock import today
from portal.finance.invoices import InvoiceFilters, list_invoices
from portal.finance.tables import DocumentKind
from tests.factories import log_in, make_company, make_person
from tests.finance.documents import make_invoice, pay

AS_OF = date(2026, 11, 25)


async def _numbers(company: int, **parameters: str) -> list[str]:
    person = await make_person(company, Role.FINANCE)
    rows, _ = await list_invoices(await person.scope(), InvoiceFilters.from_parameters(parameters), AS_OF)
    return [row.number for row in rows]


async def _three(company: int) -> None:
    await make_invoice(company, "100.00", number="FV/1", issued_on=date(2026, 9, 1), due_on=date(2026, 10, 1))
    await make_invoice(
        company, "2500.00", number="FV/2", issued_on=date(2026, 10, 10), due_on=date(2026, 12, 10), po_number="PO-77"
    )
    await make_invoice(
        company,
        "-50.00",
        number="KOR/1",
        kind=DocumentKind.CREDIT_NOTE,
        issued_on=date(2026, 11, 1),
        due_on=date(2026, 11, 15),
    )


async def test_filters_by_status_dates_reference_and_amount(db) -> None:
    company = await make_company()
    await _three(company)
    assert await _numbers(company) == ["KOR/1", "FV/2", "FV/1"]
    assert await _numbers(company, status="overdue") == ["FV/1"]
    assert await _numbers(company, status="open", kind="invoice") == ["FV/2", "FV/1"]
    assert await _numbers(company, **{"from": "2026-10-01", "to": "2026-10-31"}) == ["FV/2"]
    assert await _numbers(company, due_before="2026-11-15") == ["KOR/1", "FV/1"]
    assert await _numbers(company, ref="po-77") == ["FV/2"]
    assert await _numbers(company, min="0", max="1000,00") == ["FV/1"]
    assert await _numbers(company, q="fv/2") == ["FV/2"]
    assert await _numbers(company, sort="amount") == ["KOR/1", "FV/1", "FV/2"]
    assert await _numbers(company, sort="-due") == ["FV/2", "KOR/1", "FV/1"]


async def test_a_paid_invoice_is_not_overdue(db) -> None:
    company = await make_company()
    invoice = await make_invoice(company, "100.00", number="FV/PAID", due_on=date(2026, 10, 1))
    await pay(company, date(2026, 10, 20), (invoice, "100.00"))
    assert await _numbers(company, status="overdue") == []
    assert await _numbers(company, status="paid") == ["FV/PAID"]


async def test_pages_hold_fifty_and_say_whether_more_follow(db) -> None:
    company = await make_company()
    for number in range(51):
        await make_invoice(company, "10.00", number=f"FV/P/{number:03d}")
    person = await make_person(company, Role.FINANCE)
    first, more = await list_invoices(await person.scope(), InvoiceFilters(), AS_OF)
    second, last = await list_invoices(await person.scope(), InvoiceFilters(page=2), AS_OF)
    assert (len(first), more, len(second), last) == (50, True, 1, False)


async def _logged_in_finance(client: httpx.AsyncClient) -> int:
    company = await make_company()
    person = await make_person(company, Role.FINANCE)
    await log_in(client, person.email)
    return company


async def test_the_list_page_and_its_htmx_fragment(client: httpx.AsyncClient) -> None:
    company = await _logged_in_finance(client)
    await make_invoice(company, "100.00", number="FV/LATE", due_on=today() - timedelta(days=5))
    await make_invoice(company, "200.00", number="FV/LATER", due_on=today() + timedelta(days=5))
    page = await client.get("/invoices")
    assert "FV/LATE" in page.text and 'action="/invoices/zip"' in page.text and "<html" in page.text
    fragment = await client.get("/invoices?status=overdue", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and 'id="invoice-results"' in fragment.text
    assert "FV/LATE<" in fragment.text and "FV/LATER" not in fragment.text
    assert fragment.headers["HX-Replace-Url"] == "/invoices?status=overdue&sort=-issued"


async def test_the_detail_shows_lines_payments_and_the_pdf_link(client: httpx.AsyncClient) -> None:
    company = await _logged_in_finance(client)
    invoice = await make_invoice(
        company, "1230.00", number="FV/2026/11/0042", po_number="PO-9", due_on=today() + timedelta(days=9)
    )
    await pay(company, date(2026, 10, 5), (invoice, "230.00"))
    response = await client.get(f"/invoices/{invoice}")
    assert response.status_code == 200
    assert "FV/2026/11/0042" in response.text and "Wkręt samowiercący" in response.text
    assert f'href="/invoices/{invoice}/pdf"' in response.text
    assert "Partly paid" in response.text and "PLN1,000.00" in response.text


async def test_another_companys_invoice_answers_404(client: httpx.AsyncClient) -> None:
    await _logged_in_finance(client)
    foreign = await make_invoice(await make_company(), "100.00", number="FV/OBCA/1")
    response = await client.get(f"/invoices/{foreign}")
    assert response.status_code == 404
    assert "FV/OBCA/1" not in response.text
    assert "FV/OBCA/1" not in (await client.get("/invoices/export.csv")).text


async def test_a_buyer_without_invoice_read_is_refused_the_invoices(client: httpx.AsyncClient) -> None:
    company = await make_company()
    invoice = await make_invoice(company, "100.00")
    buyer = await make_person(company, Role.BUYER)
    await log_in(client, buyer.email)
    for path in ("/invoices", f"/invoices/{invoice}", "/invoices/export.csv", "/invoices/export.xlsx"):
        assert (await client.get(path)).status_code == 403, path


async def test_the_csv_export_is_the_filtered_list_for_polish_excel(client: httpx.AsyncClient) -> None:
    company = await _logged_in_finance(client)
    await make_invoice(company, "1234.56", number="FV/E/1", issued_on=date(2026, 10, 2), po_number="PO-1")
    await make_invoice(company, "99.00", number="FV/E/2", issued_on=date(2026, 10, 3))
    response = await client.get("/invoices/export.csv?min=1000")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Number", "Kind", "Issued"]
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Number"] == "FV/E/1" and record["PO"] == "PO-1" and record["Issued"] == "2026-10-02"
    assert record["Gross"] == "1234,56" and record["Net"] == "1003,71" and record["VAT"] == "230,85"


async def test_the_xlsx_export_holds_numbers_and_dates(client: httpx.AsyncClient) -> None:
    company = await _logged_in_finance(client)
    await make_invoice(company, "1234.56", number="FV/X/1", issued_on=date(2026, 10, 2))
    response = await client.get("/invoices/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[0] == "Number" and first["Number"] == "FV/X/1"
    assert Decimal(str(first["Gross"])) == Decimal("1234.56")
    assert first["Issued"].date() == date(2026, 10, 2)
