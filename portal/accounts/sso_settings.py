"""A company's single sign-on settings: read, validated and saved by its administrator or the
seller's administrator, every change audited; "test connection" runs the provider's discovery."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from portal import clock
from portal.accounts import audit, sso, sso_domains
from portal.accounts.roles import Permission, roles_for_company_kind
from portal.accounts.scope import Scope
from portal.accounts.tables import Company, SsoConnection
from portal.config import Settings
from portal.database import write_transaction
from portal.errors import Invalid, NotFound
from portal.i18n import gettext as _
from portal.outgoing import guard as outgoing
from portal.outgoing.guard import Guard

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True)
class SsoCompany:
    """The company whose connection a page edits, and where its page lives."""

    company_id: int
    name: str
    kind: str
    path: str


async def own_company(caller: Scope) -> SsoCompany:
    if caller.company_id is None or not caller.can(Permission.USERS_MANAGE):
        raise NotFound(_("No such company."))
    return SsoCompany(caller.company_id, caller.company_name, caller.company_kind, "/company/sso")


async def company_for_seller_admin(caller: Scope, company_id: int) -> SsoCompany:
    """Any company, for the seller's administrator only; 404 for everyone else."""
    if not sso_domains.is_seller_admin(caller):
        raise NotFound(_("No such company."))
    row = await Company.select(Company.id, Company.name, Company.kind).where(Company.id == company_id).first()
    if row is None:
        raise NotFound(_("No such company."))
    return SsoCompany(row["id"], row["name"], row["kind"], f"/office/customers/{row['id']}/sso")


def form_values(connection: sso.Connection | None, kind: str) -> dict[str, Any]:
    """What the form shows: the stored settings (never the secret) or a new connection's defaults."""
    if connection is None:
        return {
            "issuer": "",
            "client_id": "",
            "domains": "",
            "auto_create": False,
            "default_role": "sales_rep" if kind == "seller" else "buyer",
            "roles_claim": "groups",
            "role_mapping": "",
            "require_sso": False,
            "enabled": True,
        }
    return {
        "issuer": connection.issuer,
        "client_id": connection.client_id,
        "domains": "\n".join(connection.domains),
        "auto_create": connection.auto_create,
        "default_role": connection.default_role,
        "roles_claim": connection.roles_claim,
        "role_mapping": format_role_mapping(connection.role_mapping),
        "require_sso": connection.require_sso,
        "enabled": connection.enabled,
    }


def format_role_mapping(mapping: dict[str, list[str]]) -> str:
    return "\n".join(f"{group} = {', '.join(roles)}" for group, roles in mapping.items())


def parse_role_mapping(text: str, kind: str, errors: dict[str, str]) -> dict[str, list[str]]:
    """Lines `Group name = buyer, approver`; roles must be the company kind's."""
    valid = {role.value for role in roles_for_company_kind(kind)}
    mapping: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        group, separator, roles_text = line.rpartition("=")
        roles = [r.strip() for r in roles_text.split(",") if r.strip()]
        if not separator or not group.strip() or not roles:
            errors["role_mapping"] = _("Line %(line)d: write it as “Group name = buyer, approver”.") % {"line": number}
            return {}
        unknown = [r for r in roles if r not in valid]
        if unknown:
            errors["role_mapping"] = _("Line %(line)d: %(roles)s is not a role here; use %(valid)s.") % {
                "line": number,
                "roles": ", ".join(unknown),
                "valid": ", ".join(sorted(valid)),
            }
            return {}
        mapping.setdefault(group.strip(), [])
        mapping[group.strip()] = sorted({*mapping[group.strip()], *roles})
    return mapping


def parse_domains(text: str, errors: dict[str, str]) -> list[str]:
    domains = sorted({line.strip().lower().lstrip("@") for line in text.splitlines() if line.strip()})
    bad = [d for d in domains if not _DOMAIN.match(d)]
    if bad:
        errors["domains"] = _("Not an email domain: %(domains)s.") % {"domains": ", ".join(bad)}
    elif not domains:
        errors["domains"] = _("Enter at least one email domain, one a line.")
    return domains


def parse_issuer(raw: str, errors: dict[str, str], guard: Guard) -> str:
    """The issuer as typed, when the outgoing guard would call it (its addresses are checked when
    the portal connects)."""
    issuer = raw.strip()
    parts = urlsplit(issuer)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        errors["issuer"] = _("Enter the provider's issuer URL, e.g. https://login.example.com/realms/firma.")
        return issuer
    try:
        sso.checked_issuer(issuer, guard)
    except sso.ProviderProblem as problem:
        errors["issuer"] = problem.message
    return issuer


@dataclass(frozen=True)
class ConnectionChanges:
    issuer: str
    client_id: str
    client_secret: str
    domains: list[str]
    auto_create: bool
    default_role: str
    roles_claim: str
    role_mapping: dict[str, list[str]]
    require_sso: bool
    enabled: bool


