"""Tables of pricing: customer groups, price lists and their entries (tiers), assignments,
contract prices and discount rules. Only `portal.pricing.resolver` reads them to price goods.

`is_active` is the ERP's soft delete (`portal.pricing.erp_sync`): a row whose flag is off prices
nothing, and sending it again turns the flag back on."""

from __future__ import annotations

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Numeric, Serial, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from portal.accounts.tables import Company
from portal.catalog.tables import Product, ProductGroup

# Unit prices keep four decimal places (a screw costs 0.0345 zł); line values are rounded to
# the grosz by the resolver, per line, half up.
UNIT_PRICE_DIGITS = (14, 4)


class CustomerGroup(Table):
    id = Serial(primary_key=True)
    code = Varchar(length=40, unique=True)
    name = Varchar(length=200)
    # Off: the group's list assignments and discount rules reach none of its members.
    is_active = Boolean(default=True)


class CustomerGroupMember(Table):
    group = ForeignKey(CustomerGroup, null=False, on_delete=OnDelete.cascade)
    company = ForeignKey(Company, null=False, index=True, on_delete=OnDelete.cascade)


class PriceList(Table):
    id = Serial(primary_key=True)
    code = Varchar(length=40, unique=True)
    name = Varchar(length=200)
    currency = Varchar(length=3, default="PLN")
    # The seller's public list for its currency: every customer's fallback and the "list
    # price" shown struck through when a customer's own price is lower.
    is_base = Boolean(default=False)
    valid_from = Date(null=True, default=None)
    valid_to = Date(null=True, default=None)
    is_active = Boolean(default=True)


class PriceListEntry(Table):
    """One price of one product on one list, from `min_quantity` up: several rows are tiers."""

    price_list = ForeignKey(PriceList, null=False, on_delete=OnDelete.cascade)
    product = ForeignKey(Product, null=False, index=True, on_delete=OnDelete.cascade)
    min_quantity = Integer(default=1)
    unit_price = Numeric(digits=UNIT_PRICE_DIGITS)
    is_active = Boolean(default=True)


class PriceListAssignment(Table):
    """A list given to one customer or to a customer group; a lower `priority` is tried first."""

    price_list = ForeignKey(PriceList, null=False, on_delete=OnDelete.cascade)
    company = ForeignKey(Company, null=True, default=None, index=True, on_delete=OnDelete.cascade)
    customer_group = ForeignKey(CustomerGroup, null=True, default=None, on_delete=OnDelete.cascade)
    priority = Integer(default=100)
    is_active = Boolean(default=True)


class ContractPrice(Table):
    """A price negotiated with one customer for one product, net of any discount."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.cascade)
    product = ForeignKey(Product, null=False, on_delete=OnDelete.cascade)
    contract_reference = Varchar(length=60)
    currency = Varchar(length=3, default="PLN")
    min_quantity = Integer(default=1)
    unit_price = Numeric(digits=UNIT_PRICE_DIGITS)
    valid_from = Date(null=True, default=None)
    valid_to = Date(null=True, default=None)
    is_active = Boolean(default=True)


class DiscountRule(Table):
    """A percentage off list prices for a customer or a customer group, on everything, one
    product group or one product, from a minimum quantity, within validity dates."""

    id = Serial(primary_key=True)
    # The rule's code in the seller's ERP; None for rules made in the portal. Unique by a
    # migration's index (SQLite cannot add a unique column).
    code = Varchar(length=40, null=True, default=None)
    name = Varchar(length=200)
    company = ForeignKey(Company, null=True, default=None, index=True, on_delete=OnDelete.cascade)
    customer_group = ForeignKey(CustomerGroup, null=True, default=None, on_delete=OnDelete.cascade)
    product_group = ForeignKey(ProductGroup, null=True, default=None, on_delete=OnDelete.cascade)
    product = ForeignKey(Product, null=True, default=None, on_delete=OnDelete.cascade)
    percent = Numeric(digits=(5, 2))
    min_quantity = Integer(default=1)
    valid_from = Date(null=True, default=None)
    valid_to = Date(null=True, default=None)
    is_active = Boolean(default=True)
