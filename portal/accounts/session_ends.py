"""When a person's sessions end: an absolute lifetime from login, and "end every session of
this person now" (password reset, deactivation). A session records when it started; ending a
person's sessions stores that moment under the person in the app's `session_ends` store (Valkey
or memory), and a session that started before it no longer counts. One key per person, read by
every process, whatever store the sessions themselves live in."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from litestar.stores.base import Store

from portal.throttle import Clock

STARTED_AT = "started_at"


class SessionEnds:
    def __init__(self, store: Store, lifetime_seconds: int, clock: Clock = time.time) -> None:
        self._store = store
        self.lifetime_seconds = lifetime_seconds
        self.clock = clock

    def started_now(self) -> float:
        return self.clock()

    async def end_all(self, user_id: int) -> None:
        # Kept as long as a session may live: after that, no session from before it is left.
        await self._store.set(_key(user_id), repr(self.clock()), expires_in=self.lifetime_seconds + 60)

    async def is_current(self, session: Mapping[str, Any]) -> bool:
        user_id, started = session.get("user_id"), session.get(STARTED_AT)
        # A session without its start (made before lifetimes existed) is treated as expired.
        if not isinstance(user_id, int) or not isinstance(started, int | float):
            return False
        if self.clock() - started >= self.lifetime_seconds:
            return False
        ended = await self._store.get(_key(user_id))
        return ended is None or started > float(ended.decode())


def _key(user_id: int) -> str:
    return f"ended:{user_id}"


_bound: SessionEnds | None = None


def use_session_ends(ends: SessionEnds | None) -> None:
    """Binds the process's session ends (set at start-up by create_app, like the scope cache)."""
    global _bound
    _bound = ends


def session_ends() -> SessionEnds | None:
    return _bound


async def end_sessions(user_id: int) -> None:
    """Ends every session of the person, in every process, and the live streams they hold."""
    if _bound is not None:
        await _bound.end_all(user_id)


def session_started_at() -> float:
    return _bound.started_now() if _bound is not None else time.time()


async def session_is_current(session: Mapping[str, Any]) -> bool:
    return _bound is None or await _bound.is_current(session)
