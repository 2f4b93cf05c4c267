"""Checkout: the cart becomes an order, once, with the buyer's PO number, a delivery address of
the company, its payment terms, a credit check, and approval when the rules ask for it.

Submission is idempotent: the checkout page carries a one-time key, and an order with that key
is found rather than made again (a unique index settles two racing submissions)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime

from piccolo.query.methods.select import Select

from portal.accounts.companies import Address, CompanyProfile, company_profile
from portal.accounts.scope import Scope
from portal.accounts.tables import PaymentMethod
from portal.accounts.tokens import LinkSigner
from portal.approvals.requests import request_first_approval
from portal.approvals.rules import ApprovalNeed, approvals_needed
from portal.database import write_transaction
from portal.errors import Invalid
from portal.finance.credit import CreditStatus, credit_status
from portal.i18n import gettext as _
from portal.mail import OutgoingMail, Postbox
from portal.ordering.cart import CartView, cart_view
from portal.ordering.orders import order_number, record_status
from portal.ordering.tables import Cart, CartLine, Order, OrderLine, OrderStatus
from portal.pricing import PriceSource

MAX_PO_LENGTH = 60
MAX_NOTE_LENGTH = 1000


@dataclass(frozen=True)
class CheckoutView:
    cart: CartView
    company: CompanyProfile
    credit: CreditStatus
    approval: ApprovalNeed
    submission_key: str

    @property
    def can_submit(self) -> bool:
        return bool(self.cart.lines) and self.cart.totals.blocked_lines == 0


async def checkout_view(caller: Scope) -> CheckoutView:
    cart = await cart_view(caller)
    return CheckoutView(
        cart=cart,
        company=await company_profile(caller),
        credit=await credit_status(caller),
        approval=await approvals_needed(caller, cart.totals.net),
        submission_key=secrets.token_urlsafe(24),
    )


@dataclass(frozen=True)
class CheckoutForm:
    submission_key: str
    po_number: str
    delivery_address_id: str
    requested_delivery_on: str
    note: str
    pay_in_advance: bool


@dataclass(frozen=True)
class PlacedOrder:
    order_id: int
    number: str
    status: OrderStatus
    approval: ApprovalNeed
    # False when this submission found the order an earlier one made.
    created: bool
    mails: tuple[OutgoingMail, ...] = ()


def _delivery_address(company: CompanyProfile, chosen: str, errors: dict[str, str]) -> Address | None:
    for address in company.delivery_addresses:
        if str(address.id) == chosen:
            return address
    errors["delivery_address_id"] = _("Choose one of your company's delivery addresses.")
    return None


def _requested_date(text: str, errors: dict[str, str]) -> date | None:
    if not text:
        return None
    try:
        requested = date.fromisoformat(text)
    except ValueError:
        errors["requested_delivery_on"] = _("Enter a date such as 2026-12-01.")
        return None
    if requested < date.today():
        errors["requested_delivery_on"] = _("The delivery date cannot be in the past.")
    return requested


def _price_source(line_source: PriceSource, name: str) -> str:
    labels = {
        PriceSource.CONTRACT: _("contract %(reference)s"),
        PriceSource.CUSTOMER_LIST: _("your price list %(reference)s"),
        PriceSource.GROUP_LIST: _("group price list %(reference)s"),
        PriceSource.BASE_LIST: _("price list %(reference)s"),
    }
    return labels[line_source] % {"reference": name}


async def _existing(caller: Scope, submission_key: str) -> PlacedOrder | None:
    row = (
        await Order.select(Order.id, Order.number, Order.status)
        .where(
            (Order.submission_key == submission_key)
            & (Order.company == caller.company_id)
            & (Order.placed_by == caller.user_id)
        )
        .first()
    )
    if row is None:
        return None
    return PlacedOrder(row["id"], row["number"], OrderStatus(row["status"]), ApprovalNeed(0, ()), created=False)


@dataclass(frozen=True)
class OrderRequest:
    """What an order is made of, from a checkout form or a recurring schedule."""

    lines: CartView
    address: Address
    requested_on: date | None
    po_number: str
    note: str
    payment_method: PaymentMethod
    submission_key: str
    # A checkout empties the cart it ordered; a recurring order leaves the owner's cart alone.
    empties_cart: bool


async def order_problems(caller: Scope, lines: CartView, payment_method: PaymentMethod) -> dict[str, str]:
    """Why these lines cannot be ordered now: none, blocked lines, or not enough credit."""
    if not lines.lines:
        return {"form": _("Your cart is empty.")}
    if lines.totals.blocked_lines:
        return {"form": _("Some lines cannot be ordered as they stand: fix or remove them in the cart.")}
    if payment_method is PaymentMethod.TRANSFER:
        credit = await credit_status(caller)
        if not credit.allows(lines.totals.gross):
            return {"credit": credit.refusal(lines.totals.gross)}
    return {}


async def place_order(caller: Scope, form: CheckoutForm, signer: LinkSigner, postbox: Postbox) -> PlacedOrder:
    """Turn the caller's cart into an order; raises Invalid with what to fix, changing nothing."""
    assert caller.company_id is not None
    if not 16 <= len(form.submission_key) <= 64:
        raise Invalid({"form": _("This form is out of date. Open the checkout again.")})
    if earlier := await _existing(caller, form.submission_key):
        return earlier
    errors: dict[str, str] = {}
    company = await company_profile(caller)
    address = _delivery_address(company, form.delivery_address_id, errors)
    requested_on = _requested_date(form.requested_delivery_on, errors)
    if len(form.po_number) > MAX_PO_LENGTH:
        errors["po_number"] = _("Keep the PO number under 60 characters.")
    if len(form.note) > MAX_NOTE_LENGTH:
        errors["note"] = _("Keep the note under 1,000 characters.")
    cart = await cart_view(caller)
    payment_method = PaymentMethod.PREPAYMENT if form.pay_in_advance else PaymentMethod(company.payment_method)
    if not errors:
        errors = await order_problems(caller, cart, payment_method)
    if errors:
        raise Invalid(errors)
    assert address is not None
    request = OrderRequest(
        cart, address, requested_on, form.po_number, form.note, payment_method, form.submission_key, empties_cart=True
    )
    return await submit_order(caller, request, company, signer, postbox)


