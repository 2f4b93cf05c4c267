from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="catalog",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "catalog"),
    table_classes=table_finder(["portal.catalog.tables"], exclude_imported=True),
    migration_dependencies=["portal.accounts.piccolo_app"],
)
