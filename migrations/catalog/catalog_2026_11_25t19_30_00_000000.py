"""Search as you type on SQLite: the grid matches `LIKE '%term%'` on products' search text,
which reads every product unless an index can answer it. An FTS5 table with the trigram
tokenizer answers LIKE for terms of three characters or more; triggers keep it in step with
`product.search_text`. PostgreSQL has trigram indexes instead (catalog 2026-11-25T18:30); there
this migration does nothing."""

from portal.database import one_engine_migration

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


forwards = one_engine_migration("catalog", ID, DESCRIPTION, "sqlite", _CREATE, _DROP)
