"""Which customers a caller sees: the one rule every query, file, PDF and live channel asks.

A customer's user sees their own company. On the seller's side, back office and seller
administrators (`customers.all`) see every customer, a sales rep (`customers.view`) only the
companies whose `sales_rep` they are, and any other seller employee none. The rep's customers are
read by the query itself, never kept in the cached scope, so reassigning a company takes effect on
the very next request."""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.columns import Column
from piccolo.columns.combination import WhereRaw
from piccolo.custom_types import Combinable

from portal.accounts.roles import Permission
from portal.accounts.scope import Scope
from portal.accounts.tables import Company, CompanyKind


def sees_every_customer(caller: Scope) -> bool:
    return caller.is_seller and caller.can(Permission.CUSTOMERS_ALL)


def is_seller_admin(caller: Scope) -> bool:
    """The seller's administrator: sees every customer and manages people."""
    return sees_every_customer(caller) and caller.can(Permission.USERS_MANAGE)


def _is_rep(caller: Scope) -> bool:
    return caller.is_seller and caller.can(Permission.CUSTOMERS_VIEW)


def customers_seen_by(caller: Scope, company_column: Column) -> Combinable:
    """The condition on a column holding a customer's company id that keeps the rows the caller
    may see; every customer-data query a seller employee can reach starts from it."""
    if not caller.is_seller:
        if caller.company_id is None:
            return WhereRaw("1 = 0")
        return company_column == caller.company_id
    if sees_every_customer(caller):
        return company_column.is_not_null()
    if _is_rep(caller):
        return company_column.is_in(
            Company.select(Company.id).where(
                (Company.sales_rep == caller.user_id) & (Company.kind == CompanyKind.CUSTOMER)
            )
        )
    return WhereRaw("1 = 0")


async def sees_customer(caller: Scope, company_id: int) -> bool:
    """The same rule as a yes or no for one company."""
    return await Company.exists().where((Company.id == company_id) & customers_seen_by(caller, Company.id))


@dataclass(frozen=True)
class SeenCustomers:
    """What `customers_seen_by` keeps, as a set: every customer, or these ids (maybe none)."""

    every: bool
    ids: frozenset[int]


async def seen_customers(caller: Scope) -> SeenCustomers:
    if sees_every_customer(caller):
        return SeenCustomers(every=True, ids=frozenset())
    if not caller.is_seller:
        return SeenCustomers(every=False, ids=frozenset(() if caller.company_id is None else (caller.company_id,)))
    rows = await Company.select(Company.id).where(customers_seen_by(caller, Company.id)).output(as_list=True)
    return SeenCustomers(every=False, ids=frozenset(rows))
