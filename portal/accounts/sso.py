"""Single sign-on: a company's OpenID Connect provider signs its people in (authorization code
flow with PKCE), their account and roles follow the provider's claims at every login."""

from __future__ import annotations

import base64
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from portal import clock
from portal.accounts import audit
from portal.accounts.activity import LoginMethod, signal_login
from portal.accounts.roles import Role, roles_for_company_kind
from portal.accounts.scope_cache import forget_scope
from portal.accounts.sso_domains import APPROVED, PROVEN
from portal.accounts.tables import Membership, SsoConnection, SsoDomain, SsoIdentity, User
from portal.config import Settings
from portal.database import lock_rows_for_decision, write_transaction
from portal.errors import DomainError, NotAllowed
from portal.i18n import gettext as _
from portal.outgoing import guard as outgoing
from portal.outgoing.guard import Guard, GuardedTransport, OutgoingRefused

log = logging.getLogger("portal.sso")

CALLBACK_PATH = "/sso/callback"
# Session keys: the login under way at a provider, and how to offer the provider's logout.
PENDING_KEY = "sso_pending"
LOGOUT_KEY = "sso_logout"
SCOPES = "openid email profile"
# How long a person may spend at their provider between leaving the portal and coming back.
PENDING_LOGIN_SECONDS = 600
DISCOVERY_CACHE_SECONDS = 300
DISCOVERY_PATH = "/.well-known/openid-configuration"
CLOCK_LEEWAY_SECONDS = 60
# Asymmetric algorithms only: a token signed with "none" or a shared secret is refused.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")


# --- Errors a person is shown ----------------------------------------------------------------


class ProviderProblem(DomainError):
    """The company's identity provider cannot be used: unreachable, misconfigured, incomplete."""


class SsoFailure(DomainError):
    """A sign-in that cannot complete, with the page title and HTTP status to show it with."""

    def __init__(self, title: str, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.title = title
        self.status_code = status_code


class SsoRequired(NotAllowed):
    """The person's company signs in only through its provider: no password."""


# --- The client secret, encrypted at rest ------------------------------------------------------


def encryption_key(settings: Settings) -> bytes:
    """`sso_encryption_key`, or, when unset, a key derived from the secret key (HKDF) so the demo
    works without settings; changing the secret key then makes stored secrets unreadable."""
    if settings.sso_encryption_key:
        return settings.sso_encryption_key.encode()
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"portal sso client secrets").derive(
        settings.resolved_secret_key().encode()
    )
    return base64.urlsafe_b64encode(derived)


def encrypt_secret(settings: Settings, secret: str) -> str:
    return Fernet(encryption_key(settings)).encrypt(secret.encode()).decode() if secret else ""


def decrypt_secret(settings: Settings, stored: str) -> str:
    if not stored:
        return ""
    try:
        return Fernet(encryption_key(settings)).decrypt(stored.encode()).decode()
    except InvalidToken:
        raise ProviderProblem(
            _("The stored client secret cannot be read (the encryption key changed). Enter the secret again.")
        ) from None


# --- Discovery ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str = ""
    scopes_supported: tuple[str, ...] = ()
    signing_algorithms: tuple[str, ...] = ("RS256",)


_discovered: dict[tuple[str, bool], tuple[float, ProviderMetadata]] = {}


