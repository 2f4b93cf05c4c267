"""How the columns of an ERP's file become items of a resource: a mapping file names each
column's field, and rows with the same key make one item.

A mapping is TOML (or the same document as JSON):

    resource = "list-prices"            # optional: the resource it is for
    key = ["price_list", "sku"]         # optional: what makes rows one item (default: the resource's key)
    encoding = "cp1250"                 # optional; default: UTF-8 (with or without BOM), else Windows-1250
    delimiter = ";"                     # optional; default: what the header uses most of ; , and tab
    sheet = "Cennik"                    # optional, XLSX; default: the first sheet

    [columns]                           # the file's column = the item's field
    "Symbol" = "sku"
    "Ulica" = "billing.street"          # nested: a field of the item's `billing`
    "Od ilości" = "tiers[].min_quantity"  # each row of the item adds one element to `tiers`
    "Cena netto" = "tiers[].unit_price"
    "Cena 2" = "prices[1].amount"       # or: the row's own second element (wide layouts)

    [constants]                         # the same value in every item, where the file gives none
    currency = "PLN"

    [values.unit]                       # the file's words for a field's values, any letter case
    "szt" = "pcs"

Without a mapping the columns are taken by field name (a header may say `billing.street` or
`tiers[].unit_price`), and a JSON line's members are the item's own.

Cells become what their field needs: "1 234,50", "1.234,50" and "1234.5" are all numbers for a
number field (a lone comma is the decimal comma), a spreadsheet's 12345 is text for a code,
"31.12.2026" is a date, "tak"/"nie" are yes and no, and a time without a zone is Warsaw's."""

from __future__ import annotations

import json
import re
import tomllib
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cached_property
from typing import Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    FutureDate,
    FutureDatetime,
    NaiveDatetime,
    PastDate,
    PastDatetime,
    ValidationError,
)

from portal.clock import BUSINESS_ZONE
from portal.i18n import gettext as _
from portal.integration.batch import FieldError, pointer, validation_errors
from portal.integration.files import (
    FileFormat,
    FileRefused,
    ImportProblem,
    ReadOptions,
    SourceFile,
    SourceRow,
    holds_unstorable_text,
)
from portal.integration.resources import Resource

# `tiers[]` in a path: each row adds an element. A number instead names the element.
GATHER = -1
_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d{0,3})\])?")


class MappingRefused(Exception):
    """The mapping cannot be used; `errors` point into the mapping document."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{error.pointer}: {error.detail}" for error in errors))
        self.errors = errors


class ColumnsRefused(FileRefused):
    """The file's header does not fit the mapping (or, without one, the resource)."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(problems[0].detail, problems[0].line)
        self.problems = problems


