"""Reading the files an ERP exports into rows that remember their line: CSV (UTF-8 with or
without a BOM, UTF-16, Windows-1250; `;`, `,` or tab between cells), XLSX (one sheet, read
streaming) and JSON Lines (one object a line); any of them gzipped (`towary.csv.gz`), as large
exports are sent.

Cells come out as the file holds them (text from CSV; numbers, dates and text from XLSX; any JSON
value from JSON Lines): turning "1 234,50" into a number is the mapping's business, because only
the field a column goes to says whether it is a number."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from portal.i18n import gettext as _

# An XLSX is a zip of XML; a small file may unpack to gigabytes (a zip bomb). Real exports
# unpack to ten or twenty times their size, and the upload limit is tens of megabytes.
MAX_UNPACKED_XLSX_BYTES = 1024 * 1024 * 1024
# A gzipped export packs five to fifteen times; a bomb packs a thousand times. Past this the file
# is refused before it is unpacked any further (a million prices as JSON Lines are ~150 MB).
MAX_UNPACKED_GZIP_BYTES = 512 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
# A CSV field may span lines inside quotes, but an unclosed quote must not swallow the file.
MAX_FIELD_CHARS = 1024 * 1024
DELIMITERS = (";", ",", "\t")
# A NUL, which PostgreSQL stores in no text, or a lone surrogate, which no driver can encode:
# JSON may spell both ("\u0000", "\ud800"), decoded bytes never hold a surrogate.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSON_LINES = "jsonl"


@dataclass(frozen=True)
class ImportProblem:
    """Something wrong with one line of a file: `column` is the file's column (None when the
    problem is the line's, or the file's on line 0), `pointer` the RFC 6901 pointer into the item
    the line makes (`/tiers/1/unit_price`; "" for the item as a whole)."""

    line: int
    detail: str
    column: str | None = None
    pointer: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "pointer": self.pointer, "detail": self.detail}

    def __str__(self) -> str:
        where = _("line {line}").format(line=self.line) if self.line else _("the file")
        if self.column:
            where += ", " + _("column {column}").format(column=repr(self.column))
        if self.pointer:
            where += f" ({self.pointer.lstrip('/')})"
        return f"{where}: {self.detail}"


class FileRefused(Exception):
    """The file as a whole cannot be read (not text, no header, not a workbook …)."""

    def __init__(self, detail: str, line: int = 0) -> None:
        super().__init__(detail)
        self.problems = [ImportProblem(line, detail)]


@dataclass(frozen=True)
class SourceRow:
    """One line of data: its number in the file and its non-empty cells by column name."""

    line: int
    cells: dict[str, Any]


@dataclass
class SourceFile:
    format: FileFormat
    # The header's names in order (JSON Lines: the members in the order first seen).
    columns: list[str]
    rows: list[SourceRow]
    # Lines that could not be read as a row at all; the other lines are still read.
    problems: list[ImportProblem] = field(default_factory=list)


@dataclass(frozen=True)
class ReadOptions:
    """What a mapping may fix instead of letting the reader guess."""

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


def file_format(filename: str, content: bytes) -> FileFormat:
    """By the file's extension, else by its first bytes; FileRefused for formats we do not read. A
    gzipped file is told by the name and the first bytes it had before it was packed."""
    inner_name = _name_before_gzip(filename, content)
    if inner_name is not None:
        filename = inner_name
        try:
            content = zlib.decompressobj(31).decompress(content, 64)
        except zlib.error:
            raise FileRefused(_("The file cannot be unpacked as gzip.")) from None
    extension = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if extension in {"xlsx", "xlsm"}:
        return FileFormat.XLSX
    if extension in {"jsonl", "ndjson", "json"}:
        return FileFormat.JSON_LINES
    if extension in {"csv", "txt", "tsv"}:
        return FileFormat.CSV
    if extension == "xls":
        raise FileRefused(_("Old Excel files (XLS) cannot be read. Save the sheet as XLSX or CSV."))
    if content.startswith(b"PK\x03\x04"):
        return FileFormat.XLSX
    if content.lstrip(codecs.BOM_UTF8 + b" \t\r\n").startswith(b"{"):
        return FileFormat.JSON_LINES
    if extension:
        raise FileRefused(
            _("Files ending .{extension} cannot be read: send CSV, XLSX or JSON Lines.").format(extension=extension)
        )
    return FileFormat.CSV


def read_file(content: bytes, filename: str, options: ReadOptions | None = None) -> SourceFile:
    options = options or ReadOptions()
    content, filename = gunzipped(content, filename)
    kind = file_format(filename, content)
    if kind is FileFormat.XLSX:
        return _read_xlsx(content, options.sheet)
    text = decode_text(content, options.encoding)
    if kind is FileFormat.JSON_LINES:
        return _read_json_lines(text)
    return _read_csv(text, options.delimiter)


def gunzipped(content: bytes, filename: str) -> tuple[bytes, str]:
    """A gzipped file's content and the name it had before it was packed (`towary.csv.gz` →
    `towary.csv`); any other file as it is. Unpacked in steps, so a bomb is refused at the limit
    rather than filling memory."""
    inner_name = _name_before_gzip(filename, content)
    if inner_name is None:
        return content, filename
    unpacked = bytearray()
    pending = content
    try:
        while pending:
            # 31: a gzip header and trailer. Members may follow one another, as gzip allows.
            stream = zlib.decompressobj(31)
            while not stream.eof:
                piece = stream.decompress(pending, MAX_UNPACKED_GZIP_BYTES + 1 - len(unpacked))
                unpacked += piece
                if len(unpacked) > MAX_UNPACKED_GZIP_BYTES:
                    raise FileRefused(_("The file unpacks to more than 512 MB. Send it in parts."))
                pending = stream.unconsumed_tail
                if not piece and not pending:
                    raise FileRefused(_("The gzip file ends too early: it was cut short."))
            pending = stream.unused_data
    except zlib.error:
        raise FileRefused(_("The file cannot be unpacked as gzip.")) from None
    return bytes(unpacked), inner_name


def _name_before_gzip(filename: str, content: bytes) -> str | None:
    """The name of a gzipped file without its `.gz`; None for a file that is not gzipped."""
    if filename.lower().endswith(".gz"):
        return filename[: -len(".gz")]
    return filename if content.startswith(GZIP_MAGIC) else None


def decode_text(content: bytes, encoding: str | None = None) -> str:
    """The file's text: UTF-8 (a BOM is dropped), UTF-16 with its BOM (Excel's "Unicode text"),
    else Windows-1250, the Polish ERPs' export encoding. Nothing is replaced: a byte that fits
    none of them refuses the file rather than changing a name or a code."""
    if encoding is not None:
        candidates = [encoding]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8-sig", "cp1250"]
    for candidate in candidates:
        try:
            text = content.decode(candidate)
        except LookupError:
            raise FileRefused(_("{encoding} is no text encoding Python knows.").format(encoding=candidate)) from None
        except UnicodeDecodeError as error:
            if candidate != candidates[-1]:
                continue
            line = content[: error.start].count(b"\n") + 1
            raise FileRefused(
                _("The file is not text in {encoding}: byte {byte} cannot be read.").format(
                    encoding=candidate, byte=f"0x{content[error.start]:02x}"
                ),
                line,
            ) from None
        found = _UNSTORABLE.search(text)
        if found:
            line = text[: found.start()].count("\n") + 1
            raise FileRefused(_("The file holds a NUL character or a lone surrogate, so it is no text file."), line)
        return text
    raise AssertionError("unreachable: the last candidate returns or raises")


def sniff_delimiter(header_line: str) -> str:
    """The separator the header uses most: Polish exports use `;` (the comma is the decimal
    separator), others `,` or tab; a one-column file needs none."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ";"


