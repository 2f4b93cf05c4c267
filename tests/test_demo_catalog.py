"""The demo catalog: about 10,000 consistent products with prices and documents, seeded once."""

from __future__ import annotations

import hashlib

from portal.accounts.login import load_scope
from portal.accounts.tables import Company, User
from portal.catalog.tables import Category, Product, ProductStatus, StoredFile
from portal.database import all_tables
from portal.demo import seed_demo
from portal.demo_catalog import SENTINEL_SKU, build_catalog, ean13, is_valid_ean13
from portal.pricing import PriceSource, resolve_prices
from portal.pricing.tables import PriceList, PriceListEntry


def test_an_ean_gets_the_gs1_check_digit() -> None:
    assert ean13("590123412345") == "5901234123457"
    assert is_valid_ean13("5901234123457")
    assert not is_valid_ean13("5901234123458")


def test_the_catalog_is_the_same_on_every_build_with_unique_codes() -> None:
    first, second = build_catalog(), build_catalog()
    skus = [variant.sku for family in first for variant in family.variants]
    assert skus == [variant.sku for family in second for variant in family.variants]
    assert [v.price for f in first for v in f.variants] == [v.price for f in second for v in f.variants]
    assert len(set(skus)) == len(skus)
    assert len({family.code for family in first}) == len(first)


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


async def test_the_demo_seeds_a_consistent_priced_catalog_once(db) -> None:
    await seed_demo()
    counts = await _row_counts()
    await seed_demo()

    assert await _row_counts() == counts, "a second run adds nothing"
    assert 9_500 <= counts["product"] <= 10_500
    assert 800 <= counts["product_family"] <= 1_500

    products = await Product.select(Product.id, Product.ean, Product.status)
    assert [row["ean"] for row in products if not is_valid_ean13(row["ean"])] == []

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

    for stored in await StoredFile.select():
        assert hashlib.sha256(stored["content"]).hexdigest() == stored["sha256"]
        assert len(stored["content"]) == stored["size"]

    budmax = await _quote("buyer@budmax.example", "6771004565", SENTINEL_SKU)
    agromet = await _quote("buyer@agromet.example", "5260001111", SENTINEL_SKU)
    assert budmax.source is PriceSource.CONTRACT and agromet.source is PriceSource.BASE_LIST
    assert budmax.unit_price < agromet.unit_price
