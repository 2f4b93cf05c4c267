"""Whether the ERP is there, as the portal can tell: when it last made contact, and the silence
the seller's people are warned of on every page (with how many orders wait for it meanwhile).
Buyers go on ordering through a silence; nothing here stops them."""

from __future__ import annotations

from datetime import datetime, timedelta

from litestar.stores.base import Store

from portal.accounts.customer_scope import sees_every_customer
from portal.accounts.scope import Scope
from portal.config import Settings
from portal.integration.erp_silence import ErpSilence
from portal.integration.tables import FeedConsumer
from portal.ordering.unconfirmed import unconfirmed_count

# Each way the ERP shows it is alive, as a statement giving its latest moment (NULL: never).
# Order acknowledgements come through the API with a key, so they count already.
CONTACT_MOMENTS: dict[str, str] = {
    # A webhook delivery answered with 2xx.
    "webhook_taken": "SELECT MAX(last_success_at) FROM webhook_endpoint",
    # Any read of the event feed, long-polling included (each asks again within a minute).
    "feed_read": "SELECT MAX(read_at) FROM feed_consumer",
    # Any call of the integration API with a key, rotated keys' old values included (written at
    # most once a minute per key).
    "api_call": "SELECT MAX(last_used_at) FROM api_key",
    "api_call_old_key": "SELECT MAX(previous_last_used_at) FROM api_key",
}
# How long a page may show a silence (or its end) late: the banner's figures are read at most
# this often, however many of the seller's people are looking.
CACHE_SECONDS = 30
_NEVER = "never"


async def last_erp_contact() -> datetime | None:
    """The latest moment the ERP was heard from in any way the portal records, in one statement;
    None when it never was."""
    columns = ", ".join(f"({statement}) AS {name}" for name, statement in CONTACT_MOMENTS.items())
    rows = await FeedConsumer.raw(f"SELECT {columns}")
    moments = [_moment(value) for value in rows[0].values() if value is not None] if rows else []
    return max(moments, default=None)


def _moment(value: datetime | str) -> datetime:
    # SQLite answers a computed column as the text Piccolo stored; PostgreSQL as a datetime.
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def silence_alert_after(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.erp_silence_alert_minutes)


async def erp_silence(caller: Scope, now: datetime, alert_after: timedelta, cache: Store | None) -> ErpSilence | None:
    """The silence to warn the caller of: the ERP made contact once and not for longer than
    `alert_after` since, whether or not orders wait (a silent ERP also leaves stock and prices
    going stale, and the next order would wait). Only the seller's people are told; an ERP that
    never made contact is not connected yet, which the Integration page says, not a banner."""
    if not caller.is_seller or not caller.has_company:
        return None
    last = await _cached_last_contact(cache)
    if last is None or now - last <= alert_after:
        return None
    return ErpSilence(last, now - last, await _cached_waiting(caller, cache))


async def _cached_last_contact(cache: Store | None) -> datetime | None:
    if cache is not None and (cached := await cache.get("last_contact")) is not None:
        text = cached.decode()
        return None if text == _NEVER else datetime.fromisoformat(text)
    last = await last_erp_contact()
    if cache is not None:
        await cache.set("last_contact", last.isoformat() if last else _NEVER, expires_in=CACHE_SECONDS)
    return last


async def _cached_waiting(caller: Scope, cache: Store | None) -> int:
    # Those who see every customer share one count; a sales rep counts their own customers'.
    key = "waiting:every" if sees_every_customer(caller) else f"waiting:{caller.user_id}"
    if cache is not None and (cached := await cache.get(key)) is not None:
        return int(cached)
    waiting = await unconfirmed_count(caller)
    if cache is not None:
        await cache.set(key, str(waiting), expires_in=CACHE_SECONDS)
    return waiting
