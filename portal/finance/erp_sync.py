"""What the seller's ERP sends of the finance capability's data, keyed by the ERP's codes:
invoices, corrective invoices (credit notes) and proformas with their lines and KSeF e-invoice,
keyed by document number; payments with their allocations to documents, keyed by the ERP's
payment number. Customers are named by their ERP code (`Company.code`).

What is left to pay on each document and its status are the portal's to compute, from the
allocations of payments not deleted, exactly as for documents seeded by the demo; the company's
reported open balance follows. No cache holds finance data: the pages read the tables, and a
stored PDF is keyed by a fingerprint of everything it prints, so an imported change renders it
anew (a deleted document's stored PDFs are dropped, as nobody may fetch them any more)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from pydantic import BaseModel, ConfigDict, Field

from portal import clock
from portal.accounts.tables import Company, PaymentMethod
from portal.catalog.tables import VatRate
from portal.finance.balances import settle
from portal.finance.credit import refresh_open_balance
from portal.finance.invoice_pdf import vat_of
from portal.finance.ksef_xml import MAX_CHARACTERS, keep_ksef_xml, ksef_xml_problem
from portal.finance.tables import (
    DocumentKind,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    StoredPdf,
    counted_allocations,
    live_invoices,
)
from portal.i18n import format_money
from portal.i18n import gettext as _
from portal.integration.resources import Applied, ErpItem, Rejected, Resource
from portal.integration.scopes import Scope
from portal.ordering.tables import Order

ZERO = Decimal("0.00")
GROSZ = Decimal("0.01")
# The unit net price has four decimal places: each unit of a line may be off by half the last one.
PRICE_ROUNDING = Decimal("0.00005")
MAX_LINES = 2000
# Document numbers go into file names and headers: printable characters only.
DOCUMENT_NUMBER = r"^[^\x00-\x1f\x7f]+$"
MAX_ALLOCATIONS = 1000


class _Nested(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class InvoiceLineItem(_Nested):
    position: int = Field(ge=1, le=9999, description="The line's number on the document, from 1; unique in it.")
    name: str = Field(min_length=1, max_length=300, description="The name of the goods or service as invoiced.")
    sku: str = Field(default="", max_length=40, description="The product's SKU, when the line is a product.")
    unit: str = Field(min_length=1, max_length=8, description="The unit of measure as printed (`szt`, `kg`, `pcs`).")
    quantity: Decimal = Field(
        max_digits=14,
        decimal_places=3,
        description="The quantity; negative on a credit note's line that gives goods or money back.",
    )
    unit_net_price: Decimal = Field(
        max_digits=14, decimal_places=4, ge=0, description="The net price of one unit before the discount."
    )
    discount_percent: Decimal = Field(
        default=Decimal("0"),
        ge=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        description="The line's discount in percent.",
    )
    net_value: Decimal = Field(
        max_digits=14,
        decimal_places=2,
        description="quantity × unit net price less the discount, to the grosz; negative on a credit note.",
    )
    vat_rate: VatRate = Field(description="The VAT rate: `23`, `8`, `5`, `0` or `zw` (exempt).")


class InvoiceItem(ErpItem):
    number: str = Field(
        min_length=1, max_length=40, pattern=DOCUMENT_NUMBER, description="The document's number in the ERP: its key."
    )
    kind: DocumentKind = Field(
        default=DocumentKind.INVOICE,
        description="`invoice`, `credit_note` (a corrective invoice, amounts negative) or `proforma` "
        "(asks for money the customer does not owe yet: left out of balances).",
    )
    customer_code: str = Field(min_length=1, max_length=40, description="The buyer's customer code in the ERP.")
    corrects: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        pattern=DOCUMENT_NUMBER,
        description="For a credit note: the number of the invoice it corrects, sent before it.",
    )
    issued_on: date = Field(description="The date of issue.")
    sold_on: date | None = Field(default=None, description="The date of sale or delivery; the date of issue if absent.")
    due_on: date = Field(description="The payment due date.")
    currency: str = Field(default="PLN", pattern=r"^[A-Z]{3}$", description="ISO 4217 code of the amounts.")
    payment_method: PaymentMethod = Field(default=PaymentMethod.TRANSFER, description="`transfer` or `prepayment`.")
    po_number: str = Field(default="", max_length=60, description="The buyer's own order number (PO).")
    order_number: str | None = Field(
        default=None,
        min_length=1,
        max_length=20,
        description="The portal's number of the order invoiced, when the order was placed in the portal; it must "
        "be an order of the same customer.",
    )
    ksef_number: str = Field(default="", max_length=40, description="The number KSeF gave the e-invoice.")
    split_payment: bool = Field(default=False, description="Whether the split-payment note is printed.")
    lines: list[InvoiceLineItem] = Field(
        default_factory=list, max_length=MAX_LINES, description="Every line of the document; replaces the lines held."
    )
    net_total: Decimal = Field(max_digits=14, decimal_places=2, description="The net total: the sum of the lines.")
    vat_total: Decimal = Field(
        max_digits=14, decimal_places=2, description="The VAT total: per rate, from the net of the lines at that rate."
    )
    gross_total: Decimal = Field(max_digits=14, decimal_places=2, description="Net total plus VAT total.")
    fa3_xml: str | None = Field(
        default=None,
        max_length=MAX_CHARACTERS,
        description="The KSeF e-invoice (FA(3) XML, UTF-8, root element `Faktura`) when the ERP has it; the buyer "
        "may download it. Absent: a held one is dropped.",
    )


class AllocationItem(_Nested):
    invoice: str = Field(
        min_length=1,
        max_length=40,
        pattern=DOCUMENT_NUMBER,
        description="The number of the document the money settles.",
    )
    amount: Decimal = Field(
        max_digits=14,
        decimal_places=2,
        description="The part of the payment that settles it; negative for a credit note set off against it.",
    )


class PaymentItem(ErpItem):
    number: str = Field(
        min_length=1, max_length=40, pattern=DOCUMENT_NUMBER, description="The payment's number in the ERP: its key."
    )
    customer_code: str = Field(min_length=1, max_length=40, description="The paying customer's code in the ERP.")
    paid_on: date = Field(description="The day the money arrived (or left, for a refund).")
    amount: Decimal = Field(
        max_digits=14,
        decimal_places=2,
        description="The amount received; negative for money paid back to the customer.",
    )
    currency: str = Field(default="PLN", pattern=r"^[A-Z]{3}$", description="ISO 4217 code of the amount.")
    reference: str = Field(default="", max_length=140, description="The transfer's title or the cash document's text.")
    allocations: list[AllocationItem] = Field(
        default_factory=list,
        max_length=MAX_ALLOCATIONS,
        description="The documents this payment settles, each once; replaces the allocations held. Together they "
        "settle at most the payment's amount.",
    )


async def _serialise_finance() -> None:
    """Invoices and payments both rewrite what documents leave to pay: batches of the two are
    taken one after the other, so neither computes from the other's half-written state."""
    if isinstance(Invoice._meta.db, PostgresEngine):
        await Invoice.raw("SELECT pg_advisory_xact_lock(hashtext({}))", "erp-sync:finance")