class MappingDocument(BaseModel):
    """A mapping file as written (see the module's doc)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    resource: str | None = Field(default=None, max_length=40)
    key: list[str] | None = Field(default=None, min_length=1)
    encoding: str | None = Field(default=None, max_length=40)
    delimiter: str | None = Field(default=None, min_length=1, max_length=3)
    sheet: str | None = Field(default=None, max_length=100)
    columns: dict[str, str] = Field(default_factory=dict)
    constants: dict[str, Any] = Field(default_factory=dict)
    # Per field: the file's words for its values (`[values.unit]` "szt" = "pcs"), any letter case.
    values: dict[str, dict[str, Any]] = Field(default_factory=dict)


def parse_mapping(text: str, filename: str = "") -> MappingDocument:
    """A mapping document from TOML, or JSON when it is named .json or starts with `{`."""
    as_json = filename.lower().endswith(".json") or text.lstrip().startswith("{")
    try:
        raw = json.loads(text) if as_json else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        kind = "JSON" if as_json else "TOML"
        raise MappingRefused(
            [FieldError("", _("The mapping is not valid {kind}: {reason}.").format(kind=kind, reason=error))]
        ) from None
    if not isinstance(raw, dict):
        raise MappingRefused([FieldError("", _("The mapping must be one JSON object."))])
    if holds_unstorable_text(raw):
        raise MappingRefused([FieldError("", _("The mapping holds a NUL character or a lone surrogate."))])
    try:
        return MappingDocument.model_validate(raw)
    except ValidationError as error:
        raise MappingRefused(validation_errors(error)) from None


# --- Paths into an item -------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldPath:
    """A place in an item: names between dots, at most one of them a list, written `tiers[]`
    (each row adds an element) or `tiers[1]` (the row's second element)."""

    text: str
    names: tuple[str, ...]
    list_at: int | None = None
    index: int | None = None

    # Cached: read for every cell of a large file.
    @cached_property
    def list_names(self) -> tuple[str, ...]:
        assert self.list_at is not None
        return self.names[: self.list_at + 1]

    @cached_property
    def tail(self) -> tuple[str, ...]:
        assert self.list_at is not None
        return self.names[self.list_at + 1 :]


def parse_path(text: str) -> FieldPath:
    """ValueError with the reason for anything that is not a path."""
    names: list[str] = []
    list_at: int | None = None
    index: int | None = None
    for position, segment in enumerate(text.strip().split(".")):
        found = _SEGMENT.fullmatch(segment)
        if not found:
            raise ValueError(
                _("{path} is not a field path (names between dots, e.g. billing.street).").format(path=text)
            )
        names.append(found.group(1))
        if found.group(2) is not None:
            if list_at is not None:
                raise ValueError(_("{path} goes into two lists; a path may go into one.").format(path=text))
            list_at, index = position, int(found.group(2)) if found.group(2) else GATHER
    return FieldPath(text.strip(), tuple(names), list_at, index)


class Kind(Enum):
    """What a cell must become for its field."""

    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    OTHER = "other"


def _unwrap(annotation: Any) -> Any:
    """The type under `Annotated[...]` and `X | None`."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            present = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(present) != 1:
                return annotation
            annotation = present[0]
        else:
            return annotation


def field_type(model: type[BaseModel], path: FieldPath) -> Any:
    """The type `path` holds in `model`'s items; ValueError when the model has no such place."""
    annotation: Any = model
    for position, name in enumerate(path.names):
        container = _unwrap(annotation)
        if isinstance(container, type) and issubclass(container, BaseModel):
            if name not in container.model_fields:
                raise ValueError(
                    _("{path}: there is no field {name}; there are {fields}.").format(
                        path=path.text, name=name, fields=", ".join(container.model_fields)
                    )
                )
            annotation = container.model_fields[name].annotation
        elif typing.get_origin(container) is dict:
            annotation = typing.get_args(container)[1]
        else:
            raise ValueError(
                _("{path}: {name} is inside a field that has no fields.").format(path=path.text, name=name)
            )
        if position == path.list_at:
            listed = _unwrap(annotation)
            if typing.get_origin(listed) not in (list, tuple, Sequence):
                raise ValueError(_("{path}: {name} is not a list.").format(path=path.text, name=name))
            annotation = typing.get_args(listed)[0]
    return annotation


def kind_of(annotation: Any) -> Kind:
    annotation = _unwrap(annotation)
    if typing.get_origin(annotation) is typing.Literal:
        values = typing.get_args(annotation)
        return _kind_of_values(values)
    if not isinstance(annotation, type):
        return Kind.OTHER
    if issubclass(annotation, Enum):
        return _kind_of_values([member.value for member in annotation])
    if annotation in (AwareDatetime, NaiveDatetime, PastDatetime, FutureDatetime) or issubclass(annotation, datetime):
        return Kind.DATETIME
    if annotation in (PastDate, FutureDate) or issubclass(annotation, date):
        return Kind.DATE
    if issubclass(annotation, bool):
        return Kind.BOOLEAN
    if issubclass(annotation, str):
        return Kind.TEXT
    if issubclass(annotation, int):
        return Kind.INTEGER
    if issubclass(annotation, Decimal | float):
        return Kind.NUMBER
    return Kind.OTHER


def _kind_of_values(values: Sequence[Any]) -> Kind:
    if values and all(isinstance(value, str) for value in values):
        return Kind.TEXT
    if values and all(isinstance(value, int) and not isinstance(value, bool) for value in values):
        return Kind.INTEGER
    return Kind.OTHER


# --- Cells into values --------------------------------------------------------------------------

# Thousands apart by spaces, as Polish exports write them: "1 234", "1\u00a0234", "1\u202f234", "1'234".
_DIGIT_GAPS = re.compile(r"(?<=\d)[ \u00a0\u202f']+(?=\d)")
_NUMBER = re.compile(r"([-+]?)(\d[\d.,]*)", re.ASCII)
_POLISH_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}:\d{2}(?::\d{2})?))?")
_YES = {"tak", "t", "y"}
_NO = {"nie", "n"}


