"""What the seller's ERP sends of the pricing capability's data, keyed by the ERP's codes: customer
groups, price lists with their entries (tiers), assignments of lists, contract prices and
discount rules. Every reference is an ERP code too: a product's SKU, a customer's `Company.code`,
a list's, a group's or a product group's code.

Deleting is the `is_active` flag the resolver honours (a deleted list prices nothing, a deleted
rule gives no discount); sending the record again revives it. An unknown code is one the portal
never had: a deleted list or group is still known, so its entries and assignments can be sent
before it is revived. Customer group membership belongs to the customers' resource
(`portal.pricing.memberships`).

Tiers: the first tier starts at quantity 1, on lists and contracts alike, as the demo's and the
benchmark's prices do: it prices every quantity below the next break. A first tier at a
product's minimum order instead would hand the quantities below it to whichever source comes
next, and would stop pricing orderable quantities as soon as the ERP lowered that minimum.
Breaks rise strictly; unit prices are positive, with four decimal places at most.

Caches: none to invalidate. Every price is read from these tables when it is asked for: the
resolver, the grid's offers and the catalog's search keep nothing; the cached scope holds no
customer groups (`portal.accounts.customer_scope` reads them in the query); orders copy their
prices on purpose and keep them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from piccolo.columns import Column
from piccolo.custom_types import Combinable
from piccolo.table import Table
from pydantic import BaseModel, ConfigDict, Field

from portal.accounts.tables import Company, CompanyKind
from portal.catalog.tables import Product, ProductGroup
from portal.database import write_transaction
from portal.i18n import gettext as _
from portal.integration.batch import lock_resource
from portal.integration.resources import Applied, ErpItem, Rejected, Resource
from portal.integration.scopes import Scope
from portal.pricing.bulk_entries import merge_entries
from portal.pricing.tables import (
    ContractPrice,
    CustomerGroup,
    DiscountRule,
    PriceList,
    PriceListAssignment,
    PriceListEntry,
)

# A tier, an assignment's priority or a rule's minimum: well inside a 32-bit integer column.
MAX_QUANTITY = 1_000_000_000
MAX_TIERS = 50


def code_field(description: str) -> Any:
    return Field(min_length=1, max_length=40, description=description)


def name_field(description: str) -> Any:
    return Field(min_length=1, max_length=200, description=description)


def currency_field() -> Any:
    return Field(default="PLN", pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code, upper case (PLN, EUR).")


def tiers_field() -> Any:
    return Field(
        min_length=1,
        max_length=MAX_TIERS,
        description="The volume breaks, replaced as a whole: the first starts at quantity 1, each next one at a "
        "larger quantity.",
    )


def valid_from_field() -> Any:
    return Field(default=None, description="The first day it counts (inclusive); empty: no first day.")


def valid_to_field() -> Any:
    return Field(default=None, description="The last day it counts (inclusive); empty: open-ended.")


class PriceTier(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_quantity: int = Field(
        ge=1, le=MAX_QUANTITY, description="The tier applies from this quantity (in the product's unit) up."
    )
    unit_price: Decimal = Field(
        gt=0, max_digits=14, decimal_places=4, description="Net unit price from `min_quantity` up, 4 decimals at most."
    )


def check_tiers(tiers: Sequence[PriceTier]) -> None:
    if tiers[0].min_quantity != 1:
        raise Rejected(
            "tiers/0/min_quantity", _("The first tier starts at quantity 1: it prices every quantity below the next.")
        )
    for index in range(1, len(tiers)):
        if tiers[index].min_quantity <= tiers[index - 1].min_quantity:
            raise Rejected(
                f"tiers/{index}/min_quantity",
                _("Each tier starts at a larger quantity than the one before it ({quantity}).").format(
                    quantity=tiers[index - 1].min_quantity
                ),
            )


def check_validity(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise Rejected("valid_to", _("The last valid day is before the first."))


# --- Codes to ids ---------------------------------------------------------------------------


async def _id_of(table: type[Table], where: Combinable) -> int | None:
    row = await table.select(table._meta.primary_key).where(where).first()
    return None if row is None else int(row["id"])


async def _known(table: type[Table], where: Combinable, field: str, unknown: str) -> int:
    """The id of the row `where` finds; Rejected at `field` with the message `unknown` without one."""
    found = await _id_of(table, where)
    if found is None:
        raise Rejected(field, unknown)
    return found


def _customer_code(code: str) -> Combinable:
    return (Company.code == code) & (Company.kind == CompanyKind.CUSTOMER)


def _unknown_list(code: str) -> str:
    return _("There is no price list with the code {code}.").format(code=code)


def _unknown_sku(sku: str) -> str:
    return _("There is no product with the SKU {sku}.").format(sku=sku)


async def _customer(code: str, field: str = "customer") -> int:
    unknown = _("There is no customer with the code {code}.").format(code=code)
    return await _known(Company, _customer_code(code), field, unknown)


async def _customer_group(code: str, field: str = "customer_group") -> int:
    unknown = _("There is no customer group with the code {code}.").format(code=code)
    return await _known(CustomerGroup, CustomerGroup.code == code, field, unknown)


async def _price_list(code: str) -> int:
    return await _known(PriceList, PriceList.code == code, "price_list", _unknown_list(code))


async def _product(sku: str) -> int:
    return await _known(Product, Product.sku == sku, "sku", _unknown_sku(sku))


async def _product_group(code: str) -> int:
    unknown = _("There is no product group with the code {code}.").format(code=code)
    return await _known(ProductGroup, ProductGroup.code == code, "product_group", unknown)


async def _put(table: type[Table], where: Combinable, values: dict[Column, Any]) -> Applied:
    """Update the row `where` finds, active again, or insert it."""
    primary_key = table._meta.primary_key
    is_active = table._meta.get_column_by_name("is_active")
    changes: dict[Column | str, Any] = {column: value for column, value in values.items()}
    changes[is_active] = True
    if await table.update(changes).where(where).returning(primary_key):
        return Applied.UPDATED
    await table.insert(table(**{column._meta.name: value for column, value in values.items()}))
    return Applied.CREATED


async def _replace(table: type[Table], where: Combinable, rows: list[Table]) -> Applied:
    """Replace the rows `where` finds (a record's tiers) with `rows`."""
    removed = await table.delete().where(where).returning(table._meta.primary_key)
    await table.insert(*rows)
    return Applied.UPDATED if removed else Applied.CREATED


async def _deactivate(table: type[Table], where: Combinable) -> bool:
    """Soft-delete what `where` finds; False when it finds nothing."""
    changed = await (
        table.update({table._meta.get_column_by_name("is_active"): False})
        .where(where)
        .returning(table._meta.primary_key)
    )
    return bool(changed)


# --- Customer groups ------------------------------------------------------------------------


class CustomerGroupItem(ErpItem):
    code: str = code_field("The group's code in the ERP.")
    name: str = name_field("The group's name, as the seller's staff see it.")


async def upsert_customer_group(item: CustomerGroupItem) -> Applied:
    return await _put(
        CustomerGroup, CustomerGroup.code == item.code, {CustomerGroup.code: item.code, CustomerGroup.name: item.name}
    )


async def delete_customer_group(key: dict[str, str]) -> bool:
    return await _deactivate(CustomerGroup, CustomerGroup.code == key["code"])


# --- Price lists ----------------------------------------------------------------------------


class PriceListItem(ErpItem):
    code: str = code_field("The price list's code in the ERP.")
    name: str = name_field("The list's name, shown to buyers as where their price comes from.")
    currency: str = currency_field()
    is_base: bool = Field(
        default=False,
        description="The seller's public list for its currency: every customer's fallback and the list price "
        "shown struck through.",
    )
    valid_from: date | None = valid_from_field()
    valid_to: date | None = valid_to_field()


async def upsert_price_list(item: PriceListItem) -> Applied:
    check_validity(item.valid_from, item.valid_to)
    return await _put(
        PriceList,
        PriceList.code == item.code,
        {
            PriceList.code: item.code,
            PriceList.name: item.name,
            PriceList.currency: item.currency,
            PriceList.is_base: item.is_base,
            PriceList.valid_from: item.valid_from,
            PriceList.valid_to: item.valid_to,
        },
    )


async def delete_price_list(key: dict[str, str]) -> bool:
    return await _deactivate(PriceList, PriceList.code == key["code"])


# --- Price list entries ---------------------------------------------------------------------


class PriceListEntryItem(ErpItem):
    price_list: str = code_field("The code of the price list.")
    sku: str = code_field("The product's SKU.")
    tiers: list[PriceTier] = tiers_field()


async def upsert_price_list_entry(item: PriceListEntryItem) -> Applied:
    check_tiers(item.tiers)
    price_list = await _price_list(item.price_list)
    product = await _product(item.sku)
    return await _replace(
        PriceListEntry,
        (PriceListEntry.price_list == price_list) & (PriceListEntry.product == product),
        [
            PriceListEntry(
                price_list=price_list, product=product, min_quantity=tier.min_quantity, unit_price=tier.unit_price
            )
            for tier in item.tiers
        ],
    )


async def delete_price_list_entry(key: dict[str, str]) -> bool:
    price_list = await _id_of(PriceList, PriceList.code == key["price_list"])
    product = await _id_of(Product, Product.sku == key["sku"])
    if price_list is None or product is None:
        return False
    return await _deactivate(
        PriceListEntry, (PriceListEntry.price_list == price_list) & (PriceListEntry.product == product)
    )


async def bulk_upsert_price_list_entries(items: Sequence[PriceListEntryItem]) -> list[tuple[int, Rejected]]:
    """Write many entries at once (`portal.pricing.bulk_entries`), as `upsert_price_list_entry`
    would one by one: the last of several items for one list and SKU wins. Answers the positions
    refused and why."""
    refused: dict[int, Rejected] = {}
    latest: dict[tuple[str, str], int] = {}
    for position, item in enumerate(items):
        try:
            check_tiers(item.tiers)
        except Rejected as refusal:
            refused[position] = refusal
            continue
        latest[(item.price_list, item.sku)] = position
    staged = [
        (items[position].price_list, items[position].sku, tier.min_quantity, tier.unit_price)
        for position in latest.values()
        for tier in items[position].tiers
    ]
    async with write_transaction(PriceListEntry._meta.db):
        await lock_resource(PRICE_LIST_ENTRIES)
        unknown = await merge_entries(staged)
    for position, item in enumerate(items):
        if position in refused:
            continue
        if item.price_list in unknown.price_lists:
            refused[position] = Rejected("price_list", _unknown_list(item.price_list))
        elif item.sku in unknown.skus:
            refused[position] = Rejected("sku", _unknown_sku(item.sku))
    return sorted(refused.items())


# --- Price list assignments -----------------------------------------------------------------


class Assignee(StrEnum):
    CUSTOMER = "customer"
    CUSTOMER_GROUP = "customer_group"


class PriceListAssignmentItem(ErpItem):
    price_list: str = code_field("The code of the price list assigned.")
    assignee_type: Assignee = Field(description="Whom the list is assigned to: one customer or a customer group.")
    assignee: str = code_field("The customer's code or the customer group's code.")
    priority: int = Field(
        default=100, ge=0, le=MAX_QUANTITY, description="Lists are tried by ascending priority: lower wins."
    )


async def _assignment_key(
    price_list_code: str, assignee_type: str, assignee: str
) -> tuple[Combinable, dict[Column, int]]:
    """How an assignment is found, and the columns that say so: its list, and the customer or
    the group it is given to."""
    try:
        kind = Assignee(assignee_type)
    except ValueError:
        raise Rejected("assignee_type", _("Name the assignee's type: customer or customer_group.")) from None
    price_list = await _price_list(price_list_code)
    assignee_column: Column
    if kind is Assignee.CUSTOMER:
        assignee_column, assignee_id = PriceListAssignment.company, await _customer(assignee, "assignee")
    else:
        assignee_column, assignee_id = PriceListAssignment.customer_group, await _customer_group(assignee, "assignee")
    where = (PriceListAssignment.price_list == price_list) & (assignee_column == assignee_id)
    return where, {PriceListAssignment.price_list: price_list, assignee_column: assignee_id}


async def upsert_price_list_assignment(item: PriceListAssignmentItem) -> Applied:
    where, key = await _assignment_key(item.price_list, item.assignee_type, item.assignee)
    return await _put(PriceListAssignment, where, {**key, PriceListAssignment.priority: item.priority})


async def delete_price_list_assignment(key: dict[str, str]) -> bool:
    try:
        where, _key = await _assignment_key(key["price_list"], key["assignee_type"], key["assignee"])
    except Rejected as refusal:
        if refusal.field == "assignee_type":
            raise
        # An unknown list or assignee: an assignment never known.
        return False
    return await _deactivate(PriceListAssignment, where)


# --- Contract prices ------------------------------------------------------------------------


class ContractPriceItem(ErpItem):
    customer: str = code_field("The customer's code.")
    contract_reference: str = Field(
        min_length=1, max_length=60, description="The contract's number, shown to the buyer as the price's source."
    )
    sku: str = code_field("The product's SKU.")
    currency: str = currency_field()
    tiers: list[PriceTier] = tiers_field()
    valid_from: date | None = valid_from_field()
    valid_to: date | None = valid_to_field()


async def upsert_contract_price(item: ContractPriceItem) -> Applied:
    check_tiers(item.tiers)
    check_validity(item.valid_from, item.valid_to)
    company = await _customer(item.customer)
    product = await _product(item.sku)
    return await _replace(
        ContractPrice,
        _contract_where(company, item.contract_reference, product),
        [
            ContractPrice(
                company=company,
                product=product,
                contract_reference=item.contract_reference,
                currency=item.currency,
                min_quantity=tier.min_quantity,
                unit_price=tier.unit_price,
                valid_from=item.valid_from,
                valid_to=item.valid_to,
            )
            for tier in item.tiers
        ],
    )


def _contract_where(company: int, reference: str, product: int) -> Combinable:
    return (
        (ContractPrice.company == company)
        & (ContractPrice.product == product)
        & (ContractPrice.contract_reference == reference)
    )


async def delete_contract_price(key: dict[str, str]) -> bool:
    company = await _id_of(Company, _customer_code(key["customer"]))
    product = await _id_of(Product, Product.sku == key["sku"])
    if company is None or product is None:
        return False
    return await _deactivate(ContractPrice, _contract_where(company, key["contract_reference"], product))


# --- Discount rules -------------------------------------------------------------------------


class DiscountRuleItem(ErpItem):
    code: str = code_field("The rule's code in the ERP.")
    name: str = name_field("The rule's name, shown to buyers with the discount.")
    customer: str | None = Field(
        default=None, min_length=1, max_length=40, description="The customer the rule is for; or name a group."
    )
    customer_group: str | None = Field(
        default=None, min_length=1, max_length=40, description="The customer group the rule is for; or a customer."
    )
    product_group: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="The product group the rule covers; neither this nor `sku`: everything.",
    )
    sku: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="The one product the rule covers; neither this nor `product_group`: everything.",
    )
    percent: Decimal = Field(
        gt=0, le=100, max_digits=5, decimal_places=2, description="Percent off the list price, e.g. 7.5."
    )
    min_quantity: int = Field(
        default=1, ge=1, le=MAX_QUANTITY, description="The rule applies from this quantity on a line."
    )
    valid_from: date | None = valid_from_field()
    valid_to: date | None = valid_to_field()


