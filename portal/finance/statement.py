"""A statement of account: for a date range, the opening balance, every document and payment in
it with the running balance, and the closing balance, as a page's data and as a PDF."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal

from jinja2 import Environment

from portal.accounts.companies import CompanyProfile, company_profile
from portal.accounts.scope import Scope
from portal.errors import Invalid
from portal.finance.tables import DocumentKind, Invoice, Payment, live_invoices, live_payments
from portal.i18n import current_locale, use_locale
from portal.i18n import gettext as _
from portal.pdf import fingerprint, render_pdf, stored_pdf
from portal.web.forms import calendar_day

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class StatementEntry:
    on: date
    description: str
    reference: str
    # What the customer owes more (a document) or less (a payment, a credit note).
    charge: Decimal
    credit: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Statement:
    company: CompanyProfile
    start: date
    end: date
    opening: Decimal
    entries: list[StatementEntry]

    @property
    def closing(self) -> Decimal:
        return self.entries[-1].balance if self.entries else self.opening


def statement_range(start: str, end: str, today: date) -> tuple[date, date]:
    last = calendar_day(end) if end else today
    first = calendar_day(start) if start else last - timedelta(days=DEFAULT_DAYS) if last else None
    if first is None or last is None:
        raise Invalid({"range": _("Enter dates such as 2026-01-01.")})
    if first > last:
        raise Invalid({"range": _("The start cannot come after the end.")})
    if (last - first).days > MAX_DAYS:
        raise Invalid({"range": _("Choose at most three years.")})
    return first, last


def _money(value: object) -> Decimal:
    return Decimal(str(value))


async def statement(caller: Scope, start: date, end: date) -> Statement:
    documents = await Invoice.select(Invoice.number, Invoice.kind, Invoice.issued_on, Invoice.gross_total).where(
        (Invoice.company == caller.company_id)
        & (Invoice.kind != DocumentKind.PROFORMA)
        & (Invoice.issued_on <= end)
        & live_invoices()
    )
    payments = await Payment.select(Payment.paid_on, Payment.amount, Payment.reference, Payment.number).where(
        (Payment.company == caller.company_id) & (Payment.paid_on <= end) & live_payments()
    )
    opening = sum((_money(d["gross_total"]) for d in documents if d["issued_on"] < start), Decimal("0.00")) - sum(
        (_money(p["amount"]) for p in payments if p["paid_on"] < start), Decimal("0.00")
    )
    moves: list[tuple[date, int, str, str, Decimal]] = [
        (
            d["issued_on"],
            0,
            _("Corrective invoice") if d["kind"] == DocumentKind.CREDIT_NOTE else _("Invoice"),
            d["number"],
            _money(d["gross_total"]),
        )
        for d in documents
        if d["issued_on"] >= start
    ] + [
        (p["paid_on"], 1, _("Payment"), p["reference"] or p["number"] or "", -_money(p["amount"]))
        for p in payments
        if p["paid_on"] >= start
    ]
    balance = opening
    entries = []
    for on, _order, description, reference, amount in sorted(moves, key=lambda move: (move[0], move[1], move[3])):
        balance += amount
        entries.append(
            StatementEntry(
                on,
                description,
                reference,
                amount if amount > 0 else Decimal("0.00"),
                -amount if amount < 0 else Decimal("0.00"),
                balance,
            )
        )
    return Statement(await company_profile(caller), start, end, opening, entries)


async def statement_pdf(env: Environment, account: Statement) -> bytes:
    """Kept per company and language: asking again for the same statement is instant."""
    locale = current_locale()

    async def render() -> bytes:
        with use_locale(locale):
            html = env.get_template("finance/statement_pdf.html").render(statement=account)
        return await render_pdf(html)

    data = {
        "company": asdict(account.company),
        "start": account.start,
        "end": account.end,
        "opening": account.opening,
        "entries": [asdict(entry) for entry in account.entries],
    }
    return await stored_pdf("statement", account.company.id, locale, fingerprint(data), render)
