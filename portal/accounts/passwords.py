"""Password hashing with argon2 and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from portal.errors import Invalid
from portal.i18n import gettext as _

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10

# Verifying against this keeps the time of a login for an unknown email like a known one.
_UNKNOWN_USER_HASH = _hasher.hash("no such user; compared only to keep timing even")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _UNKNOWN_USER_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def check_new_password(password: str, confirmation: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid({field: _("Use at least %(n)d characters.") % {"n": MIN_PASSWORD_LENGTH}})
    if password != confirmation:
        raise Invalid({"password_confirmation": _("The two passwords differ.")})
