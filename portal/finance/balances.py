"""What a customer company owes: open balance, credit left, overdue, aging, next due dates and
the last twelve months of invoiced and paid amounts, all as of a given day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from portal.accounts.scope import Scope
from portal.finance.credit import OWED_KINDS, credit_status
from portal.finance.tables import (
    DocumentKind,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    counted_allocations,
    live_invoices,
    live_payments,
)

ZERO = Decimal("0.00")
# Upper bound in days past due of each aging bucket; None: no bound.
AGING_BOUNDS: tuple[tuple[str, int | None], ...] = (
    ("not_due", 0),
    ("1_30", 30),
    ("31_60", 60),
    ("61_90", 90),
    ("over_90", None),
)
NEXT_DUE_COUNT = 5


@dataclass(frozen=True)
class OpenDocument:
    id: int
    number: str
    kind: str
    issued_on: date
    due_on: date
    outstanding: Decimal
    currency: str

    def days_past_due(self, as_of: date) -> int:
        return (as_of - self.due_on).days


@dataclass(frozen=True)
class AgingBucket:
    key: str
    amount: Decimal
    count: int


@dataclass(frozen=True)
class MonthFlow:
    month: date
    invoiced: Decimal
    paid: Decimal


@dataclass(frozen=True)
class FinanceOverview:
    as_of: date
    currency: str
    open_balance: Decimal
    # None: the seller set no limit.
    credit_limit: Decimal | None
    uninvoiced: Decimal
    overdue_total: Decimal
    overdue_count: int
    aging: list[AgingBucket]
    next_due: list[OpenDocument]
    months: list[MonthFlow]

    @property
    def available_credit(self) -> Decimal | None:
        return None if self.credit_limit is None else self.credit_limit - self.open_balance - self.uninvoiced

    @property
    def chart_maximum(self) -> Decimal:
        """The highest bar of the chart, so the template scales bars to it (never zero)."""
        highest = max((max(m.invoiced, m.paid) for m in self.months), default=ZERO)
        return highest if highest > 0 else Decimal("1")


def _open_document(row: dict[str, Any]) -> OpenDocument:
    return OpenDocument(
        id=row["id"],
        number=row["number"],
        kind=row["kind"],
        issued_on=row["issued_on"],
        due_on=row["due_on"],
        outstanding=Decimal(str(row["outstanding"])),
        currency=row["currency"],
    )


async def open_documents(company_id: int | None) -> list[OpenDocument]:
    """Invoices still to pay and credit notes still to settle (negative), oldest due first."""
    rows = (
        await Invoice.select(
            Invoice.id,
            Invoice.number,
            Invoice.kind,
            Invoice.issued_on,
            Invoice.due_on,
            Invoice.outstanding,
            Invoice.currency,
        )
        .where(
            (Invoice.company == company_id)
            & Invoice.kind.is_in(list(OWED_KINDS))
            & (Invoice.outstanding != 0)
            & live_invoices()
        )
        .order_by(Invoice.due_on)
        .order_by(Invoice.id)
    )
    return [_open_document(row) for row in rows]


def aging(documents: list[OpenDocument], as_of: date) -> list[AgingBucket]:
    """Open amounts by days past due on `as_of`; the buckets add up to the open balance."""
    amounts = {key: ZERO for key, _ in AGING_BOUNDS}
    counts = dict.fromkeys(amounts, 0)
    for document in documents:
        late = document.days_past_due(as_of)
        key = next(key for key, bound in AGING_BOUNDS if bound is None or late <= bound)
        amounts[key] += document.outstanding
        counts[key] += 1
    return [AgingBucket(key, amounts[key], counts[key]) for key, _ in AGING_BOUNDS]


def overdue(documents: list[OpenDocument], as_of: date) -> list[OpenDocument]:
    """Invoices with something left to pay after their due date (a credit note is never overdue)."""
    return [d for d in documents if d.kind == DocumentKind.INVOICE and d.outstanding > 0 and d.days_past_due(as_of) > 0]


def next_due(documents: list[OpenDocument], as_of: date, count: int = NEXT_DUE_COUNT) -> list[OpenDocument]:
    upcoming = [d for d in documents if d.kind == DocumentKind.INVOICE and d.outstanding > 0 and d.due_on >= as_of]
    return sorted(upcoming, key=lambda d: (d.due_on, d.id))[:count]


def _month_start(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


async def monthly_flows(company_id: int | None, as_of: date, months: int = 12) -> list[MonthFlow]:
    """Invoiced (gross, credit notes deducted, proformas left out) and paid per calendar month,
    the month of `as_of` last."""
    first = _month_start(as_of, months - 1)
    issued = await Invoice.select(Invoice.issued_on, Invoice.gross_total).where(
        (Invoice.company == company_id)
        & Invoice.kind.is_in(list(OWED_KINDS))
        & (Invoice.issued_on >= first)
        & (Invoice.issued_on <= as_of)
        & live_invoices()
    )
    payments = await Payment.select(Payment.paid_on, Payment.amount).where(
        (Payment.company == company_id) & (Payment.paid_on >= first) & (Payment.paid_on <= as_of) & live_payments()
    )
    starts = [_month_start(as_of, back) for back in range(months - 1, -1, -1)]
    invoiced = dict.fromkeys(starts, ZERO)
    paid = dict.fromkeys(starts, ZERO)
    for row in issued:
        invoiced[row["issued_on"].replace(day=1)] += Decimal(str(row["gross_total"]))
    for row in payments:
        paid[row["paid_on"].replace(day=1)] += Decimal(str(row["amount"]))
    return [MonthFlow(start, invoiced[start], paid[start]) for start in starts]


async def finance_overview(caller: Scope, as_of: date) -> FinanceOverview:
    """The finance home of the caller's company on `as_of`."""
    documents = await open_documents(caller.company_id)
    credit = await credit_status(caller)
    late = overdue(documents, as_of)
    return FinanceOverview(
        as_of=as_of,
        currency=credit.currency,
        open_balance=credit.open_balance,
        credit_limit=credit.limit,
        uninvoiced=credit.uninvoiced,
        overdue_total=sum((d.outstanding for d in late), ZERO),
        overdue_count=len(late),
        aging=aging(documents, as_of),
        next_due=next_due(documents, as_of),
        months=await monthly_flows(caller.company_id, as_of),
    )