def decimal_text(text: str) -> str | None:
    """A number as a file writes it, in Python's notation ("1 234,50" → "1234.50"); None when it
    is not one. With both separators the last is the decimal one; a lone comma or point is
    decimal; the same one repeated groups thousands."""
    found = _NUMBER.fullmatch(_DIGIT_GAPS.sub("", text.strip()))
    if not found:
        return None
    sign, digits = found.groups()
    separators = [char for char in digits if char in ".,"]
    if len(set(separators)) == 2:
        decimal_separator = separators[-1]
        whole, fraction = digits.rsplit(decimal_separator, 1)
        grouping = "," if decimal_separator == "." else "."
        if decimal_separator in whole or not _grouped(whole, grouping):
            return None
        digits = whole.replace(grouping, "") + "." + fraction
    elif len(separators) > 1:
        if not _grouped(digits, separators[0]):
            return None
        digits = digits.replace(separators[0], "")
    else:
        digits = digits.replace(",", ".")
    if digits.endswith("."):
        return None
    return sign + digits


def _grouped(digits: str, separator: str) -> bool:
    groups = digits.split(separator)
    return 1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])


def convert(value: Any, kind: Kind) -> Any:
    """The cell as its field's kind wants it, or as it was when it is not one (the item's
    validation then says what is wrong with it)."""
    if isinstance(value, str) and kind in (Kind.TEXT, Kind.OTHER):
        return value
    if isinstance(value, str) and kind in (Kind.INTEGER, Kind.NUMBER):
        # The plain "100" and "12,30" of a million price rows, without the general reading below.
        whole, comma, fraction = value.partition(",")
        if whole.isascii() and whole.isdigit() and (not comma or (fraction.isascii() and fraction.isdigit())):
            if kind is Kind.INTEGER:
                return int(whole) if not comma or not fraction.strip("0") else value
            return Decimal(f"{whole}.{fraction}" if comma else whole)
    if kind is Kind.TEXT:
        return _as_text(value)
    if kind in (Kind.NUMBER, Kind.INTEGER):
        number = _as_decimal(value)
        if number is None:
            return value
        if kind is Kind.INTEGER:
            return int(number) if number == number.to_integral_value() else value
        return number
    if kind is Kind.BOOLEAN and isinstance(value, str):
        word = value.strip().lower()
        return True if word in _YES else False if word in _NO else value
    if kind is Kind.DATE:
        if isinstance(value, datetime):
            return value.date() if value.time() == datetime.min.time() else value
        found = _POLISH_DATE.fullmatch(value.strip()) if isinstance(value, str) else None
        if found and found.group(4) is None:
            return f"{found.group(3)}-{int(found.group(2)):02d}-{int(found.group(1)):02d}"
        return value
    if kind is Kind.DATETIME:
        return _as_datetime(value)
    return value