def _applied(held: dict[str, Any] | None) -> Applied:
    """What the ERP sees: a record it had deleted and sends again is created anew."""
    return Applied.CREATED if held is None or held["deleted"] else Applied.UPDATED


async def _customer(code: str) -> int:
    row = await Company.select(Company.id).where(Company.code == code).first()
    if row is None:
        raise Rejected("customer_code", _("No customer has the code {code}.").format(code=code))
    company_id: int = row["id"]
    return company_id


# --- Invoices ------------------------------------------------------------------------------


def _check_lines(item: InvoiceItem) -> None:
    """Each line's value from its quantity and price, unique positions, and totals that agree with
    the lines to the rounding an ERP may apply (one grosz a line: some round VAT per line)."""
    positions: set[int] = set()
    for index, line in enumerate(item.lines):
        if line.position in positions:
            raise Rejected(
                f"lines/{index}/position", _("Position {position} appears twice.").format(position=line.position)
            )
        positions.add(line.position)
        computed = line.quantity * line.unit_net_price * (100 - line.discount_percent) / 100
        if abs(computed - line.net_value) > GROSZ + abs(line.quantity) * PRICE_ROUNDING:
            raise Rejected(
                f"lines/{index}/net_value",
                _("The net value {value} does not match quantity × price less the discount ({computed}).").format(
                    value=line.net_value, computed=computed.quantize(GROSZ, rounding=ROUND_HALF_UP)
                ),
            )
    net_by_rate: dict[str, Decimal] = {}
    for line in item.lines:
        net_by_rate[line.vat_rate.value] = net_by_rate.get(line.vat_rate.value, ZERO) + line.net_value
    net = sum(net_by_rate.values(), ZERO)
    vat = sum((vat_of(amount, rate) for rate, amount in net_by_rate.items()), ZERO)
    tolerance = GROSZ * max(len(item.lines), 1)
    if abs(item.net_total - net) > tolerance:
        raise Rejected(
            "net_total",
            _("The net total {total} is not the sum of the lines ({sum}).").format(total=item.net_total, sum=net),
        )
    if abs(item.vat_total - vat) > tolerance:
        raise Rejected(
            "vat_total",
            _("The VAT total {total} does not match the VAT of the lines ({vat}).").format(
                total=item.vat_total, vat=vat
            ),
        )
    if item.gross_total != item.net_total + item.vat_total:
        raise Rejected(
            "gross_total",
            _("The gross total {total} is not net plus VAT ({sum}).").format(
                total=item.gross_total, sum=item.net_total + item.vat_total
            ),
        )
    if item.kind is DocumentKind.CREDIT_NOTE and item.gross_total > 0:
        raise Rejected(
            "gross_total", _("A credit note's amounts are negative: send what it gives back with a minus sign.")
        )
    if item.kind is not DocumentKind.CREDIT_NOTE and item.gross_total < 0:
        raise Rejected("gross_total", _("An invoice's amounts are not negative; a correction is a credit note."))


