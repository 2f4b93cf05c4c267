"""What the seller's ERP sends of the finance capability's data, keyed by the ERP's codes."""

from __future__ import annotations

from typing import Any

from portal.integration.resources import Resource

RESOURCES: list[Resource[Any]] = []
