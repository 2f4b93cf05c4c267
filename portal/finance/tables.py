"""Tables of finance, as the ERP reports them: credit accounts, invoices, credit notes and
proformas with their lines, payments and their allocations; and rendered PDFs kept for reuse."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from piccolo.columns import Boolean, Bytea, Date, ForeignKey, Integer, Numeric, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.custom_types import Combinable
from piccolo.table import Table

from portal.accounts.tables import Company
from portal.ordering.tables import Order


class CreditAccount(Table):
    """A company's trade credit; no row means the seller set no limit."""

    company = ForeignKey(Company, null=False, unique=True)
    currency = Varchar(length=3, default="PLN")
    credit_limit = Numeric(digits=(14, 2))
    # Invoiced and not yet paid.
    open_balance = Numeric(digits=(14, 2))
    updated_at = Timestamptz(default=TimestamptzNow())


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PROFORMA = "proforma"


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    # Overdue is not stored: an open or partly paid document past its due date is overdue.


class Invoice(Table):
    """A sales document from the ERP: invoice, corrective invoice (credit note) or proforma.
    Amounts of a credit note are negative, so sums over documents give the balance."""

    id = Serial(primary_key=True)
    company = ForeignKey(Company, null=False, index=True)
    kind = Varchar(length=12, choices=DocumentKind, default=DocumentKind.INVOICE)
    number = Varchar(length=40, unique=True)
    # The invoice a credit note corrects.
    corrects: ForeignKey[Invoice] = ForeignKey("self", null=True, default=None)
    issued_on = Date(index=True)
    sold_on = Date()
    due_on = Date(index=True)
    currency = Varchar(length=3, default="PLN")
    payment_method = Varchar(length=12, default="transfer")
    status = Varchar(length=12, choices=InvoiceStatus, default=InvoiceStatus.OPEN, index=True)
    order = ForeignKey(Order, null=True, default=None)
    po_number = Varchar(length=60, default="")
    ksef_number = Varchar(length=40, default="")
    # Above 15,000 PLN gross with goods from annex 15 the split-payment note is required.
    split_payment = Boolean(default=False)
    net_total = Numeric(digits=(14, 2))
    vat_total = Numeric(digits=(14, 2))
    gross_total = Numeric(digits=(14, 2))
    # What is still to pay: gross less allocated payments (for a credit note, what is still to refund).
    outstanding = Numeric(digits=(14, 2))
    # Deleted in the ERP: kept for the documents that name it, but gone from every list, total and
    # balance (`live_invoices`). The ERP sending it again brings it back.
    deleted = Boolean(default=False)
    updated_at = Timestamptz(default=TimestamptzNow())


class InvoiceLine(Table):
    id = Serial(primary_key=True)
    invoice = ForeignKey(Invoice, null=False, index=True, on_delete=OnDelete.cascade)
    position = Integer()
    name = Varchar(length=300)
    sku = Varchar(length=40, default="")
    unit = Varchar(length=8)
    quantity = Numeric(digits=(14, 3))
    unit_net_price = Numeric(digits=(14, 4))
    discount_percent = Numeric(digits=(5, 2), default=Decimal("0"))
    net_value = Numeric(digits=(14, 2))
    vat_rate = Varchar(length=2)


class Payment(Table):
    id = Serial(primary_key=True)
    company = ForeignKey(Company, null=False, index=True)
    # The ERP's number of the cash or bank document: how integrations name it. Unique by a
    # migration's index (SQLite cannot add a unique column); None for payments entered otherwise.
    number = Varchar(length=40, null=True, default=None)
    paid_on = Date(index=True)
    amount = Numeric(digits=(14, 2))
    currency = Varchar(length=3, default="PLN")
    reference = Varchar(length=140, default="")
    # Deleted in the ERP: its allocations no longer settle anything (`live_payments`).
    deleted = Boolean(default=False)


class PaymentAllocation(Table):
    payment = ForeignKey(Payment, null=False, index=True, on_delete=OnDelete.cascade)
    invoice = ForeignKey(Invoice, null=False, index=True, on_delete=OnDelete.cascade)
    amount = Numeric(digits=(14, 2))


class InvoiceXml(Table):
    """The structured e-invoice (KSeF FA(3) XML) of a document, as the ERP sent it: the legally
    binding form of the invoice, which the buyer's accounting may want to read in."""

    invoice = ForeignKey(Invoice, null=False, unique=True, on_delete=OnDelete.cascade)
    content = Text()
    updated_at = Timestamptz(default=TimestamptzNow())


def live_invoices() -> Combinable:
    """Documents the ERP has not deleted: every reader of invoices adds this to its condition."""
    return Invoice.deleted.eq(False)


def live_payments() -> Combinable:
    """Payments the ERP has not deleted: only their allocations settle documents."""
    return Payment.deleted.eq(False)


def counted_allocations() -> Combinable:
    """Allocations of payments the ERP has not deleted: the others settle nothing."""
    return PaymentAllocation.payment.deleted == False  # noqa: E712


class StoredPdf(Table):
    """A rendered PDF kept until its document changes: `fingerprint` names the data it shows."""

    id = Serial(primary_key=True)
    document_type = Varchar(length=20)
    document_id = Integer()
    locale = Varchar(length=2)
    fingerprint = Varchar(length=64)
    content = Bytea()
    created_at = Timestamptz(default=TimestamptzNow())
