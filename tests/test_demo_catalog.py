"""The demo catalog: about 10,000 consistent products with prices and documents, loaded once from
the demo's ERP data files through the importer."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
import time_machine

from portal import clock
from portal.accounts.login import load_scope
from portal.accounts.tables import Company, User
from portal.bench.seed import ean13
from portal.catalog.tables import Category, Product, ProductDocument, ProductStatus, StoredFile
from portal.database import all_tables
from portal.demo import seed_demo
from portal.demo_erp import (
    DEMO_INTEGRATION,
    ERP_FILES,
    FINANCE_FILES,
    DemoDataRefused,
    dated,
    demo_order_numbers,
    import_erp_data,
    send_demo_stock,
)
from portal.integration.tables import BatchLog
from portal.jobs.registry import spec_for
from portal.pricing import PriceSource, resolve_prices
from portal.pricing.tables import PriceList, PriceListEntry

# The bolt BudMax buys on its contract (portal/demo_data/contract-prices.jsonl).
CONTRACT_BOLT = "DIN933-M8X40-88ZN"


async def _row_counts() -> dict[str, int]:
    return {table._meta.tablename: await table.count() for table in all_tables()}


async def _quote(email: str, nip: str, sku: str):
    user = await User.select(User.id).where(User.email == email).first()
    company = await Company.select(Company.id).where(Company.nip == nip).first()
    product = await Product.select(Product.id).where(Product.sku == sku).first()
    assert user and company and product
    scope = await load_scope(user["id"], company["id"], "127.0.0.1")
    assert scope is not None
    return (await resolve_prices(scope, {product["id"]: 100}))[product["id"]]


def test_a_data_file_is_dated_on_the_day_the_demo_starts() -> None:
    text = '{"code": "CENNIK-{{year+1}}", "valid_from": "{{year}}-01-01", "on": "{{today-60}}", "to": "{{today}}"}'
    assert dated(text, date(2026, 12, 31)) == (
        '{"code": "CENNIK-2027", "valid_from": "2026-01-01", "on": "2026-11-01", "to": "2026-12-31"}'
    )
    invoice = '{"number": "FV/{{today-36|%Y/%m}}/0199", "order_number": "{{order BM/2026/0981}}"}'
    assert dated(invoice, date(2027, 1, 5), {"BM/2026/0981": "ZAM/2026/000001"}) == (
        '{"number": "FV/2026/11/0199", "order_number": "ZAM/2026/000001"}'
    )
    with pytest.raises(DemoDataRefused, match="BM/2026/0981"):
        dated(invoice, date(2027, 1, 5), {})


async def test_the_demo_seeds_a_consistent_priced_catalog_once(db) -> None:
    await seed_demo()
    counts = await _row_counts()
    await seed_demo()

    assert await _row_counts() == counts, "a second run adds nothing"
    assert 9_500 <= counts["product"] <= 10_500
    assert 800 <= counts["product_family"] <= 1_500

    products = await Product.select(Product.id, Product.ean, Product.status)
    assert [row["ean"] for row in products if ean13(row["ean"][:12]) != row["ean"]] == []

    base_lists = PriceList.select(PriceList.id).where(PriceList.is_base.eq(True) & (PriceList.currency == "PLN"))
    priced = {
        row["product"]
        for row in await PriceListEntry.select(PriceListEntry.product).where(
            PriceListEntry.price_list.is_in(base_lists) & (PriceListEntry.min_quantity == 1)
        )
    }
    active = {row["id"] for row in products if row["status"] == ProductStatus.ACTIVE}
    assert active - priced == set(), "every active product has a base list price"

    categories = {row["id"]: row for row in await Category.select(Category.id, Category.parent, Category.path)}
    for category in categories.values():
        parent_path = categories[category["parent"]]["path"] if category["parent"] else "/"
        assert category["path"] == f"{parent_path}{category['id']}/"

    assert await ProductDocument.count() > 1_000
    for stored in await StoredFile.select():
        assert hashlib.sha256(stored["content"]).hexdigest() == stored["sha256"]
        assert len(stored["content"]) == stored["size"]

    budmax = await _quote("buyer@budmax.example", "6771004565", CONTRACT_BOLT)
    agromet = await _quote("buyer@agromet.example", "5260001111", CONTRACT_BOLT)
    assert budmax.source is PriceSource.CONTRACT and agromet.source is PriceSource.BASE_LIST
    assert budmax.unit_price < agromet.unit_price


async def test_the_demos_erp_data_came_through_the_importer_and_comes_again_unchanged(db) -> None:
    await seed_demo()
    logged = (
        await BatchLog.select(BatchLog.resource, BatchLog.source, BatchLog.counts)
        .where(BatchLog.integration == DEMO_INTEGRATION)
        .order_by(BatchLog.id)
        .output(load_json=True)
    )
    assert [row["resource"] for row in logged] == [resource for resource, _filename in ERP_FILES + FINANCE_FILES]
    assert {row["source"] for row in logged} == {"file"}
    assert all(row["counts"]["created"] > 0 and row["counts"]["rejected"] == 0 for row in logged), logged

    counts = await _row_counts()
    again = await import_erp_data(clock.today(), ERP_FILES + FINANCE_FILES, await demo_order_numbers())
    assert [(report.resource, report.counts["unchanged"]) for report in again] == [
        (row["resource"], row["counts"]["created"]) for row in logged
    ]
    assert all(report.counts["created"] == report.counts["updated"] == 0 for report in again)
    assert {name: count for name, count in (await _row_counts()).items() if name != "batch_log"} == {
        name: count for name, count in counts.items() if name != "batch_log"
    }


async def test_the_demos_erp_sends_its_stock_again_on_its_cadence_so_no_figure_goes_stale(db) -> None:
    await seed_demo()
    stock_batches = BatchLog.select(BatchLog.received_at).where(BatchLog.resource == "stock")
    first = await stock_batches.order_by(BatchLog.id, ascending=False).first()
    assert first is not None

    with time_machine.travel(first["received_at"] + timedelta(minutes=4), tick=False):
        sent = await send_demo_stock({})  # type: ignore[typeddict-item]

    latest = await stock_batches.order_by(BatchLog.id, ascending=False).first()
    assert sent > 0 and latest is not None
    assert latest["received_at"] == first["received_at"] + timedelta(minutes=4)
    assert spec_for(send_demo_stock).cron == "*/4 * * * *" and spec_for(send_demo_stock).demo_only
