"""The order document the seller's ERP needs, as a typed model: the payload of every order event
and the answer of `GET /api/v1/orders/<number>`, described by the same model in the OpenAPI
document, so what is sent cannot drift from what is documented."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from portal.approvals.requests import approvals_given
from portal.ordering.documents import order_documents


class AddressBody(BaseModel):
    label: str = ""
    street: str
    postal_code: str
    city: str
    country: str = "PL"


class CustomerBody(BaseModel):
    erp_code: str | None = Field(description="The customer's code in your ERP; null for a customer it never sent.")
    name: str
    nip: str
    vat_id: str
    billing_address: AddressBody


class PersonBody(BaseModel):
    name: str
    email: str


class ApprovalBody(PersonBody):
    approved_at: datetime


class OrderLineBody(BaseModel):
    line: int = Field(description="The line's number in the order, from 1.")
    sku: str
    name: str
    quantity: int
    unit: str
    unit_price: Decimal = Field(description="Net unit price the buyer was shown, as a decimal string.")
    price_source: str = Field(description='Where the price came from, e.g. "contract UMOWA/2027/014".')
    vat_rate: str = Field(description='VAT rate in percent ("23", "8", "5", "0") or "zw" (exempt).')
    net: Decimal = Field(description="Net value of the line, rounded to the grosz.")
    note: str


class PaymentBody(BaseModel):
    method: str = Field(description="transfer (on the payment term) or prepayment, as chosen at checkout.")
    days: int = Field(description="Payment term in days.")


class TotalsBody(BaseModel):
    net: Decimal
    vat: Decimal
    gross: Decimal


class OrderDocumentBody(BaseModel):
    """An order as placed in the portal."""

    number: str = Field(description='The portal\'s order number, e.g. "ZAM/2026/000123".')
    status: str = Field(
        description="awaiting_approval, approved, sent_to_seller (placed: take it), sent_to_erp, awaiting_consent, "
        "confirmed, in_fulfilment, partly_shipped, shipped, delivered, invoiced, paid, rejected or cancelled."
    )
    placed_at: datetime
    customer: CustomerBody
    placed_by: PersonBody
    approved_by: list[ApprovalBody] = Field(description="Who approved the order, in order; empty when none was needed.")
    po_number: str = Field(description="The buyer's purchase order number.")
    requested_delivery_on: date | None
    note: str
    delivery_address: AddressBody
    payment: PaymentBody
    currency: str
    lines: list[OrderLineBody]
    totals: TotalsBody


async def erp_order_documents(order_ids: Collection[int]) -> dict[int, dict[str, Any]]:
    """The documents of these orders by id, as JSON values, in four statements."""
    documents = await order_documents(order_ids)
    approvals = await approvals_given(list(documents))
    return {
        order_id: OrderDocumentBody.model_validate({**document, "approved_by": approvals[order_id]}).model_dump(
            mode="json"
        )
        for order_id, document in documents.items()
    }
