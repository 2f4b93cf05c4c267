"""The outgoing-request guard: https to public addresses only, checked on the address actually
connected to; a refused call never reaches its target (a real listener on 127.0.0.1 counts)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from portal.outgoing.guard import Guard, OutgoingRefused, ResponseTooLarge
from tests.outgoing.fakes import PUBLIC, DictResolver, FakeInternet, RecordingListener


@pytest.fixture
def listener() -> Iterator[RecordingListener]:
    with RecordingListener().running() as running:
        yield running


async def refused(guard: Guard, url: str) -> str:
    async with guard.client() as http:
        with pytest.raises(OutgoingRefused) as caught:
            await http.get(url)
    return caught.value.message


async def test_a_loopback_port_is_refused_before_any_connection(listener: RecordingListener) -> None:
    message = await refused(Guard(), f"https://127.0.0.1:{listener.port}/admin/anything")
    assert "local or private network address" in message
    assert listener.connections == 0


async def test_plain_http_is_refused(listener: RecordingListener) -> None:
    message = await refused(Guard(), f"http://127.0.0.1:{listener.port}/")
    assert "only https" in message
    assert listener.connections == 0


async def test_a_name_that_resolves_to_loopback_is_refused(listener: RecordingListener) -> None:
    guard = Guard(resolver=DictResolver({"intranet.example": ["127.0.0.1"]}))
    message = await refused(guard, f"https://intranet.example:{listener.port}/")
    assert "intranet.example is a local or private network address" in message
    assert listener.connections == 0


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "100.64.0.1",
        "169.254.169.254",
        "224.0.0.1",
        "0.0.0.0",
        "240.0.0.1",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::",
        "2002:7f00:1::1",
        "64:ff9b::7f00:1",
    ],
)
async def test_every_kind_of_non_public_address_is_refused(address: str) -> None:
    dialer = FakeInternet()
    guard = Guard(resolver=DictResolver({"idp.example": [address]}), dialer=dialer)
    assert "local or private" in await refused(guard, "https://idp.example/")
    assert dialer.dialed == []


async def test_a_name_with_one_private_address_among_public_ones_is_refused() -> None:
    dialer = FakeInternet({PUBLIC: {"/": (200, {})}})
    guard = Guard(resolver=DictResolver({"idp.example": [PUBLIC, "127.0.0.1"]}), dialer=dialer)
    assert "local or private" in await refused(guard, "https://idp.example/")
    assert dialer.dialed == []


async def test_a_name_that_rebinds_to_loopback_reaches_nothing(listener: RecordingListener) -> None:
    """DNS rebinding: public at the first lookup, 127.0.0.1 at the next. Each connection dials
    the address its own check passed, never the name again."""
    dialer = FakeInternet({PUBLIC: {"/": (200, {"ok": True})}})
    resolver = DictResolver({"idp.example": [[PUBLIC], ["127.0.0.1"]]})
    guard = Guard(resolver=resolver, dialer=dialer)
    async with guard.client() as http:
        assert (await http.get(f"https://idp.example:{listener.port}/")).json() == {"ok": True}
    assert "local or private" in await refused(guard, f"https://idp.example:{listener.port}/")
    assert dialer.dialed == [(PUBLIC, listener.port)]
    assert listener.connections == 0


async def test_the_checked_address_is_dialed_and_the_name_kept_for_the_request() -> None:
    dialer = FakeInternet({PUBLIC: {"/.well-known/x": (200, {"ok": True})}})
    guard = Guard(resolver=DictResolver({"idp.example": [PUBLIC]}), dialer=dialer)
    async with guard.client() as http:
        response = await http.get("https://idp.example/.well-known/x")
    assert response.json() == {"ok": True} and response.request.headers["host"] == "idp.example"
    assert dialer.dialed == [(PUBLIC, 443)]


async def test_redirects_are_not_followed(listener: RecordingListener) -> None:
    target = f"https://idp.example:{listener.port}/internal"
    dialer = FakeInternet({PUBLIC: {"/": (302, {}, {"Location": f"http://127.0.0.1:{listener.port}/"})}})
    guard = Guard(resolver=DictResolver({"idp.example": [PUBLIC]}), dialer=dialer)
    async with guard.client() as http:
        response = await http.get(target.replace("/internal", "/"))
    assert response.status_code == 302
    assert listener.connections == 0


async def test_an_answer_past_the_size_limit_is_refused() -> None:
    dialer = FakeInternet({PUBLIC: {"/": (200, {"padding": "x" * 5000})}})
    guard = Guard(resolver=DictResolver({"idp.example": [PUBLIC]}), dialer=dialer, max_response_bytes=1000)
    async with guard.client() as http:
        with pytest.raises(ResponseTooLarge):
            await http.get("https://idp.example/")


async def test_the_local_allowance_reaches_this_machine_over_http_only(listener: RecordingListener) -> None:
    """The demo's and the test suite's own provider: the control that the listener counts, and
    that the allowance opens nothing but loopback."""
    local = Guard(allow_local_http=True)
    async with local.client() as http:
        assert (await http.get(f"http://127.0.0.1:{listener.port}/")).status_code == 200
    assert listener.connections == 1
    assert "only https" in await refused(local, "http://idp.example/")
    private = Guard(allow_local_http=True, resolver=DictResolver({"nas.example": ["192.168.1.10"]}))
    assert "local or private" in await refused(private, "https://nas.example/")


async def test_credentials_in_the_url_are_refused() -> None:
    assert "not a valid web address" in await refused(Guard(), "https://user:pw@idp.example/")


def test_the_guard_of_the_settings_follows_the_mode(tmp_path: Path) -> None:
    from portal.config import Mode, Settings
    from portal.outgoing.guard import guard_for

    assert guard_for(Settings(mode=Mode.DEMO, var_dir=tmp_path)).allow_local_http
    assert not guard_for(Settings(mode=Mode.PRODUCTION, secret_key="k" * 40, var_dir=tmp_path)).allow_local_http
    assert not guard_for(Settings(mode=Mode.TEST, var_dir=tmp_path)).allow_local_http
    assert guard_for(Settings(mode=Mode.TEST, outgoing_allow_local_http=True, var_dir=tmp_path)).allow_local_http
