"""Server-side request forgery through single sign-on, replayed with the strict outgoing guard:
"test connection" aimed at loopback ports and any path, a name resolving to 127.0.0.1, a
discovery document sending the anonymous callback to a private address. Every one is refused
with a clear message, and a real listener on 127.0.0.1 shows that nothing reached it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from portal.accounts import sso
from portal.accounts.roles import Role
from portal.accounts.tables import SsoConnection, User
from portal.config import Settings
from portal.outgoing import guard as outgoing
from portal.outgoing.guard import Guard
from tests.accounts.test_sso import CLIENT_ID, CLIENT_SECRET, start
from tests.factories import csrf_token, log_in, make_company, make_person
from tests.outgoing.fakes import PUBLIC, DictResolver, FakeInternet, RecordingListener


@pytest.fixture
def listener() -> Iterator[RecordingListener]:
    with RecordingListener().running() as running:
        yield running


class Network:
    """The strict guard the portal gets here, its resolver and the fake public internet."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.resolver = DictResolver({"localhost": ["127.0.0.1"]})
        self.internet = FakeInternet()
        self.guard = Guard(resolver=self.resolver, dialer=self.internet)
        monkeypatch.setattr(outgoing, "guard_for", lambda _settings: self.guard)

    def provider(self, port: int, **document: Any) -> str:
        """A public provider at idp.example:`port`, with its discovery document."""
        issuer = "https://idp.example" + ("" if port == 443 else f":{port}")
        self.resolver.answers["idp.example"] = [PUBLIC]
        self.internet.sites[PUBLIC] = {
            "/.well-known/openid-configuration": (
                200,
                {
                    "issuer": issuer,
                    "authorization_endpoint": f"{issuer}/authorize",
                    "token_endpoint": f"{issuer}/token",
                    "jwks_uri": f"{issuer}/keys",
                    **document,
                },
            )
        }
        sso.forget_discovery(issuer)
        return issuer


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> Network:
    return Network(monkeypatch)


async def check_connection(client: httpx.AsyncClient, issuer: str) -> httpx.Response:
    token = csrf_token((await client.get("/company/sso")).text)
    return await client.post(
        "/company/sso/test",
        data={"issuer": issuer, "client_id": "x", "domains": "firma.example", "_csrf_token": token},
    )


async def admin_of_customer(client: httpx.AsyncClient) -> None:
    admin = await make_person(await make_company(), Role.COMPANY_ADMIN)
    await log_in(client, admin.email)


@pytest.mark.parametrize(
    ("issuer", "message"),
    [
        ("https://127.0.0.1:{port}", "127.0.0.1 is a local or private network address"),
        ("https://127.0.0.1:{port}/admin/flush-all", "127.0.0.1 is a local or private network address"),
        ("https://localhost:{port}/any/path", "localhost is a local or private network address"),
        ("https://[::ffff:127.0.0.1]:{port}", "is a local or private network address"),
        ("http://127.0.0.1:{port}/metrics", "only https addresses"),
        ("https://intranet.example:{port}", "intranet.example is a local or private network address"),
        ("https://idp.example:{port}/?next=/admin", "query (?) or a fragment (#)"),
        ("https://idp.example:{port}/#x", "query (?) or a fragment (#)"),
    ],
    ids=["loopback-port", "any-path", "localhost", "ipv4-mapped", "http", "name-to-loopback", "query", "fragment"],
)
async def test_test_connection_calls_no_local_address(
    client: httpx.AsyncClient, network: Network, listener: RecordingListener, issuer: str, message: str
) -> None:
    network.resolver.answers["intranet.example"] = ["127.0.0.1"]
    await admin_of_customer(client)
    response = await check_connection(client, issuer.format(port=listener.port))
    assert response.status_code == 200 and message in response.text.replace("&#39;", "'")
    assert "offers what the portal needs" not in response.text
    assert listener.connections == 0 and network.internet.dialed == []


async def test_an_issuer_with_a_query_cannot_be_saved(client: httpx.AsyncClient, network: Network) -> None:
    await admin_of_customer(client)
    token = csrf_token((await client.get("/company/sso")).text)
    response = await client.post(
        "/company/sso",
        data={
            "issuer": "https://idp.example/realms/a?x=1",
            "client_id": "x",
            "client_secret": "y",
            "domains": "firma.example",
            "default_role": "buyer",
            "_csrf_token": token,
        },
    )
    assert response.status_code == 422 and "query (?) or a fragment (#)" in response.text
    assert await SsoConnection.count() == 0


async def test_endpoints_on_another_host_are_refused(
    client: httpx.AsyncClient, network: Network, listener: RecordingListener
) -> None:
    issuer = network.provider(443, token_endpoint=f"http://127.0.0.1:{listener.port}/token")
    await admin_of_customer(client)
    response = await check_connection(client, issuer)
    assert "token_endpoint is not on the issuer" in response.text.replace("&#39;", "'")
    assert network.internet.requests == ["/.well-known/openid-configuration"]
    assert listener.connections == 0


async def test_a_providers_error_answer_is_not_echoed(client: httpx.AsyncClient, network: Network) -> None:
    issuer = network.provider(443)
    network.internet.sites[PUBLIC]["/.well-known/openid-configuration"] = (503, {"detail": "db-password=hunter2"})
    await admin_of_customer(client)
    response = await check_connection(client, issuer)
    text = response.text
    assert "did not return what an OpenID Connect provider serves there" in text
    # Word boundaries: the page's random CSRF token may hold the digits 503.
    assert "hunter2" not in text and not re.search(r"\b503\b", text)


async def anonymous_callback_after_a_good_start(
    client: httpx.AsyncClient, settings: Settings, network: Network, issuer: str
) -> dict[str, list[str]]:
    company = await make_company()
    await sso.create_connection(
        settings,
        company,
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        domains=["firma-ssrf.example"],
        auto_create=True,
    )
    started = await start(client, "anna@firma-ssrf.example")
    assert started.status_code == 303 and started.headers["location"].startswith(f"{issuer}/authorize?")
    return parse_qs(urlsplit(started.headers["location"]).query)


async def test_a_discovery_document_cannot_send_the_callback_to_a_private_address(
    client: httpx.AsyncClient, settings: Settings, network: Network, listener: RecordingListener
) -> None:
    issuer = network.provider(listener.port)
    query = await anonymous_callback_after_a_good_start(client, settings, network, issuer)
    # Between the start and the callback, the provider's document names an internal endpoint.
    network.provider(listener.port, token_endpoint=f"http://127.0.0.1:{listener.port}/token")

    response = await client.get(f"/sso/callback?code=anything&state={query['state'][0]}")

    assert response.status_code == 502
    assert "token_endpoint is not on the issuer" in response.text.replace("&#39;", "'")
    assert listener.connections == 0 and await User.count() == 0


async def test_the_callback_does_not_follow_the_issuer_rebinding_to_loopback(
    client: httpx.AsyncClient, settings: Settings, network: Network, listener: RecordingListener
) -> None:
    issuer = network.provider(listener.port)
    query = await anonymous_callback_after_a_good_start(client, settings, network, issuer)
    # The issuer's name now answers 127.0.0.1, where the listener waits on the same port.
    network.resolver.answers["idp.example"] = ["127.0.0.1"]

    response = await client.get(f"/sso/callback?code=anything&state={query['state'][0]}")

    assert response.status_code == 502
    assert "idp.example is a local or private network address" in response.text
    assert listener.connections == 0 and await User.count() == 0
    assert network.internet.requests == ["/.well-known/openid-configuration"]