async def upsert_discount_rule(item: DiscountRuleItem) -> Applied:
    if (item.customer is None) == (item.customer_group is None):
        raise Rejected(
            "customer_group" if item.customer else "customer",
            _("Name either the customer or the customer group the rule is for, not both."),
        )
    if item.product_group is not None and item.sku is not None:
        raise Rejected("sku", _("Name a product group or a SKU, not both; neither means everything."))
    check_validity(item.valid_from, item.valid_to)
    return await _put(
        DiscountRule,
        DiscountRule.code == item.code,
        {
            DiscountRule.code: item.code,
            DiscountRule.name: item.name,
            DiscountRule.company: await _customer(item.customer) if item.customer else None,
            DiscountRule.customer_group: await _customer_group(item.customer_group) if item.customer_group else None,
            DiscountRule.product_group: await _product_group(item.product_group) if item.product_group else None,
            DiscountRule.product: await _product(item.sku) if item.sku else None,
            DiscountRule.percent: item.percent,
            DiscountRule.min_quantity: item.min_quantity,
            DiscountRule.valid_from: item.valid_from,
            DiscountRule.valid_to: item.valid_to,
        },
    )


async def delete_discount_rule(key: dict[str, str]) -> bool:
    return await _deactivate(DiscountRule, DiscountRule.code == key["code"])


