"""The ordering grid: a page of products the caller may order, each with the buyer's own net
price at the quantity in question, its stock and what is already in the cart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from portal.accounts.scope import Scope
from portal.catalog import CatalogQuery, Facet, ProductRow, StockLevel, facets
from portal.catalog.details import ProductDetails, product_details
from portal.catalog.search import PAGE_SIZE, ProductsStatement, listed_products, search_page
from portal.ordering.offers import offers
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
    # None when they come in a request of their own.
    facets: list[Facet] | None


async def grid_page(caller: Scope, query: CatalogQuery, *, with_facets: bool = True) -> GridPage:
    """The rows in one statement; the facets (a second one, over every match) only when asked:
    the grid's search partial leaves them to a request of their own (`grid_facets`)."""
    rows = await _grid_rows(caller, search_page(caller, query))
    return GridPage(
        query=query,
        rows=rows[:PAGE_SIZE],
        has_next=len(rows) > PAGE_SIZE,
        facets=await grid_facets(caller, query) if with_facets else None,
    )


async def grid_facets(caller: Scope, query: CatalogQuery) -> list[Facet]:
    return await facets(caller, query) if query.narrowed else []


async def grid_rows(caller: Scope, product_ids: Sequence[int]) -> list[GridRow]:
    """The rows of these products, in that order, leaving out those the caller may not see."""
    by_id = {row.product.id: row for row in await _grid_rows(caller, listed_products(caller, product_ids))}
    return [by_id[product_id] for product_id in product_ids if product_id in by_id]


async def _grid_rows(caller: Scope, products: ProductsStatement) -> list[GridRow]:
    """Rows priced at the quantity in the cart, or else at the smallest quantity that can be
    ordered, so the tier hint speaks of the next step from there."""
    return [
        GridRow(offer.product, offer.stock, offer.quote(offer.in_cart or offer.product.smallest_order), offer.in_cart)
        for offer in await offers(caller, products)
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
    rows = {row.product.id: row for row in await grid_rows(caller, [product_id, *related])}
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
