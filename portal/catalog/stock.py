"""Stock as buyers see it: one availability per product over all warehouses, and per warehouse."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from piccolo.querystring import QueryString

from portal.catalog.tables import Stock
from portal.json_rows import json_array, read_json_array, read_json_date


class Availability(StrEnum):
    IN_STOCK = "in_stock"
    LOW = "low"
    ON_ORDER = "on_order"
    LEAD_TIME = "lead_time"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class StockLevel:
    availability: Availability
    available: int
    next_delivery_on: date | None
    next_delivery_quantity: int
    lead_time_days: int | None
    # Set when the ERP's stock figures are older than their cadence (it may be down): the moment
    # they date from. Buyers see them as approximate and to be confirmed, and order on.
    unconfirmed_since: datetime | None = None

    @property
    def is_out(self) -> bool:
        return self.available <= 0


@dataclass(frozen=True)
class WarehouseStock:
    warehouse_name: str
    city: str
    level: StockLevel


NO_STOCK = StockLevel(Availability.UNAVAILABLE, 0, None, 0, None)


class StockRow(NamedTuple):
    """One warehouse's figures for one product, as the ERP sends them."""

    available: int
    low_level: int
    next_delivery_on: date | None
    next_delivery_quantity: int
    lead_time_days: int

    @classmethod
    def of(cls, row: dict[str, Any]) -> StockRow:
        return cls(*(row[name] for name in cls._fields))


def stock_level(rows: Iterable[StockRow]) -> StockLevel:
    """Sum a product's warehouses: in stock above the low level, low while any is left, then
    the earliest announced delivery, then the shortest lead time."""
    rows = list(rows)
    if not rows:
        return NO_STOCK
    available = sum(row.available for row in rows)
    low_level = sum(row.low_level for row in rows)
    deliveries = sorted(
        (row.next_delivery_on, row.next_delivery_quantity) for row in rows if row.next_delivery_on is not None
    )
    lead_times = [row.lead_time_days for row in rows if row.lead_time_days > 0]
    next_on, next_quantity = deliveries[0] if deliveries else (None, 0)
    lead_time = min(lead_times) if lead_times else None
    if available > max(low_level, 0):
        availability = Availability.IN_STOCK
    elif available > 0:
        availability = Availability.LOW
    elif next_on is not None:
        availability = Availability.ON_ORDER
    elif lead_time is not None:
        availability = Availability.LEAD_TIME
    else:
        availability = Availability.UNAVAILABLE
    return StockLevel(availability, available, next_on, next_quantity, lead_time)


_STOCK_COLUMNS = (
    Stock.product,
    Stock.available,
    Stock.low_level,
    Stock.next_delivery_on,
    Stock.next_delivery_quantity,
    Stock.lead_time_days,
)


# A product's stock rows in the warehouses that still exist (one the ERP deleted counts nowhere).
LIVE_STOCK = "FROM stock s JOIN warehouse w ON w.id = s.warehouse WHERE s.product = p.id AND NOT w.deleted"


def stock_column() -> QueryString:
    """`stock_rows`: a product row's (aliased `p`) warehouses as JSON, for `stock_level_of`."""
    return QueryString(
        "{} AS stock_rows",
        json_array(Stock._meta.db, {name: f"s.{name}" for name in StockRow._fields}, LIVE_STOCK),
    )


def stock_level_of(stock_rows: str | None) -> StockLevel:
    return stock_level(
        StockRow.of({**row, "next_delivery_on": read_json_date(row["next_delivery_on"])})
        for row in read_json_array(stock_rows)
    )


async def stock_by_warehouse(product_id: int) -> list[WarehouseStock]:
    rows = (
        await Stock.select(
            *_STOCK_COLUMNS, Stock.warehouse.name.as_alias("warehouse_name"), Stock.warehouse.city.as_alias("city")
        )
        .where((Stock.product == product_id) & (Stock.warehouse.deleted == False))  # noqa: E712
        .order_by(Stock.warehouse.name)
    )
    return [WarehouseStock(row["warehouse_name"], row["city"], stock_level([StockRow.of(row)])) for row in rows]
