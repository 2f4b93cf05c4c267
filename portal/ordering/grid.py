"""The ordering grid: a page of products the caller may order, each with the buyer's own net
price at the quantity in question, its stock and what is already in the cart."""

from __future__ import annotations

from dataclasses import dataclass

from portal.accounts.scope import Scope
from portal.catalog import (
    CatalogQuery,
    Facet,
    ProductRow,
    StockLevel,
    facets,
    search_products,
    stock_levels,
    visible_products,
)
from portal.catalog.details import ProductDetails, product_details
from portal.ordering.cart import cart_quantities
from portal.pricing import PriceQuote, resolve_prices


@dataclass(frozen=True)
class GridRow:
    product: ProductRow
    stock: StockLevel
    quote: PriceQuote | None
    in_cart: int


@dataclass(frozen=True)
class GridPage:
    query: CatalogQuery
    rows: list[GridRow]
    has_next: bool
    facets: list[Facet]


async def grid_page(caller: Scope, query: CatalogQuery) -> GridPage:
    products, has_next = await search_products(caller, query)
    return GridPage(
        query=query,
        rows=await grid_rows(caller, products),
        has_next=has_next,
        facets=await facets(caller, query) if query.narrowed else [],
    )


async def grid_rows(caller: Scope, products: list[ProductRow]) -> list[GridRow]:
    """Rows priced at the quantity in the cart, or else at the smallest quantity that can be
    ordered, so the tier hint speaks of the next step from there."""
    ids = [product.id for product in products]
    in_cart = await cart_quantities(caller, ids)
    stock = await stock_levels(ids)
    quotes = await resolve_prices(
        caller, {product.id: in_cart.get(product.id) or product.smallest_order for product in products}
    )
    return [
        GridRow(product, stock[product.id], quotes.get(product.id), in_cart.get(product.id, 0)) for product in products
    ]


@dataclass(frozen=True)
class ProductOffer:
    """The product page: the catalog's facts, the buyer's row with its price explanation at
    `quantity`, and its substitutes, accessories and sibling variants as orderable rows."""

    details: ProductDetails
    row: GridRow
    quote: PriceQuote | None
    substitutes: list[GridRow]
    accessories: list[GridRow]
    variants: list[GridRow]

    @property
    def substitutes_first(self) -> bool:
        return self.row.stock.is_out and bool(self.substitutes)


async def product_offer(caller: Scope, product_id: int, quantity: int | None = None) -> ProductOffer:
    details = await product_details(caller, product_id)
    related = [*details.substitute_ids, *details.accessory_ids, *details.variant_ids]
    rows = {
        row.product.id: row
        for row in await grid_rows(caller, [details.product, *await visible_products(caller, related)])
    }
    row = rows[product_id]
    quote = row.quote
    if quantity and quantity != (quote.quantity if quote else None):
        quote = (await resolve_prices(caller, {product_id: quantity})).get(product_id)
    return ProductOffer(
        details=details,
        row=row,
        quote=quote,
        substitutes=[rows[i] for i in details.substitute_ids if i in rows],
        accessories=[rows[i] for i in details.accessory_ids if i in rows],
        variants=[rows[i] for i in details.variant_ids if i in rows],
    )
