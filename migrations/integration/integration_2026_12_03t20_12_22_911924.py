from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T20:12:22:911924"
VERSION = "1.38.0"
DESCRIPTION = "api keys: revoked_at replaces active; keys made before scopes keep what they could call"


async def carry_over_keys():
    # Before scopes, a key could only post shipment events; a deactivated key is revoked (when is
    # not known, so its creation time stands in). Raw steps run before the column is dropped.
    engine = engine_finder()
    await engine.run_ddl("UPDATE api_key SET scopes = 'shipments' WHERE scopes = ''")
    await engine.run_ddl("UPDATE api_key SET revoked_at = created_at WHERE active = false AND revoked_at IS NULL")


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="integration", description=DESCRIPTION
    )

    manager.add_raw(carry_over_keys)

    manager.drop_column(
        table_class_name="ApiKey",
        tablename="api_key",
        column_name="active",
        db_column_name="active",
        schema=None,
    )

    return manager
