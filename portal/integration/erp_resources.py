"""Every resource an ERP can send, collected from the capabilities that own the data, in the
order a first load needs them (categories before products, customers before their prices)."""

from __future__ import annotations

from typing import Any

from portal.accounts.erp_sync import RESOURCES as ACCOUNTS
from portal.catalog.erp_sync import RESOURCES as CATALOG
from portal.finance.erp_sync import RESOURCES as FINANCE
from portal.integration.resources import Resource
from portal.pricing.erp_sync import RESOURCES as PRICING

ERP_RESOURCES: dict[str, Resource[Any]] = {
    resource.name: resource for resource in [*CATALOG, *ACCOUNTS, *PRICING, *FINANCE]
}
