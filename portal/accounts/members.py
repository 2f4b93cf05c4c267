"""A company's people: colleagues, their roles and spending limits, invitations, deactivation.
A company always keeps at least one active administrator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from email_validator import EmailNotValidError, validate_email
from piccolo.query.methods.select import Select

from portal import clock
from portal.accounts import audit
from portal.accounts.activity import LoginMethod, signal_login
from portal.accounts.login import normalize_email
from portal.accounts.passwords import check_new_password, hash_password, verify_password
from portal.accounts.roles import Permission, Role, roles_for_company_kind
from portal.accounts.scope import Scope
from portal.accounts.scope_cache import forget_scope
from portal.accounts.session_ends import end_sessions
from portal.accounts.sso import connection_for_email, email_domain
from portal.accounts.tables import Company, CompanyKind, Invitation, Membership, User
from portal.accounts.tokens import LinkSigner
from portal.database import after_commit, lock_rows_for_decision, write_transaction
from portal.errors import Conflict, Invalid, NotAllowed, NotFound
from portal.i18n import DEFAULT_LOCALE, money_from_minor, money_to_minor
from portal.i18n import gettext as _
from portal.mail import OutgoingMail, Postbox
from portal.web.forms import money

INVITATION_PURPOSE = "invitation"


def admin_role(company_kind: str) -> Role:
    return Role.SELLER_ADMIN if company_kind == "seller" else Role.COMPANY_ADMIN


def _require_manager(caller: Scope) -> None:
    if not caller.can(Permission.USERS_MANAGE) or caller.company_id is None:
        raise NotAllowed(_("Only your company's administrator manages users."))


@dataclass(frozen=True)
class MemberRow:
    membership_id: int
    user_id: int
    name: str
    email: str
    roles: tuple[str, ...]
    order_limit: Decimal | None
    monthly_limit: Decimal | None
    is_active: bool
    last_login_at: datetime | None


def _money_or_none(minor: int | None) -> Decimal | None:
    return None if minor is None else money_from_minor(minor)


def _member_query() -> Select:
    return Membership.select(
        Membership.id,
        Membership.user.id.as_alias("user_id"),
        Membership.user.name.as_alias("name"),
        Membership.user.email.as_alias("email"),
        Membership.roles,
        Membership.order_limit_minor,
        Membership.monthly_limit_minor,
        Membership.is_active,
        Membership.user.last_login_at.as_alias("last_login_at"),
    )


def _member_row(row: dict) -> MemberRow:
    return MemberRow(
        membership_id=row["id"],
        user_id=row["user_id"],
        name=row["name"],
        email=row["email"],
        roles=tuple(row["roles"]),
        order_limit=_money_or_none(row["order_limit_minor"]),
        monthly_limit=_money_or_none(row["monthly_limit_minor"]),
        is_active=row["is_active"],
        last_login_at=row["last_login_at"],
    )


async def list_members(caller: Scope) -> list[MemberRow]:
    _require_manager(caller)
    rows = await _member_query().where(Membership.company == caller.company_id).order_by(Membership.user.name)
    return [_member_row(row) for row in rows]


async def get_member(caller: Scope, membership_id: int) -> MemberRow:
    _require_manager(caller)
    row = (
        await _member_query()
        .where((Membership.id == membership_id) & (Membership.company == caller.company_id))
        .first()
    )
    if row is None:
        raise NotFound(_("No such user in your company."))
    return _member_row(row)


@dataclass(frozen=True)
class MemberTerms:
    """Roles and spending limits, as an administrator sets them for a colleague."""

    roles: tuple[Role, ...]
    order_limit: Decimal | None
    monthly_limit: Decimal | None


def parse_amount(raw: str, field: str, errors: dict[str, str]) -> Decimal | None:
    if not raw.strip():
        return None
    amount = money(raw)
    if amount is None:
        errors[field] = _("Enter an amount such as 5000 or 5000,00, or leave empty for no limit.")
        return None
    if amount < 0:
        errors[field] = _("Enter a positive amount with at most two decimal places.")
        return None
    return amount.quantize(Decimal("0.01"))


def parse_member_terms(company_kind: str, roles: list[str], order_limit: str, monthly_limit: str) -> MemberTerms:
    errors: dict[str, str] = {}
    allowed = roles_for_company_kind(company_kind)
    chosen = tuple(role for role in allowed if role.value in roles)
    if not chosen or len(chosen) != len(set(roles)):
        errors["roles"] = _("Choose at least one role from the list.")
    terms = MemberTerms(
        roles=chosen,
        order_limit=parse_amount(order_limit, "order_limit", errors),
        monthly_limit=parse_amount(monthly_limit, "monthly_limit", errors),
    )
    if errors:
        raise Invalid(errors)
    return terms


def _limit_minor(amount: Decimal | None) -> int | None:
    return None if amount is None else money_to_minor(amount)


async def _ensure_another_admin_remains(caller: Scope, membership_id: int) -> None:
    admin = admin_role(caller.company_kind).value
    rows = await lock_rows_for_decision(
        Membership.select(Membership.id, Membership.roles).where(
            (Membership.company == caller.company_id) & (Membership.is_active.eq(True))
        )
    )
    if not any(admin in row["roles"] for row in rows if row["id"] != membership_id):
        raise Conflict(_("The company needs at least one active administrator: appoint another one first."))


async def update_member(caller: Scope, membership_id: int, terms: MemberTerms) -> MemberRow:
    before = await get_member(caller, membership_id)
    admin = admin_role(caller.company_kind)
    async with write_transaction(Membership._meta.db):
        if admin.value in before.roles and admin not in terms.roles:
            await _ensure_another_admin_remains(caller, membership_id)
        await Membership.update(
            {
                Membership.roles: [role.value for role in terms.roles],
                Membership.order_limit_minor: _limit_minor(terms.order_limit),
                Membership.monthly_limit_minor: _limit_minor(terms.monthly_limit),
            }
        ).where((Membership.id == membership_id) & (Membership.company == caller.company_id))
        await audit.record(
            "member.updated",
            caller=caller,
            object_type="user",
            object_id=before.user_id,
            details={
                "email": before.email,
                "roles": {"from": list(before.roles), "to": [r.value for r in terms.roles]},
                "order_limit": {"from": _str(before.order_limit), "to": _str(terms.order_limit)},
                "monthly_limit": {"from": _str(before.monthly_limit), "to": _str(terms.monthly_limit)},
            },
        )
    # After the commit, so a concurrent request cannot cache the old roles again.
    await forget_scope(before.user_id)
    return await get_member(caller, membership_id)


def _str(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)


async def set_member_active(caller: Scope, membership_id: int, active: bool) -> MemberRow:
    member = await get_member(caller, membership_id)
    if not active and member.user_id == caller.user_id:
        raise Conflict(_("You cannot deactivate yourself."))
    async with write_transaction(Membership._meta.db):
        if not active and admin_role(caller.company_kind).value in member.roles:
            await _ensure_another_admin_remains(caller, membership_id)
        await Membership.update({Membership.is_active: active}).where(
            (Membership.id == membership_id) & (Membership.company == caller.company_id)
        )
        await audit.record(
            "member.activated" if active else "member.deactivated",
            caller=caller,
            object_type="user",
            object_id=member.user_id,
            details={"email": member.email},
        )
    await forget_scope(member.user_id)
    if not active:
        # Their open sessions and live streams end now, not at their next idle timeout.
        await end_sessions(member.user_id)
    return await get_member(caller, membership_id)


@dataclass(frozen=True)
class InvitationRow:
    id: int
    email: str
    roles: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    invited_by_name: str


async def pending_invitations(caller: Scope) -> list[InvitationRow]:
    _require_manager(caller)
    rows = await (
        Invitation.select(
            Invitation.id,
            Invitation.email,
            Invitation.roles,
            Invitation.created_at,
            Invitation.expires_at,
            Invitation.invited_by.name.as_alias("invited_by_name"),
        )
        .where(
            (Invitation.company == caller.company_id)
            & Invitation.accepted_at.is_null()
            & Invitation.revoked_at.is_null()
            & (Invitation.expires_at > clock.now())
        )
        .order_by(Invitation.created_at, ascending=False)
    )
    return [
        InvitationRow(**{**row, "roles": tuple(row["roles"]), "invited_by_name": row["invited_by_name"] or ""})
        for row in rows
    ]


def parse_email(raw: str, field: str = "email") -> str:
    try:
        return normalize_email(validate_email(raw.strip(), check_deliverability=False).normalized)
    except EmailNotValidError as error:
        raise Invalid({field: _("Enter a valid email address, e.g. name@company.pl.")}) from error


async def invite(caller: Scope, email: str, terms: MemberTerms, signer: LinkSigner, postbox: Postbox) -> OutgoingMail:
    _require_manager(caller)
    already = await Membership.exists().where(
        (Membership.company == caller.company_id) & (Membership.user.email == email)
    )
    if already:
        raise Invalid({"email": _("%(email)s already belongs to your company.") % {"email": email}})
    expires_at = clock.now() + timedelta(seconds=signer.max_age_seconds)
    async with Invitation._meta.db.transaction():
        rows = await Invitation.insert(
            Invitation(
                company=caller.company_id,
                email=email,
                roles=[role.value for role in terms.roles],
                order_limit_minor=_limit_minor(terms.order_limit),
                monthly_limit_minor=_limit_minor(terms.monthly_limit),
                invited_by=caller.user_id,
                expires_at=expires_at,
            )
        ).returning(Invitation.id)
        invitation_id = rows[0]["id"]
        await audit.record(
            "member.invited",
            caller=caller,
            object_type="invitation",
            object_id=invitation_id,
            details={"email": email, "roles": [role.value for role in terms.roles]},
        )
    return _invitation_mail(
        invitation_id, email, caller.locale, caller.name, caller.company_name, expires_at, signer, postbox
    )


def _invitation_mail(
    invitation_id: int,
    email: str,
    locale: str,
    inviter: str,
    company: str,
    expires_at: datetime,
    signer: LinkSigner,
    postbox: Postbox,
) -> OutgoingMail:
    token = signer.sign(INVITATION_PURPOSE, invitation_id)
    return postbox.compose(
        "invitation",
        to=email,
        locale=locale,
        inviter=inviter,
        company=company,
        link=postbox.link(f"/invitations/{token}"),
        expires_at=expires_at,
    )


async def revoke_invitation(caller: Scope, invitation_id: int) -> None:
    _require_manager(caller)
    updated = (
        await Invitation.update({Invitation.revoked_at: clock.now()})
        .where(
            (Invitation.id == invitation_id)
            & (Invitation.company == caller.company_id)
            & Invitation.accepted_at.is_null()
            & Invitation.revoked_at.is_null()
        )
        .returning(Invitation.email)
    )
    if not updated:
        raise NotFound(_("No such pending invitation."))
    await audit.record(
        "member.invitation_revoked",
        caller=caller,
        object_type="invitation",
        object_id=invitation_id,
        details={"email": updated[0]["email"]},
    )


@dataclass(frozen=True)
class InvitationView:
    id: int
    email: str
    company_name: str
    has_account: bool
    # The name the seller's ERP gave, offered in the form; empty for invitations made in the portal.
    name: str = ""


async def open_invitation(token: str, signer: LinkSigner) -> InvitationView:
    """What the emailed link shows; reading it changes nothing."""
    invitation_id = signer.unsign(INVITATION_PURPOSE, token)
    row = (
        await Invitation.select(
            Invitation.id,
            Invitation.email,
            Invitation.name,
            Invitation.company.name.as_alias("company_name"),
            Invitation.accepted_at,
            Invitation.revoked_at,
            Invitation.expires_at,
        )
        .where(Invitation.id == invitation_id)
        .first()
    )
    if row is None or row["revoked_at"] is not None or row["expires_at"] <= clock.now():
        raise NotFound(_("This invitation is no longer valid. Ask your administrator for a new one."))
    if row["accepted_at"] is not None:
        raise NotFound(_("This invitation has already been used. Log in with your email and password."))
    has_account = await User.exists().where(User.email == row["email"])
    return InvitationView(
        id=row["id"], email=row["email"], company_name=row["company_name"], has_account=has_account, name=row["name"]
    )


async def accept_invitation(
    token: str,
    signer: LinkSigner,
    name: str,
    password: str,
    confirmation: str,
    ip_address: str,
    locale: str,
) -> int:
    """Joins the company (creating the account, in the language the page was shown in, when
    new); the user id to log in as."""
    view = await open_invitation(token, signer)
    async with Invitation._meta.db.transaction():
        # Marking it used first, conditionally, makes a second click (or a second tab) a no-op.
        claimed = (
            await Invitation.update({Invitation.accepted_at: clock.now()})
            .where((Invitation.id == view.id) & Invitation.accepted_at.is_null())
            .returning(
                Invitation.company, Invitation.roles, Invitation.order_limit_minor, Invitation.monthly_limit_minor
            )
        )
        if not claimed:
            raise NotFound(_("This invitation has already been used. Log in with your email and password."))
        invitation = claimed[0]
        user = await User.select(User.id, User.password_hash).where(User.email == view.email).first()
        if user is not None:
            if not await verify_password(user["password_hash"], password):
                raise Invalid({"password": _("Enter the password of your existing account.")})
            user_id = int(user["id"])
        else:
            if not name.strip():
                raise Invalid({"name": _("Enter your name.")})
            check_new_password(password, confirmation)
            password_hash = await hash_password(password)
            created = await User.insert(
                User(email=view.email, name=name.strip(), locale=locale, password_hash=password_hash)
            ).returning(User.id)
            user_id = int(created[0]["id"])
        await Membership.insert(
            Membership(
                user=user_id,
                company=invitation["company"],
                roles=invitation["roles"],
                order_limit_minor=invitation["order_limit_minor"],
                monthly_limit_minor=invitation["monthly_limit_minor"],
            )
        )
        await audit.record(
            "member.joined",
            actor_id=user_id,
            company_id=invitation["company"],
            object_type="user",
            object_id=user_id,
            details={"email": view.email, "roles": invitation["roles"]},
            ip_address=ip_address,
        )
        # The acceptance logs the person in: straight into this company when it is their only
        # one (with several, the choice that follows is signalled, as after any login).
        if await Membership.count().where((Membership.user == user_id) & Membership.is_active.eq(True)) == 1:
            await signal_login(user_id, invitation["company"], LoginMethod.PASSWORD)
    await forget_scope(user_id)
    return user_id


async def my_terms(caller: Scope) -> MemberRow:
    """The caller's own roles and spending limits."""
    row = await _member_query().where(Membership.id == caller.membership_id).first()
    if row is None:
        raise NotFound(_("No such user in your company."))
    return _member_row(row)


