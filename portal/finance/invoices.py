"""The company's invoices and credit notes: filtered, sorted and paged lists, one document with
its lines and payments, and the filtered list as CSV or XLSX for accounting."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from piccolo.columns.combination import Combinable

from portal.accounts.scope import Scope
from portal.database import contains_text
from portal.errors import NotFound
from portal.finance.tables import (
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    InvoiceXml,
    PaymentAllocation,
    counted_allocations,
    live_invoices,
)
from portal.i18n import gettext as _
from portal.web import exports
from portal.web.forms import calendar_day, money, page_number

PAGE_SIZE = 50
# An export is one accounting period or a few; more than this is cut, never streamed unbounded.
EXPORT_LIMIT = 20_000
OVERDUE = "overdue"
STATUSES = (InvoiceStatus.OPEN, InvoiceStatus.PARTLY_PAID, InvoiceStatus.PAID, OVERDUE)
SORTS = {"issued": Invoice.issued_on, "due": Invoice.due_on, "amount": Invoice.gross_total}
UNPAID = [InvoiceStatus.OPEN, InvoiceStatus.PARTLY_PAID]


def document_filename(number: str, extension: str) -> str:
    """A download's name from the document's number: the ERP's numbers may hold anything, a
    header's filename only plain ASCII ("FV/2026/11/0042" → "FV-2026-11-0042.pdf")."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", number).strip(".-") + "." + extension


def kind_label(kind: str) -> str:
    labels = {
        DocumentKind.INVOICE: _("Invoice"),
        DocumentKind.CREDIT_NOTE: _("Credit note"),
        DocumentKind.PROFORMA: _("Proforma"),
    }
    return labels.get(DocumentKind(kind), kind) if kind in DocumentKind.__members__.values() else kind


def status_label(status: str) -> str:
    labels = {
        InvoiceStatus.OPEN: _("Open"),
        InvoiceStatus.PARTLY_PAID: _("Partly paid"),
        InvoiceStatus.PAID: _("Paid"),
        OVERDUE: _("Overdue"),
    }
    return labels.get(status, status)


@dataclass(frozen=True)
class InvoiceFilters:
    # Matches the document number, a line's name or SKU.
    text: str = ""
    status: str = ""
    kind: str = ""
    issued_from: date | None = None
    issued_to: date | None = None
    due_before: date | None = None
    # The buyer's PO number or the portal's order number.
    reference: str = ""
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    sort: str = "issued"
    descending: bool = True
    page: int = 1

    @classmethod
    def from_parameters(cls, parameters: dict[str, str]) -> InvoiceFilters:
        status, kind, page = parameters.get("status", ""), parameters.get("kind", ""), parameters.get("page", "1")
        sort = parameters.get("sort", "-issued")
        return cls(
            text=parameters.get("q", "").strip()[:60],
            status=status if status in STATUSES else "",
            kind=kind if kind in DocumentKind.__members__.values() else "",
            issued_from=calendar_day(parameters.get("from", "")),
            issued_to=calendar_day(parameters.get("to", "")),
            due_before=calendar_day(parameters.get("due_before", "")),
            reference=parameters.get("ref", "").strip()[:60],
            amount_min=money(parameters.get("min", "")),
            amount_max=money(parameters.get("max", "")),
            sort=sort.lstrip("-") if sort.lstrip("-") in SORTS else "issued",
            descending=sort.startswith("-") or sort.lstrip("-") not in SORTS,
            page=page_number(page),
        )

    def pairs(self) -> dict[str, str]:
        return {
            "q": self.text,
            "status": self.status,
            "kind": self.kind,
            "from": self.issued_from.isoformat() if self.issued_from else "",
            "to": self.issued_to.isoformat() if self.issued_to else "",
            "due_before": self.due_before.isoformat() if self.due_before else "",
            "ref": self.reference,
            "min": str(self.amount_min) if self.amount_min is not None else "",
            "max": str(self.amount_max) if self.amount_max is not None else "",
            "sort": ("-" if self.descending else "") + self.sort,
        }

    def parameters(self, page: int | None = None, **changes: Any) -> str:
        """These filters as a query string, for another page or another sort."""
        pairs = {**replace(self, **changes).pairs(), "page": str(page) if page and page > 1 else ""}
        return urlencode({name: value for name, value in pairs.items() if value})

    def sorted_by(self, sort: str) -> str:
        """The query string that sorts by `sort`, the other way round when it already does."""
        descending = not self.descending if self.sort == sort else True
        return self.parameters(sort=sort, descending=descending)


