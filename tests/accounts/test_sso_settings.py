"""A company's single sign-on settings: its administrator and the seller's administrator set them
up, bad input is explained in the page, the secret stays encrypted, every change is audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import oidc_provider_mock
import pytest

from portal.accounts import sso
from portal.accounts.roles import Role
from portal.accounts.tables import AuditEntry, CompanyKind, SsoConnection, SsoDomain
from portal.config import Settings
from portal.i18n import use_locale
from portal.outgoing.guard import Guard
from tests.factories import csrf_token, log_in, make_company, make_person
from tests.outgoing.fakes import PUBLIC, DictResolver, FakeInternet


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The provider here is oidc-provider-mock on 127.0.0.1 over plain http: the guard's explicit
    allowance for this machine, as in the demo (tests/outgoing run the strict guard)."""
    return settings.model_copy(update={"outgoing_allow_local_http": True})


@pytest.fixture(scope="session")
def provider() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread(port=0, require_nonce=True) as server:
        yield f"http://127.0.0.1:{server.server_port}"


def settings_form(provider: str, **changes: str) -> dict[str, str]:
    return {
        "issuer": provider,
        "client_id": "portal",
        "client_secret": "s3cret-value",
        "domains": "budmax.example\nBudmax.pl",
        "auto_create": "on",
        "default_role": "buyer",
        "roles_claim": "groups",
        "role_mapping": "Zakupy = buyer, approver\nKsięgowość = finance",
        "enabled": "on",
        **changes,
    }


async def post(client: httpx.AsyncClient, path: str, data: dict[str, Any]) -> httpx.Response:
    token = csrf_token((await client.get(path.removesuffix("/test"))).text)
    return await client.post(path, data={**data, "_csrf_token": token})


async def admin_of_customer(client: httpx.AsyncClient) -> int:
    company = await make_company("Budmax Sp. z o.o.")
    admin = await make_person(company, Role.COMPANY_ADMIN)
    await log_in(client, admin.email)
    return company


async def test_the_company_admin_sets_up_a_connection(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    company = await admin_of_customer(client)
    assert "/company/sso" in (await client.get("/company")).text
    page = await client.get("/company/sso")
    assert page.status_code == 200 and "http://testserver/sso/callback" in page.text

    response = await post(client, "/company/sso", settings_form(provider))

    assert response.status_code == 303
    connection = await sso.connection_of_company(company)
    assert connection is not None
    assert connection.domains == ("budmax.example", "budmax.pl")
    assert connection.role_mapping == {"Zakupy": ["approver", "buyer"], "Księgowość": ["finance"]}
    assert connection.client_secret_encrypted and "s3cret" not in connection.client_secret_encrypted
    assert sso.decrypt_secret(settings, connection.client_secret_encrypted) == "s3cret-value"
    assert connection.auto_create and not connection.require_sso
    entry = (
        await AuditEntry.select(AuditEntry.action, AuditEntry.details).where(AuditEntry.action.like("sso.%")).first()
    )
    assert entry is not None and entry["action"] == "sso.connection_created"
    assert "s3cret" not in str(entry["details"])

    # The secret is never shown; a blank one keeps what is stored.
    page = await client.get("/company/sso")
    assert "s3cret" not in page.text and connection.client_secret_encrypted not in page.text
    response = await post(client, "/company/sso", settings_form(provider, client_secret="", require_sso="on"))
    assert response.status_code == 303
    changed = await sso.connection_of_company(company)
    assert changed is not None and changed.require_sso
    assert sso.decrypt_secret(settings, changed.client_secret_encrypted) == "s3cret-value"
    actions = await AuditEntry.select(AuditEntry.action).output(as_list=True)
    assert "sso.connection_changed" in actions


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"issuer": "not a url"}, "issuer", "issuer URL"),
        ({"issuer": "http://login.example.com"}, "issuer", "only https addresses"),
        ({"domains": "budmax"}, "domains", "Not an email domain"),
        ({"domains": ""}, "domains", "at least one"),
        ({"role_mapping": "Zakupy buyer"}, "role_mapping", "Group name = buyer"),
        ({"role_mapping": "Zakupy = sales_rep"}, "role_mapping", "sales_rep is not a role here"),
        ({"default_role": "seller_admin"}, "default_role", "role new members get"),
        ({"client_secret": ""}, "client_secret", "client secret"),
    ],
)
async def test_bad_settings_are_explained_and_nothing_is_stored(
    client: httpx.AsyncClient, provider: str, changes: dict[str, str], field: str, message: str
) -> None:
    await admin_of_customer(client)
    response = await post(client, "/company/sso", settings_form(provider, **changes))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text and message in response.text
    assert await SsoConnection.count() == 0 and await SsoDomain.count() == 0


