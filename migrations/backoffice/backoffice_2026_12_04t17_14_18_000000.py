"""A person reads a notification once; the inbox finds a reader's marks by (reader, notification)."""

from portal.database import composite_indexes_migration

ID = "2026-12-04T17:14:18:000000"
VERSION = "1.38.0"
DESCRIPTION = "one read mark per reader and notification"

forwards = composite_indexes_migration(
    "backoffice",
    ID,
    DESCRIPTION,
    {
        "notification_read_reader_notification": "CREATE UNIQUE INDEX notification_read_reader_notification"
        " ON notification_read (reader, notification)",
    },
)