async def team_limits(caller: Scope) -> list[MemberRow]:
    """For an approver: who in the company orders, and up to which limits without approval."""
    if not caller.can(Permission.ORDER_APPROVE):
        raise NotAllowed(_("Only approvers see the team's limits."))
    rows = (
        await _member_query()
        .where((Membership.company == caller.company_id) & Membership.is_active.eq(True))
        .order_by(Membership.user.name)
    )
    ordering = {Role.BUYER.value, Role.REQUESTER.value}
    return [_member_row(row) for row in rows if ordering & set(row["roles"])]


# --- Administrators the seller's ERP names -------------------------------------------------------


async def appoint_administrator(company_id: int, email: str, name: str, locale: str) -> bool:
    """Makes the person an administrator of the customer, as the seller's ERP says, inside the
    caller's transaction. A member of the company gains the role (no mail: they have access
    already); anyone else, someone of another company too, gets an invitation to this company
    only, mailed by the `send_due_invitations` job once that transaction has committed, so an
    invitation rolled back is never mailed.

    Answers True when this made them an administrator or invited them as one, False when they
    already were (a pending invitation takes the new name and language; a member's own name and
    language are theirs to keep). Invalid when they cannot be one: the company deactivated them,
    they are the seller's staff, or their domain signs in through another company's SSO."""
    email = parse_email(email)
    admin = Role.COMPANY_ADMIN.value
    user_id = await _user_id(email)
    membership = await _membership_for_decision(user_id, company_id)
    if membership is not None:
        if not membership["is_active"]:
            raise Invalid(
                {
                    "email": _(
                        "%(email)s was deactivated by the customer's administrator: they reactivate them in the portal."
                    )
                    % {"email": email}
                }
            )
        if admin in membership["roles"]:
            return False
        assert user_id is not None
        await _change_roles(company_id, user_id, membership, [*membership["roles"], admin])
        return True
    await _check_invitable(company_id, email, user_id)
    pending = await _pending_invitations_of(company_id, email)
    if pending:
        invitation = pending[0]
        await Invitation.update(
            {Invitation.roles: sorted({*invitation["roles"], admin}), Invitation.name: name, Invitation.locale: locale}
        ).where(Invitation.id == invitation["id"])
        return admin not in invitation["roles"]
    rows = await Invitation.insert(
        Invitation(
            company=company_id,
            email=email,
            roles=[admin],
            name=name,
            locale=locale,
            mail_due=True,
            # The link's lifetime starts when its mail goes: `invitation_mails_due` sets it then.
            expires_at=clock.now(),
        )
    ).returning(Invitation.id)
    await audit.record(
        "member.invited",
        company_id=company_id,
        object_type="invitation",
        object_id=rows[0]["id"],
        details={"email": email, "roles": [admin], "by": "erp"},
    )
    return True


