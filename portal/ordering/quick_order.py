"""Quick order: lines of "code quantity" pasted or uploaded (CSV, XLSX) are read as they come
from Excel and e-mails, then checked against the catalog as one report before anything goes into
the cart. Reading is pure; checking costs a fixed number of statements however many lines."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from babel.numbers import format_decimal
from piccolo.querystring import QueryString

from portal.accounts.scope import Scope
from portal.catalog import ProductRow, visible_products
from portal.catalog.tables import Product
from portal.errors import Invalid
from portal.i18n import current_locale
from portal.i18n import gettext as _
from portal.ordering.cart import MAX_QUANTITY, OrderQuantity, apply_order_rules
from portal.pricing import PriceQuote, resolve_prices
from portal.web.forms import whole_number

MAX_LINES = 5_000
MAX_FILE_BYTES = 2 * 1024 * 1024
# An XLSX is a zip: 2 MB of it may unpack to gigabytes of XML. Real order lists stay far below.
MAX_XLSX_UNPACKED_BYTES = 40 * 1024 * 1024
# Rows of a sheet read at most, blank ones included, and columns of a row looked at.
MAX_SHEET_ROWS = 4 * MAX_LINES
MAX_COLUMNS = 30
# A paste longer than this is refused before it is read: 5,000 lines of a code and a quantity fit
# in far less, and reading megabytes of text would hold a request worker for seconds.
MAX_PASTE_CHARS = 500_000
# The longest code any of SKU, EAN or a customer's part number can be.
MAX_CODE_LENGTH = 60


class LineProblem(StrEnum):
    """What is wrong with a line as written, before the catalog is asked."""

    MISSING_CODE = "missing_code"
    MISSING_QUANTITY = "missing_quantity"
    NOT_A_NUMBER = "not_a_number"
    NOT_WHOLE = "not_whole"
    # "1,000" or "1.500": thousands or decimals? Polish and English read them differently.
    UNCLEAR = "unclear"
    NOT_POSITIVE = "not_positive"
    TOO_LARGE = "too_large"


@dataclass(frozen=True)
class ParsedLine:
    """One line as the buyer wrote it: `quantity` is set when `quantity_text` is a good one."""

    line_number: int
    code: str
    quantity_text: str
    problem: LineProblem | None = None
    quantity: int | None = None


# --- Reading quantities ------------------------------------------------------------------------

# A unit after the number: "100 szt.", "20 pcs", "5 op."
_UNIT_SUFFIX = re.compile(r"(?<=\d)\s*[^\W\d_]{1,6}\.?$")
# Thousands written with spaces, as Polish Excel and Word do: "1 000", "1\u00a0000", "1\u202f000".
_DIGIT_GAPS = re.compile(r"(?<=\d)[\s\u00a0\u202f']+(?=\d)")
_NUMBER = re.compile(r"([-+]?)(\d[\d.,]*)", re.ASCII)


def read_quantity(text: str) -> tuple[int | None, LineProblem | None]:
    """A whole quantity from what a person or a spreadsheet wrote: "1 000", "10,0", "12 szt."
    are fine; "1,5" is not whole; "1,000" could be one or a thousand and is asked about."""
    cleaned = _DIGIT_GAPS.sub("", _UNIT_SUFFIX.sub("", text.strip())).strip()
    if not text.strip():
        return None, LineProblem.MISSING_QUANTITY
    found = _NUMBER.fullmatch(cleaned)
    if not found:
        return None, LineProblem.NOT_A_NUMBER
    sign, digits = found.groups()
    separators = [char for char in digits if char in ".,"]
    whole, fraction = digits, ""
    if len(set(separators)) == 2:
        # "1.000,00" or "1,000.00": the last separator is the decimal one, the other groups thousands.
        decimal_separator = separators[-1]
        grouping = "," if decimal_separator == "." else "."
        whole, fraction = digits.rsplit(decimal_separator, 1)
        if not _is_grouped(whole, grouping):
            return None, LineProblem.NOT_A_NUMBER
        whole = whole.replace(grouping, "")
    elif separators:
        separator = separators[0]
        parts = digits.split(separator)
        if len(parts) > 2:
            if not _is_grouped(digits, separator):
                return None, LineProblem.NOT_A_NUMBER
            whole = digits.replace(separator, "")
        elif len(parts[1]) == 3 and not parts[0].startswith("0"):
            return None, LineProblem.UNCLEAR
        else:
            whole, fraction = parts
    if not whole or (fraction and not fraction.isdigit()):
        return None, LineProblem.NOT_A_NUMBER
    if fraction.strip("0"):
        return None, LineProblem.NOT_WHOLE
    quantity = int(whole)
    if quantity == 0 or sign == "-":
        return None, LineProblem.NOT_POSITIVE
    if quantity > MAX_QUANTITY:
        return None, LineProblem.TOO_LARGE
    return quantity, None


def _is_grouped(digits: str, separator: str) -> bool:
    groups = digits.split(separator)
    return 1 <= len(groups[0]) <= 3 and groups[0].isdigit() and all(len(g) == 3 and g.isdigit() for g in groups[1:])


def _looks_like_quantity(cell: str) -> bool:
    """A cell that could be the quantity column when no header says which one it is. Long runs
    of digits are EANs, not quantities."""
    cleaned = _DIGIT_GAPS.sub("", _UNIT_SUFFIX.sub("", cell.strip())).strip()
    return bool(_NUMBER.fullmatch(cleaned)) and sum(char.isdigit() for char in cleaned) < 8


def parsed_line(line_number: int, code: str, quantity_text: str) -> ParsedLine:
    code, quantity_text = code.strip(), quantity_text.strip()
    quantity, problem = read_quantity(quantity_text)
    if not code:
        problem = LineProblem.MISSING_CODE
    return ParsedLine(line_number, code, quantity_text, problem, quantity if problem is None else None)


# --- Reading lines -----------------------------------------------------------------------------

# Header cells, compared lower-cased without dots, colons and brackets.
_CODE_HEADERS = frozenset(
    {
        "sku",
        "code",
        "kod",
        "indeks",
        "index",
        "ean",
        "ean13",
        "ean-13",
        "gtin",
        "symbol",
        "item",
        "article",
        "artykuł",
        "part",
        "part number",
        "part no",
        "product code",
        "nr katalogowy",
        "numer katalogowy",
        "nr kat",
        "towar",
    }
)
_QUANTITY_HEADERS = frozenset(
    {"qty", "quantity", "ilość", "ilosc", "il", "szt", "liczba", "amount", "count", "pcs", "ordered", "zamówienie"}
)
# Words that start a longer header ("Kod EAN", "Ilość zamówiona", "Quantity ordered"); the
# other names above must be the whole header, since words like "item" begin product names too.
_LEADING_HEADER_WORDS = {
    "code": frozenset({"sku", "code", "kod", "indeks", "index", "ean", "symbol"}),
    "quantity": frozenset({"qty", "quantity", "ilość", "ilosc"}),
}
# A code in free text followed by a quantity: "DIN933-M8X40 100", "ABC 1 000 szt."
_LOOSE_LINE = re.compile(r"(?P<code>[^\s,;]+)\s+(?P<quantity>[-+]?\d[\d\s\u00a0\u202f.,']*(?:\s*[^\W\d_]{1,6}\.?)?)")


def _header_kind(cell: str) -> str | None:
    name = " ".join(re.sub(r"[.:()\[\]*#\"'/]", " ", cell.lower()).split())
    if not name:
        return None
    first_word = name.split()[0]
    if name in _CODE_HEADERS or first_word in _LEADING_HEADER_WORDS["code"]:
        return "code"
    if name in _QUANTITY_HEADERS or first_word in _LEADING_HEADER_WORDS["quantity"]:
        return "quantity"
    return None


@dataclass(frozen=True)
class _Columns:
    """Which columns hold the code and the quantity, as a header row named them."""

    code: tuple[int, ...]
    quantity: int | None

    @classmethod
    def from_header(cls, cells: Sequence[str]) -> _Columns | None:
        """The columns a header row names; None for a row with a number in it, which is data."""
        kinds = [_header_kind(cell) for cell in cells]
        if not any(kinds) or any(_looks_like_quantity(cell) for cell in cells):
            return None
        return cls(
            code=tuple(index for index, kind in enumerate(kinds) if kind == "code"),
            quantity=next((index for index, kind in enumerate(kinds) if kind == "quantity"), None),
        )


def _loose_cells(line: str) -> list[str]:
    """The cells of a line that has no tab or semicolon: "code quantity", "code, quantity", or
    words of which the first is the code and the first number the quantity."""
    line = line.strip()
    if not line:
        return []
    loose = _LOOSE_LINE.fullmatch(line)
    if loose:
        return [loose["code"], loose["quantity"]]
    if "," in line:
        return next(csv.reader([line], strict=False))
    return line.split()


# No code or quantity comes near this; a longer cell is not a list at all.
MAX_CELL_CHARS = 128 * 1024


def _text_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of pasted text or a CSV file: tabs (Excel), semicolons (Polish CSV),
    else each line on its own (commas or spaces)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = "\t" if "\t" in text else ";" if ";" in text else None
    if delimiter is None:
        for number, line in enumerate(text.split("\n"), start=1):
            yield number, _loose_cells(line)
        return
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=False)
    first_line = 1
    for cells in reader:
        # Checked here, not left to the csv module's limit: that limit is the process's own, and
        # the ERP file importer raises it for its long cells.
        if any(len(cell) > MAX_CELL_CHARS for cell in cells):
            raise csv.Error("field larger than field limit")
        # A quoted cell may span lines (Excel quotes cells with line breaks): count from its start.
        yield first_line, _loose_cells(cells[0]) if len(cells) == 1 else cells
        first_line = reader.line_num + 1


def _line_from_cells(number: int, cells: list[str], columns: _Columns | None) -> ParsedLine:
    quantity_column = columns.quantity if columns else None
    if columns and columns.code:
        code_index = next((i for i in columns.code if i < len(cells) and cells[i]), columns.code[0])
    else:
        # Without a header the code comes first; an empty first cell is a line without a code.
        code_index = 1 if quantity_column == 0 else 0
    code = cells[code_index] if code_index < len(cells) else ""
    if quantity_column is not None and quantity_column < len(cells):
        quantity_text = cells[quantity_column]
    else:
        after = [cell for cell in cells[code_index + 1 :] if cell]
        quantity_text = next((cell for cell in after if _looks_like_quantity(cell)), after[0] if after else "")
    return parsed_line(number, code, quantity_text)


def parse_rows(rows: Iterable[tuple[int, Sequence[str]]]) -> list[ParsedLine]:
    """Lines from (line number, cells) rows: blank rows are skipped, and a first row naming its
    columns (SKU, Kod, Indeks, EAN, Ilość, Qty…) says where the code and the quantity are."""
    lines: list[ParsedLine] = []
    columns: _Columns | None = None
    seen_first = False
    for number, raw_cells in rows:
        cells = [cell.strip() for cell in raw_cells[:MAX_COLUMNS]]
        if not any(cells):
            continue
        if not seen_first:
            seen_first = True
            columns = _Columns.from_header(cells)
            if columns:
                continue
        lines.append(_line_from_cells(number, cells, columns))
        if len(lines) > MAX_LINES:
            raise Invalid({"lines": too_many_lines_message()})
    return lines


def too_many_lines_message() -> str:
    return _("That is more than %(max)s lines. Split the list and check each part on its own.") % {
        "max": format_decimal(MAX_LINES, locale=current_locale())
    }


def parse_text(text: str) -> list[ParsedLine]:
    """Lines of pasted text (or a decoded CSV file); raises Invalid when there are too many."""
    try:
        return parse_rows(_text_rows(text))
    except csv.Error:
        # A cell past MAX_CELL_CHARS, or a NUL byte in a quoted cell.
        raise Invalid({"lines": _("A cell of this list is far too long to be a code or a quantity.")}) from None


def paste_too_long(text: str) -> bool:
    return len(text) > MAX_PASTE_CHARS


def paste_too_long_message() -> str:
    return _("The pasted list is longer than %(max)s characters. Split it and check each part on its own.") % {
        "max": format_decimal(MAX_PASTE_CHARS, locale=current_locale())
    }


def decode_text(content: bytes) -> str:
    """CSV as Excel writes it: UTF-8 with or without a BOM, UTF-16 ("Unicode text"), or
    Windows-1250 from a Polish Excel; anything else is not a text file."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = content.decode("utf-16", errors="replace")
        # A NUL is no part of an order list, and PostgreSQL cannot compare text holding one.
        if "\x00" in text:
            raise Invalid({"file": _("This file is not a CSV or XLSX file.")})
        return text
    if b"\x00" in content:
        raise Invalid({"file": _("This file is not a CSV or XLSX file.")})
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1250", errors="replace")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value).strip()


