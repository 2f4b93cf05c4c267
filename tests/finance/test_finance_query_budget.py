"""The finance pages send a fixed number of SQL statements, however many documents there are."""

from __future__ import annotations

from datetime import timedelta

import httpx

from portal import clock
from portal.accounts.roles import Role
from portal.clock import today
from tests.factories import log_in, make_company, make_person
from tests.finance.documents import make_invoice, pay
from tests.query_counter import count_queries


async def _statements(client: httpx.AsyncClient, path: str) -> int:
    with count_queries() as queries:
        response = await client.get(path)
    assert response.status_code == 200
    return queries.count


async def _documents(company: int, count: int) -> None:
    for number in range(count):
        invoice = await make_invoice(
            company, "100.00", issued_on=today() - timedelta(days=20 * number), due_on=today() - timedelta(days=number)
        )
        await pay(company, clock.today() - timedelta(days=number), (invoice, "10.00"))


async def test_finance_pages_do_not_query_per_document(client: httpx.AsyncClient) -> None:
    company = await make_company()
    person = await make_person(company, Role.FINANCE)
    await log_in(client, person.email)
    await _documents(company, 2)
    few = {path: await _statements(client, path) for path in ("/finance", "/invoices", "/invoices/export.csv")}
    await _documents(company, 12)
    many = {path: await _statements(client, path) for path in few}
    assert many == few
