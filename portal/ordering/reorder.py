"""Buying again: a past order's lines (all or some) back into the cart, with what changed since
flagged, and the products a company buys regularly with their usual quantity."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from portal.accounts.scope import Scope
from portal.catalog import StockLevel
from portal.errors import Invalid
from portal.i18n import gettext as _
from portal.ordering.cart import add_many_to_cart
from portal.ordering.grid import GridRow, grid_rows
from portal.ordering.offers import offers_by_product
from portal.ordering.orders import order_detail
from portal.ordering.tables import PurchasedProduct

REGULAR_MIN_ORDERS = 2
REGULAR_SHOWN = 100


@dataclass(frozen=True)
class ReorderLine:
    line_id: int
    sku: str
    name: str
    quantity: int
    ordered_unit_price: Decimal
    # None when the product can no longer be ordered (left the assortment, no price).
    unit_price: Decimal | None
    stock: StockLevel | None

    @property
    def orderable(self) -> bool:
        return self.unit_price is not None

    @property
    def price_changed(self) -> bool:
        return self.unit_price is not None and self.unit_price != self.ordered_unit_price


async def reorder_lines(caller: Scope, order_id: int) -> list[ReorderLine]:
    """The order's lines as they would be ordered today."""
    order = await order_detail(caller.company_id, order_id)
    offered = await offers_by_product(caller, [line.product_id for line in order.lines])
    lines = []
    for line in order.lines:
        offer = offered.get(line.product_id)
        quote = offer.quote(line.quantity) if offer else None
        lines.append(
            ReorderLine(
                line_id=line.id,
                sku=line.sku,
                name=line.name,
                quantity=line.quantity,
                ordered_unit_price=line.unit_price,
                unit_price=quote.unit_price if quote else None,
                stock=offer.stock if offer else None,
            )
        )
    return lines


async def reorder(caller: Scope, order_id: int, line_ids: set[int]) -> int:
    """Put the chosen lines of a past order into the cart; answers how many went in."""
    order = await order_detail(caller.company_id, order_id)
    orderable = {line.line_id for line in await reorder_lines(caller, order_id) if line.orderable}
    chosen = [line for line in order.lines if line.id in line_ids and line.id in orderable]
    if not chosen:
        raise Invalid({"lines": _("Choose at least one line that can still be ordered.")})
    await add_many_to_cart(caller, [(line.product_id, line.quantity) for line in chosen])
    return len(chosen)


@dataclass(frozen=True)
class RegularProduct:
    row: GridRow
    usual_quantity: int
    times_ordered: int


async def bought_regularly(caller: Scope) -> list[RegularProduct]:
    """What the company has ordered at least twice, most often first, with the last quantity."""
    history = (
        await PurchasedProduct.select(
            PurchasedProduct.product, PurchasedProduct.times_ordered, PurchasedProduct.last_quantity
        )
        .where((PurchasedProduct.company == caller.company_id) & (PurchasedProduct.times_ordered >= REGULAR_MIN_ORDERS))
        .order_by(PurchasedProduct.times_ordered, ascending=False)
        .limit(REGULAR_SHOWN)
    )
    rows = {row.product.id: row for row in await grid_rows(caller, [entry["product"] for entry in history])}
    return [
        RegularProduct(rows[entry["product"]], entry["last_quantity"], entry["times_ordered"])
        for entry in history
        if entry["product"] in rows
    ]


async def add_regular_products(caller: Scope, product_ids: set[int]) -> int:
    regular = [item for item in await bought_regularly(caller) if item.row.product.id in product_ids and item.row.quote]
    if not regular:
        raise Invalid({"products": _("Choose at least one product.")})
    await add_many_to_cart(caller, [(item.row.product.id, item.usual_quantity) for item in regular])
    return len(regular)
