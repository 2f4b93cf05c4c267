"""Search as you type on PostgreSQL: the grid matches `LIKE '%term%'` on products' search text
and on customers' own part numbers, which only a trigram index can answer without reading the
whole table. SQLite has no such index; there this migration does nothing."""

from portal.database import one_engine_migration

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


forwards = one_engine_migration("catalog", ID, DESCRIPTION, "postgres", _CREATE, _DROP)
