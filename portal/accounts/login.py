"""Local login with rate limits, the companies a user may act for, and the caller's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from limits import RateLimitItemPerSecond
from limits.aio.storage import Storage
from limits.aio.strategies import FixedWindowRateLimiter
from piccolo.query.methods.select import Select

from portal.accounts import audit
from portal.accounts.passwords import verify_password
from portal.accounts.roles import Role
from portal.accounts.scope import Scope
from portal.accounts.scope_cache import forget_scope, scope_cache
from portal.accounts.sso import SsoRequired, sso_required
from portal.accounts.tables import Membership, User
from portal.config import Settings
from portal.errors import Invalid, NotFound, TooManyAttempts
from portal.i18n import gettext as _


def normalize_email(raw: str) -> str:
    return raw.strip().lower()


class LoginLimiter:
    """Failed logins counted per client address and per account, in a window."""

    def __init__(self, storage: Storage, settings: Settings) -> None:
        self._limiter = FixedWindowRateLimiter(storage)
        window = settings.login_window_seconds
        self._per_address = RateLimitItemPerSecond(settings.login_attempts_per_address, window)
        self._per_account = RateLimitItemPerSecond(settings.login_attempts_per_account, window)

    async def check(self, email: str, ip_address: str) -> None:
        for item, key in ((self._per_address, ip_address), (self._per_account, email)):
            if not await self._limiter.test(item, "login", key):
                stats = await self._limiter.get_window_stats(item, "login", key)
                wait = max(1, int(stats.reset_time - datetime.now(UTC).timestamp()))
                raise TooManyAttempts(
                    _("Too many failed logins. Try again in %(minutes)d minutes or reset your password.")
                    % {"minutes": max(1, (wait + 59) // 60)},
                    retry_after_seconds=wait,
                )

    async def failed(self, email: str, ip_address: str) -> None:
        await self._limiter.hit(self._per_address, "login", ip_address)
        await self._limiter.hit(self._per_account, "login", email)

    async def succeeded(self, email: str) -> None:
        await self._limiter.clear(self._per_account, "login", email)


def _sso_only_message() -> str:
    return _("Your company signs in only through its own sign-in page, not with a password.")


async def authenticate(email: str, password: str, ip_address: str, limiter: LoginLimiter) -> int:
    """The user id for a right email and password; raises Invalid or TooManyAttempts."""
    email = normalize_email(email)
    if not email or not password:
        raise Invalid({"email": _("Enter your email and password.")})
    await limiter.check(email, ip_address)
    if await sso_required(email):
        raise SsoRequired(_sso_only_message())
    user = await User.select(User.id, User.password_hash, User.is_active).where(User.email == email).first()
    if user is None or not verify_password(user["password_hash"], password):
        await limiter.failed(email, ip_address)
        raise Invalid({"password": _("Wrong email or password.")})
    # From the database, not the scope cache: the password decides on the rows as they are.
    companies = [_choice(row) for row in await _memberships_of(user["id"])] if user["is_active"] else []
    if not companies:
        raise Invalid({"email": _("This account is deactivated. Ask your company's administrator.")})
    if await sso_required(email, user["id"]):
        raise SsoRequired(_sso_only_message())
    await limiter.succeeded(email)
    await User.update({User.last_login_at: datetime.now(UTC)}).where(User.id == user["id"])
    await audit.record(
        "user.login",
        actor_id=user["id"],
        # With several companies the choice that follows is logged in the chosen one.
        company_id=companies[0].company_id if len(companies) == 1 else None,
        object_type="user",
        object_id=user["id"],
        ip_address=ip_address,
    )
    return int(user["id"])


@dataclass(frozen=True)
class CompanyChoice:
    company_id: int
    membership_id: int
    name: str
    kind: str
    currency: str
    roles: tuple[str, ...]


def _memberships_of(user_id: int) -> Select:
    """The user's active memberships with their companies and the user's own fields, in one
    query: it runs on every request, so the scope costs one round trip."""
    return (
        Membership.select(
            Membership.company.id.as_alias("company_id"),
            Membership.company.name.as_alias("name"),
            Membership.company.kind.as_alias("kind"),
            Membership.company.currency.as_alias("currency"),
            Membership.roles,
            Membership.id.as_alias("membership_id"),
            Membership.user.email.as_alias("email"),
            Membership.user.name.as_alias("user_name"),
            Membership.user.locale.as_alias("locale"),
        )
        .where(
            (Membership.user == user_id) & Membership.is_active.eq(True) & (Membership.user.is_active == True)  # noqa: E712 - Piccolo turns == into SQL
        )
        .order_by(Membership.company.name)
    )


def _choice(row: dict[str, Any]) -> CompanyChoice:
    return CompanyChoice(
        company_id=row["company_id"],
        membership_id=row["membership_id"],
        name=row["name"],
        kind=row["kind"],
        currency=row["currency"],
        roles=tuple(row["roles"]),
    )


async def active_companies(user_id: int) -> list[CompanyChoice]:
    """From the scope cache: the login that lists them also caches the first page's scope."""
    return [_choice(row) for row in await _cached_memberships(user_id)]


async def load_scope(user_id: int, company_id: int | None, ip_address: str) -> Scope | None:
    """The scope for a session, or None once the user is gone, deactivated or in no company.
    Straight from the database: for work outside requests (recurring orders, the demo)."""
    return _scope_from(user_id, await _membership_rows(user_id), company_id, ip_address)


async def load_cached_scope(
    user_id: int, company_id: int | None, ip_address: str, *, only_company: bool = False
) -> Scope | None:
    """`load_scope` for a request: the rows come from the scope cache when this process has one,
    so a logged-in request sends no SQL for its scope; writes that change them `forget_scope`.
    `only_company`: the session knows of no other membership (single sign-on started it)."""
    rows = await _cached_memberships(user_id)
    if only_company:
        rows = [row for row in rows if row["company_id"] == company_id]
    return _scope_from(user_id, rows, company_id, ip_address)


async def _cached_memberships(user_id: int) -> list[dict[str, Any]]:
    cache = scope_cache()
    return await (cache.memberships(user_id, _membership_rows) if cache is not None else _membership_rows(user_id))


async def _membership_rows(user_id: int) -> list[dict[str, Any]]:
    return list(await _memberships_of(user_id))


def _scope_from(user_id: int, rows: list[dict[str, Any]], company_id: int | None, ip_address: str) -> Scope | None:
    if not rows:
        return None
    user = rows[0]
    base = {"user_id": user_id, "email": user["email"], "name": user["user_name"], "locale": user["locale"]}
    chosen = next((_choice(row) for row in rows if row["company_id"] == company_id), None)
    if chosen is None:
        return Scope(**base, ip_address=ip_address, company_count=len(rows))
    return Scope(
        **base,
        company_id=chosen.company_id,
        company_name=chosen.name,
        company_kind=chosen.kind,
        currency=chosen.currency,
        membership_id=chosen.membership_id,
        roles=frozenset(Role(r) for r in chosen.roles),
        ip_address=ip_address,
        company_count=len(rows),
    )


async def choose_company(user_id: int, company_id: int) -> CompanyChoice:
    """The company the user asked for, if they are an active member; NotFound otherwise."""
    for company in await active_companies(user_id):
        if company.company_id == company_id:
            return company
    raise NotFound(_("No such company."))


async def save_locale(user_id: int, locale: str) -> None:
    """The language a user chose, kept for their next visits and their emails."""
    await User.update({User.locale: locale}).where(User.id == user_id)
    await forget_scope(user_id)
