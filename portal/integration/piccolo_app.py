from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="integration",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "integration"),
    table_classes=table_finder(["portal.integration.tables"], exclude_imported=True),
    migration_dependencies=[],
)
