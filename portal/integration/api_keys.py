"""API keys of integrations: made once and shown once, kept only as a SHA-256, checked on every
call to the JSON API."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass

from portal import clock
from portal.config import Settings
from portal.errors import Conflict, TooManyAttempts
from portal.i18n import gettext as _
from portal.integration.scopes import Scope
from portal.integration.tables import ApiKey
from portal.throttle import Rule, Throttle

KEY_PREFIX = "pk_"


@dataclass(frozen=True)
class ApiClient:
    """The integration an API key belongs to, and what the key may touch."""

    name: str
    scopes: frozenset[Scope]


def _digest(key: str) -> str:
    # Keys are 256 random bits, so a plain digest is enough: there is nothing to guess.
    return hashlib.sha256(key.encode()).hexdigest()


async def create_api_key(name: str, key: str | None = None) -> str:
    """A new key for the integration `name`; `key` fixes it (the demo prints a known one)."""
    name = name.strip()
    if not name or len(name) > 60:
        raise Conflict(_("An integration's name has 1 to 60 characters."))
    if await ApiKey.exists().where(ApiKey.name == name):
        raise Conflict(_("An integration named {name} already has a key.").format(name=name))
    key = key or KEY_PREFIX + secrets.token_urlsafe(32)
    await ApiKey.insert(ApiKey(name=name, key_hash=_digest(key)))
    return key


async def integration_for_key(authorization: str) -> str | None:
    """The integration's name for an `Authorization: Bearer <key>` header, or None."""
    scheme, _space, key = authorization.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    row = (
        await ApiKey.select(ApiKey.id, ApiKey.name)
        .where((ApiKey.key_hash == _digest(key.strip())) & (ApiKey.active == True))  # noqa: E712
        .first()
    )
    if row is None:
        return None
    await ApiKey.update({ApiKey.last_used_at: clock.now()}).where(ApiKey.id == row["id"])
    return str(row["name"])


class ApiKeyLimiter:
    """Wrong API keys per address, counted apart from logins (a failing integration does not
    lock the office's people out, nor the reverse). A wrong key is counted and judged in one
    atomic step, so of many parallel wrong keys only the allowed few are answered 401; right
    keys are never counted, so an integration's parallel calls are not held up."""

    def __init__(self, throttle: Throttle, settings: Settings) -> None:
        self._throttle = throttle
        self._rule = Rule(
            "api-key",
            settings.api_key_attempts_per_address,
            settings.login_delay_seconds,
            settings.login_max_delay_seconds,
            settings.login_window_seconds,
        )

    async def client_for(self, authorization: str, ip_address: str) -> ApiClient | None:
        """The calling integration with its key's scopes, None for a wrong key."""
        name = await self.integration_for(authorization, ip_address)
        # Keys carry no scopes of their own yet: each may touch everything.
        return None if name is None else ApiClient(name, frozenset(Scope))

    async def integration_for(self, authorization: str, ip_address: str) -> str | None:
        """The integration calling, None for a wrong key; TooManyAttempts once the address
        has sent too many wrong ones (even with a right key then: no oracle for guessers)."""
        counted = [(self._rule, ip_address)]
        wait = await self._throttle.waiting(counted)
        if wait <= 0:
            integration = await integration_for_key(authorization)
            if integration is not None:
                return integration
            wait = await self._throttle.hit(counted)
            if wait <= 0:
                return None
        raise TooManyAttempts(
            _("Too many calls with a wrong key. Try again in %(seconds)d s.") % {"seconds": math.ceil(wait)},
            retry_after_seconds=math.ceil(wait),
        )