def _sheet_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # only uploads need it; it is slow to import

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except zipfile.BadZipFile:
        raise Invalid({"file": _("This file could not be read as an Excel workbook (XLSX).")}) from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise Invalid({"file": _("This workbook is too large. Keep the order list on one small sheet.")})
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a damaged or foreign file
        raise Invalid({"file": _("This file could not be read as an Excel workbook (XLSX).")}) from None
    try:
        sheet = workbook.active
        if sheet is None:
            return
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            if number > MAX_SHEET_ROWS:
                raise Invalid({"lines": too_many_lines_message()})
            yield number, [_cell_text(value) for value in values]
    finally:
        workbook.close()


def parse_upload(filename: str, content: bytes) -> list[ParsedLine]:
    """Lines of an uploaded CSV (or plain text) file or XLSX workbook (its first sheet)."""
    if len(content) > MAX_FILE_BYTES:
        raise Invalid({"file": _("The file is larger than 2 MB. Upload a smaller list.")})
    extension = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if extension == "xlsx" or (not extension and content.startswith(b"PK\x03\x04")):
        return parse_rows(_sheet_rows(content))
    if extension == "xls":
        raise Invalid({"file": _("Old Excel files (XLS) cannot be read. Save the sheet as XLSX or CSV.")})
    if extension not in {"csv", "txt", "tsv", ""}:
        raise Invalid({"file": _("This file is not a CSV or XLSX file.")})
    return parse_text(decode_text(content))


