"""API keys of integrations: made by the seller's administrator with scopes, shown once, kept as
a SHA-256; rotation keeps the old value working for a grace period, revocation stops it at once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine

from portal import clock
from portal.cli import main
from portal.config import Settings
from portal.errors import Conflict, Invalid, TooManyAttempts
from portal.i18n import use_locale
from portal.integration.api_keys import (
    ApiClient,
    ApiKeyLimiter,
    KeyState,
    api_key_named,
    client_for_key,
    create_api_key,
    parse_scopes,
    revoke_api_key,
    rotate_api_key,
)
from portal.integration.scopes import Scope
from portal.integration.tables import ApiKey
from portal.throttle import Throttle

GRACE = timedelta(hours=24)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with use_locale("en"):
        yield


def bearer(key: str) -> str:
    return f"Bearer {key}"


async def test_a_key_is_recognisable_random_and_only_its_digest_is_kept(db) -> None:
    key = await create_api_key("erp", [Scope.CATALOG, Scope.PRICES])
    other = await create_api_key("wms", [Scope.STOCK])

    assert key.startswith("pk_") and len(key) >= 3 + 43 and key != other
    stored = await ApiKey.select().where(ApiKey.name == "erp").first()
    assert stored is not None and stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(await ApiKey.select())
    assert await client_for_key(bearer(key), "10.0.0.1") == ApiClient("erp", frozenset({Scope.CATALOG, Scope.PRICES}))


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer ", "Bearer pk_wrong", "Basic abc", "pk_nobearer"])
async def test_anything_but_a_valid_key_names_no_integration(db, header: str) -> None:
    await create_api_key("erp", Scope)
    assert await client_for_key(header, "10.0.0.1") is None


async def test_the_limiter_answers_the_keys_own_scopes_and_still_throttles_wrong_keys(db, settings: Settings) -> None:
    limiter = ApiKeyLimiter(Throttle.for_settings(settings), settings)
    key = await create_api_key("carrier", [Scope.SHIPMENTS])

    client = await limiter.client_for(bearer(key), "10.0.0.2")

    assert client == ApiClient("carrier", frozenset({Scope.SHIPMENTS}))
    assert Scope.CATALOG not in client.scopes
    for _attempt in range(settings.api_key_attempts_per_address):
        assert await limiter.client_for("Bearer pk_guess", "10.0.0.3") is None
    with pytest.raises(TooManyAttempts):
        await limiter.client_for("Bearer pk_guess", "10.0.0.3")
    # No oracle for the guesser: even the right key waits at that address; elsewhere it passes.
    with pytest.raises(TooManyAttempts):
        await limiter.client_for(bearer(key), "10.0.0.3")
    assert await limiter.client_for(bearer(key), "10.0.0.4") == client


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ([], "at least one scope"),
        (["  "], "at least one scope"),
        (["catalog", "everything"], "Unknown scope everything"),
    ],
)
def test_scopes_must_be_named_and_known(names: list[str], message: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse_scopes(names)
    assert message in refused.value.errors["scopes"]


def test_scopes_are_read_in_any_case() -> None:
    assert parse_scopes([" Stock", "PRICES"]) == {Scope.STOCK, Scope.PRICES}


@pytest.mark.parametrize(("name", "field"), [("", "name"), ("x" * 61, "name"), ("erp\nfeed", "name")])
async def test_a_bad_name_is_refused(db, name: str, field: str) -> None:
    with pytest.raises(Invalid) as refused:
        await create_api_key(name, [Scope.STOCK])
    assert field in refused.value.errors
    assert await ApiKey.count() == 0


async def test_a_live_keys_name_is_taken_but_a_revoked_ones_may_be_given_again(db) -> None:
    old = await create_api_key("erp", [Scope.CATALOG])
    with pytest.raises(Invalid) as refused:
        await create_api_key(" erp ", [Scope.STOCK])
    assert "already exists" in refused.value.errors["name"]

    await revoke_api_key((await api_key_named("erp")).id)
    new = await create_api_key("erp", [Scope.STOCK])

    assert await ApiKey.count() == 1
    assert await client_for_key(bearer(old), "10.0.0.1") is None
    assert await client_for_key(bearer(new), "10.0.0.1") == ApiClient("erp", frozenset({Scope.STOCK}))
    assert (await api_key_named("erp")).state(clock.now()) is KeyState.ACTIVE


async def test_the_old_key_works_until_the_grace_period_ends(db) -> None:
    old = await create_api_key("erp", Scope)
    key_id = (await api_key_named("erp")).id
    new = await rotate_api_key(key_id, GRACE)
    rotated = clock.now()

    assert new != old and new.startswith("pk_")
    assert await client_for_key(bearer(old), "10.0.0.1") is not None
    assert await client_for_key(bearer(new), "10.0.0.1") is not None
    assert (await api_key_named("erp")).state(clock.now()) is KeyState.ROTATING

    with time_machine.travel(rotated + GRACE - timedelta(minutes=1), tick=False):
        assert await client_for_key(bearer(old), "10.0.0.1") is not None
    with time_machine.travel(rotated + GRACE + timedelta(seconds=1), tick=False):
        assert await client_for_key(bearer(old), "10.0.0.1") is None
        assert await client_for_key(bearer(new), "10.0.0.1") == ApiClient("erp", frozenset(Scope))
        assert (await api_key_named("erp")).state(clock.now()) is KeyState.ACTIVE


async def test_rotating_again_ends_the_older_values_grace_at_once(db) -> None:
    first = await create_api_key("erp", [Scope.STOCK])
    key_id = (await api_key_named("erp")).id
    second = await rotate_api_key(key_id, GRACE)
    third = await rotate_api_key(key_id, GRACE)

    assert await client_for_key(bearer(first), "10.0.0.1") is None
    assert await client_for_key(bearer(second), "10.0.0.1") is not None
    assert await client_for_key(bearer(third), "10.0.0.1") is not None


async def test_revoking_stops_the_key_and_its_rotated_value_at_once(db) -> None:
    old = await create_api_key("erp", Scope)
    key_id = (await api_key_named("erp")).id
    new = await rotate_api_key(key_id, GRACE)

    revoked = await revoke_api_key(key_id)

    assert revoked.state(clock.now()) is KeyState.REVOKED
    assert await client_for_key(bearer(old), "10.0.0.1") is None
    assert await client_for_key(bearer(new), "10.0.0.1") is None
    # Again changes nothing; a revoked key cannot be rotated back to life.
    assert (await revoke_api_key(key_id)).revoked_at == revoked.revoked_at
    with pytest.raises(Conflict):
        await rotate_api_key(key_id, GRACE)


async def test_the_last_use_is_written_at_most_once_a_minute(db) -> None:
    key = await create_api_key("erp", [Scope.STOCK])
    start = clock.now()
    with time_machine.travel(start, tick=False):
        await client_for_key(bearer(key), "10.0.0.1")
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        await client_for_key(bearer(key), "10.0.0.2")
    seen = await api_key_named("erp")
    assert seen.last_used_at == start and seen.last_used_address == "10.0.0.1"

    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        await client_for_key(bearer(key), "10.0.0.2")
    seen = await api_key_named("erp")
    assert seen.last_used_at == start + timedelta(seconds=61) and seen.last_used_address == "10.0.0.2"


async def test_during_rotation_the_old_values_use_is_told_apart(db) -> None:
    old = await create_api_key("erp", [Scope.STOCK])
    key_id = (await api_key_named("erp")).id
    await client_for_key(bearer(old), "10.0.0.1")
    new = await rotate_api_key(key_id, GRACE)
    rotating = await api_key_named("erp")
    assert rotating.last_used_at is None and rotating.previous_last_used_at is not None

    await client_for_key(bearer(new), "10.0.0.9")

    switched = await api_key_named("erp")
    assert switched.last_used_at is not None and switched.last_used_address == "10.0.0.9"
    assert switched.previous_last_used_at == rotating.previous_last_used_at
    assert switched.used_at == switched.last_used_at


def test_the_command_makes_rotates_lists_and_revokes_keys(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PORTAL_DATABASE_URL", settings.database_url or "")
    main(["api-key", "create", "dpd-feed", "--scope", "shipments"])
    made = capsys.readouterr().out
    key = made.split()[-1]
    assert key.startswith("pk_") and "shown only now" in made

    main(["api-key", "rotate", "dpd-feed"])
    rotated = capsys.readouterr().out
    new_key = rotated.splitlines()[0].split()[-1]
    assert new_key.startswith("pk_") and new_key != key and "keeps working until" in rotated

    main(["api-key", "list"])
    listing = capsys.readouterr().out
    assert "dpd-feed\trotating\tshipments" in listing and key not in listing and new_key not in listing

    main(["api-key", "revoke", "dpd-feed"])
    main(["api-key", "list"])
    assert "dpd-feed\trevoked" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["create", "erp"], "at least one scope"),
        (["create", "erp", "--scope", "everything"], "Unknown scope everything"),
        (["rotate", "nobody"], "no API key named nobody"),
        (["revoke", "nobody"], "no API key named nobody"),
    ],
)
def test_the_command_refuses_with_a_clear_message(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    monkeypatch.setenv("PORTAL_DATABASE_URL", settings.database_url or "")
    with pytest.raises(SystemExit):
        main(["api-key", *arguments])
    assert message in capsys.readouterr().err


def test_the_command_refuses_a_second_key_of_the_same_name(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PORTAL_DATABASE_URL", settings.database_url or "")
    main(["api-key", "create", "erp", "--scope", "catalog"])
    with pytest.raises(SystemExit):
        main(["api-key", "create", "erp", "--scope", "catalog"])
    assert "already exists" in capsys.readouterr().err
