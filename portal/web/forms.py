"""Reading input in handlers and domain parsers: submitted forms (single values trimmed, repeated
fields as lists), and the one strict, bounded reading of numbers, money and dates."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any, TypeVar

from babel.numbers import format_decimal
from litestar import Request
from litestar.exceptions import ClientException, NotFoundException

from portal.errors import Invalid
from portal.i18n import current_locale
from portal.i18n import gettext as _

# No field of an ordinary form (a name, a note, a message, a description) is longer; each field's
# own rule (PO number 60, note 1,000, message 5,000) is checked by its domain. The quick order's
# paste is the one long field and has its own limit.
FIELD_MAX_CHARS = 10_000


class FormData:
    def __init__(self, values: dict[str, list[str]]) -> None:
        self._values = values

    @classmethod
    async def of(cls, request: Request[Any, Any, Any], long_fields: tuple[str, ...] = ()) -> FormData:
        """The form's text fields without NUL characters; Invalid (422) when one is longer than
        any field may be."""
        form = await request.form()
        values: dict[str, list[str]] = {}
        for key, value in form.multi_items():
            if isinstance(value, str):
                # PostgreSQL cannot store a NUL character in text; no person types one.
                value = value.replace("\x00", "")
                if len(value) > FIELD_MAX_CHARS and key not in long_fields:
                    raise Invalid(
                        {
                            key: _("A field is longer than %(max)s characters. Shorten it and send again.")
                            % {"max": format_decimal(FIELD_MAX_CHARS, locale=current_locale())}
                        }
                    )
                values.setdefault(key, []).append(value)
        return cls(values)

    def get(self, name: str, default: str = "") -> str:
        values = self._values.get(name)
        return values[0].strip() if values else default

    def raw(self, name: str) -> str:
        """Unstripped, for passwords."""
        values = self._values.get(name)
        return values[0] if values else ""

    def getall(self, name: str) -> list[str]:
        return list(self._values.get(name, []))

    def as_dict(self) -> dict[str, str]:
        return {
            key: values[0] for key, values in self._values.items() if not key.startswith("_") and "password" not in key
        }


# --- Numbers, money and dates from input ----------------------------------------------------
# Every handler and domain parser reads numbers, money and dates through these, never through
# `str.isdigit()` (true for "²", which int() refuses), bare `int()` (no bound: 2**64 overflows
# the database) or `Decimal()` (takes "NaN", "Infinity" and "1E+30").

T = TypeVar("T")

# Row ids are SERIAL (int4) on PostgreSQL; SQLite would take up to 2**63 - 1.
ID_MAX = 2**31 - 1
# Quantities and counts are stored as int4 too.
WHOLE_MAX = 2**31 - 1
# Nobody pages past this; a bigger page number is page 1's typo, not a request for nothing.
PAGE_MAX = 100_000
# Whole digits of an amount of money (a trillion) and its places (grosz).
MONEY_DIGITS = 12
MONEY_PLACES = 2
# The dates a business document, a filter or a schedule can name; 9999-12-31 plus a week
# overflows Python's date, so nothing near its end is accepted.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)

_WHOLE = re.compile(r"[0-9]{1,18}", re.ASCII)
_MONEY = re.compile(rf"(-?)([0-9]{{1,{MONEY_DIGITS}}})(?:[.,]([0-9]{{1,{MONEY_PLACES}}}))?", re.ASCII)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.]{5,15}(?:Z|[+-][0-9]{2}:?[0-9]{2})?", re.ASCII)
# Thousands separators people type or paste in amounts: spaces, no-break and thin spaces.
_GAPS = re.compile(r"[\s\u00a0\u202f]+")


def whole_number(text: str, *, minimum: int = 0, maximum: int = WHOLE_MAX) -> int | None:
    """ASCII digits only, within [minimum, maximum]; None otherwise."""
    text = text.strip()
    if not _WHOLE.fullmatch(text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def record_id(text: str) -> int | None:
    """A row id as a form or query sends it; None for anything no row can have."""
    return whole_number(text, minimum=1, maximum=ID_MAX)


def record_ids(texts: Iterable[str]) -> list[int]:
    return [found for found in map(record_id, texts) if found is not None]


def page_number(text: str) -> int:
    return whole_number(text, minimum=1, maximum=PAGE_MAX) or 1


def money(text: str) -> Decimal | None:
    """An amount as people type it ("1 234,56", "-50.00"): finite, at most a trillion, to the grosz."""
    found = _MONEY.fullmatch(_GAPS.sub("", text))
    if not found:
        return None
    sign, whole, fraction = found.groups()
    return Decimal(f"{sign}{whole}.{fraction or '0'}")


def _iso(text: str, shape: re.Pattern[str], parse: Callable[[str], T]) -> T | None:
    """`parse` of text of the ASCII `shape` (date.fromisoformat takes more forms than we want)."""
    text = text.strip()
    if not shape.fullmatch(text):
        return None
    try:
        return parse(text)
    except ValueError:
        return None


def calendar_day(text: str) -> date | None:
    """An ISO date (2026-12-01) between EARLIEST_DAY and LATEST_DAY."""
    day = _iso(text, _DAY, date.fromisoformat)
    return day if day is not None and EARLIEST_DAY <= day <= LATEST_DAY else None


def moment(text: str) -> datetime | None:
    """An ISO date and time, with or without its offset, within the calendar_day range."""
    parsed = _iso(text, _MOMENT, datetime.fromisoformat)
    return parsed if parsed is not None and EARLIEST_DAY <= parsed.date() <= LATEST_DAY else None


# No file name, token or code in a path is longer; the file system refuses names past 255 bytes
# with an error of its own.
PATH_PARAMETER_MAX_CHARS = 200


def check_request_parameters(request: Request[Any, Any, Any]) -> None:
    """Parameters no route can take are refused before a handler runs. Path: an `{id:int}`
    beyond the ids' range (2**64 overflows the database driver) and a path with a NUL byte or
    longer than any name (the file system refuses those with an error) answer 404. Query: a NUL
    character answers 400 (PostgreSQL cannot store or compare text holding one)."""
    if any("\x00" in value for _name, value in request.query_params.multi_items()):
        raise ClientException(detail="NUL character in the query")
    for value in request.path_params.values():
        if isinstance(value, int) and not 1 <= value <= ID_MAX:
            raise NotFoundException()
        if isinstance(value, str | PurePath) and ("\x00" in str(value) or len(str(value)) > PATH_PARAMETER_MAX_CHARS):
            raise NotFoundException()
