"""One shipment per ERP number. SQLite cannot add a UNIQUE column, so a unique index does it on
both databases; nulls being distinct, the back office's shipments need no number."""

from portal.database import composite_indexes_migration

ID = "2026-12-04T18:22:31:000000"
VERSION = "1.38.0"
DESCRIPTION = "shipment ERP number unique"

forwards = composite_indexes_migration(
    "aftersales",
    ID,
    DESCRIPTION,
    {"shipment_erp_number": "CREATE UNIQUE INDEX shipment_erp_number ON shipment (erp_number)"},
)
