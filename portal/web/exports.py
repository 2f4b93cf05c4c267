"""Spreadsheets the portal hands out (CSV and XLSX): every export writes its cells through here,
so text a customer typed (a PO number, a note) is never read back by Excel as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

# The rule of the `defusedcsv` package: Excel, LibreOffice and Google Sheets start a formula (or
# a DDE call) at these characters, so text beginning with one gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """Text as it may stand in a spreadsheet cell: never the start of a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(value: Any) -> str:
    # Numbers and dates are the portal's own values: they stay numbers (a credit note's negative
    # amount keeps its minus). Only text is a customer's and gets neutralised.
    if value is None:
        return ""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return str(value).replace(".", ",")
    if isinstance(value, date):
        return value.isoformat()
    return neutralised(str(value))


def as_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """Semicolons, a decimal comma, ISO dates and a byte order mark: Polish Excel opens it as is."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralised(header) for header in headers])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    # Excel number formats by column index (dates, money).
    formats: dict[int, str] = field(default_factory=dict)


def as_xlsx(sheet: Sheet) -> bytes:
    from openpyxl import Workbook  # slow to import; only exports need it

    book = Workbook()
    page = book.active
    assert page is not None
    page.title = sheet.title[:31]
    page.append([neutralised(header) for header in sheet.headers])
    for row in sheet.rows:
        page.append([neutralised(value) if isinstance(value, str) else value for value in row])
    for cells in page.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                # openpyxl makes any string starting with "=" a formula cell; text stays text.
                cell.data_type = "s"
            elif cell.row > 1 and cell.column - 1 in sheet.formats:
                cell.number_format = sheet.formats[cell.column - 1]
    page.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
