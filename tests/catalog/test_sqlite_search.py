"""On SQLite the grid's terms are answered by the FTS5 trigram table, which triggers keep in step
with the products' search text. (PostgreSQL's plans: tests/catalog/test_query_plans.py.)"""

from __future__ import annotations

import pytest

from portal.accounts.roles import Role
from portal.catalog import CatalogQuery, search_products, search_text_for
from portal.catalog.search import search_page
from portal.catalog.tables import Product
from portal.config import load_settings
from tests.factories import make_company, make_person, make_product

pytestmark = [
    pytest.mark.skipif(bool(load_settings().database_url), reason="SQLite's search table (CI runs this without it)"),
    pytest.mark.usefixtures("db"),
]


async def _skus(text: str) -> list[str]:
    buyer = await (await make_person(await make_company(), Role.BUYER)).scope()
    products, _ = await search_products(buyer, CatalogQuery(text=text))
    return [product.sku for product in products]


async def test_a_term_of_three_characters_or_more_is_answered_from_the_trigram_index() -> None:
    buyer = await (await make_person(await make_company(), Role.BUYER)).scope()
    statement = search_page(buyer, CatalogQuery(text="bolt")).select

    plan = " | ".join(row["detail"] for row in await Product.raw("EXPLAIN QUERY PLAN {}", statement))

    assert "product_search VIRTUAL TABLE INDEX 0:L" in plan, plan


async def test_renamed_and_deleted_products_are_found_by_what_they_are_now() -> None:
    renamed = await make_product("Hex bolt M8x40", sku="DIN933-M8X40")
    deleted = await make_product("Hex bolt M10x50", sku="DIN933-M10X50")

    await Product.update(
        {
            Product.name_en: "Carriage bolt M8x40",
            Product.search_text: search_text_for("DIN603-M8X40", "", "", "carriage"),
        }
    ).where(Product.id == renamed)
    await Product.delete().where(Product.id == deleted)

    assert await _skus("din933") == []
    assert await _skus("carriage") == ["DIN933-M8X40"]


async def test_short_terms_and_wildcard_characters_still_match_exactly() -> None:
    await make_product("Cable 100% copper", sku="CU_100")
    await make_product("Cable 1000 aluminium", sku="AL-1000")

    assert await _skus("u_") == ["CU_100"]
    assert await _skus("100%") == ["CU_100"]
    assert await _skus("al") == ["AL-1000"]
