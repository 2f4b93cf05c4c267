"""The demo's finance: two years of documents consistent with their payments, sent by the demo's ERP
through the importer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal import clock
from portal.accounts.roles import Role
from portal.accounts.tables import Company
from portal.demo import seed_demo
from portal.demo_erp import seed_erp_finance
from portal.finance.balances import finance_overview
from portal.finance.credit import credit_status
from portal.finance.tables import CreditAccount, DocumentKind, Invoice, InvoiceLine, PaymentAllocation
from tests.factories import make_person

pytestmark = pytest.mark.usefixtures("db")


async def _company(nip: str) -> int:
    row = await Company.select(Company.id).where(Company.nip == nip).first()
    assert row is not None
    return row["id"]


async def test_the_demo_finance_is_consistent_and_seeded_once() -> None:
    await seed_demo()
    invoices = await Invoice.select()
    await seed_erp_finance()
    assert await Invoice.select() == invoices, "sent once"

    allocated: dict[int, Decimal] = {}
    for row in await PaymentAllocation.select(PaymentAllocation.invoice, PaymentAllocation.amount):
        allocated[row["invoice"]] = allocated.get(row["invoice"], Decimal(0)) + Decimal(str(row["amount"]))
    lines: dict[int, Decimal] = {}
    for row in await InvoiceLine.select(InvoiceLine.invoice, InvoiceLine.net_value):
        lines[row["invoice"]] = lines.get(row["invoice"], Decimal(0)) + Decimal(str(row["net_value"]))
    for invoice in invoices:
        gross, left = Decimal(str(invoice["gross_total"])), Decimal(str(invoice["outstanding"]))
        assert left == gross - allocated.get(invoice["id"], Decimal(0)), invoice["number"]
        assert lines[invoice["id"]] == Decimal(str(invoice["net_total"])), invoice["number"]
        expected = "paid" if left == 0 else "open" if left == gross else "partly_paid"
        assert invoice["status"] == expected, invoice["number"]
    kinds = {invoice["kind"] for invoice in invoices}
    assert kinds == {DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE}
    assert any(invoice["number"].startswith("KOR/") for invoice in invoices)
    assert any(invoice["order"] is not None for invoice in invoices)


async def test_budmax_has_overdue_invoices_and_elektroplus_is_near_its_limit() -> None:
    await seed_demo()
    today = clock.today()
    budmax = await make_person(await _company("6771004565"), Role.FINANCE)
    overview = await finance_overview(await budmax.scope(), today)
    assert overview.overdue_total > 0
    assert sum(bucket.amount for bucket in overview.aging) == overview.open_balance
    reported = await CreditAccount.select(CreditAccount.open_balance).where(
        CreditAccount.company == await _company("6771004565")
    )
    assert Decimal(str(reported[0]["open_balance"])) == overview.open_balance

    elektro = await make_person(await _company("7792007894"), Role.BUYER)
    status = await credit_status(await elektro.scope())
    assert status.open_balance == Decimal("57200.00")
    assert status.available is not None and Decimal(0) < status.available < Decimal("5000")
