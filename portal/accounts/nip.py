"""Polish tax identification numbers (NIP): format and checksum."""

from __future__ import annotations

import re

_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def normalize_nip(raw: str) -> str:
    """Digits only: people type NIPs as 123-456-78-90, 123 456 78 90 or PL1234567890."""
    cleaned = re.sub(r"[\s-]", "", raw.strip().upper())
    return cleaned.removeprefix("PL")


def is_valid_nip(raw: str) -> bool:
    nip = normalize_nip(raw)
    if not re.fullmatch(r"\d{10}", nip):
        return False
    checksum = sum(int(digit) * weight for digit, weight in zip(nip, _WEIGHTS, strict=False)) % 11
    return checksum != 10 and checksum == int(nip[9])


def format_nip(nip: str) -> str:
    return f"{nip[0:3]}-{nip[3:6]}-{nip[6:8]}-{nip[8:10]}"


# The national part of each EU member state's VAT number, as VIES checks its shape (Greece is
# EL; XI is Northern Ireland). Letters and digits only, after the two-letter prefix.
_EU_VAT_FORMATS = {
    "AT": r"U\d{8}",
    "BE": r"[01]\d{9}",
    "BG": r"\d{9,10}",
    "CY": r"\d{8}[A-Z]",
    "CZ": r"\d{8,10}",
    "DE": r"\d{9}",
    "DK": r"\d{8}",
    "EE": r"\d{9}",
    "EL": r"\d{9}",
    "ES": r"[A-Z0-9]\d{7}[A-Z0-9]",
    "FI": r"\d{8}",
    "FR": r"[A-HJ-NP-Z0-9]{2}\d{9}",
    "HR": r"\d{11}",
    "HU": r"\d{8}",
    "IE": r"\d[A-Z0-9+*]\d{5}[A-W][A-I]?",
    "IT": r"\d{11}",
    "LT": r"\d{9}|\d{12}",
    "LU": r"\d{8}",
    "LV": r"\d{11}",
    "MT": r"\d{8}",
    "NL": r"\d{9}B\d{2}",
    "PL": r"\d{10}",
    "PT": r"\d{9}",
    "RO": r"[1-9]\d{1,9}",
    "SE": r"\d{10}01",
    "SI": r"\d{8}",
    "SK": r"\d{10}",
    "XI": r"\d{9}|\d{12}|GD\d{3}|HA\d{3}",
}


def normalize_vat_id(raw: str) -> str:
    """Upper case without spaces, dots or dashes: PL 526-025-09-95 → PL5260250995."""
    return re.sub(r"[\s.-]", "", raw.strip().upper())


def is_valid_eu_vat_id(raw: str) -> bool:
    """The shape of an EU VAT number: a member state's prefix and that state's national format
    (a Polish one is a valid NIP too). Whether it is registered is VIES's business."""
    vat_id = normalize_vat_id(raw)
    national_format = _EU_VAT_FORMATS.get(vat_id[:2])
    if national_format is None or not re.fullmatch(national_format, vat_id[2:]):
        return False
    return vat_id[:2] != "PL" or is_valid_nip(vat_id[2:])
