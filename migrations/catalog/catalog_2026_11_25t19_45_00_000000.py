"""The grid's trigram indexes without GIN's pending list. With `fastupdate` on, rows written
since the last VACUUM wait in an unsorted list that every search reads in full and that the
planner prices so high it reads the whole product table instead: after the demo's or an ERP
sync's thousands of inserts, a zero-hit term took 5 ms instead of 0.3 ms until autovacuum came
by. Writes pay a little more; searches stay fast from the first insert. PostgreSQL only."""

from portal.database import one_engine_migration

ID = "2026-11-25T19:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "trigram indexes without a pending list (PostgreSQL)"

_INDEXES = ("product_search_text_trgm", "customer_part_number_code_trgm")


forwards = one_engine_migration(
    "catalog",
    ID,
    DESCRIPTION,
    "postgres",
    [f"ALTER INDEX {index} SET (fastupdate = off)" for index in _INDEXES],
    [f"ALTER INDEX {index} RESET (fastupdate)" for index in _INDEXES],
)
