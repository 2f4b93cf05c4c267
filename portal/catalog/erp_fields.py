"""Field shapes the catalog's ERP items share: codes, names in two languages, nested parts."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from portal.integration.resources import Rejected

# Any printable text: an ERP's codes hold spaces, slashes and dots, but never control characters
# (the integration ledger joins the codes of a key with one).
CODE_PATTERN = r"^[^\x00-\x1f\x7f]+$"


class NestedItem(BaseModel):
    """A part of an ERP item (an attribute value, a document): as strict as the item itself."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


def code_field(description: str, *, length: int = 40, default: Any = ...) -> Any:
    """An ERP code: the key of a record or a reference to another one."""
    return Field(default, min_length=1, max_length=length, pattern=CODE_PATTERN, description=description)


def polish_name(description: str, *, length: int) -> Any:
    return Field(min_length=1, max_length=length, description=description)


def english_name(description: str, *, length: int) -> Any:
    return Field(
        "",
        max_length=length,
        description=f"{description} Empty: the Polish one is shown to English readers too.",
    )


def in_english(english: str, polish: str) -> str:
    """What English readers see: the English text, or the Polish one where the ERP has none."""
    return english or polish


def live_id(found: dict[str, dict[str, Any]], code: str, field: str, unknown: str, deleted: str) -> int:
    """The id of the record with `code` among `found` (rows with `id` and `deleted` by code),
    unless there is none (`unknown`) or the ERP deleted it (`deleted`): messages with `{code}`."""
    row = found.get(code)
    if row is None:
        raise Rejected(field, unknown.format(code=code))
    if row["deleted"]:
        raise Rejected(field, deleted.format(code=code))
    return int(row["id"])