async def _corrected_invoice(item: InvoiceItem, company_id: int) -> int | None:
    if item.kind is not DocumentKind.CREDIT_NOTE:
        if item.corrects is not None:
            raise Rejected("corrects", _("Only a credit note corrects an invoice."))
        return None
    if item.corrects is None:
        raise Rejected("corrects", _("Name the invoice this credit note corrects."))
    if item.corrects == item.number:
        raise Rejected("corrects", _("A credit note cannot correct itself."))
    row = (
        await Invoice.select(Invoice.id, Invoice.company, Invoice.kind)
        .where((Invoice.number == item.corrects) & live_invoices())
        .first()
    )
    if row is None or row["company"] != company_id or row["kind"] != DocumentKind.INVOICE:
        raise Rejected("corrects", _("The customer has no invoice numbered {number}.").format(number=item.corrects))
    corrected: int = row["id"]
    return corrected


async def _invoiced_order(item: InvoiceItem, company_id: int) -> int | None:
    if item.order_number is None:
        return None
    row = await Order.select(Order.id, Order.company).where(Order.number == item.order_number).first()
    if row is None or row["company"] != company_id:
        raise Rejected(
            "order_number", _("The customer has no order numbered {number}.").format(number=item.order_number)
        )
    order_id: int = row["id"]
    return order_id


async def _check_move(invoice_id: int, number: str) -> None:
    """A document that payments settle or credit notes correct stays with its customer: moving it
    would leave those with the other company."""
    settled = await PaymentAllocation.exists().where((PaymentAllocation.invoice == invoice_id) & counted_allocations())
    corrected = await Invoice.exists().where((Invoice.corrects == invoice_id) & live_invoices())
    if settled or corrected:
        raise Rejected(
            "customer_code",
            _("Document {number} has payments or corrections of its customer; it cannot move to another.").format(
                number=number
            ),
        )


def _line_rows(invoice_id: int, lines: Sequence[InvoiceLineItem]) -> list[InvoiceLine]:
    return [
        InvoiceLine(
            invoice=invoice_id,
            position=line.position,
            name=line.name,
            sku=line.sku,
            unit=line.unit,
            quantity=line.quantity,
            unit_net_price=line.unit_net_price,
            discount_percent=line.discount_percent,
            net_value=line.net_value,
            vat_rate=line.vat_rate.value,
        )
        for line in lines
    ]


