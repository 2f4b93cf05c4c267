"""The simulated ERP receiving the portal's webhooks (Standard Webhooks): a small HTTP endpoint
that checks each delivery's signature, takes an event once however often it is delivered (by
its `webhook-id`) and answers 2xx, so the portal stops retrying it."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from portal.erp_sim.simulator import REMEMBERED_DELIVERIES, ErpSimulator

log = logging.getLogger("portal.erp_sim")

Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class WebhookReceiver:
    """An ASGI application: POST any path with a signed event."""

    def __init__(self, simulator: ErpSimulator, secret: str) -> None:
        self.simulator = simulator
        self.webhook = Webhook(secret)
        self.seen = set(simulator.state.deliveries)

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["method"] != "POST":
            await _answer(send, 405, {"title": "Deliveries are POSTed."})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        status, answer = self.deliver(body, headers)
        await _answer(send, status, answer)

    def deliver(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Checks and takes one delivery: (HTTP status, answer)."""
        try:
            event = self.webhook.verify(body, headers)
        except WebhookVerificationError as error:
            log.warning("webhook refused: %s", error)
            return 401, {"title": "The signature does not verify.", "detail": str(error)}
        delivery = headers.get("webhook-id", "")
        if delivery in self.seen:
            log.info("webhook %s again: already taken", delivery)
            return 200, {"duplicate": True}
        if not isinstance(event, dict):
            return 422, {"title": "The event is not a JSON object."}
        self.simulator.take_event(event)
        self.seen.add(delivery)
        deliveries = self.simulator.state.deliveries
        deliveries.append(delivery)
        if len(deliveries) > REMEMBERED_DELIVERIES:
            self.seen.discard(deliveries.pop(0))
        self.simulator.save()
        log.info("webhook %s taken (%s)", delivery, event.get("type", "?"))
        return 200, {"duplicate": False}


async def _answer(send: Send, status: int, body: dict[str, Any]) -> None:
    content = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(content)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": content})
