"""The relay and the webhook sender alone in a process of their own, for tests that kill them
mid-way where `portal worker` cannot run (it needs Valkey): `python -m
tests.integration.relay_process <database url>` publishes what is committed, batch after batch,
as the worker's relay pump does, and sends the due webhook deliveries beside it (plain
http to this machine allowed, for the tests' receivers), until it is killed."""

from __future__ import annotations

import asyncio
import sys

from portal.config import Settings
from portal.database import connection_pool, engine_for, use_database
from portal.integration.events import relay_events
from portal.integration.webhooks import dispatch_due_deliveries
from portal.mail import Postbox, mailer_for
from portal.outgoing.guard import guard_for
from portal.web.templating import build_environment

# Between two looks at an empty outbox or no due delivery: the worker's pumps pause 0.2 s; a
# test waits less.
IDLE_SECONDS = 0.05


async def relay_forever() -> None:
    while True:
        if not await relay_events():
            await asyncio.sleep(IDLE_SECONDS)


async def send_forever(settings: Settings) -> None:
    postbox = Postbox(build_environment(auto_reload=False), mailer_for(settings), settings.base_url)
    async with guard_for(settings).client() as client:
        while True:
            if not await dispatch_due_deliveries(client, postbox):
                await asyncio.sleep(IDLE_SECONDS)


async def run_forever(database_url: str) -> None:
    settings = Settings(database_url=database_url, outgoing_allow_local_http=True)
    engine = engine_for(settings)
    use_database(engine)
    async with connection_pool(engine):
        print("relay ready", flush=True)
        await asyncio.gather(relay_forever(), send_forever(settings))


if __name__ == "__main__":
    asyncio.run(run_forever(sys.argv[1]))
