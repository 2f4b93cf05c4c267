"""The relay alone in a process of its own, for tests that kill it mid-way where `portal worker`
cannot run (it needs Valkey): `python -m tests.integration.relay_process <database url>`
publishes what is committed, batch after batch, as the worker's `relay_outbox` job does every
second, until it is killed."""

from __future__ import annotations

import asyncio
import sys

from portal.config import Settings
from portal.database import connection_pool, engine_for, use_database
from portal.integration.events import relay_events

# Between two looks at an empty outbox: the worker's schedule is once a second; a test waits less.
IDLE_SECONDS = 0.05


async def relay_forever(database_url: str) -> None:
    engine = engine_for(Settings(database_url=database_url))
    use_database(engine)
    async with connection_pool(engine):
        print("relay ready", flush=True)
        while True:
            if not await relay_events():
                await asyncio.sleep(IDLE_SECONDS)


if __name__ == "__main__":
    asyncio.run(relay_forever(sys.argv[1]))
