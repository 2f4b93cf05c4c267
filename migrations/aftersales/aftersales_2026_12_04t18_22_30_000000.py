"""The ERP's number of a shipment it recorded through the API (its unique index comes next)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T18:22:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "ERP numbers of shipments"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="aftersales", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Shipment",
        tablename="shipment",
        column_name="erp_number",
        db_column_name="erp_number",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 60,
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
