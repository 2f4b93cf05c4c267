"""A customer's order address: its administrator sets it on the company page, a wrong address is
refused with a message and changes nothing, and others may not touch it."""

from __future__ import annotations

import httpx

from portal.accounts.roles import Role
from portal.accounts.tables import AuditEntry, Company
from tests.factories import csrf_token, log_in, make_company, make_person

HTMX = {"HX-Request": "true"}


async def _order_email(company: int) -> str:
    row = await Company.select(Company.order_email).where(Company.id == company).first()
    assert row is not None
    return str(row["order_email"])


async def test_the_administrator_sets_and_clears_the_order_address(client: httpx.AsyncClient) -> None:
    company = await make_company()
    admin = await make_person(company, Role.COMPANY_ADMIN)
    await log_in(client, admin.email)
    token = csrf_token((await client.get("/company")).text)

    saved = await client.post(
        "/company/order-email", data={"order_email": " Zakupy@Budmax.example ", "_csrf_token": token}
    )

    assert saved.status_code == 303
    assert await _order_email(company) == "zakupy@budmax.example"
    page = await client.get("/company")
    assert 'value="zakupy@budmax.example"' in page.text
    assert "Order confirmations also go to zakupy@budmax.example." in page.text
    audit = (
        await AuditEntry.select(AuditEntry.action, AuditEntry.details)
        .where(AuditEntry.action == "company.order_email_changed")
        .output(load_json=True)
    )
    assert audit == [
        {"action": "company.order_email_changed", "details": {"before": "", "after": "zakupy@budmax.example"}}
    ]

    await client.post("/company/order-email", data={"order_email": "", "_csrf_token": token})
    assert await _order_email(company) == ""


async def test_a_wrong_address_is_refused_and_changes_nothing(client: httpx.AsyncClient) -> None:
    company = await make_company()
    await Company.update({Company.order_email: "zakupy@budmax.example"}).where(Company.id == company)
    admin = await make_person(company, Role.COMPANY_ADMIN)
    await log_in(client, admin.email)
    token = csrf_token((await client.get("/company")).text)

    for headers in ({}, HTMX):
        refused = await client.post(
            "/company/order-email", data={"order_email": "zakupy at budmax", "_csrf_token": token}, headers=headers
        )
        assert refused.status_code == 422
        assert "Enter a valid email address" in refused.text and 'value="zakupy at budmax"' in refused.text

    assert await _order_email(company) == "zakupy@budmax.example"


async def test_only_the_administrator_may_change_it(client: httpx.AsyncClient) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await log_in(client, buyer.email)
    page = await client.get("/company")
    assert 'name="order_email"' not in page.text

    refused = await client.post(
        "/company/order-email", data={"order_email": "x@budmax.example", "_csrf_token": csrf_token(page.text)}
    )

    assert refused.status_code == 403
    assert await _order_email(company) == ""
