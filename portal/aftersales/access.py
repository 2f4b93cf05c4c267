"""Who may change what after the order. Who sees it is `portal.accounts.customer_scope`'s
`customers_seen_by`, the condition every after-sales query starts from."""

from __future__ import annotations

from portal.accounts.roles import Permission
from portal.accounts.scope import Scope
from portal.errors import NotAllowed
from portal.i18n import gettext as _


def require_back_office(caller: Scope) -> None:
    """After the object was found for the caller, so a foreign id still answers 404 first."""
    if not caller.can(Permission.COMPLAINTS_MANAGE):
        raise NotAllowed(_("Only the seller's back office may do this."))