def _as_text(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # A spreadsheet keeps every number as a float: 12345 is the code "12345".
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float: 0.1, not 0.1000000000000000055.
        return Decimal(repr(value))
    if isinstance(value, str):
        text = decimal_text(value)
        if text is not None:
            try:
                return Decimal(text)
            except InvalidOperation:
                return None
    return None


def _as_datetime(value: Any) -> Any:
    moment = value
    if isinstance(value, str):
        text = value.strip()
        found = _POLISH_DATE.fullmatch(text)
        if found:
            text = f"{found.group(3)}-{int(found.group(2)):02d}-{int(found.group(1)):02d}T{found.group(4) or '00:00'}"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return value
    if isinstance(moment, datetime) and moment.tzinfo is None:
        # ERP exports write local time without a zone; the business runs on Warsaw's clock.
        return moment.replace(tzinfo=BUSINESS_ZONE)
    return moment


# --- The compiled mapping -----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    column: str
    path: FieldPath
    kind: Kind
    # The file's words for the field's values, lower-cased, and what they stand for.
    words: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Mapping:
    """A mapping checked against one resource's item."""

    targets: tuple[Target, ...]
    constants: tuple[tuple[FieldPath, Any], ...]
    key: tuple[FieldPath, ...]
    # [values] by field path, for the targets taken from a header.
    words: dict[str, dict[str, Any]]
    read_options: ReadOptions
    # Given by the mapping (columns must then be in the file), or taken from the file's header.
    named_columns: bool

    def for_file(self, resource: Resource[Any], source: SourceFile) -> Mapping:
        """This mapping, or without one the file's own columns as field names; ColumnsRefused
        when the header lacks what is needed."""
        mapping = self if self.named_columns else _by_field_name(resource, source, self)
        problems = []
        if source.format is not FileFormat.JSON_LINES:
            # A JSON line names its own members; a header names the columns once for all lines.
            present = set(source.columns)
            problems += [
                ImportProblem(
                    1,
                    _("The file has no column {column}, which the mapping names.").format(column=repr(target.column)),
                    target.column,
                )
                for target in mapping.targets
                if target.column not in present
            ]
        given = {target.path.names for target in mapping.targets} | {path.names for path, _value in mapping.constants}
        problems += [
            ImportProblem(
                1,
                _("No column gives {field}, part of the key of {resource}.").format(
                    field=path.text, resource=resource.name
                ),
            )
            for path in mapping.key
            if path.names not in given
        ]
        if problems:
            raise ColumnsRefused(problems)
        return mapping


def compile_mapping(resource: Resource[Any], document: MappingDocument | None) -> Mapping:
    """`document` checked against the resource's item: every path a field, no field twice, the
    key plain fields; MappingRefused with every problem. None: columns by field name."""
    document = document or MappingDocument()
    errors: list[FieldError] = []
    if document.resource is not None and document.resource != resource.name:
        errors.append(
            FieldError(
                "/resource",
                _("The mapping is for {mapped}, not {resource}.").format(
                    mapped=document.resource, resource=resource.name
                ),
            )
        )
    words = {
        text.strip(): {str(said).lower(): meant for said, meant in table.items()}
        for text, table in document.values.items()
    }
    targets: list[Target] = []
    for column, text in document.columns.items():
        try:
            path = parse_path(text)
            kind = kind_of(field_type(resource.item_type, path))
            targets.append(Target(column, path, kind, words.get(path.text, {})))
        except ValueError as error:
            errors.append(FieldError(pointer("columns", column), str(error)))
    if document.columns:
        mapped = {target.path.text for target in targets}
        errors += [
            FieldError(pointer("values", text), _("No column gives {path}.").format(path=text))
            for text in words
            if text not in mapped
        ]
    constants: list[tuple[FieldPath, Any]] = []
    for text, value in document.constants.items():
        try:
            path = parse_path(text)
            if path.list_at is not None:
                raise ValueError(_("{path}: a constant fills a field, not a list's elements.").format(path=text))
            constants.append((path, convert(value, kind_of(field_type(resource.item_type, path)))))
        except ValueError as error:
            errors.append(FieldError(pointer("constants", text), str(error)))
    key: list[FieldPath] = []
    for position, text in enumerate(document.key or resource.key_fields):
        try:
            path = parse_path(text)
            if path.list_at is not None:
                raise ValueError(_("{path}: a key is a field of the item, not of a list's element.").format(path=text))
            field_type(resource.item_type, path)
            key.append(path)
        except ValueError as error:
            errors.append(FieldError(pointer("key", position), str(error)))
    errors += _overlaps(targets, constants)
    if errors:
        raise MappingRefused(errors)
    options = ReadOptions(
        encoding=document.encoding,
        delimiter="\t" if document.delimiter in ("tab", "\\t") else document.delimiter,
        sheet=document.sheet,
    )
    return Mapping(tuple(targets), tuple(constants), tuple(key), words, options, named_columns=bool(document.columns))


def _overlaps(targets: Sequence[Target], constants: Sequence[tuple[FieldPath, Any]]) -> list[FieldError]:
    """Two columns for one field, or one inside another's (`billing` and `billing.street`), or
    one list both gathered and numbered, cannot make one item."""
    errors: list[FieldError] = []
    places: dict[tuple[Any, ...], str] = {}
    list_styles: dict[tuple[str, ...], int | None] = {}
    for target in targets:
        path = target.path
        place: tuple[Any, ...] = path.names if path.list_at is None else (*path.list_names, path.index, *path.tail)
        for other, column in places.items():
            shorter, longer = sorted((place, other), key=len)
            if longer[: len(shorter)] == shorter:
                errors.append(
                    FieldError(
                        pointer("columns", target.column),
                        _("{path} overlaps the field of column {column}.").format(path=path.text, column=repr(column)),
                    )
                )
                break
        places[place] = target.column
        if path.list_at is not None:
            style = GATHER if path.index == GATHER else None
            if list_styles.setdefault(path.list_names, style) != style:
                errors.append(
                    FieldError(
                        pointer("columns", target.column),
                        _("{path}: a list is either gathered from rows ([]) or numbered ([1]), not both.").format(
                            path=path.text
                        ),
                    )
                )
    mapped = {target.path.names for target in targets}
    errors += [
        FieldError(pointer("constants", path.text), _("{path} is also given by a column.").format(path=path.text))
        for path, _value in constants
        if path.names in mapped
    ]
    return errors


def _by_field_name(resource: Resource[Any], source: SourceFile, base: Mapping) -> Mapping:
    """Each column named as a field path. A CSV or XLSX column that names no field refuses the
    file (a typo must not drop a column); a JSON line's unknown member is left for the item's
    validation to refuse on its line."""
    targets: list[Target] = []
    problems: list[ImportProblem] = []
    for column in source.columns:
        try:
            path = parse_path(column)
            kind = kind_of(field_type(resource.item_type, path))
            targets.append(Target(column, path, kind, base.words.get(path.text, {})))
        except ValueError as error:
            if source.format is FileFormat.JSON_LINES:
                targets.append(Target(column, FieldPath(column, (column,)), Kind.OTHER))
            else:
                problems.append(
                    ImportProblem(
                        1,
                        _("{reason} Name the columns by field, or give a mapping.").format(reason=error),
                        column,
                    )
                )
    taken = {target.path.text for target in targets}
    problems += [
        ImportProblem(1, _("No column gives {path}.").format(path=text)) for text in base.words if text not in taken
    ]
    if problems:
        raise ColumnsRefused(problems)
    overlaps = _overlaps(targets, base.constants)
    if overlaps:
        raise ColumnsRefused([ImportProblem(1, error.detail, error.pointer.split("/")[-1]) for error in overlaps])
    return Mapping(tuple(targets), base.constants, base.key, base.words, base.read_options, named_columns=True)


# --- Rows into items ----------------------------------------------------------------------------


@dataclass
class SourcedItem:
    """One item as the file gives it, before validation, with the lines it came from."""

    values: dict[str, Any]
    line: int
    # Where each placed value came from: its pointer in the item → (line, column).
    origins: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)
    # The column each field comes from, list indexes as "*" (`/tiers/*/unit_price`), for
    # problems with a value the file left empty.
    columns: dict[str, str] = field(default_factory=dict)

    def problem_at(self, item_pointer: str, detail: str) -> ImportProblem:
        """A problem the item's validation or the resource found at `item_pointer`, told by the
        line and column that gave it: the longest placed prefix tells the line (an element's
        line for its fields, the item's first line for the item as a whole); a field left empty
        is told by the column it would have come from."""
        probe = item_pointer
        while probe not in self.origins and probe:
            probe = probe.rsplit("/", 1)[0]
        line, column = self.origins.get(probe, (self.line, None))
        if probe != item_pointer or column is None:
            pattern = _ANY_INDEX.sub("/*", item_pointer)
            inside = [name for place, name in self.columns.items() if place.startswith(pattern + "/")]
            column = self.columns.get(pattern) or (inside[0] if len(inside) == 1 else column)
        return ImportProblem(line, detail, column, item_pointer)


