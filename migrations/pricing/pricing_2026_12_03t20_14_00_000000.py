"""The keys the ERP names pricing rows by, unique: one discount rule per code (rules made in the
portal have none), one assignment of a list per customer and per customer group."""

from portal.database import composite_indexes_migration

ID = "2026-12-03T20:14:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "pricing ERP keys unique"

forwards = composite_indexes_migration(
    "pricing",
    ID,
    DESCRIPTION,
    {
        "discount_rule_code": "CREATE UNIQUE INDEX discount_rule_code ON discount_rule (code)",
        "price_list_assignment_company_unique": (
            "CREATE UNIQUE INDEX price_list_assignment_company_unique ON price_list_assignment (company, price_list)"
        ),
        "price_list_assignment_group_unique": (
            "CREATE UNIQUE INDEX price_list_assignment_group_unique"
            " ON price_list_assignment (customer_group, price_list)"
        ),
    },
)
