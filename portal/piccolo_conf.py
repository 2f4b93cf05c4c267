"""Piccolo's configuration module (found through PICCOLO_CONF). `DB` is replaced by
`portal.database.use_database` with the engine the settings name; the default only serves
Piccolo's own command line, e.g. `piccolo migrations new accounts --auto`."""

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine

from portal.config import PROJECT_ROOT

DB: Engine = SQLiteEngine(path=str(PROJECT_ROOT / "var" / "portal.sqlite3"))

APP_REGISTRY = AppRegistry(
    apps=[
        "portal.accounts.piccolo_app",
        "portal.catalog.piccolo_app",
        "portal.pricing.piccolo_app",
        "portal.ordering.piccolo_app",
        "portal.approvals.piccolo_app",
        "portal.finance.piccolo_app",
        "portal.integration.piccolo_app",
        "portal.aftersales.piccolo_app",
        "portal.backoffice.piccolo_app",
    ]
)