@dataclass(frozen=True)
class InvoiceRow:
    id: int
    number: str
    kind: str
    issued_on: date
    sold_on: date
    due_on: date
    order_id: int | None
    order_number: str
    po_number: str
    net_total: Decimal
    vat_total: Decimal
    gross_total: Decimal
    outstanding: Decimal
    currency: str
    status: str
    # Stored status, or overdue when unpaid past its due date on the day asked.
    shown_status: str


def _condition(caller: Scope, filters: InvoiceFilters, as_of: date) -> Combinable:
    condition: Combinable = (Invoice.company == caller.company_id) & live_invoices()
    overdue = Invoice.status.is_in(UNPAID) & (Invoice.due_on < as_of) & (Invoice.kind == DocumentKind.INVOICE)
    if filters.status == OVERDUE:
        condition &= overdue
    elif filters.status:
        condition &= Invoice.status == filters.status
    if filters.kind:
        condition &= Invoice.kind == filters.kind
    if filters.issued_from:
        condition &= Invoice.issued_on >= filters.issued_from
    if filters.issued_to:
        condition &= Invoice.issued_on <= filters.issued_to
    if filters.due_before:
        condition &= Invoice.due_on <= filters.due_before
    if filters.amount_min is not None:
        condition &= Invoice.gross_total >= filters.amount_min
    if filters.amount_max is not None:
        condition &= Invoice.gross_total <= filters.amount_max
    if filters.reference:
        condition &= contains_text(Invoice.po_number, filters.reference) | contains_text(
            Invoice.order.number, filters.reference
        )
    if filters.text:
        with_line = InvoiceLine.select(InvoiceLine.invoice).where(
            contains_text(InvoiceLine.sku, filters.text) | contains_text(InvoiceLine.name, filters.text)
        )
        condition &= contains_text(Invoice.number, filters.text) | Invoice.id.is_in(with_line)
    return condition


COLUMNS = (
    Invoice.id,
    Invoice.number,
    Invoice.kind,
    Invoice.issued_on,
    Invoice.sold_on,
    Invoice.due_on,
    Invoice.order,
    Invoice.order.number.as_alias("order_number"),
    Invoice.po_number,
    Invoice.net_total,
    Invoice.vat_total,
    Invoice.gross_total,
    Invoice.outstanding,
    Invoice.currency,
    Invoice.status,
)


def _row(row: dict[str, Any], as_of: date) -> InvoiceRow:
    overdue = row["kind"] == DocumentKind.INVOICE and row["status"] in UNPAID and row["due_on"] < as_of
    return InvoiceRow(
        id=row["id"],
        number=row["number"],
        kind=row["kind"],
        issued_on=row["issued_on"],
        sold_on=row["sold_on"],
        due_on=row["due_on"],
        order_id=row["order"],
        order_number=row["order_number"] or "",
        po_number=row["po_number"],
        net_total=Decimal(str(row["net_total"])),
        vat_total=Decimal(str(row["vat_total"])),
        gross_total=Decimal(str(row["gross_total"])),
        outstanding=Decimal(str(row["outstanding"])),
        currency=row["currency"],
        status=row["status"],
        shown_status=OVERDUE if overdue else row["status"],
    )


async def _select(caller: Scope, filters: InvoiceFilters, as_of: date, limit: int, offset: int) -> list[InvoiceRow]:
    rows = (
        await Invoice.select(*COLUMNS)
        .where(_condition(caller, filters, as_of))
        .order_by(SORTS[filters.sort], ascending=not filters.descending)
        .order_by(Invoice.id, ascending=not filters.descending)
        .limit(limit)
        .offset(offset)
    )
    return [_row(row, as_of) for row in rows]


async def list_invoices(caller: Scope, filters: InvoiceFilters, as_of: date) -> tuple[list[InvoiceRow], bool]:
    """One page of the company's documents, and whether another follows."""
    rows = await _select(caller, filters, as_of, PAGE_SIZE + 1, (filters.page - 1) * PAGE_SIZE)
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


@dataclass(frozen=True)
class InvoiceLineView:
    position: int
    name: str
    sku: str
    unit: str
    quantity: Decimal
    unit_net_price: Decimal
    discount_percent: Decimal
    net_value: Decimal
    vat_rate: str


@dataclass(frozen=True)
class AllocationView:
    paid_on: date
    reference: str
    amount: Decimal


