"""Single sign-on against a real OpenID Connect provider on 127.0.0.1 (oidc-provider-mock): first
login, roles from the provider's groups, SSO-only companies, refusals that leave nothing behind."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import oidc_provider_mock
import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from portal.accounts import sso
from portal.accounts.roles import Role
from portal.accounts.tables import AuditEntry, CompanyKind, Membership, PasswordReset, SsoIdentity, User
from portal.config import Settings
from portal.integration.tables import OutboxEvent
from tests.factories import PASSWORD, form_token, log_in, make_company, make_person
from tests.mailbox import Mailbox

CLIENT_ID = "portal-client"
CLIENT_SECRET = "portal-client-secret"


def _issuer(server: Any) -> str:
    return f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The provider here is oidc-provider-mock on 127.0.0.1 over plain http: the guard's explicit
    allowance for this machine, as in the demo (tests/outgoing run the strict guard)."""
    return settings.model_copy(update={"outgoing_allow_local_http": True})


@pytest.fixture(scope="session")
def provider() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread(port=0, require_nonce=True) as server:
        yield _issuer(server)


@pytest.fixture(scope="session")
def second_provider() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread(port=0, require_nonce=True) as server:
        yield _issuer(server)


def register(issuer: str, email: str, *, groups: list[str] | None = None, verified: bool = True, **claims: Any) -> str:
    """A person at the provider; returns their subject."""
    subject = f"sub-{uuid.uuid4().hex[:12]}"
    body: dict[str, Any] = {"email": email, "email_verified": verified, "name": "Anna Nowak", **claims}
    if groups is not None:
        body["groups"] = groups
    response = httpx.put(f"{issuer}/users/{subject}", json=body)
    assert response.status_code == 204
    return subject


def domain() -> str:
    return f"firma-{uuid.uuid4().hex[:8]}.example"


async def connect(settings: Settings, company_id: int, issuer: str, mail_domain: str, **options: Any) -> int:
    return await sso.create_connection(
        settings,
        company_id,
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        domains=[mail_domain],
        **options,
    )


async def start(client: httpx.AsyncClient, email: str) -> httpx.Response:
    token = await form_token(client)
    return await client.post("/login", data={"email": email, "_csrf_token": token})


async def authorize_at_provider(authorization_url: str, form: dict[str, str]) -> str:
    """What a person does at the provider's page; returns where it sends the browser back."""
    async with httpx.AsyncClient() as browser:
        response = await browser.post(authorization_url, data=form)
    assert response.status_code == 302, response.text
    return response.headers["location"]


async def sign_in(client: httpx.AsyncClient, email: str, subject: str) -> httpx.Response:
    started = await start(client, email)
    assert started.status_code == 303, started.text
    callback = await authorize_at_provider(started.headers["location"], {"sub": subject})
    assert callback.startswith("http://testserver/sso/callback?")
    return await client.get(callback)


async def roles_of(email: str, company_id: int) -> list[str]:
    row = await (
        Membership.select(Membership.roles)
        .where((Membership.user.email == email) & (Membership.company == company_id))
        .first()
    )
    assert row is not None
    return sorted(row["roles"])


async def actions() -> list[str]:
    return await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.id).output(as_list=True)


# --- Email first -----------------------------------------------------------------------------


async def test_an_email_without_single_sign_on_gets_the_password_step(client: httpx.AsyncClient) -> None:
    response = await start(client, "someone@nobody-uses-sso.example")
    assert response.status_code == 200
    assert 'name="password"' in response.text
    assert 'value="someone@nobody-uses-sso.example"' in response.text


