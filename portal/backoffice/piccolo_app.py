from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="backoffice",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "backoffice"),
    table_classes=table_finder(["portal.backoffice.tables"], exclude_imported=True),
    migration_dependencies=[
        "portal.accounts.piccolo_app",
        "portal.ordering.piccolo_app",
        "portal.aftersales.piccolo_app",
    ],
)