def read_order_list(text: str, filename: str = "", content: bytes | None = None) -> list[ParsedLine]:
    """The lines to check from the quick order form: the uploaded file when there is one, else
    the pasted text. Raises Invalid when there is nothing to check or too much."""
    if content is not None:
        lines = parse_upload(filename, content)
        if not lines:
            raise Invalid({"file": _("The file has no lines with a code and a quantity.")})
        return lines
    if paste_too_long(text):
        raise Invalid({"lines": paste_too_long_message()})
    lines = parse_text(text)
    if not lines:
        raise Invalid({"lines": _("Paste at least one line: a code and a quantity.")})
    return lines


def lines_from_form(
    numbers: Sequence[str], codes: Sequence[str], quantities: Sequence[str], remove: str = ""
) -> list[ParsedLine]:
    """The report's table as edited and sent back: a line left blank or removed is gone."""
    if len(codes) > MAX_LINES:
        raise Invalid({"lines": too_many_lines_message()})
    lines = []
    for index, (code, quantity_text) in enumerate(zip(codes, quantities, strict=False)):
        number_text = numbers[index] if index < len(numbers) else ""
        number = whole_number(number_text, minimum=1) or index + 1
        if str(number) == remove or not (code.strip() or quantity_text.strip()):
            continue
        lines.append(parsed_line(number, code[:200], quantity_text[:50]))
    if not lines:
        raise Invalid({"lines": _("No lines are left. Paste a new list.")})
    return lines


