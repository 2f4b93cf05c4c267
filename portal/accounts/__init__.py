"""Accounts: companies, users, memberships and roles, permissions, login, invitations, audit.

Other capabilities use what is exported here, never the tables' internals."""

from portal.accounts.companies import company_profile, customers_for
from portal.accounts.guards import requires
from portal.accounts.roles import Permission, Role
from portal.accounts.scope import Scope
from portal.accounts.scope_cache import forget_scope

__all__ = ["Permission", "Role", "Scope", "company_profile", "customers_for", "forget_scope", "requires"]