async def upsert_invoice(item: InvoiceItem) -> Applied:
    _check_lines(item)
    if item.fa3_xml is not None and (problem := ksef_xml_problem(item.fa3_xml)):
        raise Rejected("fa3_xml", problem)
    await _serialise_finance()
    company_id = await _customer(item.customer_code)
    corrects = await _corrected_invoice(item, company_id)
    order_id = await _invoiced_order(item, company_id)
    held = (
        await Invoice.select(Invoice.id, Invoice.company, Invoice.deleted).where(Invoice.number == item.number).first()
    )
    if held is not None and held["company"] != company_id:
        await _check_move(held["id"], item.number)
    # By column name: the new row's constructor and the update both take these.
    values: dict[Any, Any] = {
        "company": company_id,
        "kind": item.kind.value,
        "corrects": corrects,
        "issued_on": item.issued_on,
        "sold_on": item.sold_on or item.issued_on,
        "due_on": item.due_on,
        "currency": item.currency,
        "payment_method": item.payment_method.value,
        "order": order_id,
        "po_number": item.po_number,
        "ksef_number": item.ksef_number,
        "split_payment": item.split_payment,
        "net_total": item.net_total,
        "vat_total": item.vat_total,
        "gross_total": item.gross_total,
        "deleted": False,
        "updated_at": clock.now(),
    }
    if held is None:
        # What is left to pay is the gross until `settle` finds allocations (none, for a new number).
        inserted = await Invoice.insert(Invoice(number=item.number, outstanding=item.gross_total, **values)).returning(
            Invoice.id
        )
        invoice_id: int = inserted[0]["id"]
    else:
        invoice_id = held["id"]
        await Invoice.update(values).where(Invoice.id == invoice_id)
        await InvoiceLine.delete().where(InvoiceLine.invoice == invoice_id)
    if item.lines:
        await InvoiceLine.insert(*_line_rows(invoice_id, item.lines))
    await keep_ksef_xml(invoice_id, item.fa3_xml)
    await settle([invoice_id])
    await refresh_open_balance([company_id, *([held["company"]] if held else [])])
    return _applied(held)


async def delete_invoice(key: dict[str, str]) -> bool:
    await _serialise_finance()
    held = await Invoice.select(Invoice.id, Invoice.company).where(Invoice.number == key["number"]).first()
    if held is None:
        return False
    await Invoice.update({Invoice.deleted: True, Invoice.updated_at: clock.now()}).where(Invoice.id == held["id"])
    await StoredPdf.delete().where((StoredPdf.document_type == "invoice") & (StoredPdf.document_id == held["id"]))
    await refresh_open_balance([held["company"]])
    return True


# --- Payments ------------------------------------------------------------------------------


async def _allocation_targets(item: PaymentItem, company_id: int) -> list[int]:
    """The document of each allocation, in order: the customer's own, live, in the payment's
    currency, settled in its own direction, each once."""
    numbers = [allocation.invoice for allocation in item.allocations]
    found = {
        row["number"]: row
        for row in await Invoice.select(
            Invoice.id, Invoice.number, Invoice.company, Invoice.currency, Invoice.gross_total
        ).where(Invoice.number.is_in(numbers or [""]) & live_invoices())
    }
    targets: list[int] = []
    for index, allocation in enumerate(item.allocations):
        document = found.get(allocation.invoice)
        if document is None or document["company"] != company_id:
            raise Rejected(
                f"allocations/{index}/invoice",
                _("The customer has no document numbered {number}.").format(number=allocation.invoice),
            )
        if document["id"] in targets:
            raise Rejected(
                f"allocations/{index}/invoice",
                _("Document {number} is allocated twice; send one allocation a document.").format(
                    number=allocation.invoice
                ),
            )
        if document["currency"] != item.currency:
            raise Rejected(
                f"allocations/{index}/invoice",
                _("Document {number} is in {currency}, the payment in {payment}.").format(
                    number=allocation.invoice, currency=document["currency"], payment=item.currency
                ),
            )
        gross = Decimal(str(document["gross_total"]))
        if allocation.amount == 0 or (gross != 0 and (allocation.amount < 0) != (gross < 0)):
            raise Rejected(
                f"allocations/{index}/amount",
                _(
                    "An allocation settles a document in its own direction: positive for an invoice, "
                    "negative for a credit note."
                ),
            )
        targets.append(document["id"])
    return targets


def _check_amounts(item: PaymentItem) -> None:
    if item.amount == 0:
        raise Rejected("amount", _("A payment's amount cannot be zero."))
    allocated = sum((allocation.amount for allocation in item.allocations), ZERO)
    # A refund (negative) allocates downwards as a receipt allocates upwards: at most its amount.
    if (allocated if item.amount > 0 else -allocated) > abs(item.amount):
        raise Rejected(
            "allocations",
            _("The allocations settle {allocated}, more than the payment's {amount}.").format(
                allocated=format_money(allocated, item.currency), amount=format_money(item.amount, item.currency)
            ),
        )


async def _settle_after_payment(invoice_ids: Iterable[int], company_ids: Iterable[int]) -> None:
    await settle(list(dict.fromkeys(invoice_ids)))
    await refresh_open_balance(company_ids)


