"""One payment per ERP number (payments without a number are many)."""

from portal.database import composite_indexes_migration

ID = "2026-12-03T20:12:17:000000"
VERSION = "1.38.0"
DESCRIPTION = "payment number unique"

forwards = composite_indexes_migration(
    "finance", ID, DESCRIPTION, {"payment_number": "CREATE UNIQUE INDEX payment_number ON payment (number)"}
)