@dataclass(frozen=True)
class InvoiceDetail:
    invoice: InvoiceRow
    ksef_number: str
    payment_method: str
    split_payment: bool
    # The corrected invoice: its number always (the document names it), its page while it exists.
    corrects_id: int | None
    corrects_number: str
    lines: list[InvoiceLineView]
    payments: list[AllocationView]
    totals_by_rate: list[tuple[str, Decimal]]
    # The ERP sent the structured e-invoice (KSeF FA(3) XML): the page offers it for download.
    has_ksef_xml: bool


async def invoice_detail(caller: Scope, invoice_id: int, as_of: date) -> InvoiceDetail:
    """One document of the caller's company; another company's answers NotFound."""
    row = (
        await Invoice.select(
            *COLUMNS,
            Invoice.ksef_number,
            Invoice.payment_method,
            Invoice.split_payment,
            Invoice.corrects,
            Invoice.corrects.number.as_alias("corrects_number"),
            Invoice.corrects.deleted.as_alias("corrects_deleted"),
        )
        .where((Invoice.id == invoice_id) & (Invoice.company == caller.company_id) & live_invoices())
        .first()
    )
    if row is None:
        raise NotFound(_("No such invoice."))
    lines = [
        InvoiceLineView(
            position=line["position"],
            name=line["name"],
            sku=line["sku"],
            unit=line["unit"],
            quantity=Decimal(str(line["quantity"])),
            unit_net_price=Decimal(str(line["unit_net_price"])),
            discount_percent=Decimal(str(line["discount_percent"])),
            net_value=Decimal(str(line["net_value"])),
            vat_rate=line["vat_rate"],
        )
        for line in await InvoiceLine.select().where(InvoiceLine.invoice == invoice_id).order_by(InvoiceLine.position)
    ]
    allocations = (
        await PaymentAllocation.select(
            PaymentAllocation.amount,
            PaymentAllocation.payment.paid_on.as_alias("paid_on"),
            PaymentAllocation.payment.reference.as_alias("reference"),
            PaymentAllocation.payment.number.as_alias("payment_number"),
        )
        .where((PaymentAllocation.invoice == invoice_id) & counted_allocations())
        .order_by(PaymentAllocation.payment.paid_on)
    )
    by_rate: dict[str, Decimal] = {}
    for line in lines:
        by_rate[line.vat_rate] = by_rate.get(line.vat_rate, Decimal("0.00")) + line.net_value
    return InvoiceDetail(
        invoice=_row(row, as_of),
        ksef_number=row["ksef_number"],
        payment_method=row["payment_method"],
        split_payment=row["split_payment"],
        corrects_id=row["corrects"] if not row["corrects_deleted"] else None,
        corrects_number=row["corrects_number"] or "",
        lines=lines,
        payments=[
            AllocationView(a["paid_on"], a["reference"] or a["payment_number"] or "", Decimal(str(a["amount"])))
            for a in allocations
        ],
        totals_by_rate=sorted(by_rate.items()),
        has_ksef_xml=await InvoiceXml.exists().where(InvoiceXml.invoice == invoice_id),
    )


# --- Export --------------------------------------------------------------------------------


def _headers() -> list[str]:
    return [
        _("Number"),
        _("Kind"),
        _("Issued"),
        _("Sale date"),
        _("Due"),
        _("Order number"),
        _("PO"),
        _("Net"),
        _("VAT"),
        _("Gross"),
        _("Outstanding"),
        _("Currency"),
        _("Status"),
    ]


def _values(row: InvoiceRow) -> list[Any]:
    return [
        row.number,
        kind_label(row.kind),
        row.issued_on,
        row.sold_on,
        row.due_on,
        row.order_number,
        row.po_number,
        row.net_total,
        row.vat_total,
        row.gross_total,
        row.outstanding,
        row.currency,
        status_label(row.shown_status),
    ]


async def export_rows(caller: Scope, filters: InvoiceFilters, as_of: date) -> list[InvoiceRow]:
    """Every document the filters find, not only one page."""
    return await _select(caller, filters, as_of, EXPORT_LIMIT, 0)


def as_csv(rows: list[InvoiceRow]) -> bytes:
    return exports.as_csv(_headers(), (_values(row) for row in rows))


def as_xlsx(rows: list[InvoiceRow]) -> bytes:
    formats = {column: "yyyy-mm-dd" for column in range(2, 5)} | {column: "#,##0.00" for column in range(7, 11)}
    return exports.as_xlsx(exports.Sheet(_("Invoices"), _headers(), (_values(row) for row in rows), formats))
