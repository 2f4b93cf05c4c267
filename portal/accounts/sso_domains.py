"""Which email domains a company may route to its single sign-on: a claim routes logins only once
the company proved control of the domain (a DNS TXT record with a token the portal shows) or the
seller's administrator approved it, and the seller's domains or a domain other companies' people
use can never be claimed by a customer. Without this, a customer's administrator could sign in
as anyone whose email they named."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any, Protocol

import dns.asyncresolver
import dns.exception

from portal import clock
from portal.accounts import audit
from portal.accounts.customer_scope import is_seller_admin
from portal.accounts.scope import Scope
from portal.accounts.tables import Company, Membership, SsoDomain
from portal.config import Settings
from portal.database import write_transaction
from portal.errors import Invalid, NotFound
from portal.i18n import gettext as _

PENDING = "pending"
VERIFIED = "verified"
APPROVED = "approved"
# Claims that route logins to the company's provider.
PROVEN = (VERIFIED, APPROVED)
RECORD_PREFIX = "_portal-sso"
DNS_TIMEOUT_SECONDS = 5.0


# --- The DNS lookup, replaceable in tests ------------------------------------------------------


class TxtResolver(Protocol):
    """The TXT strings published at a DNS name (none when the name has none or cannot be read)."""

    async def txt(self, name: str) -> list[str]: ...


class DnsTxtResolver:
    """dnspython's asynchronous resolver with the system's name servers."""

    async def txt(self, name: str) -> list[str]:
        resolver = dns.asyncresolver.Resolver()
        resolver.lifetime = DNS_TIMEOUT_SECONDS
        try:
            answer = await resolver.resolve(name, "TXT")
        except dns.exception.DNSException:
            return []
        return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]


_resolver: TxtResolver = DnsTxtResolver()


def use_txt_resolver(resolver: TxtResolver) -> None:
    global _resolver
    _resolver = resolver


def txt_resolver() -> TxtResolver:
    return _resolver


# --- What a company shows in its DNS ---------------------------------------------------------------


def record_name(domain: str) -> str:
    return f"{RECORD_PREFIX}.{domain}"


def record_value(settings: Settings, company_id: int, domain: str) -> str:
    """The token for this company and domain, derived from the secret key so nothing needs
    storing and another company's record proves nothing for this one."""
    digest = hmac.new(
        settings.resolved_secret_key().encode(), f"sso-domain:{company_id}:{domain}".encode(), hashlib.sha256
    ).hexdigest()
    return f"portal-sso={digest[:40]}"


@dataclass(frozen=True)
class DomainClaim:
    id: int
    domain: str
    status: str
    company_id: int
    company_name: str
    record_name: str
    record_value: str

    @property
    def proven(self) -> bool:
        return self.status in PROVEN


async def claims_of_company(settings: Settings, company_id: int) -> list[DomainClaim]:
    return await _claims(settings, SsoDomain.connection.company == company_id)


async def pending_claims(settings: Settings) -> list[DomainClaim]:
    """Claims waiting for proof or the seller's decision, for the seller's administrator."""
    return await _claims(settings, SsoDomain.status == PENDING)


async def _claims(settings: Settings, condition: Any) -> list[DomainClaim]:
    rows = (
        await SsoDomain.select(
            SsoDomain.id,
            SsoDomain.domain,
            SsoDomain.status,
            SsoDomain.connection._.company._.id.as_alias("company_id"),
            SsoDomain.connection._.company._.name.as_alias("company_name"),
        )
        .where(condition)
        .order_by(SsoDomain.connection._.company._.name)
        .order_by(SsoDomain.domain)
    )
    return [
        DomainClaim(
            **row,
            record_name=record_name(row["domain"]),
            record_value=record_value(settings, row["company_id"], row["domain"]),
        )
        for row in rows
    ]


# --- Who may claim what ------------------------------------------------------------------------


def _domain_of(email: str) -> str:
    return email.strip().lower().rpartition("@")[2]


async def seller_domains(settings: Settings) -> set[str]:
    """The seller's own domains: its people's email domains and those the settings name."""
    emails = (
        await Membership.select(Membership.user.email).where(Membership.company.kind == "seller").output(as_list=True)
    )
    return {_domain_of(e) for e in emails} | {d.strip().lower() for d in settings.seller_email_domains}


async def unclaimable(settings: Settings, company_id: int, company_kind: str, domains: Iterable[str]) -> str:
    """Why some of `domains` cannot be claimed by the company, or "" when all can."""
    wanted = set(domains)
    if not wanted:
        return ""
    if company_kind != "seller":
        sellers = sorted(wanted & await seller_domains(settings))
        if sellers:
            return _(
                "%(domains)s belongs to the portal's operator and cannot sign in through a customer's provider."
            ) % {"domains": ", ".join(sellers)}
    # A person of another company signs in with this domain: routing it here would hand their
    # account to this company's provider.
    own = set(await Membership.select(Membership.user).where(Membership.company == company_id).output(as_list=True))
    same_domain = reduce(or_, (Membership.user.email.like(f"%@{d}") for d in sorted(wanted)))
    others = await Membership.select(Membership.user, Membership.user.email.as_alias("email")).where(
        (Membership.company != company_id) & same_domain
    )
    used = sorted({_domain_of(row["email"]) for row in others if row["user"] not in own} & wanted)
    if used:
        return _("People of another company sign in with %(domains)s, so it cannot be claimed here.") % {
            "domains": ", ".join(used)
        }
    claimed = await SsoDomain.select(SsoDomain.domain).where(
        SsoDomain.domain.is_in(sorted(wanted)) & (SsoDomain.connection.company != company_id)
    )
    if claimed:
        return _("Another company already signs in with %(domains)s.") % {
            "domains": ", ".join(sorted(row["domain"] for row in claimed))
        }
    return ""


