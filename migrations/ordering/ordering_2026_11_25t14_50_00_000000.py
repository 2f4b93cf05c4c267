"""One line per product in a shopping list."""

from portal.database import composite_indexes_migration

ID = "2026-11-25T14:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "shopping list lines unique by product"

forwards = composite_indexes_migration(
    "ordering",
    ID,
    DESCRIPTION,
    {
        "shopping_list_line_product": (
            "CREATE UNIQUE INDEX shopping_list_line_product ON shopping_list_line (shopping_list, product)"
        )
    },
)
