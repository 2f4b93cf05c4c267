"""Money formatting with the locale and pattern parsed once: exactly what Babel's
`format_currency` prints, for both locales, both currencies and every sign and precision."""

from decimal import Decimal

import pytest
from babel.numbers import format_currency

from portal.i18n import format_money, format_unit_price, use_locale

AMOUNTS = [
    Decimal("0"),
    Decimal("0.00"),
    Decimal("-0.00"),
    Decimal("0.0345"),
    Decimal("12.5"),
    Decimal("12.50"),
    Decimal("12.5000"),
    Decimal("-12.50"),
    Decimal("-0.0345"),
    Decimal("1234.56"),
    Decimal("-1234.5678"),
    Decimal("1234567.8912"),
    Decimal("0.005"),
    Decimal("2.675"),
    Decimal("1E+3"),
]


@pytest.mark.parametrize("locale", ["pl", "en"])
@pytest.mark.parametrize("currency", ["PLN", "EUR"])
@pytest.mark.parametrize("amount", AMOUNTS, ids=str)
def test_money_matches_babel(locale: str, currency: str, amount: Decimal) -> None:
    with use_locale(locale):
        assert format_money(amount, currency) == format_currency(amount, currency, locale=locale)
        assert format_unit_price(amount, currency) == format_currency(
            amount, currency, locale=locale, decimal_quantization=False
        )


@pytest.mark.parametrize("locale", ["pl", "en"])
@pytest.mark.parametrize("minor", [0, 1, -1, 123456, -123456, 99])
def test_minor_units_match_babel(locale: str, minor: int) -> None:
    with use_locale(locale):
        expected = format_currency((Decimal(minor) / 100).quantize(Decimal("0.01")), "PLN", locale=locale)
        assert format_money(minor) == expected


def test_equal_amounts_are_formatted_each_as_babel_would() -> None:
    with use_locale("pl"):
        for text in ["12.5", "12.5000", "12.5", "0.0345", "0.03450000", "12.567", "12.5670"]:
            amount = Decimal(text)
            assert format_unit_price(amount) == format_currency(amount, "PLN", locale="pl", decimal_quantization=False)
            assert format_money(amount) == format_currency(amount, "PLN", locale="pl")


def test_examples() -> None:
    with use_locale("pl"):
        assert format_money(Decimal("1234.56")) == "1\xa0234,56\xa0zł"
    with use_locale("en"):
        assert format_money(Decimal("-1234.5"), "EUR") == "-€1,234.50"
        assert format_unit_price(Decimal("0.0345")) == "PLN0.0345"
