"""The Integration page asks when each resource was last synchronised: the end of this index."""

from portal.database import composite_indexes_migration

ID = "2026-12-03T20:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "batch log by resource and time"

forwards = composite_indexes_migration(
    "integration",
    ID,
    DESCRIPTION,
    {"batch_log_resource_received": "CREATE INDEX batch_log_resource_received ON batch_log (resource, received_at)"},
)
