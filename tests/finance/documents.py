"""Invoices, credit notes and payments built in one line each for finance tests."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from portal.finance.balances import settle, status_for
from portal.finance.tables import DocumentKind, Invoice, InvoiceLine, InvoiceXml, Payment, PaymentAllocation


async def make_invoice(
    company_id: int,
    gross: str,
    *,
    issued_on: date = date(2026, 10, 1),
    due_on: date | None = None,
    kind: DocumentKind = DocumentKind.INVOICE,
    outstanding: str | None = None,
    number: str | None = None,
    po_number: str = "",
    order_id: int | None = None,
    vat_rate: str = "23",
    ksef_xml: str | None = None,
) -> int:
    """A one-line document of `gross`; a credit note's amounts are given negative."""
    gross_value = Decimal(gross)
    rate = Decimal(vat_rate) / 100
    net = (gross_value / (1 + rate)).quantize(Decimal("0.01"))
    left = gross_value if outstanding is None else Decimal(outstanding)
    rows = await Invoice.insert(
        Invoice(
            company=company_id,
            kind=kind,
            number=number or f"FV/T/{uuid.uuid4().hex[:8]}",
            issued_on=issued_on,
            sold_on=issued_on,
            due_on=due_on or issued_on,
            status=status_for(gross_value, left),
            order=order_id,
            po_number=po_number,
            net_total=net,
            vat_total=gross_value - net,
            gross_total=gross_value,
            outstanding=left,
        )
    ).returning(Invoice.id)
    invoice_id: int = rows[0]["id"]
    await InvoiceLine.insert(
        InvoiceLine(
            invoice=invoice_id,
            position=1,
            name="Wkręt samowiercący 4,2x19",
            sku="WKR-42X19",
            unit="szt",
            quantity=Decimal("1"),
            unit_net_price=net,
            net_value=net,
            vat_rate=vat_rate,
        )
    )
    if ksef_xml is not None:
        await InvoiceXml.insert(InvoiceXml(invoice=invoice_id, content=ksef_xml))
    return invoice_id


async def pay(company_id: int, paid_on: date, *allocations: tuple[int, str]) -> int:
    """A payment split over invoices as given (invoice id, amount); the invoices settle by it."""
    total = sum((Decimal(amount) for _, amount in allocations), Decimal("0.00"))
    rows = await Payment.insert(
        Payment(company=company_id, paid_on=paid_on, amount=total, reference="przelew")
    ).returning(Payment.id)
    payment_id: int = rows[0]["id"]
    await PaymentAllocation.insert(
        *(
            PaymentAllocation(payment=payment_id, invoice=invoice, amount=Decimal(amount))
            for invoice, amount in allocations
        )
    )
    await settle([invoice for invoice, _ in allocations])
    return payment_id
