"""Local login with rate limits, the companies a user may act for, and the caller's scope."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from piccolo.query.methods.select import Select

from portal import clock
from portal.accounts import audit
from portal.accounts.activity import LoginMethod, signal_login
from portal.accounts.passwords import verify_password
from portal.accounts.roles import Role
from portal.accounts.scope import Scope
from portal.accounts.scope_cache import forget_scope, scope_cache
from portal.accounts.sso import SsoRequired, sso_required
from portal.accounts.tables import Membership, User
from portal.config import Settings
from portal.database import write_transaction
from portal.errors import Invalid, NotFound, TooManyAttempts
from portal.i18n import gettext as _
from portal.throttle import Counted, Rule, Throttle


def normalize_email(raw: str) -> str:
    return raw.strip().lower()


# An address an account signed in from is spared the account's own bound for this long.
KNOWN_ADDRESS_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class LoginAttempt:
    """One counted attempt: the counters it was taken under, given back when it succeeds."""

    email: str
    ip_address: str
    counted: Counted


def wait_message(wait_seconds: float) -> TooManyAttempts:
    wait = max(1, math.ceil(wait_seconds))
    if wait < 60:
        message = _("Too many failed logins. Wait %(seconds)d s and try again, or reset your password.") % {
            "seconds": wait
        }
    else:
        message = _("Too many failed logins. Try again in %(minutes)d minutes or reset your password.") % {
            "minutes": (wait + 59) // 60
        }
    return TooManyAttempts(message, retry_after_seconds=wait)


class LoginLimiter:
    """Slows password guessing without locking the owner out. Every attempt is counted before
    its password is checked (so parallel guesses cannot all pass), under three counters that
    each let a few through and then make every next attempt wait twice as long as the last:

    - the account from this address (tight): one guesser at one account;
    - the account from any address it has not signed in from before (looser): a guesser
      spreading over many addresses; the owner's own addresses are spared, so guessing
      elsewhere never holds the owner up;
    - the address across accounts (loosest): one address trying many accounts, yet an office
      behind one address keeps working.

    The right password gives its attempt back and clears its account-and-address counter.
    Password-reset requests are counted here too, per account and per address."""

    def __init__(self, throttle: Throttle, settings: Settings) -> None:
        self._throttle = throttle

        def backoff(name: str, free: int) -> Rule:
            return Rule(
                name,
                free,
                settings.login_delay_seconds,
                settings.login_max_delay_seconds,
                settings.login_window_seconds,
            )

        self._pair = backoff("login-pair", settings.login_attempts_per_account_and_address)
        self._account = backoff("login-account", settings.login_attempts_per_account)
        self._address = backoff("login-address", settings.login_attempts_per_address)
        window = settings.password_reset_window_seconds
        # A few resets, then one per window: growing delays make no sense for an email.
        self._reset_account = Rule(
            "reset-account", settings.password_reset_requests_per_account, window, window, window
        )
        self._reset_address = Rule(
            "reset-address", settings.password_reset_requests_per_address, window, window, window
        )

    async def attempt(self, email: str, ip_address: str) -> LoginAttempt:
        """Counts a login attempt, or raises TooManyAttempts saying how long to wait."""
        counted: list[tuple[Rule, str]] = [(self._pair, f"{email}|{ip_address}"), (self._address, ip_address)]
        if not await self._throttle.remembers("login-known", f"{email}|{ip_address}"):
            counted.append((self._account, email))
        wait = await self._throttle.hit(counted)
        if wait > 0:
            raise wait_message(wait)
        return LoginAttempt(email, ip_address, tuple(counted))

    async def succeeded(self, attempt: LoginAttempt) -> None:
        await self._throttle.refund([(rule, key) for rule, key in attempt.counted if rule is not self._pair])
        await self._throttle.forget(self._pair, f"{attempt.email}|{attempt.ip_address}")
        await self._throttle.remember("login-known", f"{attempt.email}|{attempt.ip_address}", KNOWN_ADDRESS_SECONDS)

    async def may_send_reset(self, email: str, ip_address: str) -> bool:
        """Whether another reset email may go out; counted whether or not the account exists,
        so the answer tells nothing about who has one."""
        return await self._throttle.hit([(self._reset_account, email), (self._reset_address, ip_address)]) == 0


def _sso_only_message() -> str:
    return _("Your company signs in only through its own sign-in page, not with a password.")


async def authenticate(email: str, password: str, ip_address: str, limiter: LoginLimiter) -> int:
    """The user id for a right email and password; raises Invalid or TooManyAttempts."""
    email = normalize_email(email)
    if not email or not password:
        raise Invalid({"email": _("Enter your email and password.")})
    if await sso_required(email):
        raise SsoRequired(_sso_only_message())
    attempt = await limiter.attempt(email, ip_address)
    user = await User.select(User.id, User.password_hash, User.is_active).where(User.email == email).first()
    # Checked for an unknown email too (against a dummy hash): the same work either way.
    if not await verify_password(user["password_hash"] if user else None, password) or user is None:
        raise Invalid({"password": _("Wrong email or password.")})
    # From the database, not the scope cache: the password decides on the rows as they are.
    companies = [_choice(row) for row in await _memberships_of(user["id"])] if user["is_active"] else []
    if not companies:
        raise Invalid({"email": _("This account is deactivated. Ask your company's administrator.")})
    if await sso_required(email, user["id"]):
        raise SsoRequired(_sso_only_message())
    await limiter.succeeded(attempt)
    # With several companies the choice that follows is logged, and signalled, in the chosen one.
    company_id = companies[0].company_id if len(companies) == 1 else None
    async with write_transaction(User._meta.db):
        await User.update({User.last_login_at: clock.now()}).where(User.id == user["id"])
        await audit.record(
            "user.login",
            actor_id=user["id"],
            company_id=company_id,
            object_type="user",
            object_id=user["id"],
            ip_address=ip_address,
        )
        if company_id is not None:
            await signal_login(user["id"], company_id, LoginMethod.PASSWORD)
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


async def enter_company(caller: Scope, chosen: CompanyChoice, *, first_after_login: bool) -> None:
    """The audit entry of a company chosen; the first choice after a password login (of a person
    in several companies) is that login's arrival in the company, signalled as such."""
    async with write_transaction(User._meta.db):
        await audit.record(
            "company.switched", actor_id=caller.user_id, company_id=chosen.company_id, ip_address=caller.ip_address
        )
        if first_after_login:
            await signal_login(caller.user_id, chosen.company_id, LoginMethod.PASSWORD)


async def save_locale(user_id: int, locale: str) -> None:
    """The language a user chose, kept for their next visits and their emails."""
    await User.update({User.locale: locale}).where(User.id == user_id)
    await forget_scope(user_id)
