"""Key-value stores behind sessions and caches: Valkey in production, memory in
the demo. Nothing kept here must survive a restart."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from litestar.stores.base import NamespacedStore
from litestar.stores.memory import MemoryStore
from litestar.stores.registry import StoreRegistry
from litestar.stores.valkey import ValkeyStore
from valkey.asyncio import Valkey

from portal.config import Settings


class Redis7CompatibleValkeyStore(ValkeyStore):
    """Litestar's ValkeyStore with its Lua scripts written against `redis.call`, which Valkey
    and Redis 7 both understand (Litestar's `server.call` needs Valkey 8)."""

    def __init__(self, valkey: Valkey, namespace: str | None = None, handle_client_shutdown: bool = False):
        super().__init__(valkey, namespace=namespace, handle_client_shutdown=handle_client_shutdown)
        self._get_and_renew_script = self._valkey.register_script(
            b"""
            local data = redis.call('GET', KEYS[1])
            if redis.call('TTL', KEYS[1]) > 0 then
                redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
            end
            return data
            """
        )
        self._delete_all_script = self._valkey.register_script(
            b"""
            local cursor = 0
            repeat
                local result = redis.call('SCAN', cursor, 'MATCH', ARGV[1])
                for _, key in ipairs(result[2]) do
                    redis.call('UNLINK', key)
                end
                cursor = tonumber(result[1])
            until cursor == 0
            """
        )

    def with_namespace(self, namespace: str) -> Redis7CompatibleValkeyStore:
        return type(self)(
            valkey=self._valkey,
            namespace=f"{self.namespace}_{namespace}" if self.namespace else namespace,
            handle_client_shutdown=self.handle_client_shutdown,
        )


def valkey_client(url: str) -> Valkey:
    return Valkey.from_url(_as_redis_url(url), decode_responses=False)


def store_registry(settings: Settings) -> StoreRegistry:
    """Named stores (`sessions`, `scope`, …): each a namespace of one Valkey, or its own memory store."""
    if settings.valkey_url is None:
        return StoreRegistry(default_factory=lambda _name: MemoryStore())
    root: NamespacedStore = Redis7CompatibleValkeyStore(
        valkey_client(settings.valkey_url), namespace=settings.key_prefix, handle_client_shutdown=True
    )
    return StoreRegistry(default_factory=root.with_namespace)


def _as_redis_url(url: str) -> str:
    """The valkey client speaks `redis://`; settings may say `valkey://` too."""
    parts = urlsplit(url)
    scheme = {"valkey": "redis", "valkeys": "rediss"}.get(parts.scheme, parts.scheme)
    return urlunsplit(parts._replace(scheme=scheme))
