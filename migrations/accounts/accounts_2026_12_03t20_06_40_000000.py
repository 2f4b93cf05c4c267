"""One customer per ERP code (customers without a code are many)."""

from portal.database import composite_indexes_migration

ID = "2026-12-03T20:06:40:000000"
VERSION = "1.38.0"
DESCRIPTION = "company code unique"

forwards = composite_indexes_migration(
    "accounts", ID, DESCRIPTION, {"company_code": "CREATE UNIQUE INDEX company_code ON company (code)"}
)