_ANY_INDEX = re.compile(r"/\d+(?=/|$)")


@dataclass
class _Element:
    line: int
    values: dict[str, Any]
    origins: dict[tuple[str, ...], str]
    scalar: Any = None


@dataclass
class _Group:
    item: SourcedItem
    # Per list: its gathered elements in row order, or its numbered ones by number.
    gathered: dict[tuple[str, ...], list[_Element]] = field(default_factory=dict)
    numbered: dict[tuple[str, ...], dict[int, _Element]] = field(default_factory=dict)


def gather_items(source: SourceFile, mapping: Mapping) -> list[SourcedItem]:
    """One item per key, in the order keys first appear: rows with the same key add their
    list elements to one item and must agree on its other fields. A row without a whole key
    makes an item of its own (its validation says what is missing)."""
    groups: dict[tuple[Any, ...], _Group] = {}
    constants = {path.names: value for path, value in mapping.constants}
    columns = {
        pointer(*target.path.names)
        if target.path.list_at is None
        else pointer(*target.path.list_names, "*", *target.path.tail): target.column
        for target in mapping.targets
        if target.path.index in (None, GATHER)
    }
    for row in source.rows:
        scalars, elements = _row_values(row, mapping)
        parts = tuple(
            scalars[path.names][0] if path.names in scalars else constants.get(path.names) for path in mapping.key
        )
        key = _group_key(parts) if None not in parts else ("\x00line", str(row.line))
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(SourcedItem({}, row.line, {"": (row.line, None)}, columns=columns))
        _merge_row(group, row.line, scalars, elements)
    items = []
    for group in groups.values():
        _place_lists(group)
        for path, value in mapping.constants:
            if _get(group.item.values, path.names) is None:
                _set(group.item.values, path.names, value)
        items.append(group.item)
    return items


