"""Tables of ordering: open carts and their lines, what each company has bought before, and
orders with their lines and timeline."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Numeric, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.accounts.tables import Company, DeliveryAddress, User
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
    # Indexed by the unique (cart, product) index only (migration 2026-11-25T13:45): with a
    # second index on `cart` alone, the planner found a product's line in a 500-line cart by
    # reading all 500, once for each row of a grid page.
    cart = ForeignKey(Cart, null=False, on_delete=OnDelete.cascade)
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


class OrderStatus(StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    # Placed and waiting for the seller's ERP to take it (by the feed or a webhook).
    SENT_TO_SELLER = "sent_to_seller"
    # The ERP has received it and not answered yet.
    SENT_TO_ERP = "sent_to_erp"
    # The ERP confirmed prices above the ordered ones by more than the tolerance: the buyer
    # accepts them or cancels.
    AWAITING_CONSENT = "awaiting_consent"
    CONFIRMED = "confirmed"
    IN_FULFILMENT = "in_fulfilment"
    PARTLY_SHIPPED = "partly_shipped"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    INVOICED = "invoiced"
    PAID = "paid"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Order(Table, tablename="customer_order"):
    """A submitted order. Its number is derived from the id: one sequence for all companies."""

    id = Serial(primary_key=True)
    number = Varchar(length=20, unique=True)
    company = ForeignKey(Company, null=False, index=True)
    placed_by = ForeignKey(User, null=False)
    # The sales rep who placed it on the customer's behalf, when one did.
    acting_user = ForeignKey(User, null=True, default=None)
    status = Varchar(length=20, choices=OrderStatus, index=True)
    # The buyer's own order number, kept on the order and later the invoice.
    po_number = Varchar(length=60, default="")
    delivery_label = Varchar(length=100, default="")
    delivery_street = Varchar(length=200)
    delivery_postal_code = Varchar(length=10)
    delivery_city = Varchar(length=100)
    requested_delivery_on = Date(null=True, default=None)
    payment_method = Varchar(length=12)
    payment_days = Integer(default=0)
    note = Text(default="")
    currency = Varchar(length=3, default="PLN")
    net_total = Numeric(digits=(14, 2))
    vat_total = Numeric(digits=(14, 2))
    gross_total = Numeric(digits=(14, 2))
    # The browser's one-time key for this checkout: a second submission with it finds this order.
    submission_key = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    # The seller's ERP's own number of the order, from its answer.
    erp_number = Varchar(length=60, default="")
    # When the order became binding: the ERP's answer within the price tolerance, or the buyer's
    # consent to the changed prices. The totals are the confirmed values' from then on.
    confirmed_at = Timestamptz(null=True, default=None)
    # After confirmation only the seller cancels: the buyer's request waits for the ERP.
    cancellation_requested_at = Timestamptz(null=True, default=None)


class OrderLine(Table):
    """A line as ordered: product data and the price are copied, so later changes leave it be."""

    id = Serial(primary_key=True)
    order = ForeignKey(Order, null=False, index=True, on_delete=OnDelete.cascade)
    product = ForeignKey(Product, null=False)
    sku = Varchar(length=40)
    name = Varchar(length=300)
    unit = Varchar(length=8)
    quantity = Integer()
    unit_price = Numeric(digits=(14, 4))
    line_net = Numeric(digits=(14, 2))
    vat_rate = Varchar(length=2)
    # Where the price came from, as the buyer saw it ("contract UMOWA/2027/014").
    price_source = Varchar(length=200, default="")
    note = Varchar(length=500, default="")
    # What the ERP confirmed, set on its acceptance (the ordered values for a line it did not
    # name); the ordered values above stay as they were, so the page shows both.
    confirmed_quantity = Integer(null=True, default=None)
    confirmed_unit_price = Numeric(digits=(14, 4), null=True, default=None)
    confirmed_delivery_on = Date(null=True, default=None)


class OrderAcknowledgement(Table):
    """An ERP's answer to an order, kept by the ERP's id of it: the same answer sent again is
    recognised and answered as the first time (unique event_id)."""

    id = Serial(primary_key=True)
    event_id = Varchar(length=100, unique=True)
    order = ForeignKey(Order, null=False, index=True, on_delete=OnDelete.cascade)
    outcome = Varchar(length=10)
    # The status the answer led to, repeated to a retry.
    status = Varchar(length=20, choices=OrderStatus)
    # The API key's integration that sent it.
    source = Varchar(length=100, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class OrderEvent(Table):
    """The order's timeline: every status it reached, when and by whom."""

    id = Serial(primary_key=True)
    order = ForeignKey(Order, null=False, index=True, on_delete=OnDelete.cascade)
    status = Varchar(length=20, choices=OrderStatus)
    actor = ForeignKey(User, null=True, default=None)
    note = Varchar(length=500, default="")
    # The buyer asked the seller to cancel (with the reason as note); the status stayed as it was.
    cancellation_requested = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class ShoppingList(Table):
    """A named list of products and quantities, private to its owner or shared with the company."""

    id = Serial(primary_key=True)
    company = ForeignKey(Company, null=False, index=True, on_delete=OnDelete.cascade)
    owner = ForeignKey(User, null=False, on_delete=OnDelete.cascade)
    name = Varchar(length=120)
    shared = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class ShoppingListLine(Table):
    id = Serial(primary_key=True)
    shopping_list = ForeignKey(ShoppingList, null=False, index=True, on_delete=OnDelete.cascade)
    product = ForeignKey(Product, null=False, on_delete=OnDelete.cascade)
    quantity = Integer()
    note = Varchar(length=500, default="")


class RecurringUnit(StrEnum):
    WEEKS = "weeks"
    MONTHS = "months"


class RecurringOrder(Table):
    """A shopping list ordered on a schedule by the worker, as its owner, through the same
    limits and approvals as a checkout."""

    id = Serial(primary_key=True)
    company = ForeignKey(Company, null=False, index=True, on_delete=OnDelete.cascade)
    owner = ForeignKey(User, null=False, on_delete=OnDelete.cascade)
    shopping_list = ForeignKey(ShoppingList, null=False, on_delete=OnDelete.cascade)
    every = Integer(default=1)
    unit = Varchar(length=6, choices=RecurringUnit, default=RecurringUnit.WEEKS)
    next_run_on = Date(index=True)
    ends_on = Date(null=True, default=None)
    paused = Boolean(default=False)
    delivery_address = ForeignKey(DeliveryAddress, null=False, on_delete=OnDelete.cascade)
    po_number = Varchar(length=60, default="")
    last_order = ForeignKey(Order, null=True, default=None, on_delete=OnDelete.set_null)
    # What happened at the last run, in the owner's words: placed, waiting, or why not.
    last_result = Varchar(length=500, default="")
    created_at = Timestamptz(default=TimestamptzNow())
