"""Two small resources over existing tables, for testing what the integration capability does
with any resource: warehouses (a nested field, a bulk path) and list prices (tiers gathered
from rows, references to a price list and a product by their codes)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from portal.catalog.tables import Product, Warehouse
from portal.integration.erp_resources import ERP_RESOURCES
from portal.integration.resources import Applied, ErpItem, Rejected, Resource
from portal.integration.scopes import Scope
from portal.pricing.tables import PriceList, PriceListEntry


class Address(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    city: str = Field(min_length=1, max_length=100, description="The town the warehouse is in.")


class WarehouseItem(ErpItem):
    code: str = Field(min_length=1, max_length=20, description="The ERP's warehouse code.")
    name: str = Field(min_length=1, max_length=100, description="The warehouse's name.")
    address: Address = Field(description="Where it is.")


async def upsert_warehouse(item: WarehouseItem) -> Applied:
    found = await Warehouse.select(Warehouse.id).where(Warehouse.code == item.code).first()
    if found is None:
        await Warehouse.insert(Warehouse(code=item.code, name=item.name, city=item.address.city))
        return Applied.CREATED
    await Warehouse.update({Warehouse.name: item.name, Warehouse.city: item.address.city}).where(
        Warehouse.id == found["id"]
    )
    return Applied.UPDATED


async def delete_warehouse(key: dict[str, str]) -> bool:
    """A test resource over a table without a status: deleting removes the row."""
    found = await Warehouse.exists().where(Warehouse.code == key["code"])
    await Warehouse.delete().where(Warehouse.code == key["code"])
    return found


async def bulk_upsert_warehouses(items: Sequence[WarehouseItem]) -> list[tuple[int, Rejected]]:
    """One statement per few hundred warehouses; a city named "Atlantis" is refused, so the bulk
    path's rejections can be seen."""
    refused = [
        (position, Rejected("address/city", "Nobody delivers to Atlantis."))
        for position, item in enumerate(items)
        if item.address.city == "Atlantis"
    ]
    taken = [item for item in items if item.address.city != "Atlantis"]
    for start in range(0, len(taken), 300):
        await Warehouse.insert(
            *(Warehouse(code=item.code, name=item.name, city=item.address.city) for item in taken[start : start + 300])
        ).on_conflict(target=Warehouse.code, action="DO UPDATE", values=[Warehouse.name, Warehouse.city])
    return refused


WAREHOUSES: Resource[WarehouseItem] = Resource(
    name="test-warehouses",
    scope=Scope.STOCK,
    item_type=WarehouseItem,
    key_fields=("code",),
    upsert=upsert_warehouse,
    delete=delete_warehouse,
    summary="Warehouses (tests)",
    example={"code": "WAW", "name": "Magazyn centralny", "address": {"city": "Warszawa"}},
    bulk_upsert=bulk_upsert_warehouses,
)


class Tier(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_quantity: int = Field(ge=1, le=1_000_000, description="From this many units.")
    unit_price: Decimal = Field(gt=0, max_digits=14, decimal_places=4, description="Net price of one unit.")


class ListPriceItem(ErpItem):
    price_list: str = Field(min_length=1, max_length=40, description="The price list's code.")
    sku: str = Field(min_length=1, max_length=40, description="The product's SKU.")
    currency: Literal["PLN", "EUR"] = Field(default="PLN", description="The list's currency.")
    tiers: list[Tier] = Field(min_length=1, max_length=20, description="Prices by quantity.")


async def upsert_list_price(item: ListPriceItem) -> Applied:
    price_list = await PriceList.select(PriceList.id).where(PriceList.code == item.price_list).first()
    if price_list is None:
        raise Rejected("price_list", f"There is no price list {item.price_list}.")
    product = await Product.select(Product.id).where(Product.sku == item.sku).first()
    if product is None:
        raise Rejected("sku", f"There is no product {item.sku}.")
    here = (PriceListEntry.price_list == price_list["id"]) & (PriceListEntry.product == product["id"])
    existed = await PriceListEntry.exists().where(here)
    await PriceListEntry.delete().where(here)
    await PriceListEntry.insert(
        *(
            PriceListEntry(
                price_list=price_list["id"],
                product=product["id"],
                min_quantity=tier.min_quantity,
                unit_price=tier.unit_price,
            )
            for tier in item.tiers
        )
    )
    return Applied.UPDATED if existed else Applied.CREATED


async def delete_list_price(key: dict[str, str]) -> bool:
    """Removes the product's entries from the list (a test resource: real ones soft-delete)."""
    price_list = await PriceList.select(PriceList.id).where(PriceList.code == key["price_list"]).first()
    product = await Product.select(Product.id).where(Product.sku == key["sku"]).first()
    if price_list is None or product is None:
        return False
    here = (PriceListEntry.price_list == price_list["id"]) & (PriceListEntry.product == product["id"])
    existed = await PriceListEntry.exists().where(here)
    await PriceListEntry.delete().where(here)
    return existed


LIST_PRICES: Resource[ListPriceItem] = Resource(
    name="test-list-prices",
    scope=Scope.PRICES,
    item_type=ListPriceItem,
    key_fields=("price_list", "sku"),
    upsert=upsert_list_price,
    delete=delete_list_price,
    summary="List prices with tiers (tests)",
)


@contextmanager
def registered(*resources: Resource[Any]) -> Iterator[None]:
    """The resources known to the command and the API while the block runs."""
    for resource in resources:
        ERP_RESOURCES[resource.name] = resource
    try:
        yield
    finally:
        for resource in resources:
            ERP_RESOURCES.pop(resource.name, None)


async def list_prices(price_list: str, sku: str) -> dict[int, Decimal]:
    """What the list holds for the product: {min_quantity: unit price}."""
    rows = await PriceListEntry.select(PriceListEntry.min_quantity, PriceListEntry.unit_price).where(
        (PriceListEntry.price_list.code == price_list) & (PriceListEntry.product.sku == sku)
    )
    return {row["min_quantity"]: Decimal(str(row["unit_price"])).normalize() for row in rows}
