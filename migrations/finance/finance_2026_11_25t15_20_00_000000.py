"""One stored PDF per document and language; one allocation per payment and invoice."""

from portal.database import composite_indexes_migration

ID = "2026-11-25T15:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "finance composite indexes"

forwards = composite_indexes_migration(
    "finance",
    ID,
    DESCRIPTION,
    {
        "stored_pdf_document": (
            "CREATE UNIQUE INDEX stored_pdf_document ON stored_pdf (document_type, document_id, locale)"
        ),
        "payment_allocation_unique": (
            "CREATE UNIQUE INDEX payment_allocation_unique ON payment_allocation (payment, invoice)"
        ),
    },
)
