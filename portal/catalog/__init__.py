"""The catalog: products, variants, categories, attributes, documents, relations, stock,
customers' own part numbers and customer assortments, and finding products among them."""

from portal.catalog.search import (
    CatalogQuery,
    CatalogSort,
    Facet,
    ProductRow,
    category_options,
    facets,
    round_up_to_multiple,
    search_products,
    search_text_for,
    visible_products,
)
from portal.catalog.stock import Availability, StockLevel, stock_by_warehouse

__all__ = [
    "Availability",
    "CatalogQuery",
    "CatalogSort",
    "Facet",
    "ProductRow",
    "StockLevel",
    "category_options",
    "facets",
    "round_up_to_multiple",
    "search_products",
    "search_text_for",
    "stock_by_warehouse",
    "visible_products",
]
