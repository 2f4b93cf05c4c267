"""What an API key may touch: each resource and endpoint of the integration API needs one scope."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    CATALOG = "catalog"
    PRICES = "prices"
    STOCK = "stock"
    CUSTOMERS = "customers"
    FINANCE = "finance"
    ORDERS = "orders"
    SHIPMENTS = "shipments"
    # Reading the event feed: orders, complaints, messages, shipments and customer activity.
    EVENTS = "events"
