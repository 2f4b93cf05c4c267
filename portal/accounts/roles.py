"""Roles and the permissions they grant: the one place where roles become permissions."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from portal.i18n import gettext as _


class Role(StrEnum):
    COMPANY_ADMIN = "company_admin"
    BUYER = "buyer"
    REQUESTER = "requester"
    APPROVER = "approver"
    FINANCE = "finance"
    VIEWER = "viewer"
    SALES_REP = "sales_rep"
    BACK_OFFICE = "back_office"
    SELLER_ADMIN = "seller_admin"


CUSTOMER_ROLES = (
    Role.COMPANY_ADMIN,
    Role.BUYER,
    Role.REQUESTER,
    Role.APPROVER,
    Role.FINANCE,
    Role.VIEWER,
)
SELLER_ROLES = (Role.SALES_REP, Role.BACK_OFFICE, Role.SELLER_ADMIN)


class Permission(StrEnum):
    CATALOG_VIEW = "catalog.view"
    ORDER_VIEW = "order.view"
    # Fill the own cart: buyers who place orders and requesters who submit them for approval.
    CART_EDIT = "cart.edit"
    ORDER_PLACE = "order.place"
    ORDER_SUBMIT_FOR_APPROVAL = "order.submit_for_approval"
    ORDER_APPROVE = "order.approve"
    QUOTE_REQUEST = "quote.request"
    INVOICE_READ = "invoice.read"
    USERS_MANAGE = "users.manage"
    AUDIT_READ = "audit.read"
    CUSTOMERS_VIEW = "customers.view"
    CUSTOMERS_ALL = "customers.all"
    CUSTOMERS_IMPERSONATE = "customers.impersonate"
    QUOTE_ANSWER = "quote.answer"
    COMPLAINTS_MANAGE = "complaints.manage"


_P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({_P.CATALOG_VIEW, _P.ORDER_VIEW}),
    Role.REQUESTER: frozenset({_P.CATALOG_VIEW, _P.ORDER_VIEW, _P.CART_EDIT, _P.ORDER_SUBMIT_FOR_APPROVAL}),
    Role.BUYER: frozenset({_P.CATALOG_VIEW, _P.ORDER_VIEW, _P.CART_EDIT, _P.ORDER_PLACE, _P.QUOTE_REQUEST}),
    Role.APPROVER: frozenset({_P.CATALOG_VIEW, _P.ORDER_VIEW, _P.ORDER_APPROVE}),
    Role.FINANCE: frozenset({_P.ORDER_VIEW, _P.INVOICE_READ}),
    Role.COMPANY_ADMIN: frozenset({_P.CATALOG_VIEW, _P.ORDER_VIEW, _P.INVOICE_READ, _P.USERS_MANAGE, _P.AUDIT_READ}),
    Role.SALES_REP: frozenset({_P.CUSTOMERS_VIEW, _P.CUSTOMERS_IMPERSONATE, _P.QUOTE_ANSWER, _P.CATALOG_VIEW}),
    Role.BACK_OFFICE: frozenset(
        {_P.CUSTOMERS_VIEW, _P.CUSTOMERS_ALL, _P.COMPLAINTS_MANAGE, _P.AUDIT_READ, _P.CATALOG_VIEW}
    ),
    Role.SELLER_ADMIN: frozenset(
        {_P.CUSTOMERS_VIEW, _P.CUSTOMERS_ALL, _P.USERS_MANAGE, _P.AUDIT_READ, _P.CATALOG_VIEW}
    ),
}


def permissions_for(roles: Iterable[Role | str]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS[Role(role)]
    return frozenset(granted)


def roles_for_company_kind(kind: str) -> tuple[Role, ...]:
    return SELLER_ROLES if kind == "seller" else CUSTOMER_ROLES


def role_label(role: Role | str) -> str:
    labels = {
        Role.COMPANY_ADMIN: _("Company administrator"),
        Role.BUYER: _("Buyer"),
        Role.REQUESTER: _("Requester"),
        Role.APPROVER: _("Approver"),
        Role.FINANCE: _("Finance"),
        Role.VIEWER: _("Viewer"),
        Role.SALES_REP: _("Sales rep"),
        Role.BACK_OFFICE: _("Back office"),
        Role.SELLER_ADMIN: _("Seller administrator"),
    }
    return labels[Role(role)]
