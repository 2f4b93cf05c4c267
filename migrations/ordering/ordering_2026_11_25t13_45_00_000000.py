"""One open cart per user and company, one line per product, one history row per product."""

from portal.database import composite_indexes_migration

ID = "2026-11-25T13:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "ordering composite indexes"

forwards = composite_indexes_migration(
    "ordering",
    ID,
    DESCRIPTION,
    {
        "cart_user_company": 'CREATE UNIQUE INDEX cart_user_company ON cart ("user", company)',
        "cart_line_product": "CREATE UNIQUE INDEX cart_line_product ON cart_line (cart, product)",
        "purchased_product_unique": (
            "CREATE UNIQUE INDEX purchased_product_unique ON purchased_product (company, product)"
        ),
    },
)
