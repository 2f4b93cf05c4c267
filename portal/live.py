"""Live updates: a change announces itself by name (`shipment-12`, `complaint-3`) on its
customer's channel and on the seller's; an open page holds one server-sent event stream and
refreshes the part whose name arrives. The announcement carries no data, so what a page shows
is always read again through the permission-checked route. Valkey pub/sub joins processes;
without Valkey, an in-process hub serves the demo's single process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, cast

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.backends.redis import RedisChannelsPubSubBackend

from portal.accounts.customer_scope import SeenCustomers
from portal.config import Settings
from portal.stores import valkey_client

if TYPE_CHECKING:
    from redis.asyncio import Redis


class LiveUpdates:
    def __init__(self, backend: ChannelsBackend, prefix: str, *, shared: bool) -> None:
        self._hub = ChannelsPlugin(backend=backend, arbitrary_channels_allowed=True)
        self._prefix = prefix
        # A shared (Valkey) hub reaches other processes even before this one listens.
        self._shared = shared
        self._listening = False
        self._subscribing = asyncio.Lock()

    @classmethod
    def for_settings(cls, settings: Settings) -> LiveUpdates:
        prefix = f"{settings.key_prefix}:live"
        if settings.valkey_url is None:
            return cls(MemoryChannelsBackend(), prefix, shared=False)
        # The valkey client is redis-py's fork with the same API, which Litestar's backend uses.
        client = cast("Redis", valkey_client(settings.valkey_url))
        return cls(RedisChannelsPubSubBackend(redis=client), prefix, shared=True)

    def company_channel(self, company_id: int) -> str:
        return f"{self._prefix}:company:{company_id}"

    @property
    def seller_channel(self) -> str:
        return f"{self._prefix}:seller"

    def channels_for(self, seen: SeenCustomers) -> list[str]:
        """The channels of the customers the caller sees (`seen_customers`): the seller's for
        whoever sees every customer, else one per company (a sales rep's own, a user's own)."""
        if seen.every:
            return [self.seller_channel]
        return [self.company_channel(company_id) for company_id in sorted(seen.ids)]

    @asynccontextmanager
    async def listening(self) -> AsyncIterator[None]:
        async with self._hub:
            self._listening = True
            try:
                yield
            finally:
                self._listening = False

    async def announce(self, company_id: int, names: Sequence[str]) -> None:
        if not self._listening and not self._shared:
            return  # an in-process hub nobody listens to: no page of this process is open
        for name in names:
            await self._hub.wait_published(name.encode(), [self.company_channel(company_id), self.seller_channel])

    async def stream(self, channels: list[str]) -> AsyncGenerator[str, None]:
        # Two subscriptions entering Litestar's Redis backend at the same instant lose one of
        # them (its pub/sub connection is not safe for concurrent commands): one at a time.
        async with self._subscribing:
            subscription = self._hub.start_subscription(channels)
            subscriber = await subscription.__aenter__()
        try:
            async for event in subscriber.iter_events():
                yield event.decode()
        finally:
            async with self._subscribing:
                await subscription.__aexit__(None, None, None)


_current: LiveUpdates | None = None


def use_live_updates(live: LiveUpdates) -> None:
    global _current
    _current = live


async def announce(company_id: int, *names: str) -> None:
    """Call after the change committed, so a page that refreshes reads the new state."""
    if _current is not None:
        await _current.announce(company_id, names)
