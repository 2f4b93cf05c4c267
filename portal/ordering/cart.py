"""The cart: one open cart per user per company, kept in the database across sessions.

Prices are never stored on a line: every view resolves them again for the line's quantity,
so a tier reached by editing a quantity or a price changed in the ERP shows at once. A view
of any size costs a fixed number of statements (lines, visibility, stock, the resolver's)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from piccolo.querystring import QueryString

from portal import clock
from portal.accounts.roles import Permission
from portal.accounts.scope import Scope
from portal.catalog import ProductRow, StockLevel, round_up_to_multiple, visible_products
from portal.catalog.tables import VatRate
from portal.errors import Invalid, NotFound
from portal.i18n import gettext as _
from portal.ordering.offers import offers_by_product
from portal.ordering.tables import Cart, CartLine
from portal.pricing import PriceQuote, resolve_prices
from portal.web.forms import whole_number

GROSZ = Decimal("0.01")
MAX_QUANTITY = 1_000_000
MAX_NOTE_LENGTH = 500


class Adjustment(StrEnum):
    RAISED_TO_MINIMUM = "minimum"
    ROUNDED_TO_MULTIPLE = "multiple"


@dataclass(frozen=True)
class OrderQuantity:
    """A requested quantity after the product's minimum and multiple were applied."""

    requested: int
    quantity: int
    adjustment: Adjustment | None


def apply_order_rules(requested: int, min_order_quantity: int, order_multiple: int) -> OrderQuantity:
    """Round up, never down: a buyer who asks for 7 of a 5-pack gets 10, not 5."""
    if requested < min_order_quantity:
        return OrderQuantity(
            requested, round_up_to_multiple(min_order_quantity, order_multiple), Adjustment.RAISED_TO_MINIMUM
        )
    rounded = round_up_to_multiple(requested, order_multiple)
    return OrderQuantity(requested, rounded, Adjustment.ROUNDED_TO_MULTIPLE if rounded != requested else None)


def parse_quantity(text: str, *, allow_zero: bool = False) -> int:
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    quantity = whole_number(cleaned, maximum=10**18)
    if quantity is None:
        raise Invalid({"quantity": _("Enter a whole number.")})
    if quantity == 0 and not allow_zero:
        raise Invalid({"quantity": _("Enter a quantity of at least 1.")})
    if quantity > MAX_QUANTITY:
        raise Invalid({"quantity": _("That is more than we can take in one line.")})
    return quantity


@dataclass(frozen=True)
class AddedToCart:
    product_id: int
    added: OrderQuantity
    in_cart: int


@dataclass(frozen=True)
class CartLineView:
    line_id: int
    product: ProductRow
    quantity: int
    note: str
    stock: StockLevel
    quote: PriceQuote | None
    # False when the product left the company's assortment or was discontinued since it was added.
    orderable: bool

    @property
    def line_net(self) -> Decimal | None:
        return self.quote.line_net if self.quote and self.orderable else None


@dataclass(frozen=True)
class VatSubtotal:
    rate: str
    net: Decimal
    vat: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


@dataclass(frozen=True)
class CartTotals:
    currency: str
    line_count: int
    net: Decimal
    by_rate: tuple[VatSubtotal, ...]
    # Lines that cannot be ordered as they stand (no price, no longer available).
    blocked_lines: int

    @property
    def vat(self) -> Decimal:
        return sum((subtotal.vat for subtotal in self.by_rate), Decimal("0.00"))

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


@dataclass(frozen=True)
class CartView:
    lines: list[CartLineView]
    totals: CartTotals

    def line(self, line_id: int) -> CartLineView | None:
        return next((line for line in self.lines if line.line_id == line_id), None)


def vat_amount(net: Decimal, rate: str) -> Decimal:
    """VAT of one rate's net sum, half up to the grosz (the invoice totals VAT per rate)."""
    if rate in (VatRate.EXEMPT, VatRate.ZERO):
        return Decimal("0.00")
    return (net * Decimal(rate) / 100).quantize(GROSZ, rounding=ROUND_HALF_UP)


