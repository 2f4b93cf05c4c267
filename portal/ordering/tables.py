"""Tables of ordering: open carts and their lines, and what each company has bought before."""

from __future__ import annotations

from piccolo.columns import ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.accounts.tables import Company, User
from portal.catalog.tables import Product


class Cart(Table):
    """The one open cart of a user in a company (unique by a migration), kept across sessions."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade)
    company = ForeignKey(Company, null=False, on_delete=OnDelete.cascade)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class CartLine(Table):
    id = Serial(primary_key=True)
    cart = ForeignKey(Cart, null=False, index=True, on_delete=OnDelete.cascade)
    product = ForeignKey(Product, null=False, on_delete=OnDelete.cascade)
    quantity = Integer()
    note = Varchar(length=500, default="")
    added_at = Timestamptz(default=TimestamptzNow())


class PurchasedProduct(Table):
    """What a company has ordered before (from the ERP's history and, later, from orders
    placed here): drives the grid's "bought before" filter and reorder."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.cascade)
    product = ForeignKey(Product, null=False, on_delete=OnDelete.cascade)
    times_ordered = Integer(default=1)
    last_quantity = Integer(default=1)
    last_ordered_at = Timestamptz(default=TimestamptzNow())