async def dismiss_administrator(company_id: int, email: str) -> bool:
    """The person is no longer an administrator of the customer, as the seller's ERP says:
    a pending invitation loses the role (revoked when no other role is left); a member loses it
    (deactivated, with their sessions ended, when no other role is left). False when they were
    neither. Conflict when members would be left without an administrator: the company could
    not manage its people any more."""
    email = normalize_email(email)
    admin = Role.COMPANY_ADMIN.value
    found = False
    for invitation in await _pending_invitations_of(company_id, email):
        if admin not in invitation["roles"]:
            continue
        found = True
        roles = [role for role in invitation["roles"] if role != admin]
        await Invitation.update(
            {Invitation.roles: roles} if roles else {Invitation.revoked_at: clock.now(), Invitation.mail_due: False}
        ).where(Invitation.id == invitation["id"])
    user_id = await _user_id(email)
    membership = await _membership_for_decision(user_id, company_id)
    if membership is None or not membership["is_active"] or admin not in membership["roles"]:
        return found
    assert user_id is not None
    roles = [role for role in membership["roles"] if role != admin]
    others = await lock_rows_for_decision(
        Membership.select(Membership.roles).where(
            (Membership.company == company_id) & Membership.is_active.eq(True) & (Membership.id != membership["id"])
        )
    )
    remaining = [row["roles"] for row in others] + ([roles] if roles else [])
    if remaining and not any(admin in member_roles for member_roles in remaining):
        raise Conflict(
            _("%(email)s is the customer's last administrator: name another one before removing them.")
            % {"email": email}
        )
    await _change_roles(company_id, user_id, membership, roles)
    return True