def _read_csv(text: str, delimiter: str | None) -> SourceFile:
    first_line = text.split("\n", 1)[0]
    separator = delimiter or sniff_delimiter(first_line)
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    records = _records(reader)
    try:
        _line, header = next(records, (1, []))
    except csv.Error as error:
        raise FileRefused(_("The header cannot be read: {reason}.").format(reason=error), 1) from None
    columns = _header(header)
    source = SourceFile(FileFormat.CSV, [name for name in columns if name], [])
    if not source.columns:
        raise FileRefused(_("Line 1 must name the columns."), 1)
    try:
        for line, cells in records:
            _add_row(source, columns, line, cells)
    except csv.Error as error:
        raise FileRefused(
            _("The file cannot be read as CSV from line {line}: {reason}.").format(line=reader.line_num, reason=error),
            reader.line_num,
        ) from None
    return source


def _records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted cell may hold line breaks)."""
    line = 1
    for cells in reader:
        yield line, cells
        line = reader.line_num + 1


def _header(cells: list[Any]) -> list[str]:
    """The column names; an unnamed column is kept as "" (its cells are ignored)."""
    columns = [str(cell).strip() if cell is not None else "" for cell in cells]
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            raise FileRefused(_("Column {column} appears twice in the header.").format(column=repr(name)), 1)
        seen.add(name)
    return columns


def _add_row(source: SourceFile, columns: list[str], line: int, cells: list[Any] | tuple[Any, ...]) -> None:
    present: dict[str, Any] = {}
    for name, value in zip(columns, cells, strict=False):
        cell = value.strip() if isinstance(value, str) else value
        if name and cell is not None and cell != "":
            present[name] = cell
    if any(not _is_empty(value) for value in cells[len(columns) :]):
        source.problems.append(
            ImportProblem(
                line,
                _("The line has {cells} cells, the header names {columns}.").format(
                    cells=len(cells), columns=len(columns)
                ),
            )
        )
        return
    if present:
        source.rows.append(SourceRow(line, present))


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_xlsx(content: bytes, sheet_name: str | None) -> SourceFile:
    from openpyxl import load_workbook  # slow to import, and only workbooks need it

    unreadable = _("The file cannot be read as an Excel workbook (XLSX).")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except zipfile.BadZipFile:
        raise FileRefused(unreadable) from None
    if unpacked > MAX_UNPACKED_XLSX_BYTES:
        raise FileRefused(_("The workbook unpacks to more than 1 GB. Export it as CSV instead."))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a damaged or foreign file
        raise FileRefused(unreadable) from None
    try:
        if sheet_name is not None and sheet_name not in workbook.sheetnames:
            raise FileRefused(
                _("The workbook has no sheet {sheet}; it has {sheets}.").format(
                    sheet=repr(sheet_name), sheets=", ".join(repr(name) for name in workbook.sheetnames)
                )
            )
        sheet = workbook[sheet_name] if sheet_name is not None else workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        columns = _header(list(next(rows, ())))
        source = SourceFile(FileFormat.XLSX, [name for name in columns if name], [])
        if not source.columns:
            raise FileRefused(_("Line 1 must name the columns."), 1)
        for line, cells in enumerate(rows, start=2):
            _add_row(source, columns, line, cells)
        return source
    finally:
        workbook.close()


def _read_json_lines(text: str) -> SourceFile:
    source = SourceFile(FileFormat.JSON_LINES, [], [])
    seen: dict[str, None] = {}
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as error:
            source.problems.append(
                ImportProblem(line, _("The line is not valid JSON: {reason}.").format(reason=error.msg))
            )
            continue
        if not isinstance(value, dict):
            source.problems.append(ImportProblem(line, _("Each line must hold one JSON object.")))
            continue
        if holds_unstorable_text(value):
            source.problems.append(ImportProblem(line, _("The line holds a NUL character or a lone surrogate.")))
            continue
        seen.update(dict.fromkeys(value))
        present = {name: cell for name, cell in value.items() if not _is_empty(cell)}
        if present:
            source.rows.append(SourceRow(line, present))
    source.columns = list(seen)
    return source


def holds_unstorable_text(value: Any) -> bool:
    """Whether a JSON value holds text no database can store (in a name or a value)."""
    if isinstance(value, str):
        return bool(_UNSTORABLE.search(value))
    if isinstance(value, dict):
        return any(holds_unstorable_text(name) or holds_unstorable_text(item) for name, item in value.items())
    if isinstance(value, list):
        return any(holds_unstorable_text(item) for item in value)
    return False


def printable_name(filename: str) -> str:
    """A file's name as it may be stored and shown: no control characters, at most 255 long."""
    return "".join(char for char in filename if char.isprintable())[:255]