# --- The resources, dependencies first ------------------------------------------------------

PRICE_LIST_ENTRIES: Resource[PriceListEntryItem] = Resource(
    name="price-list-entries",
    scope=Scope.PRICES,
    item_type=PriceListEntryItem,
    key_fields=("price_list", "sku"),
    upsert=upsert_price_list_entry,
    delete=delete_price_list_entry,
    bulk_upsert=bulk_upsert_price_list_entries,
    summary="A product's prices on one price list: its tiers, replaced as a whole.",
    example={
        "price_list": "CENNIK-2027",
        "sku": "DIN933-M8X40-88ZN",
        "tiers": [
            {"min_quantity": 1, "unit_price": "0.3294"},
            {"min_quantity": 1000, "unit_price": "0.3030"},
        ],
    },
)

RESOURCES: list[Resource[Any]] = [
    Resource(
        name="customer-groups",
        scope=Scope.PRICES,
        item_type=CustomerGroupItem,
        key_fields=("code",),
        upsert=upsert_customer_group,
        delete=delete_customer_group,
        summary="Groups of customers that share price lists and discount rules.",
        example={"code": "INSTALATORZY", "name": "Instalatorzy"},
    ),
    Resource(
        name="price-lists",
        scope=Scope.PRICES,
        item_type=PriceListItem,
        key_fields=("code",),
        upsert=upsert_price_list,
        delete=delete_price_list,
        summary="Price lists: the base list of a currency and lists for customers and groups, with validity.",
        example={
            "code": "CENNIK-2027",
            "name": "Cennik podstawowy 2027",
            "currency": "PLN",
            "is_base": True,
            "valid_from": "2027-01-01",
            "valid_to": "2027-12-31",
        },
    ),
    PRICE_LIST_ENTRIES,
    Resource(
        name="price-list-assignments",
        scope=Scope.PRICES,
        item_type=PriceListAssignmentItem,
        key_fields=("price_list", "assignee_type", "assignee"),
        upsert=upsert_price_list_assignment,
        delete=delete_price_list_assignment,
        summary="A price list given to one customer or to a customer group, with its priority.",
        example={
            "price_list": "CENNIK-INSTALATORZY",
            "assignee_type": "customer_group",
            "assignee": "INSTALATORZY",
            "priority": 50,
        },
    ),
    Resource(
        name="contract-prices",
        scope=Scope.PRICES,
        item_type=ContractPriceItem,
        key_fields=("customer", "contract_reference", "sku"),
        upsert=upsert_contract_price,
        delete=delete_contract_price,
        summary="A customer's contract price for one product, with tiers and validity; no discount applies to it.",
        example={
            "customer": "K-00017",
            "contract_reference": "UMOWA/2027/014",
            "sku": "DIN933-M8X40-88ZN",
            "currency": "PLN",
            "tiers": [{"min_quantity": 1, "unit_price": "0.2800"}],
            "valid_from": "2027-01-01",
            "valid_to": "2027-12-31",
        },
    ),
    Resource(
        name="discount-rules",
        scope=Scope.PRICES,
        item_type=DiscountRuleItem,
        key_fields=("code",),
        upsert=upsert_discount_rule,
        delete=delete_discount_rule,
        summary="A percentage off list prices for a customer or a customer group, on everything, a product "
        "group or one product, from a minimum quantity, within validity dates.",
        example={
            "code": "RABAT-INST-APAR",
            "name": "Instalatorzy: aparatura elektryczna −8%",
            "customer_group": "INSTALATORZY",
            "product_group": "APARATURA",
            "percent": "8.00",
        },
    ),
]
