"""Two-character terms on PostgreSQL ("m8", "pz", "25"): a trigram index cannot narrow a term
shorter than a trigram, so the grid read the whole product table for them (35-50 ms on 100,000
products). Each product's search text is also kept as its letter pairs, one word each
("m8x40" -> " m8 8x x4 40 "), in a table of its own with a trigram index: a text has the pair
"m8" exactly when its pairs have the word "m8", which the index finds. A trigger keeps the pairs
in step, also while rows are copied in bulk or replicated (ENABLE ALWAYS). SQLite keeps its
full scan for such terms; there this migration does nothing."""

from portal.database import one_engine_migration

ID = "2026-11-25T22:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "letter pairs of the products' search text (PostgreSQL)"

_CREATE = (
    "CREATE FUNCTION letter_pairs(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$"
    " SELECT ' ' || COALESCE(string_agg(substr($1, i, 2), ' ' ORDER BY i), '') || ' '"
    " FROM generate_series(1, char_length($1) - 1) AS i $$",
    "CREATE TABLE product_letter_pairs ("
    " product integer PRIMARY KEY REFERENCES product (id) ON DELETE CASCADE, pairs text NOT NULL)",
    "CREATE FUNCTION product_letter_pairs_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " INSERT INTO product_letter_pairs (product, pairs) VALUES (NEW.id, letter_pairs(COALESCE(NEW.search_text, '')))"
    " ON CONFLICT (product) DO UPDATE SET pairs = EXCLUDED.pairs;"
    " RETURN NULL; END $$",
    "CREATE TRIGGER product_letter_pairs_sync AFTER INSERT OR UPDATE OF search_text ON product"
    " FOR EACH ROW EXECUTE FUNCTION product_letter_pairs_sync()",
    # The bench's seed and the tests' resets write with `session_replication_role = replica`.
    "ALTER TABLE product ENABLE ALWAYS TRIGGER product_letter_pairs_sync",
    "INSERT INTO product_letter_pairs (product, pairs) SELECT id, letter_pairs(search_text) FROM product",
    "CREATE INDEX product_letter_pairs_trgm ON product_letter_pairs USING gin (pairs gin_trgm_ops)"
    " WITH (fastupdate = off)",
)
_DROP = (
    "DROP TRIGGER IF EXISTS product_letter_pairs_sync ON product",
    "DROP FUNCTION IF EXISTS product_letter_pairs_sync()",
    "DROP TABLE IF EXISTS product_letter_pairs",
    "DROP FUNCTION IF EXISTS letter_pairs(text)",
)


forwards = one_engine_migration("catalog", ID, DESCRIPTION, "postgres", _CREATE, _DROP)
