"""Price list entries at database speed, for loads that come by the million: the tiers are copied
into a staging table and merged with a few set-based statements, on PostgreSQL and SQLite alike.
`portal.pricing.erp_sync` checks the items and answers for each; this module only writes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import asyncpg
from piccolo.engine.postgres import PostgresEngine

from portal.pricing.tables import PriceListEntry

STAGING = "erp_price_list_entry_staging"
# The types of the entries' own columns, so the merge copies the values as they are.
_CREATE_STAGING = (
    f"CREATE TEMP TABLE {STAGING} (list_code varchar(40) NOT NULL, sku varchar(40) NOT NULL,"
    " min_quantity integer NOT NULL, unit_price numeric(14, 4) NOT NULL)"
)
# The staged tiers whose list and product exist, by id.
_KNOWN = f"FROM {STAGING} s JOIN price_list l ON l.code = s.list_code JOIN product p ON p.sku = s.sku"

# One tier of one entry: the list's code, the product's SKU, the break and its unit price.
StagedTier = tuple[str, str, int, Decimal]


@dataclass(frozen=True)
class UnknownCodes:
    price_lists: set[str]
    skus: set[str]


async def merge_entries(tiers: Sequence[StagedTier]) -> UnknownCodes:
    """Replace the tiers of each staged list and SKU by the staged ones, active; tiers naming a
    list or SKU the portal does not have are left out, and their codes answered. Runs in the
    caller's transaction: the staging table lives in its connection."""
    engine = PriceListEntry._meta.db
    await _stage(engine, tiers)
    unknown = UnknownCodes(
        price_lists=await _codes(
            f"SELECT DISTINCT s.list_code AS code FROM {STAGING} s"
            " WHERE NOT EXISTS (SELECT 1 FROM price_list l WHERE l.code = s.list_code)"
        ),
        skus=await _codes(
            f"SELECT DISTINCT s.sku AS code FROM {STAGING} s WHERE NOT EXISTS (SELECT 1 FROM product p WHERE p.sku = s.sku)"
        ),
    )
    # Row values (a, b) IN (…): both databases have them, and neither has the other's DELETE … USING.
    await PriceListEntry.raw(
        f"DELETE FROM price_list_entry WHERE (price_list, product) IN (SELECT l.id, p.id {_KNOWN})"
    )
    async with _references_checked_at_once(engine):
        await PriceListEntry.raw(
            "INSERT INTO price_list_entry (price_list, product, min_quantity, unit_price, is_active)"
            f" SELECT l.id, p.id, s.min_quantity, s.unit_price, TRUE {_KNOWN}"
        )
    await engine.run_ddl(f"DROP TABLE {STAGING}")
    return unknown


async def _stage(engine: Any, tiers: Sequence[StagedTier]) -> None:
    """A fresh staging table holding `tiers`: by COPY on PostgreSQL, one prepared insert on SQLite.
    Dropped first if an earlier merge in the same transaction failed half-way."""
    await engine.run_ddl(f"DROP TABLE IF EXISTS {STAGING}")
    await engine.run_ddl(_CREATE_STAGING)
    connection = _connection(engine)
    if isinstance(engine, PostgresEngine):
        await connection.copy_records_to_table(
            STAGING, columns=["list_code", "sku", "min_quantity", "unit_price"], records=tiers
        )
        # A new temporary table has no statistics: without them the merge's joins are planned blind.
        await connection.execute(f"ANALYZE {STAGING}")
    else:
        await connection.executemany(f"INSERT INTO {STAGING} VALUES (?, ?, ?, ?)", tiers)


def _connection(engine: Any) -> Any:
    """The driver's connection of the transaction the merge runs in (asyncpg's or aiosqlite's)."""
    transaction = engine.current_transaction.get()
    assert transaction is not None, "merge_entries runs inside a transaction"
    return transaction.connection


async def _codes(query: str) -> set[str]:
    return {row["code"] for row in await PriceListEntry.raw(query)}


@asynccontextmanager
async def _references_checked_at_once(engine: Any) -> AsyncIterator[None]:
    """PostgreSQL checks each inserted row's two foreign keys with a query of its own: more than
    half of a million-row merge's time. Where the role may set `session_replication_role` (a
    superuser, or a role granted SET on it), those per-row checks are off for the insert and done
    here once for all: the rows come from a join with their lists and products, and these are
    locked as the checks would lock them (FOR KEY SHARE), so none can go before the commit.
    Elsewhere, and on SQLite, the database checks row by row as usual."""
    if not isinstance(engine, PostgresEngine):
        yield
        return
    connection = _connection(engine)
    previous = await connection.fetchval("SELECT current_setting('session_replication_role')")
    try:
        # A savepoint: a refusal must not abort the caller's transaction.
        async with connection.transaction():
            await connection.execute("SET LOCAL session_replication_role = replica")
    except asyncpg.InsufficientPrivilegeError:
        yield
        return
    await connection.execute(
        f"WITH locked AS (SELECT 1 FROM price_list WHERE code IN (SELECT list_code FROM {STAGING}) FOR KEY SHARE),"
        f" locked_products AS (SELECT 1 FROM product WHERE sku IN (SELECT sku FROM {STAGING}) FOR KEY SHARE)"
        " SELECT (SELECT count(*) FROM locked), (SELECT count(*) FROM locked_products)"
    )
    yield
    await connection.execute("SELECT set_config('session_replication_role', $1, true)", previous)
