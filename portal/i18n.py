"""Polish and English: the caller's locale for this request, gettext, and locale-aware
formatting of money and dates. Messages are written in English in code and templates and
translated to Polish in `portal/locale/pl.po`."""

from __future__ import annotations

import gettext as stdlib_gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_timedelta, get_timezone
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern, format_decimal

LOCALES = ("pl", "en")
DEFAULT_LOCALE = "pl"
CATALOG_DIR = Path(__file__).resolve().parent / "locale"
TIME_ZONE = "Europe/Warsaw"

_current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)


def current_locale() -> str:
    return _current_locale.get()


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    token = _current_locale.set(locale if locale in LOCALES else DEFAULT_LOCALE)
    try:
        yield
    finally:
        _current_locale.reset(token)


def set_locale(locale: str) -> None:
    """For middleware: the locale of everything that follows in this request's context."""
    _current_locale.set(locale if locale in LOCALES else DEFAULT_LOCALE)


@cache
def translations(locale: str) -> stdlib_gettext.NullTranslations:
    catalog_file = CATALOG_DIR / f"{locale}.po"
    if not catalog_file.exists():
        return stdlib_gettext.NullTranslations()
    # Compiled in memory at first use, so no .mo build step and no binary in the repository.
    with catalog_file.open("rb") as po:
        catalog = read_po(po, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return stdlib_gettext.GNUTranslations(compiled)


def gettext(message: str) -> str:
    return translations(current_locale()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale()).ngettext(singular, plural, n)


def pick_locale(accept_language: str | None) -> str:
    """The first of our locales the browser asks for, else Polish."""
    for part in (accept_language or "").split(","):
        language = part.split(";")[0].strip().lower()[:2]
        if language in LOCALES:
            return language
    return DEFAULT_LOCALE


def money_from_minor(minor_units: int) -> Decimal:
    return (Decimal(minor_units) / 100).quantize(Decimal("0.01"))


def money_to_minor(amount: Decimal) -> int:
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@cache
def _currency_format(locale: str) -> tuple[Locale, NumberPattern]:
    """The parsed locale and its standard currency pattern, as `format_currency` looks them up."""
    parsed = Locale.parse(locale)
    return parsed, parsed.currency_formats["standard"]


@lru_cache(maxsize=8192)
def _formatted_decimal_currency(locale: str, currency: str, decimal_quantization: bool, text: str) -> str:
    # Keyed by the exact text, not the value: Decimal("1.0") == Decimal("1.00"), yet without
    # quantization they print differently. str() of a Decimal round-trips exactly.
    return _apply_currency(locale, Decimal(text), currency, decimal_quantization)


def _apply_currency(locale: str, value: Decimal | int | float, currency: str, decimal_quantization: bool) -> str:
    parsed, pattern = _currency_format(locale)
    return pattern.apply(value, parsed, currency=currency, decimal_quantization=decimal_quantization)


def _format_currency(value: Decimal | int | float, currency: str, *, decimal_quantization: bool = True) -> str:
    """What `babel.numbers.format_currency(value, currency, locale=…)` returns, without parsing
    the locale and its pattern on every call, and remembered for the prices a page repeats."""
    if isinstance(value, Decimal):
        return _formatted_decimal_currency(current_locale(), currency, decimal_quantization, str(value))
    return _apply_currency(current_locale(), value, currency, decimal_quantization)


def format_money(amount: Decimal | int | None, currency: str = "PLN") -> str:
    """`1 234,56 zł` in Polish, `PLN1,234.56` in English (CLDR); whole ints are minor units."""
    if amount is None:
        return ""
    value = money_from_minor(amount) if isinstance(amount, int) else amount
    return _format_currency(value, currency)


def format_unit_price(amount: Decimal | None, currency: str = "PLN") -> str:
    """A unit price keeps the decimals it has, at least two: `0,0345 zł`, `12,50 zł`."""
    if amount is None:
        return ""
    return _format_currency(amount, currency, decimal_quantization=False)


def format_quantity(value: Decimal | int) -> str:
    """A quantity as people write it: `2 000`, `12,5` (no trailing zeros, no exponent)."""
    return format_decimal(value, format="#,##0.###", locale=current_locale())


def format_file_size(size: int) -> str:
    return format_decimal(Decimal(size) / 1024, format="#,##0.#", locale=current_locale()) + " kB"


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return babel_format_date(value, format="medium", locale=current_locale())


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return babel_format_datetime(value, format="short", tzinfo=get_timezone(TIME_ZONE), locale=current_locale())


def format_duration(value: timedelta) -> str:
    """A length of time as people say it, rounded to its largest unit: `5 minut`, `2 hours`."""
    return format_timedelta(value, locale=current_locale())