async def submit_order(
    caller: Scope, request: OrderRequest, company: CompanyProfile, signer: LinkSigner, postbox: Postbox
) -> PlacedOrder:
    """Write the order, its lines and first status, and ask for approval when the rules say so,
    in one transaction; a submission key already used finds that order instead."""
    need = await approvals_needed(caller, request.lines.totals.net)
    totals = request.lines.totals
    async with write_transaction(Order._meta.db):
        if earlier := await _existing(caller, request.submission_key):
            return earlier
        created = await Order.insert(
            Order(
                number=f"pending-{request.submission_key[:12]}",
                company=caller.company_id,
                placed_by=caller.user_id,
                acting_user=caller.acting_as_user_id,
                status=OrderStatus.AWAITING_APPROVAL if need.needed else OrderStatus.SENT_TO_SELLER,
                po_number=request.po_number,
                delivery_label=request.address.label,
                delivery_street=request.address.street,
                delivery_postal_code=request.address.postal_code,
                delivery_city=request.address.city,
                requested_delivery_on=request.requested_on,
                payment_method=request.payment_method,
                payment_days=0 if request.payment_method is PaymentMethod.PREPAYMENT else company.payment_days,
                note=request.note,
                currency=totals.currency,
                net_total=totals.net,
                vat_total=totals.vat,
                gross_total=totals.gross,
                submission_key=request.submission_key,
            )
        ).returning(Order.id)
        order_id = created[0]["id"]
        number = order_number(order_id, datetime.now(UTC).date())
        await Order.update({Order.number: number}).where(Order.id == order_id)
        await OrderLine.insert(
            *(
                OrderLine(
                    order=order_id,
                    product=line.product.id,
                    sku=line.product.sku,
                    name=line.product.name,
                    unit=line.product.unit,
                    quantity=line.quantity,
                    unit_price=line.quote.unit_price,
                    line_net=line.quote.line_net,
                    vat_rate=line.product.vat_rate,
                    price_source=_price_source(line.quote.source, line.quote.source_name),
                    note=line.note,
                )
                for line in request.lines.lines
                if line.quote is not None
            )
        )
        if request.empties_cart:
            await CartLine.delete().where(CartLine.cart.is_in(_callers_cart(caller)))
        mails: list[OutgoingMail] = []
        if need.needed:
            await record_status(order_id, OrderStatus.AWAITING_APPROVAL, caller.user_id, " ".join(need.reasons))
            mails = await request_first_approval(order_id, need.approvers, signer, postbox)
        else:
            await record_status(order_id, OrderStatus.SENT_TO_SELLER, caller.user_id)
    return PlacedOrder(
        order_id,
        number,
        OrderStatus.AWAITING_APPROVAL if need.needed else OrderStatus.SENT_TO_SELLER,
        need,
        created=True,
        mails=tuple(mails),
    )


def _callers_cart(caller: Scope) -> Select:
    return Cart.select(Cart.id).where((Cart.user == caller.user_id) & (Cart.company == caller.company_id))
