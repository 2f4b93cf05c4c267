"""API keys of integrations: made once and shown once, kept only as a SHA-256, checked on every
call to the JSON API."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from portal.errors import Conflict
from portal.i18n import gettext as _
from portal.integration.tables import ApiKey

KEY_PREFIX = "pk_"


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
    await ApiKey.update({ApiKey.last_used_at: datetime.now(UTC)}).where(ApiKey.id == row["id"])
    return str(row["name"])