# --- Checking against the catalog --------------------------------------------------------------


class LineStatus(StrEnum):
    READY = "ready"
    # The same product as an earlier line (maybe by another code): its quantity is summed there.
    MERGED = "merged"
    MISSING_CODE = "missing_code"
    UNKNOWN_CODE = "unknown_code"
    # The code exists but not for the caller's company: nothing more about it is said.
    NOT_AVAILABLE = "not_available"
    BAD_QUANTITY = "bad_quantity"
    NO_PRICE = "no_price"


class MatchedBy(StrEnum):
    OWN_CODE = "own_code"
    SKU = "sku"
    EAN = "ean"


@dataclass(frozen=True)
class ReportLine:
    line_number: int
    code: str
    quantity_text: str
    status: LineStatus
    problem: LineProblem | None = None
    # Only a product the caller's company may see.
    product: ProductRow | None = None
    matched_by: MatchedBy | None = None
    # On the first line of a product: the quantities of all its lines summed, after the order rules.
    order: OrderQuantity | None = None
    quote: PriceQuote | None = None
    # On the first line of a product: the other lines summed into it; on those: the first line.
    merged_lines: tuple[int, ...] = ()
    merged_into: int | None = None

    @property
    def needs_attention(self) -> bool:
        return self.status not in (LineStatus.READY, LineStatus.MERGED)


