"""Signals of what customers' people do, for the seller's CRM through the outbox: each login."""

from __future__ import annotations

from enum import StrEnum

from portal import clock
from portal.accounts.tables import Company, CompanyKind
from portal.integration.outbox import emit


class LoginMethod(StrEnum):
    PASSWORD = "password"
    SSO = "sso"


async def signal_login(user_id: int, company_id: int, method: LoginMethod) -> None:
    """`customer.logged_in` for a login into a customer company (the seller's own staff are no
    customer activity); call inside the login's transaction."""
    company = await Company.select(Company.kind, Company.code).where(Company.id == company_id).first()
    if company is None or company["kind"] != CompanyKind.CUSTOMER:
        return
    await emit(
        "customer.logged_in",
        company_id,
        {
            "user_id": user_id,
            "company_id": company_id,
            "company_code": company["code"],
            "at": clock.now().isoformat(),
            "method": method.value,
        },
    )
