"""The caller's memberships kept in the app's `scope` store (Valkey, or memory in the demo), so
an authenticated request builds its Scope without SQL. Every write that changes what a scope
holds (roles, active flags, new memberships, the user's locale …) calls `forget_scope` after it
commits; a short expiry is only the safety net.

A request that read the database just before such a write commits could store the old rows
after `forget_scope` ran. So forgetting also gives the user a new version, read before the
database is: rows stored under an older version are never used."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from litestar.stores.base import Store

SCOPE_TTL_SECONDS = 60
# Longer than any cached rows live, so rows stored before a change cannot outlive its version.
VERSION_TTL_SECONDS = 3600

MembershipRows = list[dict[str, Any]]


class ScopeCache:
    """The rows `load_scope` builds a Scope from, per user, as JSON in a store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def memberships(self, user_id: int, load: Callable[[int], Awaitable[MembershipRows]]) -> MembershipRows:
        """The user's cached rows, or `load(user_id)`'s, stored for the next request."""
        version = await self._version(user_id)
        cached = await self._store.get(_rows_key(user_id))
        if cached is not None:
            entry = json.loads(cached)
            if entry["version"] == version:
                return list(entry["rows"])
        rows = await load(user_id)
        entry = {"version": version, "rows": rows}
        await self._store.set(_rows_key(user_id), json.dumps(entry), expires_in=SCOPE_TTL_SECONDS)
        return rows

    async def forget(self, user_id: int) -> None:
        await self._store.set(_version_key(user_id), uuid.uuid4().hex, expires_in=VERSION_TTL_SECONDS)
        await self._store.delete(_rows_key(user_id))

    async def _version(self, user_id: int) -> str | None:
        version = await self._store.get(_version_key(user_id))
        return None if version is None else version.decode()


def _rows_key(user_id: int) -> str:
    return f"rows:{user_id}"


def _version_key(user_id: int) -> str:
    return f"version:{user_id}"


_bound: ScopeCache | None = None


def use_scope_cache(cache: ScopeCache | None) -> None:
    """Makes `cache` the one this process reads scopes from and forgets them in (set at start-up
    by create_app, as `use_file_storage` does for files). Reading and forgetting go through the
    same binding, so they always meet in one store."""
    global _bound
    _bound = cache


def scope_cache() -> ScopeCache | None:
    return _bound


async def forget_scope(user_id: int) -> None:
    """Call after a change to the user's memberships, roles, company or own fields commits:
    the user's next request reads them from the database. Nothing to do without a cache."""
    if _bound is not None:
        await _bound.forget(user_id)