@dataclass(frozen=True)
class QuickOrderReport:
    lines: list[ReportLine]
    currency: str

    @property
    def ready(self) -> list[ReportLine]:
        return [line for line in self.lines if line.status is LineStatus.READY]

    @property
    def included_count(self) -> int:
        """Lines that go into the cart, those summed into another line's product included."""
        return sum(1 for line in self.lines if not line.needs_attention)

    @property
    def attention_count(self) -> int:
        return sum(1 for line in self.lines if line.needs_attention)

    @property
    def net(self) -> Decimal:
        return sum((line.quote.line_net for line in self.ready if line.quote), Decimal("0.00"))

    def cart_lines(self) -> list[tuple[int, int]]:
        """(product id, requested quantity) of the lines that can go into the cart."""
        return [(line.product.id, line.order.requested) for line in self.ready if line.product and line.order]


_MATCH_ORDER = {MatchedBy.OWN_CODE: 0, MatchedBy.SKU: 1, MatchedBy.EAN: 2}


async def match_codes(caller: Scope, codes: Iterable[str]) -> dict[str, list[tuple[MatchedBy, int]]]:
    """Every product each (lower-cased) code names, as the caller's own part number, a SKU or an
    EAN, in one statement whatever the number of codes. Raw SQL: the codes go in once as a VALUES
    list that the three lookups share (own codes and EANs by their indexes; SKUs compared
    lower-cased, which no index covers, so the product table is read once)."""
    assert caller.company_id is not None
    wanted = sorted({code for code in codes if code})
    if not wanted:
        return {}
    values = ", ".join("(CAST({} AS TEXT))" for _ in wanted)
    statement = QueryString(
        f"WITH codes (code) AS (VALUES {values})"
        " SELECT {} AS matched_by, c.code_search AS code, c.product AS product FROM customer_part_number c"
        " WHERE c.company = {} AND c.code_search IN (SELECT code FROM codes)"
        " UNION ALL SELECT {}, lower(p.sku), p.id FROM product p WHERE lower(p.sku) IN (SELECT code FROM codes)"
        " UNION ALL SELECT {}, p.ean, p.id FROM product p WHERE p.ean IN (SELECT code FROM codes)",
        *wanted,
        MatchedBy.OWN_CODE.value,
        caller.company_id,
        MatchedBy.SKU.value,
        MatchedBy.EAN.value,
    )
    found: dict[str, list[tuple[MatchedBy, int]]] = {}
    for row in await Product.raw("{}", statement):
        found.setdefault(row["code"], []).append((MatchedBy(row["matched_by"]), row["product"]))
    return found