def vat_subtotals(line_nets: Iterable[tuple[str, Decimal]]) -> tuple[VatSubtotal, ...]:
    """Net and VAT per rate of (VAT rate, line net) pairs, the highest rate first."""
    net_by_rate: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for rate, net in line_nets:
        net_by_rate[rate] += net
    return tuple(
        VatSubtotal(rate, net, vat_amount(net, rate))
        for rate, net in sorted(net_by_rate.items(), key=lambda item: _rate_order(item[0]))
    )


def cart_totals(lines: Sequence[CartLineView], currency: str) -> CartTotals:
    priced = [(line.product.vat_rate, line.line_net) for line in lines if line.line_net is not None]
    blocked = len(lines) - len(priced)
    subtotals = vat_subtotals(priced)
    return CartTotals(
        currency=currency,
        line_count=len(lines),
        net=sum((subtotal.net for subtotal in subtotals), Decimal("0.00")),
        by_rate=subtotals,
        blocked_lines=blocked,
    )


def _rate_order(rate: str) -> int:
    return -int(rate) if rate.isdigit() else 1


# --- Reading ---------------------------------------------------------------------------------


async def cart_summary(caller: Scope) -> CartTotals | None:
    """The totals for the header of ordering pages, for those who may fill a cart."""
    return (await cart_view(caller)).totals if caller.can(Permission.CART_EDIT) else None


async def _cart_id(caller: Scope, *, create: bool) -> int | None:
    assert caller.company_id is not None
    if create:
        # The unique (user, company) index makes a second insert from a double click a no-op.
        await Cart.insert(Cart(user=caller.user_id, company=caller.company_id)).on_conflict(action="DO NOTHING")
    row = await Cart.select(Cart.id).where((Cart.user == caller.user_id) & (Cart.company == caller.company_id)).first()
    return row["id"] if row else None


async def cart_view(caller: Scope) -> CartView:
    assert caller.company_id is not None
    rows = (
        await CartLine.select(CartLine.id, CartLine.product, CartLine.quantity, CartLine.note)
        .where((CartLine.cart.user == caller.user_id) & (CartLine.cart.company == caller.company_id))
        .order_by(CartLine.id)
    )
    return await priced_lines(caller, rows)


async def priced_lines(caller: Scope, rows: Sequence[dict[str, Any]]) -> CartView:
    """Lines (id, product, quantity, note) of a cart or a list, priced and checked for the
    caller today, in one statement however many lines."""
    offered = await offers_by_product(caller, [row["product"] for row in rows], include_hidden=True)
    lines = []
    for row in rows:
        offer = offered[row["product"]]
        lines.append(
            CartLineView(
                line_id=row["id"],
                product=offer.product,
                quantity=row["quantity"],
                note=row["note"],
                stock=offer.stock,
                quote=offer.quote(row["quantity"]),
                orderable=offer.product.visible,
            )
        )
    return CartView(lines=lines, totals=cart_totals(lines, caller.currency))


# --- Changing --------------------------------------------------------------------------------


async def add_to_cart(caller: Scope, product_id: int, quantity_text: str) -> AddedToCart:
    """Add a quantity of a product, rounded up to its minimum and multiple; a product already
    in the cart gets the quantity on top of what is there."""
    products = await visible_products(caller, [product_id])
    if not products:
        raise NotFound(_("This product does not exist."))
    order_quantities = await _priced_order_quantities(caller, products, {product_id: parse_quantity(quantity_text)})
    in_cart = await _put_in_cart(caller, {product_id: order_quantities[product_id].quantity})
    return AddedToCart(product_id, order_quantities[product_id], in_cart[product_id])


async def add_many_to_cart(caller: Scope, lines: Sequence[tuple[int, int]]) -> list[AddedToCart]:
    """Add (product id, requested quantity) pairs under the rules of `add_to_cart`, all or none,
    in a fixed number of statements however many lines: a product named twice is requested once
    with the quantities summed, before its minimum and multiple apply."""
    requested: dict[int, int] = defaultdict(int)
    for product_id, quantity in lines:
        requested[product_id] += quantity
    if not requested:
        return []
    if any(quantity < 1 for quantity in requested.values()):
        raise Invalid({"quantity": _("Enter a quantity of at least 1.")})
    if any(quantity > MAX_QUANTITY for quantity in requested.values()):
        raise Invalid({"quantity": _("That is more than we can take in one line.")})
    products = await visible_products(caller, list(requested))
    if len(products) != len(requested):
        raise NotFound(_("This product does not exist."))
    order_quantities = await _priced_order_quantities(caller, products, requested)
    in_cart = await _put_in_cart(caller, {product_id: order.quantity for product_id, order in order_quantities.items()})
    return [AddedToCart(product_id, order_quantities[product_id], in_cart[product_id]) for product_id in requested]