def _group_key(parts: tuple[Any, ...]) -> tuple[Any, ...]:
    try:
        hash(parts)
    except TypeError:
        # A JSON line's key may be any JSON value, and a dict is no dict key.
        return tuple(repr(part) for part in parts)
    return parts


def _row_values(
    row: SourceRow, mapping: Mapping
) -> tuple[dict[tuple[str, ...], tuple[Any, str]], dict[tuple[tuple[str, ...], int], _Element]]:
    """The row's values for plain fields (by path, with their column) and its list elements."""
    scalars: dict[tuple[str, ...], tuple[Any, str]] = {}
    elements: dict[tuple[tuple[str, ...], int], _Element] = {}
    for target in mapping.targets:
        if target.column not in row.cells:
            continue
        cell = row.cells[target.column]
        if target.words and isinstance(cell, str | int | float):
            cell = target.words.get(str(cell).lower(), cell)
        value = convert(cell, target.kind)
        path = target.path
        if path.list_at is None:
            scalars[path.names] = (value, target.column)
            continue
        assert path.index is not None
        element = elements.setdefault((path.list_names, path.index), _Element(row.line, {}, {}))
        if path.tail:
            _set(element.values, path.tail, value)
        else:
            element.scalar = value
        element.origins[path.tail] = target.column
    return scalars, elements


def _merge_row(
    group: _Group,
    line: int,
    scalars: dict[tuple[str, ...], tuple[Any, str]],
    elements: dict[tuple[tuple[str, ...], int], _Element],
) -> None:
    item = group.item
    for names, (value, column) in scalars.items():
        known = _get(item.values, names)
        if known is None:
            _set(item.values, names, value)
            if line != item.line:
                # The item's first line is where its fields come from unless told otherwise.
                item.origins[pointer(*names)] = (line, column)
        elif known != value:
            place = pointer(*names)
            item.problems.append(
                ImportProblem(
                    line,
                    _("Line {first} of the same key says {known}, this line {value}.").format(
                        first=item.origins.get(place, (item.line, None))[0], known=repr(known), value=repr(value)
                    ),
                    column,
                    place,
                )
            )
    for (list_names, index), element in elements.items():
        if index == GATHER:
            group.gathered.setdefault(list_names, []).append(element)
            continue
        numbered = group.numbered.setdefault(list_names, {})
        known_element = numbered.get(index)
        if known_element is None:
            numbered[index] = element
        elif (known_element.values, known_element.scalar) != (element.values, element.scalar):
            item.problems.append(
                ImportProblem(
                    line,
                    _("Line {first} of the same key gives another element {index} of {list}.").format(
                        first=known_element.line, index=index, list=".".join(list_names)
                    ),
                    next(iter(element.origins.values())),
                    pointer(*list_names, index),
                )
            )


def _place_lists(group: _Group) -> None:
    lists = {names: elements for names, elements in group.gathered.items()}
    lists.update({names: [numbered[i] for i in sorted(numbered)] for names, numbered in group.numbered.items()})
    for list_names, elements in lists.items():
        _set(group.item.values, list_names, [element.values or element.scalar for element in elements])
        for position, element in enumerate(elements):
            group.item.origins[pointer(*list_names, position)] = (element.line, None)
            for tail, column in element.origins.items():
                group.item.origins[pointer(*list_names, position, *tail)] = (element.line, column)


def _get(values: dict[str, Any], names: Sequence[str]) -> Any:
    if len(names) == 1:
        return values.get(names[0])
    for name in names:
        if not isinstance(values, dict):
            return None
        values = values.get(name)  # type: ignore[assignment]
    return values


def _set(values: dict[str, Any], names: Sequence[str], value: Any) -> None:
    for name in names[:-1]:
        values = values.setdefault(name, {})
    values[names[-1]] = value
