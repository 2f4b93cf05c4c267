"""Forgotten passwords: a signed, single-use, expiring emailed link to set a new one."""

from __future__ import annotations

from datetime import timedelta

from portal import clock
from portal.accounts import audit
from portal.accounts.login import normalize_email
from portal.accounts.passwords import check_new_password, hash_password
from portal.accounts.session_ends import end_sessions
from portal.accounts.sso import SsoRequired, sso_required
from portal.accounts.tables import PasswordReset, User
from portal.accounts.tokens import LinkSigner
from portal.errors import NotFound
from portal.i18n import gettext as _
from portal.jobs import deliver_or_queue
from portal.mail import OutgoingMail, Postbox

RESET_PURPOSE = "password-reset"
RESET_VALID_FOR = timedelta(hours=2)


async def send_reset_link(email: str, signer: LinkSigner, postbox: Postbox) -> None:
    """Runs after the answer has gone, for every request let through, whether or not the email
    has an account: the request itself does the same work either way, so neither its answer
    nor its timing tells who has an account."""
    mail = await request_password_reset(email, signer, postbox)
    if mail is not None:
        await deliver_or_queue(postbox, [mail])


async def request_password_reset(email: str, signer: LinkSigner, postbox: Postbox) -> OutgoingMail | None:
    """A message for an active account; None otherwise. The page says the same either way,
    so the form does not reveal who has an account."""
    user = (
        await User.select(User.id, User.email, User.name, User.locale)
        .where((User.email == normalize_email(email)) & User.is_active.eq(True))
        .first()
    )
    # A company that requires single sign-on has no passwords to reset.
    if user is None or await sso_required(user["email"], user["id"]):
        return None
    expires_at = clock.now() + RESET_VALID_FOR
    rows = await PasswordReset.insert(PasswordReset(user=user["id"], expires_at=expires_at)).returning(PasswordReset.id)
    token = signer.sign(RESET_PURPOSE, rows[0]["id"])
    return postbox.compose(
        "password_reset",
        to=user["email"],
        locale=user["locale"],
        name=user["name"],
        link=postbox.link(f"/password/reset/{token}"),
        expires_at=expires_at,
    )


async def open_reset(token: str, signer: LinkSigner) -> str:
    """The email the link resets; opening the link changes nothing."""
    reset_id = signer.unsign(RESET_PURPOSE, token)
    row = (
        await PasswordReset.select(
            PasswordReset.used_at, PasswordReset.expires_at, PasswordReset.user.email.as_alias("email")
        )
        .where(PasswordReset.id == reset_id)
        .first()
    )
    if row is None or row["used_at"] is not None or row["expires_at"] <= clock.now():
        raise NotFound(_("This link is invalid or has expired. Ask for a new one."))
    return str(row["email"])


async def reset_password(token: str, signer: LinkSigner, password: str, confirmation: str, ip_address: str) -> str:
    await open_reset(token, signer)
    check_new_password(password, confirmation)
    reset_id = signer.unsign(RESET_PURPOSE, token)
    # Hashed before the transaction, so no rows stay locked while argon2 works.
    password_hash = await hash_password(password)
    async with PasswordReset._meta.db.transaction():
        claimed = (
            await PasswordReset.update({PasswordReset.used_at: clock.now()})
            .where((PasswordReset.id == reset_id) & PasswordReset.used_at.is_null())
            .returning(PasswordReset.user)
        )
        if not claimed:
            raise NotFound(_("This link is invalid or has expired. Ask for a new one."))
        user_id = claimed[0]["user"]
        owner = await User.select(User.email).where(User.id == user_id).first()
        if owner is not None and await sso_required(owner["email"], user_id):
            raise SsoRequired(_("Your company signs in only through its own sign-in page, not with a password."))
        await User.update({User.password_hash: password_hash}).where(User.id == user_id)
        # Every other outstanding link for this account dies with the password it was for.
        await PasswordReset.update({PasswordReset.used_at: clock.now()}).where(
            (PasswordReset.user == user_id) & PasswordReset.used_at.is_null()
        )
        await audit.record(
            "user.password_reset", actor_id=user_id, object_type="user", object_id=user_id, ip_address=ip_address
        )
    # Whoever knew the old password (or holds a session opened with it) is out.
    await end_sessions(user_id)
    email = await User.select(User.email).where(User.id == user_id).first()
    assert email is not None
    return str(email["email"])
