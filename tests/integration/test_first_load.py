"""The bench's first load: a wholesaler's catalog and price export, as files an ERP writes,
loaded through the importer's bulk path into an empty database, and the same files again
found unchanged without a write."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from portal.bench.first_load import LARGE, LISTS, TIERS, first_load, format_first_load_table, write_files
from portal.catalog.tables import Product, ProductAttribute
from portal.integration import imports
from portal.integration.erp_resources import ERP_RESOURCES
from portal.integration.files import read_file
from portal.integration.mapping import parse_mapping
from portal.integration.tables import SyncedRecord
from portal.pricing.tables import PriceListEntry
from tests.integration.resources import list_prices


def test_the_export_is_a_polish_csv_with_a_row_per_attribute_value_and_per_price_tier(tmp_path: Path) -> None:
    files = {file.resource: file for file in write_files(tmp_path, 3)}
    products = read_file(files["products"].path.read_bytes(), "towary.csv")
    assert len(products.rows) == 3 * 2
    assert products.rows[0].cells["Nazwa"].startswith("Śruba sześciokątna")
    prices = read_file(files["price-list-entries"].path.read_bytes(), "cennik.csv")
    assert len(prices.rows) == files["price-list-entries"].items == 3 * LISTS * TIERS
    assert prices.rows[1].cells == {"Cennik": "CEN-1", "Symbol": "PRD-000000", "Od ilości": "100", "Cena netto": "9,00"}


async def test_a_first_load_creates_everything_and_the_same_files_again_write_nothing(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The bulk path from a few items, so a small load takes the first load's path.
    monkeypatch.setattr(imports, "BULK_FROM_ITEMS", 10)

    async def ledger() -> dict[str, object]:
        return {
            row["key"]: row["updated_at"]
            for row in await SyncedRecord.select(SyncedRecord.key, SyncedRecord.updated_at)
        }

    rows = await first_load(tmp_path, 30)
    assert [row.items for row in rows] == [30, 30 * LISTS * TIERS, 30 + 30 * LISTS * TIERS, 30 + 30 * LISTS * TIERS]
    assert await Product.count() == 30
    assert await ProductAttribute.count() == 30 * 2
    assert await PriceListEntry.count() == 30 * LISTS * TIERS
    assert await list_prices("CEN-1", "PRD-000000") == {1: Decimal("10"), 100: Decimal("9")}
    written_at = await ledger()
    assert len(written_at) == 40 + 2 + LISTS + 30 + 30 * LISTS

    # `first_load` raises unless its own repeat found everything unchanged; once more, by hand.
    for file in write_files(tmp_path, 30):
        if file.resource in LARGE:
            mapping = parse_mapping(file.mapping.read_text(encoding="utf-8"), file.mapping.name)
            report = await imports.import_file(
                ERP_RESOURCES[file.resource], file.path.read_bytes(), file.path.name, mapping
            )
            assert report.path == "bulk" and not report.failed
            assert report.counts["unchanged"] == report.items
    assert await ledger() == written_at
    table = format_first_load_table(rows)
    assert "| first load, both files | 330 |" in table and "| both files again (unchanged) | 330 |" in table
