"""The grid's statement (search, stock, cart and prices) and the price resolver read indexes,
not whole tables, at a wholesaler's scale: PostgreSQL's plans for each kind of search term and
for a cart's prices, on 20,000 products, must not scan the products or prices tables
sequentially. (SQLite's search: tests/catalog/test_sqlite_search.py.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg
import pytest

from portal.accounts.roles import Role
from portal.accounts.scope import Scope
from portal.catalog import CatalogQuery, CatalogSort
from portal.catalog.tables import Product, ProductStatus
from portal.config import Settings, load_settings
from portal.ordering.grid import grid_page
from portal.ordering.tables import Cart
from portal.pricing import resolve_prices
from portal.pricing.tables import PriceList, PriceListAssignment
from tests.factories import make_category, make_company, make_person
from tests.query_counter import count_queries

pytestmark = [
    pytest.mark.skipif(
        not (load_settings().database_url or "").startswith("postgres"),
        reason="query plans are PostgreSQL's; SQLite has no trigram indexes (CI runs this on PostgreSQL)",
    ),
    pytest.mark.usefixtures("db"),
]

PRODUCTS = 20_000
# Large enough that the planner prefers an index wherever one helps; a sequential scan of these
# is what makes a page slow as the catalog grows.
WATCHED_TABLES = {"product", "price_list_entry", "contract_price", "customer_part_number"}

# Every product is one of these kinds: "bolt" is in one name of ten, a common word.
_KINDS_EN = ["Hex bolt", "Hex nut", "Washer", "Wood screw", "Cable", "Pipe", "Copper wire", "Sheet", "Anchor", "Rivet"]
_KINDS_PL = ["Śruba", "Nakrętka", "Podkładka", "Wkręt", "Kabel", "Rura", "Drut", "Blacha", "Kotwa", "Nit"]
# Three products of five carry the wholesaler's own brand, "Stalmax".
_SEED_PRODUCTS = """
    INSERT INTO product (sku, ean, category, name_pl, name_en, description_pl, description_en, unit,
                         pack_size, min_order_quantity, order_multiple, vat_rate, status, search_text)
    SELECT sku, ean, ($1::int[])[1 + i % array_length($1::int[], 1)], name_pl, name_en, '', '', 'pcs',
           1, 1, 1, '23', CASE WHEN i % 50 = 0 THEN 'discontinued' ELSE 'active' END,
           lower(sku || ' ' || ean || ' ' || name_pl || ' ' || name_en)
    FROM (
        SELECT i,
               upper(substr(md5(i::text), 1, 3)) || '-' || lpad(i::text, 6, '0') AS sku,
               '590' || lpad(i::text, 10, '0') AS ean,
               ($2::text[])[1 + i % 10] || ' ' || (i % 40 + 2) || 'x' || (i % 97 + 10) || ' '
                   || CASE WHEN i % 5 < 3 THEN 'Stalmax' ELSE 'Marka' || i % 31 END AS name_pl,
               ($3::text[])[1 + i % 10] || ' ' || (i % 40 + 2) || 'x' || (i % 97 + 10) || ' '
                   || CASE WHEN i % 5 < 3 THEN 'Stalmax' ELSE 'Brand' || i % 31 END AS name_en
        FROM generate_series(1, $4::int) AS i
    ) seed
"""
# The buyer's own part numbers for one product in ten; another customer's for one in five.
_SEED_PART_NUMBERS = """
    INSERT INTO customer_part_number (company, product, code, code_search)
    SELECT $1::int, id, $2::text || lpad(id::text, 6, '0'), lower($2::text || lpad(id::text, 6, '0'))
    FROM product WHERE id % $3::int = 0
"""
# Tiers at 1 and 10 on a base list and an expired one, the buyer's own list on a quarter of the
# products, contract prices for the buyer and another customer.
_SEED_LIST_PRICES = """
    INSERT INTO price_list_entry (price_list, product, min_quantity, unit_price)
    SELECT $1::int, id, tier, (id % 500 + 1) / tier::numeric FROM product, unnest(ARRAY[1, 10]) AS tier
    WHERE id % $2::int = 0
