"""What a capability hands the integration API and the importer for each kind of ERP data it
owns: the item's shape (a pydantic model, so validation and the OpenAPI schema are one thing),
the ERP codes that key it, and how to write and soft-delete one.

A capability lists its resources in `<capability>/erp_sync.py` as `RESOURCES`; the batch
protocol, the ledger that makes repeats free and stale items harmless, sync runs and files are
the integration capability's business, not the resource's."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from portal.integration.scopes import Scope


class ErpItem(BaseModel):
    """What every item sent by an ERP shares. Unknown fields are refused, not ignored: a typo in
    a mapping must not silently drop a column."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    modified_at: AwareDatetime | None = Field(
        default=None,
        description="The ERP's modification time of the record. An item older than what the portal already "
        "holds for the same key is answered `stale` and changes nothing.",
    )

    def content_digest_source(self) -> str:
        """The item's content without its modification time: equal content, equal digest."""
        return self.model_dump_json(exclude={"modified_at"})


class Applied(StrEnum):
    CREATED = "created"
    UPDATED = "updated"


class Rejected(Exception):
    """An item the resource cannot take. `field` is the path inside the item, with "/" between
    names and list indexes (`tiers/1/unit_price`); empty for the item as a whole."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


ItemT = TypeVar("ItemT", bound=ErpItem)


@dataclass(frozen=True)
class Resource(Generic[ItemT]):
    """One kind of ERP data, e.g. products keyed by SKU.

    `upsert` writes an item that is new or changed (the ledger already filtered repeats and
    stale items) and says whether it created or updated; it raises Rejected before writing when
    the item breaks a rule the model cannot state (an unknown category code, say). `delete`
    soft-deletes by key and answers False when the key was never known. Both run inside the
    batch's transaction; both invalidate whatever cache or stored document shows what they
    changed."""

    name: str
    scope: Scope
    item_type: type[ItemT]
    key_fields: tuple[str, ...]
    upsert: Callable[[ItemT], Awaitable[Applied]]
    delete: Callable[[dict[str, str]], Awaitable[bool]]
    summary: str
    # One item as an ERP would send it, shown in the API's documentation.
    example: dict[str, Any] | None = None
    # The first load's path for the resources that come by the hundred thousand (products,
    # prices, stock): writes the new and changed items of a large file at database speed
    # (staging tables and set-based merges) and answers the positions it rejected.
    bulk_upsert: Callable[[Sequence[ItemT]], Awaitable[list[tuple[int, Rejected]]]] | None = None

    def key_of(self, values: BaseModel | dict[str, Any]) -> dict[str, str]:
        # The key's fields are plain values, read as they are: dumping the whole item (its
        # tiers, attributes) for them cost a first load seconds.
        if isinstance(values, BaseModel):
            return {name: str(getattr(values, name)) for name in self.key_fields}
        return {name: str(values[name]) for name in self.key_fields}

    @property
    def title(self) -> str:
        return self.name.replace("-", " ").capitalize()


def ledger_key(key: dict[str, str]) -> str:
    """One string per key for the ledger: the codes joined by a separator no ERP code holds."""
    return "\x1f".join(key.values())


def key_from_ledger(resource: Resource[Any], stored: str) -> dict[str, str]:
    return dict(zip(resource.key_fields, stored.split("\x1f"), strict=True))
