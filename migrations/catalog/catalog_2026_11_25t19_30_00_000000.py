"""Search as you type on SQLite: the grid matches `LIKE '%term%'` on products' search text,
which reads every product unless an index can answer it. An FTS5 table with the trigram
tokenizer answers LIKE for terms of three characters or more; triggers keep it in step with
`product.search_text`. PostgreSQL has trigram indexes instead (catalog 2026-11-25T18:30); there
this migration does nothing."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.base import Engine

ID = "2026-11-25T19:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "FTS5 trigram table for the grid search (SQLite)"

_CREATE = (
    "CREATE VIRTUAL TABLE product_search USING fts5"
    "(search_text, content='product', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER product_search_insert AFTER INSERT ON product BEGIN"
    " INSERT INTO product_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER product_search_delete AFTER DELETE ON product BEGIN"
    " INSERT INTO product_search(product_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER product_search_update AFTER UPDATE OF search_text ON product BEGIN"
    " INSERT INTO product_search(product_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
    " INSERT INTO product_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    # Products that exist before the migration.
    "INSERT INTO product_search(product_search) VALUES ('rebuild')",
)
_DROP = (
    "DROP TRIGGER IF EXISTS product_search_update",
    "DROP TRIGGER IF EXISTS product_search_delete",
    "DROP TRIGGER IF EXISTS product_search_insert",
    "DROP TABLE IF EXISTS product_search",
)


def _sqlite_engine() -> Engine | None:
    engine = engine_finder()
    assert engine is not None, "migrations run with an engine configured"
    return engine if engine.engine_type == "sqlite" else None


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="catalog", description=DESCRIPTION)

    async def create_search_table() -> None:
        engine = _sqlite_engine()
        if engine is not None:
            for statement in _CREATE:
                await engine.run_ddl(statement)

    async def drop_search_table() -> None:
        engine = _sqlite_engine()
        if engine is not None:
            for statement in _DROP:
                await engine.run_ddl(statement)

    manager.add_raw(create_search_table)
    manager.add_raw_backwards(drop_search_table)
    return manager
