"""Who may route an email domain to their single sign-on: the account takeover of the security
review (a customer's administrator claimed the seller's domain, pointed it at a provider they ran
and signed in as the seller's administrator) replayed and refused, and the two ways a claim
becomes real: a DNS TXT record, or the seller administrator's approval."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import oidc_provider_mock
import pytest

from portal.accounts import sso, sso_domains
from portal.accounts.roles import Role
from portal.accounts.tables import AuditEntry, CompanyKind, Membership, SsoConnection, SsoDomain, SsoIdentity
from portal.config import Settings
from portal.i18n import use_locale
from tests.accounts.test_sso import CLIENT_ID, CLIENT_SECRET, register, sign_in, start
from tests.factories import Person, csrf_token, log_in, make_company, make_person

SELLER_DOMAIN = "hurtownia.example"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The provider is oidc-provider-mock on 127.0.0.1: the guard's explicit local allowance."""
    return settings.model_copy(update={"outgoing_allow_local_http": True})


@pytest.fixture(scope="session")
def provider() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread(port=0, require_nonce=True) as server:
        yield f"http://127.0.0.1:{server.server_port}"


class DictTxtResolver:
    """TXT records from a dictionary, standing in for DNS."""

    def __init__(self) -> None:
        self.records: dict[str, list[str]] = {}
        self.asked: list[str] = []

    async def txt(self, name: str) -> list[str]:
        self.asked.append(name)
        return self.records.get(name, [])


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> DictTxtResolver:
    resolver = DictTxtResolver()
    monkeypatch.setattr(sso_domains, "_resolver", resolver)
    return resolver


def fresh_domain() -> str:
    return f"firma-{uuid.uuid4().hex[:8]}.example"


def claim_form(provider: str, domains: str, **changes: str) -> dict[str, str]:
    return {
        "issuer": provider,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "domains": domains,
        "auto_create": "on",
        "default_role": "buyer",
        "roles_claim": "groups",
        "role_mapping": "",
        "enabled": "on",
        **changes,
    }


async def post(client: httpx.AsyncClient, path: str, data: dict[str, Any], page: str) -> httpx.Response:
    token = csrf_token((await client.get(page)).text)
    return await client.post(path, data={**data, "_csrf_token": token})


async def seller_admin() -> tuple[int, Person]:
    seller = await make_company("Hurtownia", kind=CompanyKind.SELLER)
    return seller, await make_person(seller, Role.SELLER_ADMIN, email=f"admin@{SELLER_DOMAIN}")


async def customer_admin(client: httpx.AsyncClient) -> int:
    company = await make_company("Klient Sp. z o.o.")
    admin = await make_person(company, Role.COMPANY_ADMIN)
    await log_in(client, admin.email)
    return company


async def statuses() -> dict[str, str]:
    return {row["domain"]: row["status"] for row in await SsoDomain.select(SsoDomain.domain, SsoDomain.status)}


# --- The attack, replayed ----------------------------------------------------------------------


async def test_a_customer_admin_cannot_claim_the_sellers_domain(client: httpx.AsyncClient, provider: str) -> None:
    _seller, admin = await seller_admin()
    await customer_admin(client)
    response = await post(
        client, "/company/sso", claim_form(provider, SELLER_DOMAIN, require_sso="on"), page="/company/sso"
    )
    assert response.status_code == 422
    assert f"{SELLER_DOMAIN} belongs to the portal&#39;s operator" in response.text
    assert await SsoDomain.count() == 0 and await SsoConnection.count() == 0
    # The seller's administrator still signs in with their password.
    client.cookies.clear()
    assert (await log_in(client, admin.email)).status_code == 303


async def test_the_sellers_configured_domains_cannot_be_claimed(db: None, settings: Settings) -> None:
    customer = await make_company()
    configured = settings.model_copy(update={"seller_email_domains": ["Hurtex.PL"]})
    with use_locale("en"):
        reason = await sso_domains.unclaimable(configured, customer, "customer", ["hurtex.pl"])
    assert "hurtex.pl belongs to the portal's operator" in reason
    assert await sso_domains.unclaimable(settings, customer, "customer", ["hurtex.pl"]) == ""


