"""A reference ERP for the portal (`portal erp-sim`): it takes the orders the portal sends (from
the event feed, or as webhooks), acknowledges them with its own number, now and then at a
changed price, and later ships and invoices them, all through the integration API over HTTP. It imports
none of the portal's tables: what it does, any ERP can do."""

from __future__ import annotations

import asyncio
import logging

import httpx
import uvicorn

from portal.erp_sim.simulator import (
    ErpSimulator,
    PortalApi,
    PortalRefused,
    SimOptions,
    SimState,
    acknowledgement_id,
    erp_number_of,
    invoice_of,
    read_feed_forever,
    read_feed_page,
    shipment_number_of,
    shipment_of,
    tracking_number_of,
)
from portal.erp_sim.webhooks import WebhookReceiver

__all__ = [
    "ErpSimulator",
    "PortalApi",
    "PortalRefused",
    "SimOptions",
    "SimState",
    "WebhookReceiver",
    "acknowledgement_id",
    "erp_number_of",
    "invoice_of",
    "read_feed_forever",
    "read_feed_page",
    "run_simulator",
    "shipment_number_of",
    "shipment_of",
    "tracking_number_of",
]

log = logging.getLogger("portal.erp_sim")


async def run_simulator(options: SimOptions, listen: tuple[str, int] | None = None, secret: str = "") -> None:
    """Runs until cancelled: reading the feed, or, with `listen`, receiving webhooks there."""
    async with httpx.AsyncClient(base_url=options.url) as client:
        simulator = ErpSimulator(PortalApi(client, options), options)
        if listen is None:
            await read_feed_forever(simulator)
            return
        simulator.learn_since(None)
        host, port = listen
        server = uvicorn.Server(
            uvicorn.Config(
                WebhookReceiver(simulator, secret), host=host, port=port, lifespan="off", log_level="warning"
            )
        )
        log.info("receiving webhooks on http://%s:%d/", host, port)
        steps = asyncio.create_task(simulator.run_steps_forever(), name="erp-sim-steps")
        try:
            await server.serve()
        finally:
            steps.cancel()