"""
_SEED_CONTRACT_PRICES = """
    INSERT INTO contract_price (company, product, contract_reference, currency, min_quantity, unit_price)
    SELECT $1::int, id, 'K/2026/' || $1::int, 'PLN', 1, id % 300 + 1 FROM product WHERE id % $2::int = 0
"""


@dataclass(frozen=True)
class Catalog:
    buyer: Scope
    database_url: str


@pytest.fixture
async def catalog(settings: Settings) -> Catalog:
    buyer_company = await make_company()
    other_company = await make_company()
    buyer = await (await make_person(buyer_company, Role.BUYER)).scope()
    categories = [await make_category() for _ in range(5)]
    base = await _price_list("Cennik bazowy 2026", is_base=True)
    expired = await _price_list("Cennik bazowy 2025", is_base=True, expired=True)
    own = await _price_list("Cennik Budmax")
    await PriceListAssignment.insert(PriceListAssignment(price_list=own, company=buyer_company, priority=10))
    assert settings.database_url is not None
    connection = await asyncpg.connect(settings.database_url)
    try:
        # Rows written by one statement each; checking their foreign keys row by row would take
        # most of the test's time.
        await connection.execute("SET session_replication_role = replica")
        await connection.execute(_SEED_PRODUCTS, categories, _KINDS_PL, _KINDS_EN, PRODUCTS)
        await connection.execute(_SEED_PART_NUMBERS, buyer_company, "BM-", 10)
        await connection.execute(_SEED_PART_NUMBERS, other_company, "XQ/", 5)
        await connection.execute(_SEED_LIST_PRICES, base, 1)
        await connection.execute(_SEED_LIST_PRICES, expired, 1)
        await connection.execute(_SEED_LIST_PRICES, own, 4)
        await connection.execute(_SEED_CONTRACT_PRICES, buyer_company, 20)
        await connection.execute(_SEED_CONTRACT_PRICES, other_company, 3)
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()
    return Catalog(buyer, settings.database_url)


async def _price_list(name: str, *, is_base: bool = False, expired: bool = False) -> int:
    rows = await PriceList.insert(
        PriceList(
            code=name.lower().replace(" ", "-"),
            name=name,
            is_base=is_base,
            valid_to=date(2025, 12, 31) if expired else None,
        )
    ).returning(PriceList.id)
    return int(rows[0]["id"])


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


async def _explain(database_url: str, statement: str) -> tuple[dict[str, Any], str]:
    """The statement's plan, and the same as text."""
    connection = await asyncpg.connect(database_url)
    try:
        # As the portal's engine does (portal.database.engine_for).
        await connection.execute("SET jit = off")
        plan = json.loads(await connection.fetchval(f"EXPLAIN (FORMAT JSON) {statement}"))[0]["Plan"]
        text = "\n".join(row[0] for row in await connection.fetch(f"EXPLAIN {statement}"))
    finally:
        await connection.close()
    return plan, text


async def _sequential_scans(database_url: str, statement: str) -> tuple[list[str], str]:
    """The watched tables the statement's plan reads sequentially, and the plan as text."""
    plan, text = await _explain(database_url, statement)
    scanned = [
        f"{node['Relation Name']} {node.get('Alias', '')}".strip()
        for node in _nodes(plan)
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in WATCHED_TABLES
    ]
    return scanned, text


# A term of each kind a buyer types. Each but the zero-hit one must find something: a plan for
# a term that misses by mistake proves little.
TERM_CLASSES = {
    "SKU fragment": "-01234",
    "common word": "bolt",
    "brand word": "stalmax",
    "zero-hit term": "qqzx",
    "full EAN": "5900000012345",
    "own part number": "bm-001230",
    # Shorter than a trigram: found through the products' letter pairs ("12x34" has "x3").
    "two-character term": "x3",
}


