"""Checkout: the cart becomes an order, once, with the buyer's PO number, a delivery address of
the company, its payment terms, a credit check, and approval when the rules ask for it.

Submission is idempotent: the checkout page carries a one-time key, and an order with that key
is found rather than made again (a unique index settles two racing submissions)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from piccolo.query.methods.select import Select
from piccolo.querystring import QueryString

from portal import clock
from portal.accounts.companies import Address, CompanyProfile, blocked_from_ordering, company_profile
from portal.accounts.scope import Scope
from portal.accounts.tables import CompanyStatus, PaymentMethod
from portal.accounts.tokens import LinkSigner
from portal.approvals.requests import request_first_approval
from portal.approvals.rules import (
    ApprovalNeed,
    Member,
    approval_need,
    approvals_needed,
    budget_figures,
    budget_from,
    company_members,
    members_from,
)
from portal.backoffice.inbox import announce_notifications
from portal.database import write_transaction
from portal.errors import Invalid
from portal.finance.credit import CreditStatus, credit_figures, credit_from, credit_status
from portal.i18n import gettext as _
from portal.mail import OutgoingMail, Postbox
from portal.ordering.cart import CartView, cart_view, priced_lines
from portal.ordering.orders import SUBMITTED_TOPIC, order_number, record_first_status
from portal.ordering.tables import Cart, CartLine, Order, OrderLine, OrderStatus
from portal.pricing import PriceSource
from portal.web.forms import calendar_day, record_id

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
        return bool(self.cart.lines) and self.cart.totals.blocked_lines == 0 and not self.company.blocked

    @property
    def refusal(self) -> str:
        """Why this company cannot order at all now, or ""."""
        return blocked_from_ordering() if self.company.blocked else ""


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


def _requested_date(text: str, errors: dict[str, str]) -> date | None:
    if not text:
        return None
    requested = calendar_day(text)
    if requested is None:
        errors["requested_delivery_on"] = _("Enter a date such as 2026-12-01.")
        return None
    if requested < clock.today():
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


def _problems(lines: CartView, payment_method: PaymentMethod, credit: CreditStatus | None) -> dict[str, str]:
    if not lines.lines:
        return {"form": _("Your cart is empty.")}
    if lines.totals.blocked_lines:
        return {"form": _("Some lines cannot be ordered as they stand: fix or remove them in the cart.")}
    if payment_method is PaymentMethod.TRANSFER and credit is not None and not credit.allows(lines.totals.gross):
        return {"credit": credit.refusal(lines.totals.gross)}
    return {}


async def order_problems(caller: Scope, lines: CartView, payment_method: PaymentMethod) -> dict[str, str]:
    """Why these lines cannot be ordered now: none, blocked lines, or not enough credit."""
    if not lines.lines or lines.totals.blocked_lines or payment_method is not PaymentMethod.TRANSFER:
        return _problems(lines, payment_method, None)
    return _problems(lines, payment_method, await credit_status(caller))


@dataclass(frozen=True)
class _Facts:
    """What a submission decides on besides its lines, read in one statement (`_facts`)."""

    row: dict[str, Any]
    members: list[Member]
    need: ApprovalNeed

    @property
    def earlier(self) -> PlacedOrder | None:
        if self.row["earlier_id"] is None:
            return None
        return PlacedOrder(
            self.row["earlier_id"],
            self.row["earlier_number"],
            OrderStatus(self.row["earlier_status"]),
            ApprovalNeed(0, ()),
            created=False,
        )

    @property
    def address(self) -> Address | None:
        row = self.row
        if row["address_id"] is None:
            return None
        return Address(
            row["street"],
            row["postal_code"],
            row["city"],
            row["country"],
            row["label"],
            bool(row["is_default"]),
            row["address_id"],
        )

    def credit(self, currency: str) -> CreditStatus:
        return credit_from(self.row, currency)


async def _facts(caller: Scope, submission_key: str, address_id: str, net: Decimal) -> _Facts:
    """In one statement: an order already made with this key, the company's terms and name, the
    chosen delivery address of the company, the author, the credit figures (finance's), the
    author's budget and the value levels `net` is above (approvals'), and the company's active
    members, one row each (the facts repeat on every row), so approval needs no lookup of its own."""
    assert caller.company_id is not None
    chosen = record_id(address_id) if str(record_id(address_id)) == address_id else None
    own = QueryString(
        "SELECT c.name AS company_name, c.payment_method AS company_payment_method,"
        " c.payment_days AS company_payment_days, c.status AS company_status, c.order_email AS company_order_email,"
        " author.name AS author_name, author.email AS author_email, author.locale AS author_locale,"
        " a.id AS address_id, a.label, a.street, a.postal_code, a.city, a.country, a.is_default,"
        " e.id AS earlier_id, e.number AS earlier_number, e.status AS earlier_status"
        " FROM company c JOIN portal_user author ON author.id = {}"
        " LEFT JOIN delivery_address a ON a.company = c.id AND a.id = {} AND a.is_active = {}"
        " LEFT JOIN customer_order e ON e.submission_key = {} AND e.company = c.id AND e.placed_by = {}"
        " WHERE c.id = {}",
        caller.user_id,
        chosen,
        True,
        submission_key,
        caller.user_id,
        caller.company_id,
    )
    statement = QueryString(
        "SELECT * FROM ({}) AS own CROSS JOIN ({}) AS credit CROSS JOIN ({}) AS budget"
        " LEFT JOIN ({}) AS members ON 1 = 1",
        own,
        credit_figures(caller.company_id),
        budget_figures(caller.company_id, caller.user_id, caller.membership_id or None, net),
        company_members(caller.company_id),
    )
    rows = await Order.raw("{}", statement)
    assert rows, "the caller's company and user exist"
    row = rows[0]
    need = approval_need(caller, net, budget_from(row), int(row["levels_exceeded"]))
    return _Facts(row, members_from(rows), need)


async def _take_cart(caller: Scope, submission_key: str) -> CartView:
    """Empty the caller's cart and answer its lines, priced; a key already used takes nothing.
    The lines come back from the DELETE, so the order holds exactly the lines it took, even when
    another tab adds one meanwhile; an Invalid raised later rolls the deletion back."""
    rows = await CartLine.raw(
        'DELETE FROM cart_line WHERE cart IN (SELECT c.id FROM cart c WHERE c."user" = {} AND c.company = {})'
        " AND NOT EXISTS (SELECT 1 FROM customer_order o WHERE o.submission_key = {} AND o.company = {}"
        " AND o.placed_by = {}) RETURNING id, product, quantity, note",
        caller.user_id,
        caller.company_id,
        submission_key,
        caller.company_id,
        caller.user_id,
    )
    return await priced_lines(caller, sorted(rows, key=lambda row: row["id"]))


async def place_order(caller: Scope, form: CheckoutForm, signer: LinkSigner, postbox: Postbox) -> PlacedOrder:
    """Turn the caller's cart into an order; raises Invalid with what to fix, changing nothing.
    One transaction from the first statement to the last: the cart taken, the facts read, the
    order written."""
    assert caller.company_id is not None
    if not 16 <= len(form.submission_key) <= 64:
        raise Invalid({"form": _("This form is out of date. Open the checkout again.")})
    errors: dict[str, str] = {}
    requested_on = _requested_date(form.requested_delivery_on, errors)
    if len(form.po_number) > MAX_PO_LENGTH:
        errors["po_number"] = _("Keep the PO number under 60 characters.")
    if len(form.note) > MAX_NOTE_LENGTH:
        errors["note"] = _("Keep the note under 1,000 characters.")
    async with write_transaction(Order._meta.db):
        cart = await _take_cart(caller, form.submission_key)
        facts = await _facts(caller, form.submission_key, form.delivery_address_id, cart.totals.net)
        if earlier := facts.earlier:
            return earlier
        address = facts.address
        if address is None:
            errors["delivery_address_id"] = _("Choose one of your company's delivery addresses.")
        payment_method = (
            PaymentMethod.PREPAYMENT if form.pay_in_advance else PaymentMethod(facts.row["company_payment_method"])
        )
        if not errors:
            errors = _problems(cart, payment_method, facts.credit(caller.currency))
        if errors:
            raise Invalid(errors)
        assert address is not None
        request = OrderRequest(
            cart,
            address,
            requested_on,
            form.po_number,
            form.note,
            payment_method,
            form.submission_key,
            empties_cart=True,
        )
        placed = await _write_order(caller, request, facts, int(facts.row["company_payment_days"]), signer, postbox)
    await announce_notifications(caller.company_id)
    # A recurring order's owner is told by the run's own mail instead.
    return replace(placed, mails=(*_confirmations(placed, request, facts, postbox), *placed.mails))


def _confirmations(
    placed: PlacedOrder, request: OrderRequest, facts: _Facts, postbox: Postbox
) -> tuple[OutgoingMail, ...]:
    """The author's confirmation, and a copy to the company's order address when it has one (in
    the author's language: the company's mailbox has none of its own)."""
    author = str(facts.row["author_email"])
    order_email = str(facts.row["company_order_email"] or "")
    to = (author, order_email) if order_email and order_email.lower() != author.lower() else (author,)
    return tuple(_confirmation(address, placed, request, facts, postbox) for address in to)


def _confirmation(to: str, placed: PlacedOrder, request: OrderRequest, facts: _Facts, postbox: Postbox) -> OutgoingMail:
    return postbox.compose(
        "order_submitted",
        to,
        str(facts.row["author_locale"]),
        number=placed.number,
        awaiting_approval=placed.approval.needed,
        lines=[
            (line.product, line.quantity, line.quote.unit_price, line.quote.line_net)
            for line in request.lines.lines
            if line.quote
        ],
        totals=request.lines.totals,
        po_number=request.po_number,
        requested_on=request.requested_on,
        address=request.address,
        link=postbox.link(f"/orders/{placed.order_id}"),
    )


async def submit_order(
    caller: Scope, request: OrderRequest, company: CompanyProfile, signer: LinkSigner, postbox: Postbox
) -> PlacedOrder:
    """Write the order, its lines and first status, and ask for approval when the rules say so,
    in one transaction; a submission key already used finds that order instead."""
    async with write_transaction(Order._meta.db):
        facts = await _facts(caller, request.submission_key, "", request.lines.totals.net)
        if earlier := facts.earlier:
            return earlier
        if request.empties_cart:
            await CartLine.delete().where(CartLine.cart.is_in(_callers_cart(caller)))
        placed = await _write_order(caller, request, facts, company.payment_days, signer, postbox)
    assert caller.company_id is not None
    await announce_notifications(caller.company_id)
    return placed


async def _write_order(
    caller: Scope, request: OrderRequest, facts: _Facts, payment_days: int, signer: LinkSigner, postbox: Postbox
) -> PlacedOrder:
    """The order, its lines, its first status and approval steps; inside the submission's transaction.
    Every order passes here, so the company's block is checked here, on the row this transaction read."""
    if facts.row["company_status"] == CompanyStatus.BLOCKED:
        raise Invalid({"form": blocked_from_ordering()})
    need = facts.need
    totals = request.lines.totals
    status = OrderStatus.AWAITING_APPROVAL if need.needed else OrderStatus.SENT_TO_SELLER
    created = await Order.insert(
        Order(
            number=f"pending-{request.submission_key[:12]}",
            company=caller.company_id,
            placed_by=caller.user_id,
            acting_user=caller.acting_as_user_id,
            status=status,
            po_number=request.po_number,
            delivery_label=request.address.label,
            delivery_street=request.address.street,
            delivery_postal_code=request.address.postal_code,
            delivery_city=request.address.city,
            requested_delivery_on=request.requested_on,
            payment_method=request.payment_method,
            payment_days=0 if request.payment_method is PaymentMethod.PREPAYMENT else payment_days,
            note=request.note,
            currency=totals.currency,
            net_total=totals.net,
            vat_total=totals.vat,
            gross_total=totals.gross,
            submission_key=request.submission_key,
        )
    ).returning(Order.id)
    order_id = created[0]["id"]
    number = order_number(order_id, clock.today())
    await Order.update({Order.number: number}).where(Order.id == order_id)
    ordered = [(line, line.quote) for line in request.lines.lines if line.quote is not None]
    await OrderLine.insert(
        *(
            OrderLine(
                order=order_id,
                product=line.product.id,
                sku=line.product.sku,
                name=line.product.name,
                unit=line.product.unit,
                quantity=line.quantity,
                unit_price=quote.unit_price,
                line_net=quote.line_net,
                vat_rate=line.product.vat_rate,
                price_source=_price_source(quote.source, quote.source_name),
                note=line.note,
            )
            for line, quote in ordered
        )
    )
    assert caller.company_id is not None
    mails: list[OutgoingMail] = []
    if need.needed:
        await record_first_status(
            order_id,
            number,
            caller.company_id,
            status,
            caller.user_id,
            " ".join(need.reasons),
            topic=SUBMITTED_TOPIC,
        )
        order = {
            "number": number,
            "company": caller.company_id,
            "company_name": facts.row["company_name"],
            "placed_by": caller.user_id,
            "placed_by_name": facts.row["author_name"],
            "placed_by_email": facts.row["author_email"],
            "placed_by_locale": facts.row["author_locale"],
            "net_total": totals.net,
            "currency": totals.currency,
            "status": status.value,
        }
        mails = await request_first_approval(
            order_id, need.approvers, signer, postbox, order=order, members=facts.members
        )
    else:
        bought = [(line.product.id, line.quantity) for line, _ in ordered]
        await record_first_status(
            order_id, number, caller.company_id, status, caller.user_id, bought=bought, topic=SUBMITTED_TOPIC
        )
    return PlacedOrder(order_id, number, status, need, created=True, mails=tuple(mails))


def _callers_cart(caller: Scope) -> Select:
    return Cart.select(Cart.id).where((Cart.user == caller.user_id) & (Cart.company == caller.company_id))