async def invitation_mails_due(signer: LinkSigner, postbox: Postbox, inviter: str) -> list[OutgoingMail]:
    """The mails of invitations that wait for theirs (made by the ERP), composed in each invited
    person's language with `inviter` as who invites; from here those invitations count as mailed
    and their links' lifetime starts. The caller sends the mails."""
    async with write_transaction(Invitation._meta.db):
        due = await lock_rows_for_decision(
            Invitation.select(Invitation.id, Invitation.email, Invitation.locale, Invitation.company).where(
                Invitation.mail_due.eq(True) & Invitation.accepted_at.is_null() & Invitation.revoked_at.is_null()
            )
        )
        if not due:
            return []
        expires_at = clock.now() + timedelta(seconds=signer.max_age_seconds)
        await Invitation.update({Invitation.mail_due: False, Invitation.expires_at: expires_at}).where(
            Invitation.id.is_in([invitation["id"] for invitation in due])
        )
        company_ids = sorted({invitation["company"] for invitation in due})
        company_names = {
            row["id"]: row["name"]
            for row in await Company.select(Company.id, Company.name).where(Company.id.is_in(company_ids))
        }
    return [
        _invitation_mail(
            invitation["id"],
            invitation["email"],
            invitation["locale"] or DEFAULT_LOCALE,
            inviter,
            company_names[invitation["company"]],
            expires_at,
            signer,
            postbox,
        )
        for invitation in due
    ]


