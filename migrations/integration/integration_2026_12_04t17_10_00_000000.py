"""Event positions are unique; the relay finds the events still waiting for one by the second index."""

from portal.database import composite_indexes_migration

ID = "2026-12-04T17:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "outbox event position unique, waiting events"

forwards = composite_indexes_migration(
    "integration",
    ID,
    DESCRIPTION,
    {
        "outbox_event_position": "CREATE UNIQUE INDEX outbox_event_position ON outbox_event (position)",
        "outbox_event_waiting": "CREATE INDEX outbox_event_waiting ON outbox_event (id) WHERE position IS NULL",
    },
)
