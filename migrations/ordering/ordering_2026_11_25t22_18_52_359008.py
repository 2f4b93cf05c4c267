"""Cart lines keep only the unique (cart, product) index, which also serves a cart's lines: with
the index on `cart` alone beside it, the planner read a 500-line cart whole to find one product's
line, once per grid row (1.3 ms of a grid page's 3.3 ms on PostgreSQL)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey

ID = "2026-11-25T22:18:52:359008"
VERSION = "1.38.0"
DESCRIPTION = "cart lines found by the (cart, product) index only"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ordering", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="CartLine",
        tablename="cart_line",
        column_name="cart",
        db_column_name="cart",
        params={"index": False},
        old_params={"index": True},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    return manager
