"""A small resource of the tests' own (depots over the warehouse table), for pinning what every
resource shares: the batch protocol, sync runs, the OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import Field

from portal.catalog.tables import Warehouse
from portal.integration.erp_resources import ERP_RESOURCES
from portal.integration.openapi import openapi_document
from portal.integration.resources import Applied, ErpItem, Rejected, Resource
from portal.integration.scopes import Scope

RETIRED = "(retired)"
HEAD_OFFICE = "HQ"


class Depot(ErpItem):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=100)
    city: str = Field(default="", max_length=100)


async def upsert_depot(depot: Depot) -> Applied:
    if depot.city.lower() == "atlantis":
        raise Rejected("city", "There is no such city.")
    existing = await Warehouse.select(Warehouse.id).where(Warehouse.code == depot.code).first()
    if existing is None:
        await Warehouse.insert(Warehouse(code=depot.code, name=depot.name, city=depot.city))
        return Applied.CREATED
    await Warehouse.update({Warehouse.name: depot.name, Warehouse.city: depot.city}).where(Warehouse.code == depot.code)
    return Applied.UPDATED


async def retire_depot(key: dict[str, str]) -> bool:
    if key["code"] == HEAD_OFFICE:
        raise Rejected("code", "The head office is never retired.")
    found = await Warehouse.exists().where(Warehouse.code == key["code"])
    await Warehouse.update({Warehouse.city: RETIRED}).where(Warehouse.code == key["code"])
    return found


DEPOTS = Resource(
    name="test-depots",
    scope=Scope.STOCK,
    item_type=Depot,
    key_fields=("code",),
    upsert=upsert_depot,
    delete=retire_depot,
    summary="Depots, for the protocol's tests",
)


@pytest.fixture
def depots_resource() -> Iterator[None]:
    """The depots among the API's resources, and in its document, for one test."""
    ERP_RESOURCES[DEPOTS.name] = DEPOTS
    openapi_document.cache_clear()
    yield
    del ERP_RESOURCES[DEPOTS.name]
    openapi_document.cache_clear()