def status_for(gross: Decimal, outstanding: Decimal) -> InvoiceStatus:
    # Paid past the amount (an overpayment, or a gross the ERP lowered after payments) is paid.
    if outstanding == 0 or (outstanding < 0) != (gross < 0):
        return InvoiceStatus.PAID
    return InvoiceStatus.OPEN if outstanding == gross else InvoiceStatus.PARTLY_PAID


async def settle(invoice_ids: list[int]) -> None:
    """Recompute what is left to pay on these documents from the allocations of payments not
    deleted, and their status with it (for a credit note, allocations are refunds, negative like
    it)."""
    if not invoice_ids:
        return
    documents = await Invoice.select(Invoice.id, Invoice.gross_total).where(Invoice.id.is_in(invoice_ids))
    allocations = await PaymentAllocation.select(PaymentAllocation.invoice, PaymentAllocation.amount).where(
        PaymentAllocation.invoice.is_in(invoice_ids) & counted_allocations()
    )
    allocated: dict[int, Decimal] = {}
    for row in allocations:
        allocated[row["invoice"]] = allocated.get(row["invoice"], ZERO) + Decimal(str(row["amount"]))
    for document in documents:
        gross = Decimal(str(document["gross_total"]))
        left = gross - allocated.get(document["id"], ZERO)
        await Invoice.update({Invoice.outstanding: left, Invoice.status: status_for(gross, left)}).where(
            Invoice.id == document["id"]
        )