def _same_issuer(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


def checked_issuer(issuer: str, guard: Guard) -> httpx.URL:
    """The issuer as a URL the portal may call: https (plain http to this machine only where the
    guard allows it), no credentials, query or fragment, so its discovery address is exactly
    `<issuer>/.well-known/openid-configuration`. ProviderProblem naming what is wrong."""
    if "?" in issuer or "#" in issuer:
        raise ProviderProblem(_("The issuer URL cannot have a query (?) or a fragment (#)."))
    try:
        return guard.check_url(issuer)
    except OutgoingRefused as refused:
        raise ProviderProblem(refused.message) from None


def _on_issuer_host(issuer: httpx.URL, endpoint: str) -> bool:
    try:
        url = httpx.URL(endpoint)
    except (httpx.InvalidURL, TypeError):
        return False
    return (url.scheme, url.host, url.port) == (issuer.scheme, issuer.host, issuer.port) and not url.userinfo


async def _get_json(guard: Guard, url: str) -> Any:
    """The JSON an endpoint answers with 200, through the guard; the other host's status and body
    never reach a message (they are logged, bounded)."""
    try:
        async with guard.client() as http:
            response = await http.get(url, headers={"Accept": "application/json"})
    except OutgoingRefused:
        raise
    except httpx.HTTPError as error:
        log.warning("SSO request to %s failed: %s", url, type(error).__name__)
        raise ProviderProblem(
            _("The identity provider at %(url)s cannot be reached. Try again later or check the issuer URL.")
            % {"url": url}
        ) from None
    if response.status_code != 200:
        log.warning("SSO request to %s answered %d", url, response.status_code)
        raise ProviderProblem(
            _("The address %(url)s did not return what an OpenID Connect provider serves there: check the issuer URL.")
            % {"url": url}
        )
    try:
        return response.json()
    except ValueError:
        raise ProviderProblem(
            _("The address %(url)s did not return what an OpenID Connect provider serves there: check the issuer URL.")
            % {"url": url}
        ) from None


async def discover(issuer: str, guard: Guard) -> ProviderMetadata:
    """The provider's metadata from exactly `{issuer}/.well-known/openid-configuration`, through
    the outgoing guard, kept a few minutes in this process; every endpoint must be on the
    issuer's host. ProviderProblem with a message an administrator can act on."""
    issuer_url = checked_issuer(issuer, guard)
    key = (issuer, guard.allow_local_http)
    cached = _discovered.get(key)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    url = issuer.rstrip("/") + DISCOVERY_PATH
    try:
        document = await _get_json(guard, url)
    except OutgoingRefused as refused:
        raise ProviderProblem(refused.message) from None
    if not isinstance(document, dict):
        raise ProviderProblem(
            _("The address %(url)s did not return what an OpenID Connect provider serves there: check the issuer URL.")
            % {"url": url}
        )
    if not _same_issuer(str(document.get("issuer", "")), issuer):
        raise ProviderProblem(
            _("The provider's configuration names another issuer than %(expected)s: enter exactly its issuer URL.")
            % {"expected": issuer}
        )
    missing = [
        name
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        if not isinstance(document.get(name), str) or not document.get(name)
    ]
    if missing:
        raise ProviderProblem(_("The provider's configuration lacks %(names)s.") % {"names": ", ".join(missing)})
    elsewhere = [
        name
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri", "end_session_endpoint")
        if document.get(name) and not _on_issuer_host(issuer_url, str(document[name]))
    ]
    if elsewhere:
        raise ProviderProblem(
            _("The provider's %(names)s is not on the issuer's host %(host)s; the portal calls only the issuer's host.")
            % {"names": ", ".join(elsewhere), "host": issuer_url.host}
        )
    scopes = tuple(str(s) for s in document.get("scopes_supported") or ())
    missing_scopes = [s for s in ("openid", "email") if scopes and s not in scopes]
    if missing_scopes:
        raise ProviderProblem(
            _("The provider does not offer the scopes %(scopes)s, which the portal needs to know who signs in.")
            % {"scopes": ", ".join(missing_scopes)}
        )
    algorithms = tuple(
        a for a in document.get("id_token_signing_alg_values_supported") or ("RS256",) if a in SIGNING_ALGORITHMS
    )
    if not algorithms:
        raise ProviderProblem(_("The provider signs ID tokens with no algorithm the portal accepts."))
    metadata = ProviderMetadata(
        issuer=str(document["issuer"]),
        authorization_endpoint=str(document["authorization_endpoint"]),
        token_endpoint=str(document["token_endpoint"]),
        jwks_uri=str(document["jwks_uri"]),
        end_session_endpoint=str(document.get("end_session_endpoint") or ""),
        scopes_supported=scopes,
        signing_algorithms=algorithms,
    )
    _discovered[key] = (time.monotonic() + DISCOVERY_CACHE_SECONDS, metadata)
    return metadata


def forget_discovery(issuer: str) -> None:
    for allow_local_http in (False, True):
        _discovered.pop((issuer, allow_local_http), None)


async def _provider_keys(metadata: ProviderMetadata, guard: Guard) -> KeySet:
    try:
        return KeySet.import_key_set(await _get_json(guard, metadata.jwks_uri))
    except (ProviderProblem, OutgoingRefused, ValueError, TypeError, JoseError) as error:
        log.warning("SSO keys at %s unusable: %s", metadata.jwks_uri, type(error).__name__)
        raise ProviderProblem(_("The identity provider's signing keys cannot be loaded. Try again later.")) from None


# --- Connections ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Connection:
    id: int
    company_id: int
    company_kind: str
    issuer: str
    client_id: str
    client_secret_encrypted: str
    auto_create: bool
    default_role: str
    roles_claim: str
    role_mapping: dict[str, list[str]]
    require_sso: bool
    enabled: bool
    # Every domain the company claims, and those of them proven or approved: only these route.
    domains: tuple[str, ...] = field(default=())
    proven_domains: tuple[str, ...] = field(default=())


def email_domain(email: str) -> str:
    return email.strip().lower().rpartition("@")[2]


def _connection_query() -> Any:
    return SsoConnection.select(
        SsoConnection.id,
        SsoConnection.company.id.as_alias("company_id"),
        SsoConnection.company.kind.as_alias("company_kind"),
        SsoConnection.issuer,
        SsoConnection.client_id,
        SsoConnection.client_secret_encrypted,
        SsoConnection.auto_create,
        SsoConnection.default_role,
        SsoConnection.roles_claim,
        SsoConnection.role_mapping,
        SsoConnection.require_sso,
        SsoConnection.enabled,
    ).output(load_json=True)


async def _with_domains(row: dict[str, Any] | None) -> Connection | None:
    if row is None:
        return None
    claims = await SsoDomain.select(SsoDomain.domain, SsoDomain.status).where(SsoDomain.connection == row["id"])
    return Connection(
        **{**row, "role_mapping": dict(row["role_mapping"] or {})},
        domains=tuple(sorted(c["domain"] for c in claims)),
        proven_domains=tuple(sorted(c["domain"] for c in claims if c["status"] in PROVEN)),
    )


async def get_connection(connection_id: int) -> Connection | None:
    return await _with_domains(await _connection_query().where(SsoConnection.id == connection_id).first())


async def connection_of_company(company_id: int) -> Connection | None:
    return await _with_domains(await _connection_query().where(SsoConnection.company == company_id).first())


async def connection_for_email(email: str) -> Connection | None:
    """The enabled connection serving the email's domain, if a company proved its claim to it
    (an unproven claim routes nothing: anyone can type anyone's domain)."""
    domain = email_domain(email)
    if not domain:
        return None
    row = (
        await SsoDomain.select(SsoDomain.connection)
        .where((SsoDomain.domain == domain) & SsoDomain.status.is_in(list(PROVEN)))
        .first()
    )
    if row is None:
        return None
    connection = await get_connection(row["connection"])
    return connection if connection and connection.enabled else None


async def sso_required(email: str, user_id: int | None = None) -> bool:
    """Whether passwords are refused: the email's domain is a proven domain of a company that
    requires SSO, or the user belongs only to companies that require it and proved a domain.
    Someone who also belongs elsewhere keeps their password there: one company's setting can
    never lock out the seller's people or another company's."""
    connection = await connection_for_email(email)
    if connection and connection.require_sso:
        return True
    if user_id is None:
        return False
    companies = set(
        await Membership.select(Membership.company)
        .where((Membership.user == user_id) & Membership.is_active.eq(True))
        .output(as_list=True)
    )
    if not companies:
        return False
    requiring = set(
        await SsoDomain.select(SsoDomain.connection.company)
        .where(
            SsoDomain.connection.company.is_in(sorted(companies))
            & SsoDomain.status.is_in(list(PROVEN))
            & SsoDomain.connection._.require_sso.eq(True)
            & SsoDomain.connection._.enabled.eq(True)
        )
        .output(as_list=True)
    )
    return requiring == companies


def redirect_uri(settings: Settings) -> str:
    return settings.base_url + CALLBACK_PATH


# --- Starting a login --------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginStart:
    authorization_url: str
    # Kept in the server-side session until the provider sends the person back.
    pending: dict[str, Any]


async def start_login(
    connection: Connection, settings: Settings, *, email: str = "", next_path: str = "/"
) -> LoginStart:
    metadata = await discover(connection.issuer, outgoing.guard_for(settings))
    state = generate_token(32)
    nonce = generate_token(32)
    verifier = generate_token(64)
    parameters = {
        "response_type": "code",
        "client_id": connection.client_id,
        "redirect_uri": redirect_uri(settings),
        "scope": SCOPES,
        "state": state,
        "nonce": nonce,
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
    }
    if email:
        parameters["login_hint"] = email
    separator = "&" if urlsplit(metadata.authorization_endpoint).query else "?"
    return LoginStart(
        authorization_url=metadata.authorization_endpoint + separator + urlencode(parameters),
        pending={
            "connection_id": connection.id,
            "state": state,
            "nonce": nonce,
            "code_verifier": verifier,
            "expires_at": time.time() + PENDING_LOGIN_SECONDS,
            "next": next_path,
        },
    )


# --- Finishing it --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SsoLogin:
    user_id: int
    company_id: int
    next_path: str
    id_token: str
    end_session_endpoint: str
    client_id: str
    provider: str


def _replayed() -> SsoFailure:
    return SsoFailure(
        _("This sign-in link is no longer valid"),
        _(
            "The answer from your company's sign-in did not match a sign-in started here, or it was already used. Start again from the login page."
        ),
    )


def _token_invalid() -> SsoFailure:
    return SsoFailure(
        _("The sign-in could not be verified"),
        _(
            "Your company's sign-in sent an answer the portal cannot trust (its signature, audience, age or nonce is wrong). Nothing was changed. Start again from the login page."
        ),
        403,
    )


def _cancelled() -> SsoFailure:
    return SsoFailure(
        _("Sign-in cancelled"),
        _("You cancelled the sign-in at your company's provider. You can start again from the login page."),
    )


def _provider_error_messages() -> dict[str, str]:
    """What a person is told for each error code OAuth and OpenID Connect define; the provider's
    own words (and any other code) are never shown: anyone can put them in the link."""
    ask = _("Ask your company's administrator if this keeps happening.")
    return {
        "login_required": _(
            "Your company's sign-in needs you to sign in there first. Start again from the login page."
        ),
        "interaction_required": _(
            "Your company's sign-in needs you to confirm something there. Start again from the login page."
        ),
        "consent_required": _(
            "Your company's sign-in needs your consent for the portal. Start again and give it there."
        ),
        "account_selection_required": _(
            "Your company's sign-in needs you to choose an account. Start again from the login page."
        ),
        "temporarily_unavailable": _(
            "Your company's sign-in is busy or down for a moment. Try again in a few minutes."
        ),
        "server_error": _("Your company's sign-in had an error of its own. Try again in a few minutes.") + " " + ask,
        "invalid_request": _("Your company's sign-in refused the portal's request as malformed.") + " " + ask,
        "unauthorized_client": _("Your company's sign-in does not let the portal sign people in.") + " " + ask,
        "unsupported_response_type": _("Your company's sign-in is not set up for the portal's kind of login.")
        + " "
        + ask,
        "invalid_scope": _("Your company's sign-in refused the information the portal asks for.") + " " + ask,
    }


def _provider_refused(error: str) -> SsoFailure:
    if error == "access_denied":
        return _cancelled()
    message = _provider_error_messages().get(
        error, _("Your company's identity provider did not sign you in. Ask your administrator.")
    )
    return SsoFailure(_("Your company's sign-in refused"), message, 403)


def log_safe(value: object, limit: int = 300) -> str:
    """A value from outside as one log line: control characters (line breaks included) escaped,
    so it cannot forge lines of its own, and cut to `limit` characters."""
    text = str(value)[:limit]
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


async def exchange_code(
    connection: Connection, metadata: ProviderMetadata, settings: Settings, code: str, verifier: str, guard: Guard
) -> dict[str, Any]:
    """The provider's token response for the code, sent with the PKCE verifier through the
    outgoing guard."""
    async with AsyncOAuth2Client(
        client_id=connection.client_id,
        client_secret=decrypt_secret(settings, connection.client_secret_encrypted) or None,
        redirect_uri=redirect_uri(settings),
        code_challenge_method="S256",
        timeout=guard.timeout_seconds,
        transport=GuardedTransport(guard),
        follow_redirects=False,
        trust_env=False,
    ) as oauth:
        token = await oauth.fetch_token(metadata.token_endpoint, code=code, code_verifier=verifier)
    return dict(token)


async def verify_id_token(
    id_token: str, connection: Connection, metadata: ProviderMetadata, nonce: str, guard: Guard
) -> dict[str, Any]:
    """The ID token's claims once its signature (the provider's keys), issuer, audience, expiry,
    issue time and nonce check out; SsoFailure otherwise."""
    keys = await _provider_keys(metadata, guard)
    try:
        token = jwt.decode(id_token, keys, algorithms=list(metadata.signing_algorithms))
        claims = dict(token.claims)
        jwt.JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY_SECONDS,
            iss={"essential": True, "value": metadata.issuer},
            aud={"essential": True, "value": connection.client_id},
            exp={"essential": True},
            iat={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(claims)
    except (JoseError, ValueError, TypeError) as error:
        log.warning("SSO ID token from %s refused: %r", connection.issuer, error)
        raise _token_invalid() from None
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != connection.client_id:
        raise _token_invalid()
    return claims


async def finish_login(
    pending: dict[str, Any] | None, query: dict[str, str], settings: Settings, *, ip_address: str, locale: str
) -> SsoLogin:
    """The provider sent the person back: check state, exchange the code (with the PKCE
    verifier), verify the ID token, then provision the user and their roles."""
    state_matches = (
        isinstance(pending, dict)
        and bool(query.get("state"))
        and secrets.compare_digest(str(pending.get("state", "")), query["state"])
    )
    if query.get("error") and (state_matches or not query.get("state")):
        # An error answer creates nothing, so it is shown even when a provider leaves out the
        # state: with a fixed message per known code, since anyone can send this link.
        log.warning(
            "SSO provider error: %s %s", log_safe(query.get("error", "")), log_safe(query.get("error_description", ""))
        )
        raise _provider_refused(query["error"])
    if not state_matches or not isinstance(pending, dict):
        raise _replayed()
    if float(pending.get("expires_at", 0)) < time.time():
        raise SsoFailure(
            _("The sign-in took too long"), _("Too much time passed at your company's sign-in. Start again.")
        )
    connection = await get_connection(int(pending["connection_id"]))
    if connection is None or not connection.enabled or not query.get("code"):
        raise _replayed()
    guard = outgoing.guard_for(settings)
    metadata = await discover(connection.issuer, guard)
    try:
        token = await exchange_code(connection, metadata, settings, query["code"], str(pending["code_verifier"]), guard)
    except OutgoingRefused as refused:
        log.warning("SSO token request to %s refused by the guard: %s", metadata.token_endpoint, refused.message)
        raise ProviderProblem(refused.message) from None
    except httpx.HTTPError as error:
        log.warning("SSO token request to %s failed: %s", metadata.token_endpoint, type(error).__name__)
        raise ProviderProblem(_("Your company's identity provider cannot be reached. Try again later.")) from None
    except (OAuthError, ValueError) as error:
        log.warning("SSO token request refused by %s: %s", metadata.token_endpoint, type(error).__name__)
        raise _replayed() from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise _token_invalid()
    claims = await verify_id_token(id_token, connection, metadata, str(pending["nonce"]), guard)
    email = str(claims.get("email") or "").strip().lower()
    if not email or "@" not in email:
        raise SsoFailure(
            _("No email from your company's sign-in"),
            _("Your company's identity provider did not tell the portal your email address. Ask your administrator."),
            403,
        )
    if claims.get("email_verified") is not True:
        raise SsoFailure(
            _("Email not verified"),
            _(
                "Your company's identity provider has not verified the address %(email)s. Verify it there, then try again."
            )
            % {"email": email},
            403,
        )
    if email_domain(email) not in connection.proven_domains:
        raise SsoFailure(
            _("This email domain is not set up for single sign-on"),
            _("No company in the portal uses this sign-in for %(domain)s. Ask your administrator.")
            % {"domain": email_domain(email)},
            403,
        )
    user_id = await provision(connection, claims, ip_address=ip_address, locale=locale)
    return SsoLogin(
        user_id=user_id,
        company_id=connection.company_id,
        next_path=str(pending.get("next") or "/"),
        id_token=id_token,
        end_session_endpoint=metadata.end_session_endpoint,
        client_id=connection.client_id,
        provider=urlsplit(metadata.issuer).netloc,
    )


# --- Provisioning and roles ------------------------------------------------------------------


def claim_values(claims: dict[str, Any], name: str) -> list[str] | None:
    """The claim's values as strings, or None when the token does not carry it at all."""
    if name not in claims:
        return None
    value = claims[name]
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


def mapped_roles(connection: Connection, values: list[str]) -> list[str]:
    """The union of portal roles the claim's values map to, limited to the company kind's roles."""
    valid = {r.value for r in roles_for_company_kind(connection.company_kind)}
    granted = {role for value in values for role in connection.role_mapping.get(value, []) if role in valid}
    return sorted(granted)


def _default_roles(connection: Connection) -> list[str]:
    valid = {r.value for r in roles_for_company_kind(connection.company_kind)}
    return [connection.default_role] if connection.default_role in valid else []


def roles_at_login(connection: Connection, claims: dict[str, Any], current: list[str] | None) -> list[str]:
    """Roles after this login. A new member gets the mapped roles, or the default role when none
    maps. An existing member keeps their roles when the connection has no mapping (roles are
    then managed in the portal) or the token lacks the claim; otherwise the mapping decides, the
    default role standing in when none of their groups maps."""
    values = claim_values(claims, connection.roles_claim)
    mapped = mapped_roles(connection, values or [])
    if current is None:
        return mapped or _default_roles(connection)
    if not connection.role_mapping or values is None:
        return sorted(current)
    return mapped or _default_roles(connection)


def _display_name(claims: dict[str, Any], email: str) -> str:
    name = str(claims.get("name") or "").strip()
    if not name:
        name = " ".join(str(claims.get(k) or "").strip() for k in ("given_name", "family_name")).strip()
    return (name or email.partition("@")[0])[:200]


def _deactivated() -> SsoFailure:
    return SsoFailure(
        _("Your account is deactivated"),
        _("Your account in this company's portal is deactivated. Ask your company's administrator."),
        403,
    )


async def provision(connection: Connection, claims: dict[str, Any], *, ip_address: str, locale: str) -> int:
    """The user this identity signs in as, created with a membership when the connection allows
    it; roles follow the mapping. One transaction: nothing is half-created."""
    subject = str(claims["sub"])
    email = str(claims["email"]).strip().lower()
    admin = (Role.SELLER_ADMIN if connection.company_kind == "seller" else Role.COMPANY_ADMIN).value
    async with write_transaction(Membership._meta.db):
        identity = (
            await SsoIdentity.select(SsoIdentity.id, SsoIdentity.user)
            .where((SsoIdentity.connection == connection.id) & (SsoIdentity.subject == subject))
            .first()
        )
        user_query = User.select(User.id, User.is_active)
        user = await (
            user_query.where(User.id == identity["user"]) if identity else user_query.where(User.email == email)
        ).first()
        if user is not None and not user["is_active"]:
            raise _deactivated()
        if user is not None and identity is None and await _belongs_elsewhere(user["id"], connection.company_id):
            # Found by email alone: a provider asserting the email of someone from another
            # company (the seller's administrator, say) must not sign in as them.
            log.warning(
                "SSO sign-in for %s at connection %d refused: the person belongs to another company",
                log_safe(email),
                connection.id,
            )
            raise SsoFailure(
                _("This account belongs to another company"),
                _(
                    "The email %(email)s belongs to a person of another company in this portal, who signs in there. Sign in with your password or your own company's sign-in."
                )
                % {"email": email},
                403,
            )
        membership = None
        if user is not None:
            membership = await lock_rows_for_decision(
                Membership.select(Membership.id, Membership.roles, Membership.is_active).where(
                    (Membership.user == user["id"]) & (Membership.company == connection.company_id)
                )
            ).first()
        if membership is not None and not membership["is_active"]:
            raise _deactivated()
        if membership is None and not connection.auto_create:
            raise SsoFailure(
                _("Ask your administrator for access"),
                _(
                    "You signed in at your company's provider, but you have no account in this portal yet. Ask your company's administrator to invite you."
                ),
                403,
            )
        created_user = user is None
        if user is None:
            rows = await User.insert(
                User(email=email, name=_display_name(claims, email), locale=locale, password_hash="")
            ).returning(User.id)
            user = {"id": rows[0]["id"], "is_active": True}
        user_id: int = user["id"]
        if membership is None:
            roles = roles_at_login(connection, claims, None)
            rows = await Membership.insert(
                Membership(user=user_id, company=connection.company_id, roles=roles)
            ).returning(Membership.id)
            await audit.record(
                "sso.member_created",
                actor_id=user_id,
                company_id=connection.company_id,
                object_type="membership",
                object_id=rows[0]["id"],
                details={"email": email, "roles": roles, "user_created": created_user},
                ip_address=ip_address,
            )
        else:
            before = sorted(membership["roles"])
            roles = roles_at_login(connection, claims, before)
            kept_admin = False
            if admin in before and admin not in roles:
                others = await Membership.select(Membership.roles).where(
                    (Membership.company == connection.company_id)
                    & Membership.is_active.eq(True)
                    & (Membership.id != membership["id"])
                )
                if not any(admin in row["roles"] for row in others):
                    # The last administrator keeps the role: a company without one could not
                    # manage its users or its SSO at all.
                    roles = sorted({*roles, admin})
                    kept_admin = True
            if roles != before:
                await Membership.update({Membership.roles: roles}).where(Membership.id == membership["id"])
                await audit.record(
                    "sso.roles_changed",
                    actor_id=user_id,
                    company_id=connection.company_id,
                    object_type="membership",
                    object_id=membership["id"],
                    details={"before": before, "after": roles, "kept_last_admin": kept_admin},
                    ip_address=ip_address,
                )
        now = clock.now()
        if identity is None:
            await SsoIdentity.insert(
                SsoIdentity(user=user_id, connection=connection.id, subject=subject, last_login_at=now)
            )
        else:
            await SsoIdentity.update({SsoIdentity.last_login_at: now}).where(SsoIdentity.id == identity["id"])
        await User.update({User.last_login_at: now}).where(User.id == user_id)
        await audit.record(
            "sso.login",
            actor_id=user_id,
            company_id=connection.company_id,
            object_type="sso_connection",
            object_id=connection.id,
            details={"subject": subject, "email": email, "issuer": connection.issuer},
            ip_address=ip_address,
        )
        await signal_login(user_id, connection.company_id, LoginMethod.SSO)
    # A new membership or new roles: forgotten after the commit, so the next request reads them.
    await forget_scope(user_id)
    return user_id


async def _belongs_elsewhere(user_id: int, company_id: int) -> bool:
    return bool(await Membership.count().where((Membership.user == user_id) & (Membership.company != company_id)))


def provider_logout_url(end_session_endpoint: str, id_token: str, client_id: str, settings: Settings) -> str:
    separator = "&" if urlsplit(end_session_endpoint).query else "?"
    return (
        end_session_endpoint
        + separator
        + urlencode(
            {
                "id_token_hint": id_token,
                "client_id": client_id,
                "post_logout_redirect_uri": settings.base_url + "/login",
            }
        )
    )


async def create_connection(
    settings: Settings,
    company_id: int,
    *,
    issuer: str,
    client_id: str,
    client_secret: str,
    domains: list[str] | tuple[str, ...],
    auto_create: bool = False,
    default_role: str = "buyer",
    roles_claim: str = "groups",
    role_mapping: dict[str, list[str]] | None = None,
    require_sso: bool = False,
    enabled: bool = True,
    domain_status: str = APPROVED,
) -> int:
    """A company's connection with its domains, in one transaction, for seeding and tests: the
    operator seeding it stands for the seller's approval of the domains (`domain_status`); the
    settings page validates its form and who may claim what. The secret is stored encrypted."""
    async with write_transaction(SsoConnection._meta.db):
        rows = await SsoConnection.insert(
            SsoConnection(
                company=company_id,
                issuer=issuer,
                client_id=client_id,
                client_secret_encrypted=encrypt_secret(settings, client_secret),
                auto_create=auto_create,
                default_role=default_role,
                roles_claim=roles_claim,
                role_mapping=role_mapping or {},
                require_sso=require_sso,
                enabled=enabled,
            )
        ).returning(SsoConnection.id)
        connection_id: int = rows[0]["id"]
        if domains:
            await SsoDomain.insert(
                *(
                    SsoDomain(connection=connection_id, domain=domain.strip().lower(), status=domain_status)
                    for domain in domains
                )
            )
    return connection_id