def _normalized_code(code: str) -> str:
    return unicodedata.normalize("NFC", code).lower() if len(code) <= MAX_CODE_LENGTH else ""


async def check_lines(caller: Scope, parsed: Sequence[ParsedLine]) -> QuickOrderReport:
    """The report on every line: which product it names (only if the caller's company may see
    it), the quantity after the order rules with the lines of one product summed, and the
    buyer's net price. Changes nothing. Statements: the codes, the visibility, the prices."""
    matches = await match_codes(caller, (_normalized_code(line.code) for line in parsed))
    products = {
        product.id: product
        for product in await visible_products(
            caller, sorted({product_id for found in matches.values() for _by, product_id in found})
        )
    }

    def chosen(code: str) -> tuple[MatchedBy, int] | None:
        """A visible product before a hidden one; then own code, SKU, EAN; then the oldest."""
        found = matches.get(_normalized_code(code))
        if not found:
            return None
        return min(found, key=lambda match: (match[1] not in products, _MATCH_ORDER[match[0]], match[1]))

    # The lines of each product with a good quantity, in the order written: the first carries the sum.
    by_product: dict[int, list[ParsedLine]] = {}
    for line in parsed:
        match = chosen(line.code)
        if match and match[1] in products and line.quantity is not None:
            by_product.setdefault(match[1], []).append(line)
    orders: dict[int, OrderQuantity] = {}
    too_large: set[int] = set()
    for product_id, lines in by_product.items():
        requested = sum(line.quantity or 0 for line in lines)
        if requested > MAX_QUANTITY:
            too_large.add(product_id)
            continue
        product = products[product_id]
        orders[product_id] = apply_order_rules(requested, product.min_order_quantity, product.order_multiple)
    quotes = await resolve_prices(caller, {product_id: order.quantity for product_id, order in orders.items()})

    def report_line(line: ParsedLine) -> ReportLine:
        def written(status: LineStatus, **found: Any) -> ReportLine:
            return ReportLine(line.line_number, line.code, line.quantity_text, status, **found)

        if not line.code:
            return written(LineStatus.MISSING_CODE, problem=line.problem)
        match = chosen(line.code)
        if match is None:
            return written(LineStatus.UNKNOWN_CODE, problem=line.problem)
        matched_by, product_id = match
        product = products.get(product_id)
        if product is None:
            return written(LineStatus.NOT_AVAILABLE, problem=line.problem)
        if line.quantity is None:
            return written(LineStatus.BAD_QUANTITY, problem=line.problem, product=product, matched_by=matched_by)
        group = by_product[product_id]
        if group[0] is not line:
            return written(LineStatus.MERGED, product=product, matched_by=matched_by, merged_into=group[0].line_number)
        merged = tuple(other.line_number for other in group[1:])
        if product_id in too_large:
            return written(
                LineStatus.BAD_QUANTITY,
                problem=LineProblem.TOO_LARGE,
                product=product,
                matched_by=matched_by,
                merged_lines=merged,
            )
        quote = quotes.get(product_id)
        return written(
            LineStatus.READY if quote else LineStatus.NO_PRICE,
            product=product,
            matched_by=matched_by,
            order=orders[product_id],
            quote=quote,
            merged_lines=merged,
        )

    return QuickOrderReport([report_line(line) for line in parsed], caller.currency)
