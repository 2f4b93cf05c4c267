"""Search as you type on PostgreSQL: the grid matches `LIKE '%term%'` on products' search text
and on customers' own part numbers, which only a trigram index can answer without reading the
whole table. SQLite has no such index; there this migration does nothing."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.base import Engine

ID = "2026-11-25T18:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "trigram indexes for the grid search (PostgreSQL)"

# pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
_CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # `search_text` holds SKU, EAN and both names, lower-cased (portal.catalog.search).
    "CREATE INDEX product_search_text_trgm ON product USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX customer_part_number_code_trgm ON customer_part_number USING gin (code_search gin_trgm_ops)",
)
_DROP = (
    "DROP INDEX IF EXISTS customer_part_number_code_trgm",
    "DROP INDEX IF EXISTS product_search_text_trgm",
)


def _postgres_engine() -> Engine | None:
    engine = engine_finder()
    assert engine is not None, "migrations run with an engine configured"
    return engine if engine.engine_type == "postgres" else None


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="catalog", description=DESCRIPTION)

    async def create_indexes() -> None:
        engine = _postgres_engine()
        if engine is not None:
            for statement in _CREATE:
                await engine.run_ddl(statement)

    async def drop_indexes() -> None:
        engine = _postgres_engine()
        if engine is not None:
            for statement in _DROP:
                await engine.run_ddl(statement)

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
