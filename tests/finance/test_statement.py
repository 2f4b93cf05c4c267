"""A statement of account: the opening balance, the period's documents and payments with the
running balance, and the closing balance; as a PDF for the company's finance people only."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import httpx
import pytest
from pypdf import PdfReader

from portal.accounts.roles import Role
from portal.errors import Invalid
from portal.finance.statement import statement, statement_range
from portal.finance.tables import DocumentKind, StoredPdf
from tests.factories import log_in, make_company, make_person
from tests.finance.documents import make_invoice, pay


async def _history(company: int) -> None:
    old = await make_invoice(company, "1000.00", issued_on=date(2026, 8, 1), number="FV/2026/08/0001")
    await pay(company, date(2026, 8, 20), (old, "600.00"))
    new = await make_invoice(company, "500.00", issued_on=date(2026, 10, 5), number="FV/2026/10/0007")
    await make_invoice(
        company, "-100.00", issued_on=date(2026, 10, 9), kind=DocumentKind.CREDIT_NOTE, number="KOR/2026/10/0001"
    )
    await pay(company, date(2026, 10, 20), (old, "400.00"), (new, "100.00"))


async def test_the_statement_runs_from_the_opening_to_the_closing_balance(db: None) -> None:
    company = await make_company()
    await _history(company)
    finance = await (await make_person(company, Role.FINANCE)).scope()

    account = await statement(finance, date(2026, 10, 1), date(2026, 10, 31))

    assert account.opening == Decimal("400.00")  # 1,000 invoiced − 600 paid before October
    assert [(e.reference, e.charge, e.credit, e.balance) for e in account.entries] == [
        ("FV/2026/10/0007", Decimal("500.00"), Decimal("0.00"), Decimal("900.00")),
        ("KOR/2026/10/0001", Decimal("0.00"), Decimal("100.00"), Decimal("800.00")),
        ("przelew", Decimal("0.00"), Decimal("500.00"), Decimal("300.00")),
    ]
    assert account.closing == Decimal("300.00")


def test_a_bad_range_says_what_is_wrong() -> None:
    today = date(2026, 11, 25)
    assert statement_range("", "", today) == (date(2026, 8, 27), today)
    for start, end in (("2026-12-01", "2026-11-01"), ("soon", ""), ("2020-01-01", "2026-01-01")):
        with pytest.raises(Invalid):
            statement_range(start, end, today)


async def test_the_statement_pdf_for_finance_people_only(client: httpx.AsyncClient) -> None:
    company = await make_company()
    await _history(company)
    finance = await make_person(company, Role.FINANCE)
    await log_in(client, finance.email)

    response = await client.get("/finance/statement.pdf", params={"from": "2026-10-01", "to": "2026-10-31"})

    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Opening balance" in text and "PLN400.00" in text and "PLN300.00" in text and "KOR/2026/10/0001" in text
    again = await client.get("/finance/statement.pdf", params={"from": "2026-10-01", "to": "2026-10-31"})
    assert again.content == response.content and await StoredPdf.count() == 1
    bad = await client.get("/finance/statement.pdf", params={"from": "2026-12-01", "to": "2026-11-01"})
    assert bad.status_code == 422

    client.cookies.clear()
    buyer = await make_person(company, Role.BUYER)
    await log_in(client, buyer.email)
    assert (await client.get("/finance/statement.pdf")).status_code == 403