async def upsert_payment(item: PaymentItem) -> Applied:
    _check_amounts(item)
    await _serialise_finance()
    company_id = await _customer(item.customer_code)
    targets = await _allocation_targets(item, company_id)
    held = (
        await Payment.select(Payment.id, Payment.company, Payment.deleted).where(Payment.number == item.number).first()
    )
    values: dict[Any, Any] = {  # by column name, as for invoices
        "company": company_id,
        "paid_on": item.paid_on,
        "amount": item.amount,
        "currency": item.currency,
        "reference": item.reference,
        "deleted": False,
    }
    previously: list[int] = []
    if held is None:
        inserted = await Payment.insert(Payment(number=item.number, **values)).returning(Payment.id)
        payment_id: int = inserted[0]["id"]
    else:
        payment_id = held["id"]
        previously = [
            row["invoice"]
            for row in await PaymentAllocation.select(PaymentAllocation.invoice).where(
                PaymentAllocation.payment == payment_id
            )
        ]
        await Payment.update(values).where(Payment.id == payment_id)
        await PaymentAllocation.delete().where(PaymentAllocation.payment == payment_id)
    if targets:
        await PaymentAllocation.insert(
            *(
                PaymentAllocation(payment=payment_id, invoice=invoice_id, amount=allocation.amount)
                for invoice_id, allocation in zip(targets, item.allocations, strict=True)
            )
        )
    await _settle_after_payment([*previously, *targets], [company_id, *([held["company"]] if held else [])])
    return _applied(held)


async def delete_payment(key: dict[str, str]) -> bool:
    await _serialise_finance()
    held = await Payment.select(Payment.id, Payment.company).where(Payment.number == key["number"]).first()
    if held is None:
        return False
    await Payment.update({Payment.deleted: True}).where(Payment.id == held["id"])
    settled = await PaymentAllocation.select(PaymentAllocation.invoice).where(PaymentAllocation.payment == held["id"])
    await _settle_after_payment([row["invoice"] for row in settled], [held["company"]])
    return True


INVOICES: Resource[InvoiceItem] = Resource(
    name="invoices",
    scope=Scope.FINANCE,
    item_type=InvoiceItem,
    key_fields=("number",),
    upsert=upsert_invoice,
    delete=delete_invoice,
    summary="Invoices, corrective invoices (credit notes) and proformas with their lines and KSeF e-invoice, "
    "keyed by document number. What is left to pay follows from the payments' allocations.",
    example={
        "number": "FV/2026/11/0042",
        "kind": "invoice",
        "customer_code": "K-00017",
        "issued_on": "2026-11-02",
        "sold_on": "2026-11-02",
        "due_on": "2026-12-02",
        "currency": "PLN",
        "payment_method": "transfer",
        "po_number": "BM/2026/0815",
        "ksef_number": "6771004565-20261102-0A1B2C-3D4E5F-6A",
        "lines": [
            {
                "position": 1,
                "name": "Wkręt samowiercący 4,2x19",
                "sku": "WKR-42X19",
                "unit": "szt",
                "quantity": "1000",
                "unit_net_price": "0.0850",
                "discount_percent": "5",
                "net_value": "80.75",
                "vat_rate": "23",
            }
        ],
        "net_total": "80.75",
        "vat_total": "18.57",
        "gross_total": "99.32",
        "modified_at": "2026-11-02T09:15:00+01:00",
    },
)

PAYMENTS: Resource[PaymentItem] = Resource(
    name="payments",
    scope=Scope.FINANCE,
    item_type=PaymentItem,
    key_fields=("number",),
    upsert=upsert_payment,
    delete=delete_payment,
    summary="Payments received from customers (or refunded to them) and the documents each settles, keyed by the "
    "ERP's payment number. Documents' outstanding amounts, statuses and the open balance follow.",
    example={
        "number": "WB/2026/11/0107",
        "customer_code": "K-00017",
        "paid_on": "2026-11-28",
        "amount": "99.32",
        "currency": "PLN",
        "reference": "Przelew FV/2026/11/0042",
        "allocations": [{"invoice": "FV/2026/11/0042", "amount": "99.32"}],
        "modified_at": "2026-11-28T16:40:00+01:00",
    },
)

# Documents before the payments that settle them.
RESOURCES: list[Resource[Any]] = [INVOICES, PAYMENTS]
