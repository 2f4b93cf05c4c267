"""SSO domain claims get a status: existing claims were never proven, so they start pending and
stop routing logins until their company proves them or the seller's administrator approves."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T17:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "sso domain claims proven or approved before they route"

_COMMON = {
    "primary_key": False,
    "unique": False,
    "index": False,
    "index_method": IndexMethod.btree,
    "choices": None,
    "db_column_name": None,
    "secret": False,
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)
    manager.add_column(
        table_class_name="SsoDomain",
        tablename="sso_domain",
        column_name="status",
        db_column_name="status",
        column_class_name="Varchar",
        column_class=Varchar,
        params={"length": 12, "default": "pending", "null": False, **_COMMON},
        schema=None,
    )
    manager.add_column(
        table_class_name="SsoDomain",
        tablename="sso_domain",
        column_name="decided_at",
        db_column_name="decided_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={"default": None, "null": True, **_COMMON},
        schema=None,
    )
    return manager