def parse_form(form: dict[str, str], kind: str, has_secret: bool, guard: Guard) -> ConnectionChanges:
    """The submitted settings, or Invalid naming every field that is wrong."""
    errors: dict[str, str] = {}
    issuer = parse_issuer(form.get("issuer", ""), errors, guard)
    client_id = form.get("client_id", "").strip()
    if not client_id:
        errors["client_id"] = _("Enter the client id the provider gave the portal.")
    secret = form.get("client_secret", "")
    if not secret and not has_secret:
        errors["client_secret"] = _("Enter the client secret the provider gave the portal.")
    domains = parse_domains(form.get("domains", ""), errors)
    valid_roles = {role.value for role in roles_for_company_kind(kind)}
    default_role = form.get("default_role", "")
    if default_role not in valid_roles:
        errors["default_role"] = _("Choose the role new members get.")
    roles_claim = form.get("roles_claim", "").strip() or "groups"
    if len(roles_claim) > 60:
        errors["roles_claim"] = _("The claim name is too long.")
    mapping = parse_role_mapping(form.get("role_mapping", ""), kind, errors)
    if errors:
        raise Invalid(errors)
    return ConnectionChanges(
        issuer=issuer,
        client_id=client_id,
        client_secret=secret,
        domains=domains,
        auto_create=form.get("auto_create") == "on",
        default_role=default_role,
        roles_claim=roles_claim,
        role_mapping=mapping,
        require_sso=form.get("require_sso") == "on",
        enabled=form.get("enabled") == "on",
    )


async def save_connection(
    caller: Scope, target: SsoCompany, form: dict[str, str], settings: Settings
) -> sso.Connection:
    """Create or change the company's connection and its domain claims in one transaction; a
    domain the company may not claim is refused, a new one waits for proof. Audited, without the
    secret."""
    before = await sso.connection_of_company(target.company_id)
    changes = parse_form(
        form,
        target.kind,
        has_secret=bool(before and before.client_secret_encrypted),
        guard=outgoing.guard_for(settings),
    )
    async with write_transaction(SsoConnection._meta.db):
        values: dict[Any, Any] = {
            SsoConnection.issuer: changes.issuer,
            SsoConnection.client_id: changes.client_id,
            SsoConnection.auto_create: changes.auto_create,
            SsoConnection.default_role: changes.default_role,
            SsoConnection.roles_claim: changes.roles_claim,
            SsoConnection.role_mapping: changes.role_mapping,
            SsoConnection.require_sso: changes.require_sso,
            SsoConnection.enabled: changes.enabled,
            SsoConnection.updated_at: clock.now(),
        }
        if changes.client_secret:
            values[SsoConnection.client_secret_encrypted] = sso.encrypt_secret(settings, changes.client_secret)
        if before is None:
            rows = await SsoConnection.insert(
                SsoConnection(company=target.company_id, **{column._meta.name: v for column, v in values.items()})
            ).returning(SsoConnection.id)
            connection_id: int = rows[0]["id"]
        else:
            connection_id = before.id
            await SsoConnection.update(values).where(SsoConnection.id == connection_id)
        await sso_domains.replace_claims(
            caller, settings, target.company_id, target.kind, connection_id, changes.domains
        )
        old = form_values(before, target.kind) if before else {}
        new = {
            "issuer": changes.issuer,
            "client_id": changes.client_id,
            "domains": "\n".join(changes.domains),
            "auto_create": changes.auto_create,
            "default_role": changes.default_role,
            "roles_claim": changes.roles_claim,
            "role_mapping": format_role_mapping(changes.role_mapping),
            "require_sso": changes.require_sso,
            "enabled": changes.enabled,
        }
        changed = {key: {"before": old.get(key), "after": value} for key, value in new.items() if old.get(key) != value}
        await audit.record(
            "sso.connection_created" if before is None else "sso.connection_changed",
            caller=caller,
            company_id=target.company_id,
            object_type="sso_connection",
            object_id=connection_id,
            details={"changes": changed, "client_secret_changed": bool(changes.client_secret)},
        )
    sso.forget_discovery(changes.issuer)
    connection = await sso.get_connection(connection_id)
    assert connection is not None
    return connection


async def check_connection(issuer: str, settings: Settings) -> sso.ProviderMetadata:
    """Discovery run afresh through the outgoing guard: the provider's metadata, or
    ProviderProblem saying what is wrong."""
    guard = outgoing.guard_for(settings)
    errors: dict[str, str] = {}
    issuer = parse_issuer(issuer, errors, guard)
    if errors:
        raise sso.ProviderProblem(errors["issuer"])
    sso.forget_discovery(issuer)
    return await sso.discover(issuer, guard)