async def test_the_login_page_asks_for_the_email_first(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    assert 'name="email"' in page.text and 'name="password"' not in page.text


async def test_a_domain_with_sso_goes_to_its_provider_with_pkce_state_and_nonce(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    company = await make_company()
    mail = domain()
    await connect(settings, company, provider, mail)
    response = await start(client, f"anna@{mail}")
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}" == provider
    query = parse_qs(location.query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == ["http://testserver/sso/callback"]
    assert "openid" in query["scope"][0].split() and "email" in query["scope"][0].split()

    htmx = await client.post(
        "/login",
        data={"email": f"anna@{mail}", "_csrf_token": await form_token(client)},
        headers={"HX-Request": "true"},
    )
    assert htmx.headers["HX-Redirect"].startswith(provider)


async def test_the_token_request_carries_the_pkce_verifier(
    client: httpx.AsyncClient, settings: Settings, provider: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: dict[str, Any] = {}

    class RecordingClient(sso.AsyncOAuth2Client):
        async def fetch_token(self, url: str | None = None, **kwargs: Any) -> Any:
            sent.update(kwargs)
            return await super().fetch_token(url, **kwargs)

    monkeypatch.setattr(sso, "AsyncOAuth2Client", RecordingClient)
    company = await make_company()
    mail = domain()
    await connect(settings, company, provider, mail, auto_create=True)
    started = await start(client, f"ola@{mail}")
    challenge = parse_qs(urlsplit(started.headers["location"]).query)["code_challenge"][0]
    callback = await authorize_at_provider(started.headers["location"], {"sub": register(provider, f"ola@{mail}")})
    assert (await client.get(callback)).status_code == 303
    assert create_s256_code_challenge(sent["code_verifier"]) == challenge


# --- First login, provisioning and roles -------------------------------------------------------


async def test_first_login_creates_the_user_and_membership_with_mapped_roles(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    company = await make_company("Budmax Sp. z o.o.")
    mail = domain()
    await connect(
        settings,
        company,
        provider,
        mail,
        auto_create=True,
        role_mapping={"Zakupy": ["buyer"], "Księgowość": ["finance"], "Goście": ["seller_admin"]},
    )
    email = f"anna@{mail}"
    subject = register(provider, email, groups=["Zakupy", "Księgowość", "Goście", "Inna"])

    response = await sign_in(client, email, subject)

    assert response.status_code == 303 and response.headers["location"] == "/"
    home = await client.get("/")
    assert home.status_code == 200 and "Budmax" in home.text
    user = await User.select(User.name, User.password_hash).where(User.email == email).first()
    assert user == {"name": "Anna Nowak", "password_hash": ""}
    # Seller roles are not for a customer company, whatever the mapping says.
    assert await roles_of(email, company) == ["buyer", "finance"]
    assert await SsoIdentity.count().where(SsoIdentity.subject == subject) == 1
    assert "sso.member_created" in await actions() and "sso.login" in await actions()


async def test_roles_follow_the_provider_at_every_login(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    company = await make_company()
    await make_person(company, Role.COMPANY_ADMIN)
    mail = domain()
    await connect(
        settings,
        company,
        provider,
        mail,
        auto_create=True,
        role_mapping={"Zakupy": ["buyer"], "Akceptacja": ["approver"]},
    )
    email = f"jan@{mail}"
    subject = register(provider, email, groups=["Zakupy", "Akceptacja"])
    await sign_in(client, email, subject)
    assert await roles_of(email, company) == ["approver", "buyer"]

    # The provider takes away a group: the next login takes away its role.
    async with httpx.AsyncClient() as admin_api:
        await admin_api.put(
            f"{provider}/users/{subject}", json={"email": email, "email_verified": True, "groups": ["Zakupy"]}
        )
    await client.post("/logout", data={"_csrf_token": await form_token(client, "/")})
    response = await sign_in(client, email, subject)

    assert response.status_code == 303
    assert await roles_of(email, company) == ["buyer"]
    change = await AuditEntry.select(AuditEntry.details).where(AuditEntry.action == "sso.roles_changed").first()
    assert change is not None
    details = change["details"] if isinstance(change["details"], dict) else json.loads(change["details"])
    assert details["before"] == ["approver", "buyer"] and details["after"] == ["buyer"]


async def test_no_mapped_group_gives_the_default_role(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    company = await make_company()
    mail = domain()
    await connect(
        settings, company, provider, mail, auto_create=True, default_role="viewer", role_mapping={"Zakupy": ["buyer"]}
    )
    email = f"nowy@{mail}"
    await sign_in(client, email, register(provider, email, groups=["Marketing"]))
    assert await roles_of(email, company) == ["viewer"]


async def test_an_existing_member_keeps_roles_when_the_token_has_no_groups(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    company = await make_company()
    mail = domain()
    person = await make_person(company, Role.BUYER, Role.APPROVER, email=f"stary@{mail}")
    await connect(settings, company, provider, mail, role_mapping={"Zakupy": ["buyer"]})
    response = await sign_in(client, person.email, register(provider, person.email))
    assert response.status_code == 303
    assert await roles_of(person.email, company) == ["approver", "buyer"]


async def test_the_last_administrator_keeps_the_role_the_mapping_would_remove(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    company = await make_company()
    mail = domain()
    admin = await make_person(company, Role.COMPANY_ADMIN, email=f"szef@{mail}")
    await connect(settings, company, provider, mail, role_mapping={"Zakupy": ["buyer"]})
    await sign_in(client, admin.email, register(provider, admin.email, groups=["Zakupy"]))
    assert await roles_of(admin.email, company) == ["buyer", "company_admin"]


async def test_without_auto_create_a_newcomer_is_asked_to_see_their_administrator(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    company = await make_company()
    mail = domain()
    await connect(settings, company, provider, mail, auto_create=False)
    email = f"obcy@{mail}"
    response = await sign_in(client, email, register(provider, email))
    assert response.status_code == 403
    assert "Ask your administrator for access" in response.text
    assert await User.count().where(User.email == email) == 0
    assert await SsoIdentity.count() == 0
    assert (await client.get("/", follow_redirects=False)).status_code in {302, 303}


async def test_a_deactivated_member_cannot_sign_in_through_sso(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    company = await make_company()
    mail = domain()
    person = await make_person(company, Role.BUYER, email=f"byly@{mail}", active=False)
    await connect(settings, company, provider, mail, auto_create=True)
    response = await sign_in(client, person.email, register(provider, person.email))
    assert response.status_code == 403 and "deactivated" in response.text
    assert await SsoIdentity.count() == 0


async def test_a_second_company_signs_in_at_its_own_provider(
    client: httpx.AsyncClient, settings: Settings, provider: str, second_provider: str
) -> None:
    first, second = await make_company("Pierwsza Sp. z o.o."), await make_company("Druga Sp. z o.o.")
    first_domain, second_domain = domain(), domain()
    await connect(settings, first, provider, first_domain, auto_create=True)
    await connect(settings, second, second_provider, second_domain, auto_create=True)

    started = await start(client, f"ewa@{second_domain}")
    assert started.headers["location"].startswith(second_provider + "/")
    email = f"ewa@{second_domain}"
    callback = await authorize_at_provider(started.headers["location"], {"sub": register(second_provider, email)})
    assert (await client.get(callback)).status_code == 303
    assert "Druga" in (await client.get("/")).text
    assert await Membership.count().where(Membership.company == first) == 0


async def test_the_sellers_staff_sign_in_the_same_way_with_seller_roles(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    seller = await make_company("Hurtex", kind=CompanyKind.SELLER)
    mail = domain()
    await connect(
        settings,
        seller,
        provider,
        mail,
        auto_create=True,
        default_role="sales_rep",
        role_mapping={"Handlowcy": ["sales_rep", "buyer"]},
    )
    email = f"handlowiec@{mail}"
    await sign_in(client, email, register(provider, email, groups=["Handlowcy"]))
    assert await roles_of(email, seller) == ["sales_rep"]


# --- Passwords in a company that requires SSO ------------------------------------------------


async def test_sso_required_refuses_the_password_and_offers_the_company_sign_in(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    company = await make_company()
    mail = domain()
    person = await make_person(company, Role.BUYER, email=f"haslo@{mail}")
    await connect(settings, company, provider, mail, require_sso=True)
    response = await log_in(client, person.email, PASSWORD)
    assert response.status_code == 403
    assert "only through its own sign-in" in response.text
    assert "Continue with your company's sign-in" in response.text
    assert (await client.get("/", follow_redirects=False)).status_code in {302, 303}


async def test_sso_required_applies_to_members_with_another_email_domain(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    company = await make_company()
    person = await make_person(company, Role.BUYER)
    await connect(settings, company, provider, domain(), require_sso=True)
    response = await log_in(client, person.email, PASSWORD)
    assert response.status_code == 403


async def test_passwords_still_work_where_sso_is_optional(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    company = await make_company()
    mail = domain()
    person = await make_person(company, Role.BUYER, email=f"opcja@{mail}")
    await connect(settings, company, provider, mail)
    response = await log_in(client, person.email, PASSWORD)
    assert response.status_code == 303


# --- Errors a person understands -------------------------------------------------------------


async def test_cancelling_at_the_provider_shows_a_clear_page(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    company = await make_company()
    mail = domain()
    await connect(settings, company, provider, mail, auto_create=True)
    started = await start(client, f"anna@{mail}")
    callback = await authorize_at_provider(started.headers["location"], {"action": "deny"})
    response = await client.get(callback)
    assert response.status_code == 400
    assert "You cancelled the sign-in" in response.text and 'href="/login"' in response.text
    assert await User.count() == 0


async def test_an_unverified_email_is_refused(client: httpx.AsyncClient, settings: Settings, provider: str) -> None:
    company = await make_company()
    mail = domain()
    await connect(settings, company, provider, mail, auto_create=True)
    email = f"niezweryfikowany@{mail}"
    response = await sign_in(client, email, register(provider, email, verified=False))
    assert response.status_code == 403 and "Email not verified" in response.text
    assert await User.count().where(User.email == email) == 0


async def test_an_email_of_a_domain_the_connection_does_not_serve_is_refused(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    company = await make_company()
    mail = domain()
    await connect(settings, company, provider, mail, auto_create=True)
    started = await start(client, f"anna@{mail}")
    subject = register(provider, "anna@gmail.example")
    callback = await authorize_at_provider(started.headers["location"], {"sub": subject})
    response = await client.get(callback)
    assert response.status_code == 403 and "not set up for single sign-on" in response.text
    assert await User.count() == 0


async def test_a_replayed_or_forged_callback_is_refused(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    company = await make_company()
    mail = domain()
    await connect(settings, company, provider, mail, auto_create=True)
    email = f"anna@{mail}"
    started = await start(client, email)
    callback = await authorize_at_provider(started.headers["location"], {"sub": register(provider, email)})

    forged = callback.replace("state=", "state=x")
    assert (await client.get(forged)).status_code == 400
    # The forged answer used up the login under way; the real one now finds none.
    refused = await client.get(callback)
    assert refused.status_code == 400 and "no longer valid" in refused.text
    assert await User.count() == 0

    started = await start(client, email)
    callback = await authorize_at_provider(started.headers["location"], {"sub": register(provider, email)})
    assert (await client.get(callback)).status_code == 303
    await client.post("/logout", data={"_csrf_token": await form_token(client, "/")})
    assert (await client.get(callback)).status_code == 400


async def test_an_unreachable_provider_gets_a_clear_page(client: httpx.AsyncClient, settings: Settings) -> None:
    company = await make_company()
    mail = domain()
    await connect(settings, company, "http://127.0.0.1:9", mail, auto_create=True)
    response = await start(client, f"anna@{mail}")
    assert response.status_code == 502
    assert "cannot be reached" in response.text and 'href="/login"' in response.text


# ID tokens the provider would never send: built here, signed by a key served in its place.


class ForgedTokens:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, provider: str) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "forged"})
        self.provider = provider
        self.claims: dict[str, Any] = {}
        self.signing_key = self.key

        async def keys(*_args: Any) -> KeySet:
            return KeySet([self.key])

        async def exchange(*_args: Any) -> dict[str, Any]:
            return {"access_token": "x", "token_type": "Bearer", "id_token": self.token()}

        monkeypatch.setattr(sso, "_provider_keys", keys)
        monkeypatch.setattr(sso, "exchange_code", exchange)

    def token(self) -> str:
        return jwt.encode({"alg": "RS256", "kid": "forged"}, self.claims, self.signing_key)

    async def callback_with(self, client: httpx.AsyncClient, email: str, **changes: Any) -> httpx.Response:
        started = await start(client, email)
        query = parse_qs(urlsplit(started.headers["location"]).query)
        now = int(time.time())
        self.claims = {
            "iss": self.provider,
            "aud": CLIENT_ID,
            "sub": "forged-subject",
            "iat": now,
            "exp": now + 300,
            "nonce": query["nonce"][0],
            "email": email,
            "email_verified": True,
            **changes,
        }
        return await client.get(f"/sso/callback?code=abc&state={query['state'][0]}")


@pytest.fixture
def forged(monkeypatch: pytest.MonkeyPatch, provider: str) -> ForgedTokens:
    return ForgedTokens(monkeypatch, provider)


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": "someone-else"},
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
        {"nonce": "a-nonce-from-another-login"},
        {"iss": "http://127.0.0.1:1"},
    ],
    ids=["wrong-audience", "expired", "nonce-mismatch", "wrong-issuer"],
)
async def test_an_id_token_that_does_not_check_out_is_refused(
    client: httpx.AsyncClient, settings: Settings, provider: str, forged: ForgedTokens, changes: dict[str, Any]
) -> None:
    company = await make_company()
    mail = domain()
    await connect(settings, company, provider, mail, auto_create=True)
    response = await forged.callback_with(client, f"anna@{mail}", **changes)
    assert response.status_code == 403
    assert "cannot trust" in response.text and "Traceback" not in response.text
    assert await User.count() == 0 and await SsoIdentity.count() == 0


async def test_a_token_signed_by_another_key_is_refused(
    client: httpx.AsyncClient, settings: Settings, provider: str, forged: ForgedTokens
) -> None:
    company = await make_company()
    mail = domain()
    await connect(settings, company, provider, mail, auto_create=True)
    forged.signing_key = RSAKey.generate_key(2048, parameters={"kid": "forged"})
    response = await forged.callback_with(client, f"anna@{mail}")
    assert response.status_code == 403 and await User.count() == 0


async def test_a_well_formed_forged_token_setup_signs_in(
    client: httpx.AsyncClient, settings: Settings, provider: str, forged: ForgedTokens
) -> None:
    """The control for the refusals above: the same token, unchanged, is accepted."""
    company = await make_company()
    mail = domain()
    await connect(settings, company, provider, mail, auto_create=True)
    response = await forged.callback_with(client, f"anna@{mail}")
    assert response.status_code == 303


# --- Logout ----------------------------------------------------------------------------------


async def test_logout_offers_the_providers_logout(client: httpx.AsyncClient, settings: Settings, provider: str) -> None:
    company = await make_company()
    mail = domain()
    await connect(settings, company, provider, mail, auto_create=True)
    email = f"anna@{mail}"
    await sign_in(client, email, register(provider, email))
    response = await client.post("/logout", data={"_csrf_token": await form_token(client, "/")})
    assert response.status_code == 200
    assert f'href="{provider}/oauth2/end_session?id_token_hint=' in response.text
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Flogin" in response.text
    assert (await client.get("/", follow_redirects=False)).status_code in {302, 303}


async def test_a_password_logout_goes_straight_to_the_login_page(client: httpx.AsyncClient) -> None:
    person = await make_person(await make_company(), Role.BUYER)
    await log_in(client, person.email)
    response = await client.post("/logout", data={"_csrf_token": await form_token(client, "/")})
    assert response.status_code == 303 and response.headers["location"] == "/login"


async def test_no_password_reset_for_a_company_that_requires_sso(
    client: httpx.AsyncClient, settings: Settings, provider: str, mailbox: Mailbox
) -> None:
    company = await make_company()
    mail = domain()
    person = await make_person(company, Role.BUYER, email=f"reset@{mail}")
    await connect(settings, company, provider, mail, require_sso=True)
    token = await form_token(client, "/password/forgot")
    response = await client.post("/password/forgot", data={"email": person.email, "_csrf_token": token})
    assert response.status_code == 200
    assert await PasswordReset.count() == 0
    with pytest.raises(AssertionError):
        mailbox.last_to(person.email)


# --- Error answers anyone can send to /sso/callback ------------------------------------------------


@pytest.mark.parametrize(
    ("code", "fixed"),
    [
        ("login_required", "needs you to sign in there first"),
        ("interaction_required", "needs you to confirm something there"),
        ("consent_required", "needs your consent for the portal"),
        ("temporarily_unavailable", "busy or down for a moment"),
        ("server_error", "had an error of its own"),
        ("invalid_request", "refused the portal"),
    ],
)
async def test_a_known_provider_error_code_gets_its_fixed_message(
    client: httpx.AsyncClient, code: str, fixed: str
) -> None:
    response = await client.get(
        "/sso/callback", params={"error": code, "error_description": "Call +48 600 000 000 to unlock your account"}
    )
    assert response.status_code == 403
    assert fixed in response.text.replace("&#39;", "'")
    assert "600 000 000" not in response.text and "unlock" not in response.text


async def test_an_unknown_error_code_shows_a_generic_message_not_the_visitors_text(client: httpx.AsyncClient) -> None:
    text = "Your_account_is_suspended._Pay_at_evil.example"
    response = await client.get("/sso/callback", params={"error": text, "error_description": "x"})
    assert response.status_code == 403
    assert "did not sign you in" in response.text
    assert "evil.example" not in response.text and "suspended" not in response.text


async def test_provider_error_values_cannot_forge_log_lines(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    forged = "denied\nINFO portal.accounts user.login admin@hurtownia.example succeeded\r\x1b[2K"
    with caplog.at_level("WARNING", logger="portal.sso"):
        await client.get("/sso/callback", params={"error": "server_error\nINFO forged", "error_description": forged})
    [record] = [r for r in caplog.records if r.name == "portal.sso"]
    line = record.getMessage()
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert "\\nINFO portal.accounts" in line and "server_error\\nINFO forged" in line


async def test_a_login_through_sso_is_signalled_for_the_crm(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    company = await make_company("Budmax Sp. z o.o.")
    mail = domain()
    await connect(settings, company, provider, mail, auto_create=True)
    email = f"ewa@{mail}"

    await sign_in(client, email, register(provider, email))

    events = (
        await OutboxEvent.select(OutboxEvent.payload)
        .where(OutboxEvent.topic == "customer.logged_in")
        .output(load_json=True)
    )
    user = await User.select(User.id).where(User.email == email).first()
    assert user is not None
    assert [(e["payload"]["user_id"], e["payload"]["company_id"], e["payload"]["method"]) for e in events] == [
        (user["id"], company, "sso")
    ]
