"""One delivery address per ERP code in a company (addresses without a code are many)."""

from portal.database import composite_indexes_migration

ID = "2026-12-03T20:13:19:000000"
VERSION = "1.38.0"
DESCRIPTION = "delivery address code unique per company"

forwards = composite_indexes_migration(
    "accounts",
    ID,
    DESCRIPTION,
    {
        "delivery_address_company_code": "CREATE UNIQUE INDEX delivery_address_company_code"
        " ON delivery_address (company, code)",
    },
)
