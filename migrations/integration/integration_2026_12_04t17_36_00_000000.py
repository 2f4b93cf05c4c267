"""The dispatcher finds due deliveries by the first index, and an earlier delivery of the same
endpoint and subject still waiting by the second."""

from portal.database import composite_indexes_migration

ID = "2026-12-04T17:36:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "webhook deliveries due, and by endpoint and subject"

forwards = composite_indexes_migration(
    "integration",
    ID,
    DESCRIPTION,
    {
        "webhook_delivery_due": "CREATE INDEX webhook_delivery_due ON webhook_delivery (status, next_attempt_at)",
        "webhook_delivery_subject": (
            "CREATE INDEX webhook_delivery_subject ON webhook_delivery (endpoint, subject, status, id)"
        ),
    },
)
