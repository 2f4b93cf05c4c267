"""Uniqueness and lookup indexes of the catalog over several columns."""

from portal.database import composite_indexes_migration

ID = "2026-11-25T13:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "catalog composite indexes"

forwards = composite_indexes_migration(
    "catalog",
    ID,
    DESCRIPTION,
    {
        "product_family_member": "CREATE INDEX product_family_member ON product (family)",
        "stock_product_warehouse": "CREATE UNIQUE INDEX stock_product_warehouse ON stock (product, warehouse)",
        "product_relation_unique": (
            "CREATE UNIQUE INDEX product_relation_unique ON product_relation (product, related, kind)"
        ),
        "product_attribute_unique": (
            "CREATE UNIQUE INDEX product_attribute_unique ON product_attribute (product, attribute)"
        ),
        "product_attribute_value": "CREATE INDEX product_attribute_value ON product_attribute (attribute, value)",
        # A customer's code names one product, and a product has one code per customer.
        "customer_part_number_code": (
            "CREATE UNIQUE INDEX customer_part_number_code ON customer_part_number (company, code_search)"
        ),
        "customer_part_number_product": (
            "CREATE UNIQUE INDEX customer_part_number_product ON customer_part_number (company, product)"
        ),
    },
)
