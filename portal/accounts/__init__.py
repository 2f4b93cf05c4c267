"""Accounts: companies, users, memberships and roles, permissions, login, invitations, audit.

Other capabilities use what is exported here, never the tables' internals."""

from portal.accounts.companies import company_profile, customers_for
from portal.accounts.customer_scope import (
    SeenCustomers,
    customers_seen_by,
    is_seller_admin,
    seen_customers,
    sees_customer,
)
from portal.accounts.guards import requires
from portal.accounts.roles import Permission, Role
from portal.accounts.scope import Scope
from portal.accounts.scope_cache import forget_scope

__all__ = [
    "Permission",
    "Role",
    "Scope",
    "SeenCustomers",
    "company_profile",
    "customers_for",
    "customers_seen_by",
    "forget_scope",
    "is_seller_admin",
    "requires",
    "seen_customers",
    "sees_customer",
]
