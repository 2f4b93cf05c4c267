"""The finance pages as a finance person sees them, and who may not see them."""

from __future__ import annotations

from datetime import timedelta

import httpx

from portal.accounts.roles import Role
from portal.clock import today
from portal.finance.tables import DocumentKind
from tests.factories import log_in, make_company, make_person
from tests.finance.documents import make_invoice


async def _finance_person(client: httpx.AsyncClient) -> int:
    company = await make_company()
    person = await make_person(company, Role.FINANCE)
    await log_in(client, person.email)
    return company


async def test_the_finance_home_shows_balance_overdue_and_aging(client: httpx.AsyncClient) -> None:
    company = await _finance_person(client)
    await make_invoice(company, "1000.00", number="FV/LATE/1", due_on=today() - timedelta(days=40))
    await make_invoice(company, "250.00", number="FV/SOON/1", due_on=today() + timedelta(days=3))
    await make_invoice(company, "-100.00", number="KOR/1", kind=DocumentKind.CREDIT_NOTE, due_on=today())
    response = await client.get("/finance")
    assert response.status_code == 200
    assert "PLN1,150.00" in response.text  # open balance
    assert "PLN1,000.00" in response.text  # overdue, 31–60 days
    assert "FV/SOON/1" in response.text  # next due
    assert "<svg" in response.text and 'id="months"' in response.text
    assert 'href="/finance"' in response.text
    assert 'action="/finance/statement.pdf"' in response.text


async def test_a_buyer_without_invoice_read_is_refused(client: httpx.AsyncClient) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await log_in(client, buyer.email)
    assert (await client.get("/finance")).status_code == 403
    assert 'href="/finance"' not in (await client.get("/")).text


async def test_the_finance_home_in_polish(client: httpx.AsyncClient) -> None:
    person = await make_person(await make_company(), Role.FINANCE, locale="pl")
    await log_in(client, person.email)
    response = await client.get("/finance")
    assert "Saldo otwarte" in response.text
    assert "Przeterminowane" in response.text