async def _priced_order_quantities(
    caller: Scope, products: Sequence[ProductRow], requested: Mapping[int, int]
) -> dict[int, OrderQuantity]:
    """The order rules applied to each requested quantity; a product without a price for the
    caller at that quantity stops the whole addition."""
    order_quantities = {
        product.id: apply_order_rules(requested[product.id], product.min_order_quantity, product.order_multiple)
        for product in products
    }
    quotes = await resolve_prices(
        caller, {product_id: order.quantity for product_id, order in order_quantities.items()}
    )
    if any(product_id not in quotes for product_id in order_quantities):
        raise Invalid({"quantity": _("This product has no price for your company yet. Ask us for a quote.")})
    return order_quantities


async def _put_in_cart(caller: Scope, quantities: Mapping[int, int]) -> dict[int, int]:
    """Add the quantities to the caller's cart in one statement; answers what each product now
    has in the cart. Raw SQL because the query builder's ON CONFLICT can only set the new values,
    not add them to the old: the unique (cart, product) index turns a second line of a product
    into an addition, also when two requests race."""
    cart_id = await _cart_id(caller, create=True)
    added_at = clock.now()
    rows = ", ".join("({}, {}, {}, '', {})" for _ in quantities)
    total = "cart_line.quantity + excluded.quantity"
    statement = QueryString(
        f"INSERT INTO cart_line (cart, product, quantity, note, added_at) VALUES {rows}"
        " ON CONFLICT (cart, product) DO UPDATE"
        f" SET quantity = CASE WHEN {total} > {MAX_QUANTITY} THEN {MAX_QUANTITY} ELSE {total} END"
        " RETURNING product, quantity",
        *(value for product_id, quantity in quantities.items() for value in (cart_id, product_id, quantity, added_at)),
    )
    in_cart = {row["product"]: row["quantity"] for row in await CartLine.raw("{}", statement)}
    await _touch(cart_id)
    return in_cart


async def _owned_line(caller: Scope, line_id: int) -> dict[str, int]:
    row = (
        await CartLine.select(CartLine.id, CartLine.cart, CartLine.product)
        .where(
            (CartLine.id == line_id)
            & (CartLine.cart.user == caller.user_id)
            & (CartLine.cart.company == caller.company_id)
        )
        .first()
    )
    if row is None:
        raise NotFound(_("This cart line does not exist."))
    return row


async def change_line(caller: Scope, line_id: int, quantity_text: str, note: str) -> OrderQuantity | None:
    """Set a line's quantity (rounded like an addition) and note; quantity 0 removes the line
    and answers None."""
    line = await _owned_line(caller, line_id)
    requested = parse_quantity(quantity_text, allow_zero=True)
    if len(note) > MAX_NOTE_LENGTH:
        raise Invalid({"note": _("Keep the note under 500 characters.")})
    if requested == 0:
        await remove_line(caller, line_id)
        return None
    products = await visible_products(caller, [line["product"]])
    if not products:
        raise Invalid({"quantity": _("This product is no longer available to your company. Remove the line.")})
    order_quantity = apply_order_rules(requested, products[0].min_order_quantity, products[0].order_multiple)
    await CartLine.update({CartLine.quantity: order_quantity.quantity, CartLine.note: note}).where(
        CartLine.id == line_id
    )
    await _touch(line["cart"])
    return order_quantity


async def remove_line(caller: Scope, line_id: int) -> None:
    line = await _owned_line(caller, line_id)
    await CartLine.delete().where(CartLine.id == line_id)
    await _touch(line["cart"])


async def _touch(cart_id: int | None) -> None:
    await Cart.update({Cart.updated_at: clock.now()}).where(Cart.id == cart_id)
