"""Who sees what after the order: a customer's users see their company's shipments,
complaints, conversations and files; the seller's users see every customer's."""

from __future__ import annotations

from piccolo.columns import Column
from piccolo.custom_types import Combinable

from portal.accounts.roles import Permission
from portal.accounts.scope import Scope
from portal.errors import NotAllowed
from portal.i18n import gettext as _


def visible_to(caller: Scope, company_column: Column) -> Combinable:
    """The condition every after-sales query starts from."""
    if caller.is_seller:
        return company_column.is_not_null()
    return company_column == caller.company_id


def scoped_company(caller: Scope) -> int | None:
    """The company a lookup is limited to; None for the seller, who sees every customer."""
    return None if caller.is_seller else caller.company_id


def require_back_office(caller: Scope) -> None:
    """After the object was found for the caller, so a foreign id still answers 404 first."""
    if not caller.can(Permission.COMPLAINTS_MANAGE):
        raise NotAllowed(_("Only the seller's back office may do this."))
