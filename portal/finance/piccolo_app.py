from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="finance",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "finance"),
    table_classes=table_finder(["portal.finance.tables"], exclude_imported=True),
    migration_dependencies=["portal.accounts.piccolo_app", "portal.ordering.piccolo_app"],
)
