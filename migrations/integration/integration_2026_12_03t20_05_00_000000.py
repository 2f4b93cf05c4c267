"""One ledger row per resource and ERP key."""

from portal.database import composite_indexes_migration

ID = "2026-12-03T20:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "synced record unique per resource and key"

forwards = composite_indexes_migration(
    "integration",
    ID,
    DESCRIPTION,
    {"synced_record_key": "CREATE UNIQUE INDEX synced_record_key ON synced_record (resource, key)"},
)