# A brand word in 60% of the names: finding 12,000 products through the trigram index may cost
# more than reading the table, and the planner may rightly read it, once, where the matches are
# ranked (`product p` in portal.catalog.search); the page's products are still fetched by key.
ALLOWED_SCANS = {"brand word": ["product p"]}


async def test_the_grid_search_reads_no_product_table_whole(catalog: Catalog) -> None:
    failures = []
    for term_class, term in TERM_CLASSES.items():
        with count_queries() as queries:
            grid = await grid_page(catalog.buyer, CatalogQuery(text=term), with_facets=False)
        assert len(queries.statements) == 1, queries.statements
        assert grid.rows or term_class == "zero-hit term", f"{term_class} ({term!r}) found nothing"

        scanned, plan = await _sequential_scans(catalog.database_url, queries.statements[0])
        if scanned and scanned != ALLOWED_SCANS.get(term_class):
            failures.append(f"{term_class} ({term!r}) scans {', '.join(scanned)} sequentially:\n{plan}")

    assert not failures, "\n\n".join(failures)


async def test_matches_sorted_by_sku_are_sorted_not_found_by_walking_the_sku_index(catalog: Catalog) -> None:
    # A brand's SKUs often share a prefix: walking the SKU index until 51 of its products turn
    # up read most of the catalog ("würth" took 50 ms on 100,000 products).
    with count_queries() as queries:
        await grid_page(catalog.buyer, CatalogQuery(text="stalmax", sort=CatalogSort.SKU), with_facets=False)

    plan, text = await _explain(catalog.database_url, queries.statements[0])
    assert not [node for node in _nodes(plan) if node.get("Index Name") == "product_sku_key"], text


async def test_pricing_a_cart_reads_no_price_table_whole(catalog: Catalog) -> None:
    # A cart of 30 products: with contract prices, on the buyer's own list, on the base list only.
    products = await Product.select(Product.id).where(Product.status != ProductStatus.DISCONTINUED).order_by(Product.id)
    cart = {row["id"]: 1 + index % 12 for index, row in enumerate(products[::97][:30])}
    with count_queries() as queries:
        quotes = await resolve_prices(catalog.buyer, cart)
    assert len(quotes) == len(cart)

    for statement in queries.statements:
        scanned, plan = await _sequential_scans(catalog.database_url, statement)
        assert not scanned, f"the price resolver scans {', '.join(scanned)} sequentially:\n{statement}\n{plan}"


async def test_each_grid_row_finds_its_line_in_a_big_cart_by_cart_and_product(catalog: Catalog) -> None:
    # Statistics taken over 2,000 carts of one line each, then a buyer fills a cart of 500 lines before
    # autovacuum comes by: each row must look up its own line, not read the cart's 500.
    rows = await Cart.insert(Cart(user=catalog.buyer.user_id, company=catalog.buyer.company_id)).returning(Cart.id)
    connection = await asyncpg.connect(catalog.database_url)
    try:
        await connection.execute("SET session_replication_role = replica")
        await connection.execute(
            """INSERT INTO cart ("user", company) SELECT 100000 + i, $1::int FROM generate_series(1, 2000) AS i""",
            catalog.buyer.company_id,
        )
        await connection.execute(
            "INSERT INTO cart_line (cart, product, quantity)"
            " SELECT c.id, c.id * 7, 1 FROM cart c WHERE c.id <> $1::int",
            rows[0]["id"],
        )
        await connection.execute("ANALYZE cart_line")
        await connection.execute(
            "INSERT INTO cart_line (cart, product, quantity) SELECT $1::int, id, 1 FROM product ORDER BY id LIMIT 500",
            rows[0]["id"],
        )
    finally:
        await connection.close()
    with count_queries() as queries:
        grid = await grid_page(catalog.buyer, CatalogQuery(), with_facets=False)
    assert any(row.in_cart for row in grid.rows)

    plan, text = await _explain(catalog.database_url, queries.statements[0])
    lookups = [node for node in _nodes(plan) if node.get("Relation Name") == "cart_line"]
    assert lookups, text
    assert all("product" in node.get("Index Cond", "") for node in lookups), text
