"""API keys of integrations: the seller's administrator makes, rotates and revokes them (on the
Integration page or with `portal api-key`); each carries the scopes it may touch. A key is shown
once, when it is made or rotated, and kept only as a SHA-256; a rotated key's old value keeps
working for a grace period so the integration can switch without a gap."""

from __future__ import annotations

import hashlib
import math
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from portal import clock
from portal.accounts import Scope as CallerScope
from portal.accounts import audit
from portal.config import Settings
from portal.database import lock_rows_for_decision, write_transaction
from portal.errors import Conflict, Invalid, NotFound, TooManyAttempts
from portal.i18n import gettext as _
from portal.integration.scopes import Scope
from portal.integration.tables import ApiKey
from portal.throttle import Rule, Throttle

# Every key starts so, so a key pasted where it does not belong (a log, a ticket, a repository)
# is recognised as one and can be found by secret scanners.
KEY_PREFIX = "pk_"
NAME_MAX_LENGTH = 60
# A key's last use is written at most this often, so a busy integration's calls do not each
# write a row.
LAST_USE_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class ApiClient:
    """The integration an API key belongs to, and what the key may touch."""

    name: str
    scopes: frozenset[Scope]


class KeyState(StrEnum):
    ACTIVE = "active"
    # Rotated: the new key works, and the old one until its grace period ends.
    ROTATING = "rotating"
    REVOKED = "revoked"


@dataclass(frozen=True)
class ApiKeyView:
    """A key as the Integration page and `portal api-key list` show it: never its value."""

    id: int
    name: str
    scopes: tuple[Scope, ...]
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    last_used_address: str
    previous_expires_at: datetime | None
    previous_last_used_at: datetime | None

    def state(self, now: datetime) -> KeyState:
        if self.revoked_at is not None:
            return KeyState.REVOKED
        if self.previous_expires_at is not None and self.previous_expires_at > now:
            return KeyState.ROTATING
        return KeyState.ACTIVE

    @property
    def used_at(self) -> datetime | None:
        """The last call with either of the key's values."""
        uses = [moment for moment in (self.last_used_at, self.previous_last_used_at) if moment is not None]
        return max(uses, default=None)


def _digest(key: str) -> str:
    # Keys are 256 random bits, so a plain digest is enough: there is nothing to guess.
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def _scopes_of(stored: str) -> tuple[Scope, ...]:
    # A scope dropped from the code is ignored rather than failing every call of the key.
    known = {scope.value for scope in Scope}
    return tuple(Scope(name) for name in stored.split() if name in known)


def _stored_scopes(scopes: Iterable[Scope]) -> str:
    chosen = set(scopes)
    return " ".join(scope.value for scope in Scope if scope in chosen)


def parse_scopes(names: Iterable[str]) -> frozenset[Scope]:
    """The scopes named in a form or on the command line; Invalid for none or an unknown one."""
    wanted = [name.strip().lower() for name in names if name.strip()]
    known = {scope.value for scope in Scope}
    unknown = sorted(set(wanted) - known)
    if unknown:
        raise Invalid(
            {
                "scopes": _("Unknown scope {names}; choose from: {choices}.").format(
                    names=", ".join(unknown), choices=", ".join(scope.value for scope in Scope)
                )
            }
        )
    if not wanted:
        raise Invalid({"scopes": _("Choose at least one scope: what may this integration touch?")})
    return frozenset(Scope(name) for name in wanted)


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise Invalid({"name": _("A key's name has 1 to {count} characters.").format(count=NAME_MAX_LENGTH)})
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise Invalid({"name": _("A key's name cannot hold control characters.")})
    return name


_VIEW_COLUMNS = (
    ApiKey.id,
    ApiKey.name,
    ApiKey.scopes,
    ApiKey.created_at,
    ApiKey.revoked_at,
    ApiKey.last_used_at,
    ApiKey.last_used_address,
    ApiKey.previous_expires_at,
    ApiKey.previous_last_used_at,
)


