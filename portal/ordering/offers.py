"""What the caller is offered for some products, in one statement: each product as lists show it,
its stock, how many are in the caller's cart, and the price book to price it at any quantity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from piccolo.querystring import QueryString

from portal import clock
from portal.accounts.scope import Scope
from portal.catalog.search import ProductRow, ProductsStatement, listed_products, product_row
from portal.catalog.stock import StockLevel, stock_column, stock_level_of
from portal.catalog.tables import Product
from portal.integration.sync_status import stock_synced_column, stock_unconfirmed_since
from portal.pricing import PriceQuote
from portal.pricing.resolver import PriceBook, choose_price, offer_columns, price_book_of, price_columns


@dataclass(frozen=True)
class Offer:
    product: ProductRow
    stock: StockLevel
    # 0 when the product is not in the caller's cart.
    in_cart: int
    book: PriceBook
    on: date

    def quote(self, quantity: int) -> PriceQuote | None:
        """The caller's price at `quantity` (whole units from 1), or None without a price."""
        return choose_price(self.book, self.product.id, quantity, self.on)


async def offers(caller: Scope, products: ProductsStatement) -> list[Offer]:
    """The products `products` selects, in its order, with what the caller is offered today."""
    on = clock.today()
    rows = await Product.raw(
        f"WITH page AS ({{}}) SELECT p.*, {{}}, {{}}, {{}}, {{}}, {{}} FROM page p ORDER BY {products.order}",
        products.select,
        QueryString(
            # The cart found once, then each product's line by the (cart, product) index.
            '(SELECT l.quantity FROM cart_line l WHERE l.cart = (SELECT c.id FROM cart c WHERE c."user" = {}'
            " AND c.company = {}) AND l.product = p.id) AS in_cart",
            caller.user_id,
            caller.company_id,
        ),
        stock_column(),
        stock_synced_column(),
        price_columns(caller, on),
        offer_columns(caller, on, QueryString("SELECT id FROM page")),
    )
    book = price_book_of(caller, rows)
    # The same moment on every row: the figures' age is the last stock batch's, not a product's.
    unconfirmed = stock_unconfirmed_since(rows[0]["stock_synced_at"], clock.now()) if rows else None
    return [
        Offer(
            product_row(row),
            replace(stock_level_of(row["stock_rows"]), unconfirmed_since=unconfirmed),
            row["in_cart"] or 0,
            book,
            on,
        )
        for row in rows
    ]


async def offers_by_product(
    caller: Scope, product_ids: Sequence[int], *, include_hidden: bool = False
) -> dict[int, Offer]:
    """The offers of the given products by product id, leaving out those the caller's company may
    not see; with `include_hidden` they stay, their product marked not visible."""
    statement = listed_products(caller, product_ids, include_hidden=include_hidden)
    return {offer.product.id: offer for offer in await offers(caller, statement)}
