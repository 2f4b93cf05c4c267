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