async def _user_id(email: str) -> int | None:
    user = await User.select(User.id).where(User.email == email).first()
    return None if user is None else int(user["id"])


async def _membership_for_decision(user_id: int | None, company_id: int) -> dict[str, Any] | None:
    if user_id is None:
        return None
    row: dict[str, Any] | None = await lock_rows_for_decision(
        Membership.select(Membership.id, Membership.roles, Membership.is_active).where(
            (Membership.user == user_id) & (Membership.company == company_id)
        )
    ).first()
    return row


async def _pending_invitations_of(company_id: int, email: str) -> list[dict[str, Any]]:
    """Invitations of this person to this company not yet used, revoked or expired (one whose
    mail is still due has not started to expire)."""
    return list(
        await Invitation.select(Invitation.id, Invitation.roles)
        .where(
            (Invitation.company == company_id)
            & (Invitation.email == email)
            & Invitation.accepted_at.is_null()
            & Invitation.revoked_at.is_null()
            & (Invitation.mail_due.eq(True) | (Invitation.expires_at > clock.now()))
        )
        .order_by(Invitation.id, ascending=False)
    )


async def _check_invitable(company_id: int, email: str, user_id: int | None) -> None:
    if user_id is not None and await Membership.exists().where(
        (Membership.user == user_id) & (Membership.company.kind == CompanyKind.SELLER)
    ):
        raise Invalid(
            {"email": _("%(email)s belongs to the seller's own staff, not to a customer.") % {"email": email}}
        )
    # A domain proven by a company's SSO is that company's: its claim was allowed only because no
    # other company's people use it, and its people sign in at that company's provider.
    connection = await connection_for_email(email)
    if connection is not None and connection.company_id != company_id:
        raise Invalid(
            {
                "email": _(
                    "People with addresses at %(domain)s sign in through another company's single sign-on, so they cannot be invited to this one."
                )
                % {"domain": email_domain(email)}
            }
        )


