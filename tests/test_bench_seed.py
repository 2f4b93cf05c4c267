"""`portal bench seed` at a tiny scale: counts follow the scale, rows hang together, a seeded buyer
gets a customer-specific price from `resolve_prices`, and a second run is refused."""

from __future__ import annotations

import json
from pathlib import Path

import asyncpg
import pytest

from portal.accounts.roles import Role
from portal.accounts.scope import Scope
from portal.bench.seed import BASE_LIST_CODE, BENCH_PASSWORD, BenchRefused, seed_bench
from portal.config import Settings, load_settings
from portal.pricing import PriceSource, resolve_prices

pytestmark = [
    pytest.mark.skipif(
        not (load_settings().database_url or "").startswith("postgres"),
        reason="the benchmark data set is written with PostgreSQL's COPY; SQLite is refused (CI runs PostgreSQL)",
    ),
    pytest.mark.usefixtures("db"),
]

SCALE = 0.002


async def _fetchval(settings: Settings, query: str) -> int:
    connection = await asyncpg.connect(settings.database_url)
    try:
        return int(await connection.fetchval(query))
    finally:
        await connection.close()


async def test_seeds_counts_that_follow_the_scale(settings: Settings, tmp_path: Path) -> None:
    report = await seed_bench(settings, SCALE, tmp_path / "accounts.json")

    assert await _fetchval(settings, "SELECT count(*) FROM product") == 200
    assert await _fetchval(settings, "SELECT count(*) FROM company WHERE kind = 'customer'") == 2
    # The wholesaler itself, whose name heads every invoice.
    assert await _fetchval(settings, "SELECT count(*) FROM company WHERE kind = 'seller'") == 1
    assert await _fetchval(settings, "SELECT count(*) FROM customer_order") == 100
    assert await _fetchval(settings, "SELECT count(*) FROM stock") == 200 * await _fetchval(
        settings, "SELECT count(*) FROM warehouse"
    )
    users = await _fetchval(settings, "SELECT count(*) FROM membership")
    assert 6 <= users <= 8
    # An invoice, line for line, for every invoiced or paid order, for the finance people.
    assert await _fetchval(settings, "SELECT count(*) FROM invoice") == await _fetchval(
        settings, "SELECT count(*) FROM customer_order WHERE status IN ('invoiced', 'paid')"
    )
    assert (
        await _fetchval(
            settings,
            "SELECT count(*) FROM invoice i WHERE i.net_total <> (SELECT sum(l.net_value) FROM invoice_line l"
            " WHERE l.invoice = i.id) OR i.net_total <> (SELECT o.net_total FROM customer_order o WHERE o.id = i.order)",
        )
        == 0
    )
    assert json.loads((tmp_path / "accounts.json").read_text())["finance"][0].startswith("finance@")
    # 2,000 asked for; at this scale two customers' sources run out of products (200 each) first.
    assert 800 <= report.customer_prices <= 2_000
    assert report.counts["orders/order_line"] >= 100


