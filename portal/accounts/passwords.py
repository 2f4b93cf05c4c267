"""Password hashing with argon2 and the rules a new password must meet.

argon2 is slow on purpose (0.2–1.5 s here): it runs in worker threads, at most
`password_hashing_concurrency` at once, so a burst of logins never holds up the event loop and
other requests (`/health` included) keep their pace."""

from __future__ import annotations

import asyncio
import weakref

import anyio.to_thread
from anyio import CapacityLimiter
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from portal.errors import Invalid
from portal.i18n import gettext as _

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10

# Verified instead when there is no hash to check (unknown email, SSO-only or deactivated
# account), made with the same parameters, so such a login costs what a known one costs and
# its timing does not tell who has an account.
_UNKNOWN_USER_HASH = _hasher.hash("no such user; compared only to keep timing even")

_concurrency = 2
# One limiter per event loop: anyio's limiter belongs to the loop it first waits in, and
# tests run each in a loop of their own.
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = weakref.WeakKeyDictionary()


def use_hashing_concurrency(concurrency: int) -> None:
    """How many hashes may run at once in this process (set at start-up by create_app)."""
    global _concurrency
    _concurrency = concurrency
    _limiters.clear()


def _limiter() -> CapacityLimiter:
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None or limiter.total_tokens != _concurrency:
        limiter = _limiters[loop] = CapacityLimiter(_concurrency)
    return limiter


def hash_password_sync(password: str) -> str:
    """For code outside a request (fixtures, scripts); requests await `hash_password`."""
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password, limiter=_limiter())


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; an empty or absent hash is checked against a dummy (and
    never matches), so every call does the same work."""
    matches = await anyio.to_thread.run_sync(_verify, password_hash or _UNKNOWN_USER_HASH, password, limiter=_limiter())
    return matches and bool(password_hash)


def check_new_password(password: str, confirmation: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid({field: _("Use at least %(n)d characters.") % {"n": MIN_PASSWORD_LENGTH}})
    if password != confirmation:
        raise Invalid({"password_confirmation": _("The two passwords differ.")})