async def test_a_customer_admin_cannot_claim_another_customers_domain(client: httpx.AsyncClient, provider: str) -> None:
    taken = fresh_domain()
    await make_person(await make_company("Budmax"), Role.BUYER, email=f"anna@{taken}")
    company = await customer_admin(client)
    response = await post(client, "/company/sso", claim_form(provider, taken), page="/company/sso")
    assert response.status_code == 422 and f"People of another company sign in with {taken}" in response.text
    assert await sso.connection_of_company(company) is None


async def test_an_unproven_claim_routes_no_login_and_requires_no_sso(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    mail = fresh_domain()
    company = await customer_admin(client)
    saved = await post(client, "/company/sso", claim_form(provider, mail, require_sso="on"), page="/company/sso")
    assert saved.status_code == 303
    assert await statuses() == {mail: "pending"}
    member = await make_person(company, Role.BUYER, email=f"jan@{mail}")

    client.cookies.clear()
    step = await start(client, member.email)
    assert step.status_code == 200 and 'name="password"' in step.text
    assert (await log_in(client, member.email)).status_code == 303


async def test_an_unproven_claim_on_the_sellers_domain_never_locks_out_its_people(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    """A claim made before proof existed (the migration left it pending) with "require SSO"."""
    _seller, admin = await seller_admin()
    await sso.create_connection(
        settings,
        await make_company(),
        issuer=provider,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        domains=[SELLER_DOMAIN],
        require_sso=True,
        domain_status=sso_domains.PENDING,
    )
    assert await sso.connection_for_email(admin.email) is None
    assert (await log_in(client, admin.email)).status_code == 303


async def test_a_provider_asserting_the_seller_admins_email_cannot_sign_in_as_them(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    """Even where a claim wrongly routes the seller's domain, the provider's word alone does not
    make its holder the seller's administrator."""
    seller, admin = await seller_admin()
    attacker = await make_company("Napastnik Sp. z o.o.")
    await sso.create_connection(
        settings,
        attacker,
        issuer=provider,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        domains=[SELLER_DOMAIN],
        auto_create=True,
    )
    response = await sign_in(client, admin.email, register(provider, admin.email))

    assert response.status_code == 403 and "This account belongs to another company" in response.text
    assert await SsoIdentity.count() == 0
    assert await Membership.count().where(Membership.company == attacker) == 0
    assert (await client.get("/", follow_redirects=False)).status_code in {302, 303}
    assert seller


async def test_an_sso_session_acts_for_the_connections_company_only(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    mail = fresh_domain()
    first, second = await make_company("Pierwsza Sp. z o.o."), await make_company("Druga Sp. z o.o.")
    person = await make_person(first, Role.BUYER, email=f"ola@{mail}")
    await make_person(second, Role.BUYER, email=person.email)
    connection = await sso.create_connection(
        settings, second, issuer=provider, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, domains=[mail]
    )
    subject = register(provider, person.email)
    # Ola signed in through the second company's provider before: her identity there is known.
    await SsoIdentity.insert(SsoIdentity(user=person.user_id, connection=connection, subject=subject))

    assert (await sign_in(client, person.email, subject)).status_code == 303
    assert "Druga" in (await client.get("/")).text
    choices = await client.get("/companies/choose")
    assert "Pierwsza" not in choices.text
    switch = await client.post(
        "/companies/choose", data={"company_id": str(first), "_csrf_token": csrf_token(choices.text)}
    )
    assert switch.status_code == 404
    home = await client.get("/")
    assert "Druga" in home.text and "Pierwsza" not in home.text


async def test_claims_made_before_proof_existed_are_pending(db: None, settings: Settings) -> None:
    company = await make_company()
    connection = await sso.create_connection(
        settings, company, issuer="https://idp.example", client_id="x", client_secret="y", domains=[]
    )
    mail = fresh_domain()
    # A row as the table held it before the migration: no status of its own.
    await SsoDomain.raw("INSERT INTO sso_domain (connection, domain) VALUES ({}, {})", connection, mail)
    assert await statuses() == {mail: "pending"}
    assert await sso.connection_for_email(f"anna@{mail}") is None


# --- Proof ---------------------------------------------------------------------------------------


async def test_a_domain_is_proven_by_its_txt_record(
    client: httpx.AsyncClient, settings: Settings, provider: str, dns: DictTxtResolver
) -> None:
    mail = fresh_domain()
    company = await customer_admin(client)
    await post(client, "/company/sso", claim_form(provider, mail), page="/company/sso")
    page = await client.get("/company/sso")
    name, value = sso_domains.record_name(mail), sso_domains.record_value(settings, company, mail)
    assert name in page.text and value in page.text and "waiting for proof" in page.text

    # Another company's token for the same domain proves nothing here.
    dns.records[name] = [sso_domains.record_value(settings, company + 1, mail)]
    missing = await post(client, "/company/sso/domains/verify", {"domain": mail}, page="/company/sso")
    assert missing.status_code == 422 and f"No TXT record {value} was found at {name}" in missing.text
    assert await statuses() == {mail: "pending"}

    dns.records[name] = ["v=spf1 -all", value]
    proven = await post(client, "/company/sso/domains/verify", {"domain": mail}, page="/company/sso")
    assert proven.status_code == 303
    assert await statuses() == {mail: "verified"}
    assert await AuditEntry.count().where(AuditEntry.action == "sso.domain_verified") == 1
    client.cookies.clear()
    routed = await start(client, f"nowa@{mail}")
    assert routed.status_code == 303 and routed.headers["location"].startswith(provider)


async def test_the_seller_admin_approves_or_refuses_a_claim(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    approved, refused = fresh_domain(), fresh_domain()
    await customer_admin(client)
    await post(client, "/company/sso", claim_form(provider, f"{approved}\n{refused}"), page="/company/sso")
    assert (await client.get("/office/sso-domains")).status_code == 404

    _seller, admin = await seller_admin()
    client.cookies.clear()
    await log_in(client, admin.email)
    listing = await client.get("/office/sso-domains")
    assert listing.status_code == 200 and approved in listing.text and refused in listing.text
    ids = {row["domain"]: row["id"] for row in await SsoDomain.select(SsoDomain.id, SsoDomain.domain)}

    yes = await post(client, f"/office/sso-domains/{ids[approved]}/approve", {}, page="/office/sso-domains")
    no = await post(client, f"/office/sso-domains/{ids[refused]}/refuse", {}, page="/office/sso-domains")

    assert yes.status_code == 303 and no.status_code == 303
    assert await statuses() == {approved: "approved"}
    actions = await AuditEntry.select(AuditEntry.action).output(as_list=True)
    assert "sso.domain_approved" in actions and "sso.domain_refused" in actions
    assert approved not in (await client.get("/office/sso-domains")).text
    client.cookies.clear()
    assert (await start(client, f"ktos@{approved}")).status_code == 303


async def test_the_seller_admin_cannot_approve_a_domain_another_company_uses(
    client: httpx.AsyncClient, settings: Settings, provider: str
) -> None:
    mail = fresh_domain()
    await customer_admin(client)
    await post(client, "/company/sso", claim_form(provider, mail), page="/company/sso")
    # Someone of another company joins with that domain while the claim waits.
    await make_person(await make_company("Inna"), Role.BUYER, email=f"ewa@{mail}")
    _seller, admin = await seller_admin()
    client.cookies.clear()
    await log_in(client, admin.email)
    claim = await SsoDomain.select(SsoDomain.id).first()
    assert claim is not None
    response = await post(client, f"/office/sso-domains/{claim['id']}/approve", {}, page="/office/sso-domains")
    assert response.status_code == 422 and "People of another company" in response.text
    assert await statuses() == {mail: "pending"}
