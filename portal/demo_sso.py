"""Single sign-on in the demo: `portal demo --sso` starts a local OpenID Connect provider
(`oidc-provider-mock`, a development dependency) for one demo company, Stalprofil, whose people
sign in there only. Without `--sso` the company's connection is switched off and the demo runs
as before."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from typing import Any

from portal.accounts.companies import Address, NewCompany, create_company
from portal.accounts.sso import create_connection, forget_discovery
from portal.accounts.sso_domains import APPROVED
from portal.accounts.tables import Company, SsoConnection, SsoDomain
from portal.config import Settings

log = logging.getLogger("portal.demo")

SSO_COMPANY = NewCompany(
    name="Stalprofil S.A.",
    nip="8942501172",
    vat_id="PL8942501172",
    billing=Address("ul. Hutnicza 8", "40-241", "Katowice"),
    payment_days=30,
    delivery_addresses=(Address("ul. Hutnicza 8", "40-241", "Katowice", label="Magazyn", is_default=True),),
)
SSO_DOMAIN = "stalprofil.example"
CLIENT_ID = "hurtex-portal"
# The mock takes any secret; a real provider's would be typed into the company's SSO page.
CLIENT_SECRET = "demo-client-secret"
# Groups at Stalprofil's provider, and the portal roles they grant.
ROLE_MAPPING = {
    "Zakupy": ["buyer"],
    "Zatwierdzający": ["approver"],
    "Księgowość": ["finance"],
    "Administratorzy portalu": ["company_admin"],
}
# The people the provider knows; none of them has a portal password.
PEOPLE = [
    ("anna.wojcik@stalprofil.example", "Anna Wójcik", ["Zakupy", "Zatwierdzający"]),
    ("tomasz.mazur@stalprofil.example", "Tomasz Mazur", ["Księgowość"]),
    ("it@stalprofil.example", "Jan Dąbrowski", ["Administratorzy portalu", "Zakupy"]),
]


def demo_provider(port: int) -> AbstractContextManager[Any]:
    """The running provider on 127.0.0.1:`port` (localhost), for as long as the block runs."""
    try:
        import oidc_provider_mock
    except ImportError as missing:
        raise SystemExit(
            "portal demo --sso needs the development dependencies (make install): oidc-provider-mock is missing"
        ) from missing
    users = [
        oidc_provider_mock.User(
            sub=email, claims={"email": email, "email_verified": True, "name": name, "groups": groups}
        )
        for email, name, groups in PEOPLE
    ]
    return oidc_provider_mock.run_server_in_thread(port=port, require_nonce=True, user_claims=users)


def issuer_at(port: int) -> str:
    return f"http://localhost:{port}"


async def seed_sso(settings: Settings, issuer: str | None) -> None:
    """Stalprofil and its connection, pointed at `issuer`; switched off when there is none."""
    company = await Company.select(Company.id).where(Company.nip == SSO_COMPANY.nip).first()
    company_id = company["id"] if company else await create_company(SSO_COMPANY)
    connection = await SsoConnection.select(SsoConnection.id).where(SsoConnection.company == company_id).first()
    if connection is None:
        await create_connection(
            settings,
            company_id,
            issuer=issuer or issuer_at(9400),
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            domains=[SSO_DOMAIN],
            auto_create=True,
            default_role="buyer",
            role_mapping=ROLE_MAPPING,
            require_sso=True,
            enabled=issuer is not None,
        )
    else:
        changes: dict[Any, Any] = {SsoConnection.enabled: issuer is not None}
        if issuer is not None:
            changes[SsoConnection.issuer] = issuer
        await SsoConnection.update(changes).where(SsoConnection.id == connection["id"])
        # A demo set up before domains needed proof: the operator seeding it approves its domain.
        await SsoDomain.update({SsoDomain.status: APPROVED}).where(
            (SsoDomain.connection == connection["id"]) & (SsoDomain.domain == SSO_DOMAIN)
        )
    if issuer is not None:
        forget_discovery(issuer)
        log.info("demo SSO: %s signs in at %s (try %s)", SSO_COMPANY.name, issuer, PEOPLE[0][0])
