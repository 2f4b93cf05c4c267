"""Open balance, credit left, overdue, aging and monthly flows on fixed dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.accounts.roles import Role
from portal.finance.balances import finance_overview
from portal.finance.credit import credit_status
from portal.finance.tables import CreditAccount, DocumentKind, Invoice
from portal.ordering.tables import Order, OrderStatus
from tests.factories import make_company, make_person
from tests.finance.documents import make_invoice, pay

pytestmark = pytest.mark.usefixtures("db")
AS_OF = date(2026, 11, 25)


async def _finance_scope(company: int):
    return await (await make_person(company, Role.FINANCE)).scope()


async def test_credit_notes_reduce_the_open_balance_and_proformas_do_not_count() -> None:
    company = await make_company()
    await make_invoice(company, "1230.00", due_on=date(2026, 12, 1))
    await make_invoice(company, "-123.00", kind=DocumentKind.CREDIT_NOTE, due_on=date(2026, 12, 1))
    await make_invoice(company, "5000.00", kind=DocumentKind.PROFORMA, due_on=date(2026, 12, 1))
    overview = await finance_overview(await _finance_scope(company), AS_OF)
    assert overview.open_balance == Decimal("1107.00")


async def test_a_partial_payment_leaves_the_rest_open_and_the_invoice_partly_paid() -> None:
    company = await make_company()
    invoice = await make_invoice(company, "1000.00", due_on=date(2026, 12, 10))
    paid = await make_invoice(company, "200.00", due_on=date(2026, 12, 10))
    await pay(company, date(2026, 11, 20), (invoice, "400.00"), (paid, "200.00"))
    rows = {row["id"]: row for row in await Invoice.select(Invoice.id, Invoice.outstanding, Invoice.status)}
    assert Decimal(str(rows[invoice]["outstanding"])) == Decimal("600.00")
    assert rows[invoice]["status"] == "partly_paid"
    assert rows[paid]["status"] == "paid"
    overview = await finance_overview(await _finance_scope(company), AS_OF)
    assert overview.open_balance == Decimal("600.00")


async def test_aging_buckets_by_days_past_due_on_a_fixed_date() -> None:
    company = await make_company()
    await make_invoice(company, "100.00", due_on=date(2026, 11, 25))  # due today: not due
    await make_invoice(company, "200.00", due_on=date(2026, 11, 24))  # 1 day
    await make_invoice(company, "300.00", due_on=date(2026, 10, 26))  # 30 days
    await make_invoice(company, "400.00", due_on=date(2026, 10, 25))  # 31 days
    await make_invoice(company, "500.00", due_on=date(2026, 8, 27))  # 90 days
    await make_invoice(company, "600.00", due_on=date(2026, 8, 26))  # 91 days
    await make_invoice(company, "700.00", due_on=date(2026, 1, 1), outstanding="0.00")  # paid
    overview = await finance_overview(await _finance_scope(company), AS_OF)
    assert [(bucket.key, bucket.amount) for bucket in overview.aging] == [
        ("not_due", Decimal("100.00")),
        ("1_30", Decimal("500.00")),
        ("31_60", Decimal("400.00")),
        ("61_90", Decimal("500.00")),
        ("over_90", Decimal("600.00")),
    ]
    assert overview.overdue_total == Decimal("2000.00")
    assert overview.overdue_count == 5
    assert sum(bucket.amount for bucket in overview.aging) == overview.open_balance


async def test_next_due_dates_are_the_nearest_unpaid_invoices() -> None:
    company = await make_company()
    late = await make_invoice(company, "100.00", due_on=date(2026, 11, 1))
    soon = await make_invoice(company, "100.00", due_on=date(2026, 11, 30))
    later = await make_invoice(company, "100.00", due_on=date(2026, 12, 20))
    overview = await finance_overview(await _finance_scope(company), AS_OF)
    assert [d.id for d in overview.next_due] == [soon, later]
    assert late not in [d.id for d in overview.next_due]


async def test_available_credit_is_the_limit_less_open_invoices_and_uninvoiced_orders() -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await CreditAccount.insert(
        CreditAccount(company=company, credit_limit=Decimal("10000.00"), open_balance=Decimal("9999.00"))
    )
    invoiced_order = await _order(company, buyer.user_id, "2000.00", OrderStatus.DELIVERED)
    await _order(company, buyer.user_id, "1500.00", OrderStatus.CONFIRMED)
    await make_invoice(company, "2000.00", order_id=invoiced_order, due_on=date(2026, 12, 5))
    await make_invoice(company, "-500.00", kind=DocumentKind.CREDIT_NOTE)
    overview = await finance_overview(await _finance_scope(company), AS_OF)
    # The invoices, not the ERP's reported figure, give the balance; the invoiced order counts once.
    assert overview.open_balance == Decimal("1500.00")
    assert overview.uninvoiced == Decimal("1500.00")
    assert overview.available_credit == Decimal("7000.00")
    status = await credit_status(await buyer.scope())
    assert status.available == Decimal("7000.00")


async def test_without_invoices_the_reported_balance_stands_for_checkout() -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await CreditAccount.insert(
        CreditAccount(company=company, credit_limit=Decimal("2000.00"), open_balance=Decimal("900.00"))
    )
    status = await credit_status(await buyer.scope())
    assert status.available == Decimal("1100.00")


async def test_twelve_months_of_invoiced_and_paid_amounts() -> None:
    company = await make_company()
    first = await make_invoice(company, "1000.00", issued_on=date(2025, 12, 3))
    await make_invoice(company, "500.00", issued_on=date(2026, 11, 2))
    await make_invoice(company, "-100.00", issued_on=date(2026, 11, 5), kind=DocumentKind.CREDIT_NOTE)
    await make_invoice(company, "999.00", issued_on=date(2025, 11, 30))  # thirteen months back
    await pay(company, date(2026, 1, 15), (first, "250.00"))
    months = (await finance_overview(await _finance_scope(company), AS_OF)).months
    assert len(months) == 12
    assert months[0].month == date(2025, 12, 1)
    assert months[0].invoiced == Decimal("1000.00")
    assert months[1].paid == Decimal("250.00")
    assert months[-1].month == date(2026, 11, 1)
    assert months[-1].invoiced == Decimal("400.00")


async def test_another_companys_invoices_do_not_count() -> None:
    company, other = await make_company(), await make_company()
    await make_invoice(other, "1000.00", due_on=date(2026, 1, 1))
    overview = await finance_overview(await _finance_scope(company), AS_OF)
    assert overview.open_balance == Decimal("0.00")
    assert overview.overdue_total == Decimal("0.00")


async def _order(company: int, user: int, gross: str, status: OrderStatus) -> int:
    rows = await Order.insert(
        Order(
            number=f"Z/{gross}/{status}",
            company=company,
            placed_by=user,
            status=status,
            delivery_street="ul. Testowa 1",
            delivery_postal_code="00-001",
            delivery_city="Warszawa",
            payment_method="transfer",
            net_total=Decimal(gross),
            vat_total=Decimal("0"),
            gross_total=Decimal(gross),
            submission_key=f"key-{gross}-{status}",
        )
    ).returning(Order.id)
    return rows[0]["id"]
