"""Signed, expiring tokens for emailed links; single use is enforced by the row they name."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

from portal.errors import NotFound
from portal.i18n import gettext as _


class LinkSigner:
    def __init__(self, secret_key: str, max_age_seconds: int) -> None:
        self._secret_key = secret_key
        self.max_age_seconds = max_age_seconds

    def sign(self, purpose: str, row_id: int) -> str:
        return URLSafeTimedSerializer(self._secret_key, salt=purpose).dumps(row_id)

    def unsign(self, purpose: str, token: str) -> int:
        """The row id, or NotFound for a tampered, foreign or expired token."""
        try:
            row_id = URLSafeTimedSerializer(self._secret_key, salt=purpose).loads(token, max_age=self.max_age_seconds)
        except BadSignature as error:
            raise NotFound(_("This link is invalid or has expired.")) from error
        if not isinstance(row_id, int):
            raise NotFound(_("This link is invalid or has expired."))
        return row_id