async def test_a_domain_another_company_claims_is_refused(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    other = await make_company()
    await sso.create_connection(
        settings, other, issuer=provider, client_id="x", client_secret="y", domains=["budmax.pl"]
    )
    company = await admin_of_customer(client)
    response = await post(client, "/company/sso", settings_form(provider))
    assert response.status_code == 422 and "Another company already signs in with budmax.pl" in response.text
    assert await sso.connection_of_company(company) is None


async def test_test_connection_reports_the_provider_or_the_problem(client: httpx.AsyncClient, provider: str) -> None:
    await admin_of_customer(client)
    good = await post(client, "/company/sso/test", settings_form(provider))
    assert good.status_code == 200
    assert "offers what the portal needs" in good.text and f"{provider}/oauth2/token" in good.text

    down = await post(client, "/company/sso/test", settings_form("http://127.0.0.1:9"))
    assert "cannot be reached" in down.text

    wrong = await post(client, "/company/sso/test", settings_form(provider + "/realms/other"))
    assert "check the issuer URL" in wrong.text
    assert await SsoConnection.count() == 0


async def test_discovery_names_missing_scopes_and_a_wrong_issuer() -> None:
    documents = {
        "/a/.well-known/openid-configuration": (
            200,
            {
                "issuer": "https://idp.example/a",
                "authorization_endpoint": "https://idp.example/a/auth",
                "token_endpoint": "https://idp.example/a/token",
                "jwks_uri": "https://idp.example/a/keys",
                "scopes_supported": ["openid", "profile"],
            },
        ),
        "/b/.well-known/openid-configuration": (200, {"issuer": "https://impostor.example"}),
    }
    guard = Guard(resolver=DictResolver({"idp.example": [PUBLIC]}), dialer=FakeInternet({PUBLIC: documents}))
    with use_locale("en"):
        with pytest.raises(sso.ProviderProblem, match="does not offer the scopes email"):
            await sso.discover("https://idp.example/a", guard)
        with pytest.raises(sso.ProviderProblem, match=r"names another issuer than https://idp\.example/b") as caught:
            await sso.discover("https://idp.example/b", guard)
        # What the other host said is not repeated to the administrator.
        assert "impostor" not in caught.value.message


async def test_the_seller_admin_sets_up_any_companys_connection(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    seller = await make_company("Hurtex", kind=CompanyKind.SELLER)
    admin = await make_person(seller, Role.SELLER_ADMIN)
    customer = await make_company("Klient Sp. z o.o.")
    await log_in(client, admin.email)
    page = await client.get(f"/office/customers/{customer}/sso")
    assert page.status_code == 200 and "Klient Sp. z o.o." in page.text
    response = await post(client, f"/office/customers/{customer}/sso", settings_form(provider))
    assert response.status_code == 303
    assert await sso.connection_of_company(customer) is not None

    # The seller's own staff: seller roles only.
    own = settings_form(
        provider, domains="hurtex.example", role_mapping="Handlowcy = sales_rep", default_role="sales_rep"
    )
    assert (await post(client, f"/office/customers/{seller}/sso", own)).status_code == 303
    assert (await sso.connection_of_company(seller)) is not None


async def test_only_administrators_reach_the_settings(client: httpx.AsyncClient) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await log_in(client, buyer.email)
    assert (await client.get("/company/sso")).status_code == 403
    assert (await client.get(f"/office/customers/{company}/sso")).status_code == 404


def test_the_encryption_key_setting_is_checked_and_used(tmp_path: Any) -> None:
    from cryptography.fernet import Fernet
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="32 url-safe base64"):
        Settings(sso_encryption_key="too-short", var_dir=tmp_path)
    key = Fernet.generate_key().decode()
    configured = Settings(sso_encryption_key=key, secret_key="k" * 40, var_dir=tmp_path)
    stored = sso.encrypt_secret(configured, "s3cret")
    assert Fernet(key.encode()).decrypt(stored.encode()) == b"s3cret"
    # Without the setting the key comes from the secret key; another secret key cannot read it.
    derived = Settings(secret_key="k" * 40, var_dir=tmp_path)
    assert sso.decrypt_secret(derived, sso.encrypt_secret(derived, "s3cret")) == "s3cret"
    with pytest.raises(sso.ProviderProblem):
        sso.decrypt_secret(Settings(secret_key="z" * 40, var_dir=tmp_path), sso.encrypt_secret(derived, "x"))