def _view(row: dict[str, Any]) -> ApiKeyView:
    return ApiKeyView(**{**row, "scopes": _scopes_of(row["scopes"])})


async def api_keys() -> list[ApiKeyView]:
    """Every key, the live ones first, each group by name."""
    rows = await ApiKey.select(*_VIEW_COLUMNS).order_by(ApiKey.name)
    views = [_view(row) for row in rows]
    return sorted(views, key=lambda view: view.revoked_at is not None)


async def api_key(key_id: int) -> ApiKeyView:
    row = await ApiKey.select(*_VIEW_COLUMNS).where(ApiKey.id == key_id).first()
    if row is None:
        raise NotFound(_("There is no such API key."))
    return _view(row)


async def api_key_named(name: str) -> ApiKeyView:
    row = await ApiKey.select(*_VIEW_COLUMNS).where(ApiKey.name == name.strip()).first()
    if row is None:
        raise NotFound(_("There is no API key named {name}.").format(name=name.strip()))
    return _view(row)


async def create_api_key(
    name: str, scopes: Iterable[Scope], *, key: str | None = None, caller: CallerScope | None = None
) -> str:
    """A new key for the integration `name` with `scopes`, returned once; `key` fixes its value
    (the demo prints a known one). The name of a revoked key may be taken again: the new key
    replaces the revoked one. Invalid for a bad name, no scopes, or a name a live key has."""
    name = _checked_name(name)
    stored_scopes = _stored_scopes(scopes)
    if not stored_scopes:
        raise Invalid({"scopes": _("Choose at least one scope: what may this integration touch?")})
    key = key or _new_key()
    taken = Invalid({"name": _("A key named {name} already exists.").format(name=name)})
    async with write_transaction(ApiKey._meta.db):
        existing = await lock_rows_for_decision(
            ApiKey.select(ApiKey.id, ApiKey.revoked_at).where(ApiKey.name == name)
        ).first()
        if existing is not None and existing["revoked_at"] is None:
            raise taken
        # Everything but the name: a revoked key's row is taken over as if new.
        fresh: dict[Any, Any] = {
            "key_hash": _digest(key),
            "scopes": stored_scopes,
            "created_at": clock.now(),
            "revoked_at": None,
            "last_used_at": None,
            "last_used_address": "",
            "previous_hash": None,
            "previous_expires_at": None,
            "previous_last_used_at": None,
        }
        if existing is not None:
            await ApiKey.update(fresh).where(ApiKey.id == existing["id"])
            key_id = existing["id"]
        else:
            # Two administrators making the same name at once: the second is told it is taken.
            inserted = (
                await ApiKey.insert(ApiKey(name=name, **fresh))
                .on_conflict(target=ApiKey.name, action="DO NOTHING")
                .returning(ApiKey.id)
            )
            if not inserted:
                raise taken
            key_id = inserted[0]["id"]
        await _audit("api_key.created", caller, key_id, name, scopes=stored_scopes.split())
    return key


def rotation_grace(settings: Settings) -> timedelta:
    """How long a rotated key's old value keeps working."""
    return timedelta(hours=settings.api_key_rotation_grace_hours)


async def rotate_api_key(key_id: int, grace: timedelta, *, caller: CallerScope | None = None) -> str:
    """A new value for the key, returned once; the old one keeps working for `grace`. Rotating
    again during the grace period ends the older value's grace at once: only the latest two
    values are ever valid."""
    async with write_transaction(ApiKey._meta.db):
        row = await lock_rows_for_decision(
            ApiKey.select(ApiKey.id, ApiKey.name, ApiKey.key_hash, ApiKey.revoked_at, ApiKey.last_used_at).where(
                ApiKey.id == key_id
            )
        ).first()
        if row is None:
            raise NotFound(_("There is no such API key."))
        if row["revoked_at"] is not None:
            raise Conflict(_("The key {name} is revoked; make a new one instead.").format(name=row["name"]))
        key = _new_key()
        until = clock.now() + grace
        await ApiKey.update(
            {
                ApiKey.key_hash: _digest(key),
                ApiKey.last_used_at: None,
                ApiKey.previous_hash: row["key_hash"],
                ApiKey.previous_expires_at: until,
                ApiKey.previous_last_used_at: row["last_used_at"],
            }
        ).where(ApiKey.id == key_id)
        await _audit("api_key.rotated", caller, key_id, row["name"], old_key_valid_until=until.isoformat())
    return key