async def _change_roles(company_id: int, user_id: int, membership: dict[str, Any], roles: list[str]) -> None:
    """The ERP's change of a member's roles; no roles left deactivates the membership."""
    changes: dict[Any, Any] = {Membership.roles: roles}
    if not roles:
        changes[Membership.is_active] = False
    await Membership.update(changes).where(Membership.id == membership["id"])
    await audit.record(
        "member.updated" if roles else "member.deactivated",
        company_id=company_id,
        object_type="user",
        object_id=user_id,
        details={"roles": {"from": list(membership["roles"]), "to": roles}, "by": "erp"},
    )
    # After the commit, so a concurrent request cannot cache the old roles again.
    await after_commit(partial(forget_scope, user_id))
    if not roles:
        await after_commit(partial(end_sessions, user_id))


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    locale: str


async def seller_admins() -> list[Recipient]:
    """The seller's active administrators, to be told of what only they can put right (an
    integration the portal had to switch off)."""
    rows = await Membership.select(
        Membership.user.email.as_alias("email"),
        Membership.user.name.as_alias("name"),
        Membership.user.locale.as_alias("locale"),
        Membership.roles,
    ).where(
        (Membership.company.kind == CompanyKind.SELLER)
        & Membership.is_active.eq(True)
        & (Membership.user.is_active == True)  # noqa: E712 - Piccolo turns == into SQL
    )
    return [
        Recipient(row["email"], row["name"], row["locale"]) for row in rows if Role.SELLER_ADMIN.value in row["roles"]
    ]


async def set_order_email(caller: Scope, raw: str) -> str:
    """The company's address for copies of order confirmations (its purchasing mailbox), set by
    its administrator; empty removes it. Answers the address as kept."""
    if caller.is_seller or caller.company_id is None or not caller.can(Permission.USERS_MANAGE):
        raise NotAllowed(_("Only the company's administrator changes where order confirmations go."))
    email = parse_email(raw, "order_email") if raw.strip() else ""
    async with write_transaction(Company._meta.db):
        before = await Company.select(Company.order_email).where(Company.id == caller.company_id).first()
        assert before is not None
        await Company.update({Company.order_email: email}).where(Company.id == caller.company_id)
        await audit.record(
            "company.order_email_changed",
            caller=caller,
            object_type="company",
            object_id=caller.company_id,
            details={"before": before["order_email"], "after": email},
        )
    return email
