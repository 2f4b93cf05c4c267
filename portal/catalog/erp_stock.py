"""Stock levels as the seller's ERP sends them, keyed by SKU and warehouse code, one at a time or
by the hundred thousand: both resolve a chunk's codes in a few statements and merge its levels in
one INSERT … ON CONFLICT, so a single item and a first load are written the same way.

Buyers read stock live from these rows (the grid's statement, the product page): nothing is
cached, so nothing needs invalidating."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import Field

from portal.catalog.bulk_writes import insert_rows, rows_by_key, update_all_but
from portal.catalog.erp_fields import code_field, live_id
from portal.catalog.tables import Product, Stock, Warehouse
from portal.database import write_transaction
from portal.i18n import gettext as _
from portal.integration.resources import Applied, ErpItem, Rejected

CHUNK = 1000
MAX_QUANTITY = 1_000_000_000


class StockItem(ErpItem):
    """One product's stock in one warehouse."""

    sku: str = code_field("The product's SKU.")
    warehouse: str = code_field("The warehouse's code.", length=20)
    available: int = Field(ge=0, le=MAX_QUANTITY, description="Units available to sell now.")
    low_level: int = Field(
        default=0, ge=0, le=MAX_QUANTITY, description="At or below this buyers see low stock rather than in stock."
    )
    next_delivery_on: date | None = Field(default=None, description="When the next delivery is expected, or null.")
    next_delivery_quantity: int = Field(
        default=0, ge=0, le=MAX_QUANTITY, description="Units expected with the next delivery; 0 when unknown."
    )
    lead_time_days: int = Field(
        default=0,
        ge=0,
        le=3650,
        description="Days from order to dispatch when nothing is available and no delivery is announced; 0: none.",
    )


EXAMPLE: dict[str, Any] = {
    "sku": "DIN933-M8X40-88ZN",
    "warehouse": "WAW",
    "available": 12400,
    "low_level": 2000,
    "next_delivery_on": "2026-12-14",
    "next_delivery_quantity": 20000,
    "lead_time_days": 0,
}

STOCK_COLUMNS = (
    "product",
    "warehouse",
    "available",
    "low_level",
    "next_delivery_on",
    "next_delivery_quantity",
    "lead_time_days",
)


@dataclass(frozen=True)
class _Level:
    product_id: int
    warehouse_id: int
    item: StockItem

    @property
    def row(self) -> tuple[Any, ...]:
        item = self.item
        return (
            self.product_id,
            self.warehouse_id,
            item.available,
            item.low_level,
            item.next_delivery_on,
            item.next_delivery_quantity,
            item.lead_time_days,
        )


async def _resolve(items: Sequence[StockItem]) -> tuple[list[_Level], list[tuple[int, Rejected]]]:
    products = await rows_by_key(Product, "sku", {item.sku for item in items}, "id")
    warehouses = await rows_by_key(Warehouse, "code", {item.warehouse for item in items}, "id", "deleted")
    levels: list[_Level] = []
    rejected: list[tuple[int, Rejected]] = []
    for position, item in enumerate(items):
        try:
            product = products.get(item.sku)
            if product is None:
                raise Rejected("sku", _("There is no product with the SKU {sku}.").format(sku=item.sku))
            warehouse_id = live_id(
                warehouses,
                item.warehouse,
                "warehouse",
                _("There is no warehouse with the code {code}."),
                _("The warehouse {code} was deleted; send it again to use it."),
            )
            if item.next_delivery_quantity and item.next_delivery_on is None:
                raise Rejected("next_delivery_on", _("A delivery's quantity needs its date."))
        except Rejected as refusal:
            rejected.append((position, refusal))
        else:
            levels.append(_Level(product["id"], warehouse_id, item))
    return levels, rejected


async def _merge(levels: Sequence[_Level]) -> None:
    # A product and warehouse given twice keep the last level (one statement may not touch a
    # row twice).
    latest = {(level.product_id, level.warehouse_id): level for level in levels}
    await insert_rows(
        Stock,
        STOCK_COLUMNS,
        [level.row for level in latest.values()],
        then=f"ON CONFLICT (product, warehouse) DO UPDATE SET {update_all_but(['product', 'warehouse'], STOCK_COLUMNS)}",
    )


async def upsert_stock(item: StockItem) -> Applied:
    levels, rejected = await _resolve([item])
    if rejected:
        raise rejected[0][1]
    level = levels[0]
    existed = await Stock.exists().where((Stock.product == level.product_id) & (Stock.warehouse == level.warehouse_id))
    await _merge(levels)
    return Applied.UPDATED if existed else Applied.CREATED


async def bulk_upsert_stock(items: Sequence[StockItem]) -> list[tuple[int, Rejected]]:
    """Write many levels at database speed; the positions refused and why."""
    rejected: list[tuple[int, Rejected]] = []
    async with write_transaction(Stock._meta.db):
        for start in range(0, len(items), CHUNK):
            levels, refused = await _resolve(items[start : start + CHUNK])
            rejected += [(start + position, refusal) for position, refusal in refused]
            await _merge(levels)
    return rejected


async def delete_stock(key: dict[str, str]) -> bool:
    """The warehouse no longer keeps the product: its row goes (a level is a measurement nothing
    refers to; the product page then says no stock is kept there). Sending it again brings it
    back."""
    where = (Stock.product.sku == key["sku"]) & (Stock.warehouse.code == key["warehouse"])
    found = await Stock.select(Stock.product, Stock.warehouse).where(where).first()
    if found is None:
        return False
    await Stock.delete().where((Stock.product == found["product"]) & (Stock.warehouse == found["warehouse"]))
    return True
