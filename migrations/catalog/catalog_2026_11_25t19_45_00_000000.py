"""The grid's trigram indexes without GIN's pending list. With `fastupdate` on, rows written
since the last VACUUM wait in an unsorted list that every search reads in full and that the
planner prices so high it reads the whole product table instead: after the demo's or an ERP
sync's thousands of inserts, a zero-hit term took 5 ms instead of 0.3 ms until autovacuum came
by. Writes pay a little more; searches stay fast from the first insert. PostgreSQL only."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.base import Engine

ID = "2026-11-25T19:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "trigram indexes without a pending list (PostgreSQL)"

_INDEXES = ("product_search_text_trgm", "customer_part_number_code_trgm")


def _postgres_engine() -> Engine | None:
    engine = engine_finder()
    assert engine is not None, "migrations run with an engine configured"
    return engine if engine.engine_type == "postgres" else None


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="catalog", description=DESCRIPTION)

    async def switch_off() -> None:
        engine = _postgres_engine()
        if engine is not None:
            for index in _INDEXES:
                await engine.run_ddl(f"ALTER INDEX {index} SET (fastupdate = off)")

    async def switch_on() -> None:
        engine = _postgres_engine()
        if engine is not None:
            for index in _INDEXES:
                await engine.run_ddl(f"ALTER INDEX {index} RESET (fastupdate)")

    manager.add_raw(switch_off)
    manager.add_raw_backwards(switch_on)
    return manager
