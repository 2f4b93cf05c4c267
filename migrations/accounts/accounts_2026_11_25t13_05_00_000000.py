"""One membership per (user, company). Piccolo has no composite UNIQUE, so it is raw SQL
that both SQLite and PostgreSQL accept."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T13:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one membership per user and company"


def _engine():
    engine = engine_finder()
    assert engine is not None
    return engine


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    async def create_unique_index() -> None:
        await _engine().run_ddl('CREATE UNIQUE INDEX membership_user_company ON membership ("user", company)')

    async def drop_unique_index() -> None:
        await _engine().run_ddl("DROP INDEX membership_user_company")

    manager.add_raw(create_unique_index)
    manager.add_raw_backwards(drop_unique_index)
    return manager