async def test_rows_hang_together(settings: Settings, tmp_path: Path) -> None:
    await seed_bench(settings, SCALE, tmp_path / "accounts.json")

    # The seed may skip the per-row foreign key triggers: every reference must still be there.
    connection = await asyncpg.connect(settings.database_url)
    try:
        foreign_keys = await connection.fetch(
            "SELECT c.conrelid::regclass::text AS child, a.attname AS child_column,"
            " c.confrelid::regclass::text AS parent, p.attname AS parent_column"
            " FROM pg_constraint c"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
            " JOIN pg_attribute p ON p.attrelid = c.confrelid AND p.attnum = c.confkey[1]"
            " WHERE c.contype = 'f' AND cardinality(c.conkey) = 1"
        )
        assert len(foreign_keys) > 20
        for key in foreign_keys:
            dangling = await connection.fetchval(
                f'SELECT count(*) FROM {key["child"]} c WHERE c."{key["child_column"]}" IS NOT NULL AND NOT EXISTS'
                f' (SELECT 1 FROM {key["parent"]} p WHERE p."{key["parent_column"]}" = c."{key["child_column"]}")'
            )
            assert dangling == 0, f"{key['child']}.{key['child_column']} → {key['parent']}"
    finally:
        await connection.close()

    # Orders are placed by a member of their company, lines sum to the order, EANs are valid.
    assert (
        await _fetchval(
            settings,
            "SELECT count(*) FROM customer_order o WHERE NOT EXISTS (SELECT 1 FROM membership m"
            ' WHERE m."user" = o.placed_by AND m.company = o.company)',
        )
        == 0
    )
    assert (
        await _fetchval(
            settings,
            "SELECT count(*) FROM customer_order o WHERE o.net_total <>"
            ' (SELECT sum(l.line_net) FROM order_line l WHERE l."order" = o.id)',
        )
        == 0
    )
    assert await _fetchval(settings, "SELECT count(*) FROM product WHERE length(ean) <> 13") == 0
    assert (
        await _fetchval(settings, "SELECT count(*) FROM product p WHERE p.search_text NOT LIKE '%' || p.ean || '%'")
        == 0
    )
    # What was bought is what the orders hold.
    assert await _fetchval(settings, "SELECT count(*) FROM purchased_product") == await _fetchval(
        settings,
        "SELECT count(DISTINCT (o.company, l.product)) FROM order_line l"
        " JOIN customer_order o ON o.id = l.\"order\" WHERE o.status <> 'cancelled'",
    )


async def test_a_seeded_buyer_gets_a_contract_price(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "accounts.json"
    await seed_bench(settings, SCALE, path)
    accounts = json.loads(path.read_text(encoding="utf-8"))
    assert accounts["password"] == BENCH_PASSWORD
    email = accounts["buyers"][0]["email"]
    connection = await asyncpg.connect(settings.database_url)
    try:
        buyer = await connection.fetchrow(
            'SELECT u.id, u.name, m.company FROM portal_user u JOIN membership m ON m."user" = u.id WHERE u.email = $1',
            email,
        )
        product_id = await connection.fetchval(
            "SELECT product FROM contract_price WHERE company = $1 ORDER BY product LIMIT 1", buyer["company"]
        )
    finally:
        await connection.close()
    scope = Scope(buyer["id"], email, buyer["name"], "pl", company_id=buyer["company"], roles=frozenset({Role.BUYER}))

    quote = (await resolve_prices(scope, {product_id: 1}))[product_id]

    assert quote.source is PriceSource.CONTRACT
    assert quote.list_unit_price is not None and quote.unit_price < quote.list_unit_price


async def test_names_search_terms_from_what_was_seeded(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "accounts.json"
    await seed_bench(settings, SCALE, path)
    terms = json.loads(path.read_text(encoding="utf-8"))["search_terms"]

    brand = terms["adversarial"]["brand_words"][0]
    assert brand["hits"] == await _fetchval(
        settings, f"SELECT count(*) FROM product WHERE search_text LIKE '%{brand['term']}%'"
    )
    assert all(term["hits"] == 0 for term in terms["adversarial"]["zero_hit"])
    assert all(term["hits"] >= 1 for term in terms["healthy"]["sku_fragments"])
    assert terms["adversarial"]["eans"]


async def test_a_second_run_is_refused_and_adds_nothing(settings: Settings, tmp_path: Path) -> None:
    await seed_bench(settings, SCALE, tmp_path / "accounts.json")

    with pytest.raises(BenchRefused, match="seeded already"):
        await seed_bench(settings, SCALE, tmp_path / "again.json")

    assert await _fetchval(settings, "SELECT count(*) FROM product") == 200
    assert await _fetchval(settings, f"SELECT count(*) FROM price_list WHERE code = '{BASE_LIST_CODE}'") == 1


async def test_sqlite_is_refused(settings: Settings) -> None:
    with pytest.raises(BenchRefused, match="PostgreSQL"):
        await seed_bench(settings.model_copy(update={"database_url": None}), SCALE)
