from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T17:14:08:715814"
VERSION = "1.38.0"
DESCRIPTION = "when an abandoned cart was signalled to the CRM"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ordering", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Cart",
        tablename="cart",
        column_name="abandoned_signalled_at",
        db_column_name="abandoned_signalled_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