async def replace_claims(
    caller: Scope, settings: Settings, company_id: int, company_kind: str, connection_id: int, domains: list[str]
) -> None:
    """The connection's claims become `domains`: kept ones keep their state, new ones start
    pending, or approved when the seller's administrator enters them. Runs inside the caller's
    transaction; Invalid when a new domain cannot be claimed (a pending one is checked again
    when it is proven or approved)."""
    existing = set(
        await SsoDomain.select(SsoDomain.domain).where(SsoDomain.connection == connection_id).output(as_list=True)
    )
    reason = await unclaimable(settings, company_id, company_kind, [d for d in domains if d not in existing])
    if reason:
        raise Invalid({"domains": reason})
    removed = existing - set(domains)
    if removed:
        await SsoDomain.delete().where(
            (SsoDomain.connection == connection_id) & SsoDomain.domain.is_in(sorted(removed))
        )
    added = [d for d in domains if d not in existing]
    if not added:
        return
    approved = is_seller_admin(caller)
    now = clock.now()
    await SsoDomain.insert(
        *(
            SsoDomain(
                connection=connection_id,
                domain=d,
                status=APPROVED if approved else PENDING,
                decided_at=now if approved else None,
            )
            for d in added
        )
    )
    if approved:
        await audit.record(
            "sso.domain_approved",
            caller=caller,
            company_id=company_id,
            object_type="sso_connection",
            object_id=connection_id,
            details={"domains": added, "entered_by_seller": True},
        )


# --- Proof and the seller's decision -------------------------------------------------------------


async def verify_claim(
    caller: Scope, settings: Settings, company_id: int, domain: str, resolver: TxtResolver
) -> DomainClaim:
    """Looks for the company's TXT record; the claim is proven when it is there. Invalid with
    what was expected otherwise."""
    claim = next((c for c in await claims_of_company(settings, company_id) if c.domain == domain), None)
    if claim is None:
        raise NotFound(_("No such domain."))
    if claim.proven:
        return claim
    published = [value.strip() for value in await resolver.txt(claim.record_name)]
    if claim.record_value not in published:
        raise Invalid(
            {
                "domains": _("No TXT record %(value)s was found at %(name)s yet. DNS changes can take a while to show.")
                % {"value": claim.record_value, "name": claim.record_name}
            }
        )
    # Checked again at the moment of proof: another company may have gained people there since.
    reason = await unclaimable(settings, company_id, await _kind_of(company_id), [domain])
    if reason:
        raise Invalid({"domains": reason})
    await _decide(claim, VERIFIED, caller, "sso.domain_verified")
    return claim


async def decide_claim(caller: Scope, settings: Settings, claim_id: int, *, approve: bool) -> DomainClaim:
    """The seller's administrator approves a pending claim or refuses it (the claim goes, so the
    domain is free again)."""
    if not is_seller_admin(caller):
        raise NotFound(_("No such domain."))
    claim = next((c for c in await pending_claims(settings) if c.id == claim_id), None)
    if claim is None:
        raise NotFound(_("No such domain."))
    if approve:
        reason = await unclaimable(settings, claim.company_id, await _kind_of(claim.company_id), [claim.domain])
        if reason:
            raise Invalid({"domains": reason})
        await _decide(claim, APPROVED, caller, "sso.domain_approved")
    else:
        async with write_transaction(SsoDomain._meta.db):
            await SsoDomain.delete().where((SsoDomain.id == claim.id) & (SsoDomain.status == PENDING))
            await _record(claim, caller, "sso.domain_refused")
    return claim


async def _decide(claim: DomainClaim, status: str, caller: Scope, action: str) -> None:
    async with write_transaction(SsoDomain._meta.db):
        await SsoDomain.update({SsoDomain.status: status, SsoDomain.decided_at: clock.now()}).where(
            SsoDomain.id == claim.id
        )
        await _record(claim, caller, action)


async def _record(claim: DomainClaim, caller: Scope, action: str) -> None:
    await audit.record(
        action,
        caller=caller,
        company_id=claim.company_id,
        object_type="sso_domain",
        object_id=claim.id,
        details={"domain": claim.domain},
    )


async def _kind_of(company_id: int) -> str:
    kind = await Company.select(Company.kind).where(Company.id == company_id).output(as_list=True)
    return str(kind[0]) if kind else "customer"


async def proven_domains(connection_id: int) -> list[str]:
    return list(
        await SsoDomain.select(SsoDomain.domain)
        .where((SsoDomain.connection == connection_id) & SsoDomain.status.is_in(list(PROVEN)))
        .output(as_list=True)
    )