async def revoke_api_key(key_id: int, *, caller: CallerScope | None = None) -> ApiKeyView:
    """The key and any rotated value of it stop working at once; revoking again changes nothing."""
    async with write_transaction(ApiKey._meta.db):
        row = await lock_rows_for_decision(
            ApiKey.select(ApiKey.id, ApiKey.name, ApiKey.revoked_at).where(ApiKey.id == key_id)
        ).first()
        if row is None:
            raise NotFound(_("There is no such API key."))
        if row["revoked_at"] is None:
            await ApiKey.update(
                {ApiKey.revoked_at: clock.now(), ApiKey.previous_hash: None, ApiKey.previous_expires_at: None}
            ).where(ApiKey.id == key_id)
            await _audit("api_key.revoked", caller, key_id, row["name"])
    return await api_key(key_id)


async def _audit(action: str, caller: CallerScope | None, key_id: int, name: str, **details: Any) -> None:
    # Made from the command line there is no caller: the entry says so by having no actor.
    await audit.record(
        action, caller=caller, object_type="api_key", object_id=key_id, details={"name": name, **details}
    )


def _bearer_key(authorization: str) -> str | None:
    scheme, _space, key = authorization.partition(" ")
    key = key.strip()
    return key if scheme.lower() == "bearer" and key else None


async def client_for_key(authorization: str, address: str) -> ApiClient | None:
    """The integration and its scopes for an `Authorization: Bearer <key>` header, or None for a
    missing, unknown, revoked or expired key. Notes the use (at most once a minute per value)."""
    key = _bearer_key(authorization)
    if key is None:
        return None
    digest = _digest(key)
    row = (
        await ApiKey.select(
            ApiKey.id,
            ApiKey.name,
            ApiKey.scopes,
            ApiKey.key_hash,
            ApiKey.last_used_at,
            ApiKey.previous_expires_at,
            ApiKey.previous_last_used_at,
        )
        .where(((ApiKey.key_hash == digest) | (ApiKey.previous_hash == digest)) & ApiKey.revoked_at.is_null())
        .first()
    )
    if row is None:
        return None
    now = clock.now()
    is_current = row["key_hash"] == digest
    if not is_current and (row["previous_expires_at"] is None or row["previous_expires_at"] <= now):
        return None
    used_column = ApiKey.last_used_at if is_current else ApiKey.previous_last_used_at
    last_use: datetime | None = row[used_column._meta.name]
    if last_use is None or now - last_use >= LAST_USE_RESOLUTION:
        await ApiKey.update({used_column: now, ApiKey.last_used_address: address[:45]}).where(ApiKey.id == row["id"])
    return ApiClient(str(row["name"]), frozenset(_scopes_of(row["scopes"])))


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
        """The calling integration with its key's scopes, None for a wrong key; TooManyAttempts
        once the address has sent too many wrong ones (even with a right key then: no oracle for
        guessers)."""
        counted = [(self._rule, ip_address)]
        wait = await self._throttle.waiting(counted)
        if wait <= 0:
            client = await client_for_key(authorization, ip_address)
            if client is not None:
                return client
            wait = await self._throttle.hit(counted)
            if wait <= 0:
                return None
        raise TooManyAttempts(
            _("Too many calls with a wrong key. Try again in %(seconds)d s.") % {"seconds": math.ceil(wait)},
            retry_after_seconds=math.ceil(wait),
        )
