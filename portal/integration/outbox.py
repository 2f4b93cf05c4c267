"""Writing events to the outbox; call inside the transaction of the change."""

from __future__ import annotations

from typing import Any

from portal.integration.tables import OutboxEvent


async def emit(topic: str, company_id: int, payload: dict[str, Any]) -> None:
    await OutboxEvent.insert(OutboxEvent(topic=topic, company_id=str(company_id), payload=payload))
