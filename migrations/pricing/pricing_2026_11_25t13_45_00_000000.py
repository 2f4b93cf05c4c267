"""Uniqueness and lookup indexes of pricing over several columns."""

from portal.database import composite_indexes_migration

ID = "2026-11-25T13:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "pricing composite indexes"

forwards = composite_indexes_migration(
    "pricing",
    ID,
    DESCRIPTION,
    {
        "customer_group_member_unique": (
            'CREATE UNIQUE INDEX customer_group_member_unique ON customer_group_member ("group", company)'
        ),
        "price_list_entry_tier": (
            "CREATE UNIQUE INDEX price_list_entry_tier ON price_list_entry (price_list, product, min_quantity)"
        ),
        "price_list_assignment_group": (
            "CREATE INDEX price_list_assignment_group ON price_list_assignment (customer_group)"
        ),
        "discount_rule_group": "CREATE INDEX discount_rule_group ON discount_rule (customer_group)",
        "contract_price_company_product": (
            "CREATE INDEX contract_price_company_product ON contract_price (company, product)"
        ),
    },
)
