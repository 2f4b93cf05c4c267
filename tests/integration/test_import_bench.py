"""The bench's import figures: items from a resource's example, exported as an ERP would, sent
through the batch endpoint and imported from a file, new and then unchanged."""

from __future__ import annotations

from dataclasses import replace

import pytest
from litestar import Litestar

from portal.bench.imports import BenchSkipped, bench_items, export_file, format_import_table, import_throughput
from portal.catalog.tables import Warehouse
from portal.integration import imports
from portal.integration.api_keys import create_api_key
from portal.integration.files import read_file
from tests.conftest import client_at
from tests.integration.resources import LIST_PRICES, WAREHOUSES, registered


def test_items_vary_the_example_key_within_its_length() -> None:
    items = bench_items(WAREHOUSES, 3, first=41)
    assert [item["code"] for item in items] == ["WAW-0000041", "WAW-0000042", "WAW-0000043"]
    assert all(item["address"] == {"city": "Warszawa"} for item in items)
    assert all(len(item["code"]) <= 20 for item in bench_items(WAREHOUSES, 1, first=9_999_999))


def test_flat_items_export_as_a_polish_csv_and_nested_ones_as_json_lines() -> None:
    name, content = export_file([{"code": "A-1", "name": "Łódź", "price": 1.5, "active": True}])
    assert name == "export.csv"
    (row,) = read_file(content, name).rows
    assert row.cells == {"code": "A-1", "name": "Łódź", "price": "1,5", "active": "tak"}
    name, content = export_file(bench_items(WAREHOUSES, 2))
    assert name == "export.jsonl" and len(read_file(content, name).rows) == 2


def test_a_resource_without_an_example_cannot_be_measured() -> None:
    with pytest.raises(BenchSkipped):
        bench_items(replace(WAREHOUSES, example=None), 1)


async def test_both_paths_are_measured_new_and_unchanged(app: Litestar, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "BULK_FROM_ITEMS", 10)
    key = await create_api_key("bench", [WAREHOUSES.scope])
    with registered(WAREHOUSES):
        async with client_at(app) as client:
            client.headers["Authorization"] = f"Bearer {key}"
            rows = await import_throughput(client, WAREHOUSES, 25)
    assert [row.path for row in rows] == [
        "API batch endpoint, 1,000 items a call",
        "file (JSON Lines), `portal import`, bulk path",
    ]
    assert all(row.new_per_second > 0 and row.unchanged_per_second > 0 for row in rows)
    assert await Warehouse.count() == 50
    assert "| API batch endpoint, 1,000 items a call |" in format_import_table("test-warehouses", rows)


async def test_an_example_the_resource_rejects_is_reported_not_measured(app: Litestar) -> None:
    key = await create_api_key("bench", [LIST_PRICES.scope])
    with registered(LIST_PRICES):
        async with client_at(app) as client:
            client.headers["Authorization"] = f"Bearer {key}"
            unpriced = replace(
                LIST_PRICES, example={"price_list": "X", "sku": "Y", "tiers": [{"min_quantity": 1, "unit_price": "2"}]}
            )
            with registered(unpriced), pytest.raises(BenchSkipped, match="rejected"):
                await import_throughput(client, unpriced, 5)
