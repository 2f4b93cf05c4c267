"""Writing events to the outbox; call inside the transaction of the change. The relay
(`portal.integration.events`) publishes them once committed."""

from __future__ import annotations

from typing import Any

from portal.integration.tables import OutboxEvent


async def emit(topic: str, company_id: int, payload: dict[str, Any], subject: str = "") -> None:
    """Writes an event of `topic` ("order.submitted") about the company. `subject` names what it
    is about ("order:12"): webhook deliveries of one subject keep their order."""
    await OutboxEvent.insert(
        OutboxEvent(topic=topic, company_id=str(company_id), subject=subject[:60], payload=payload)
    )
