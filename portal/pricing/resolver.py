"""The price resolver: the one entry point that prices many products for one customer at once.

Precedence (also in README):
  Only prices in the customer's currency count, and only what is valid on the day asked about
  (today by default): `valid_from`/`valid_to` are inclusive and NULL is open-ended, on price
  lists, contract prices and discount rules alike. What the ERP deleted (`is_active` off) counts
  nowhere: a price list, its entries, an assignment, a contract price, a discount rule, and a
  customer group, whose assignments and rules then reach none of its members.
  A source has a price for a quantity when it has a break (`min_quantity`) at or below that
  quantity; the largest such break applies.
  The first source with a price wins:
    1. the customer's contract price for the product: final, no discount ever applies to it
       (contract rows overlapping at one break: the latest `valid_from`, then the newest row);
    2. price lists assigned to the customer itself, by ascending `priority`, then lower list id;
    3. price lists assigned to a customer group the customer belongs to, in the same order;
    4. base lists (`is_base`), the latest `valid_from` first (NULL is oldest), then higher id.
  A source whose smallest break is above the quantity has no price for it: the next one is tried.
  Nothing anywhere: the product is left out of the result.
  Prices from a list (2-4) get at most one discount rule, never several: a rule counts when it
  is valid, the quantity reaches its `min_quantity`, it names the customer (or, naming no
  customer, one of its groups) and it covers the product. The most specific rule wins (the
  product, then its product group, then everything); then a rule naming the customer beats a
  group's; then the highest percent; then the lowest id.
  unit price = base price × (1 − percent/100), to 0.0001 half up; a line is unit price × quantity
  to the grosz, half up. The list price shown struck through is the lowest break of the first
  base list (in the order of 4) that has the product.

The decision is `choose_price`, a plain function over a `PriceBook` of already-loaded rows;
`resolve_prices` loads the book in one statement whatever the number of products; the grid
loads it inside its own search statement (`price_columns`, `offer_columns`, `price_book_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from piccolo.querystring import QueryString

from portal import clock
from portal.accounts.scope import Scope
from portal.catalog.tables import Product
from portal.json_rows import json_array, read_json_array, read_json_date

UNIT_PRICE_STEP = Decimal("0.0001")
GROSZ = Decimal("0.01")
HUNDRED = Decimal(100)


class PriceSource(StrEnum):
    CONTRACT = "contract"
    CUSTOMER_LIST = "customer_list"
    GROUP_LIST = "group_list"
    BASE_LIST = "base_list"


class DiscountScope(StrEnum):
    PRODUCT = "product"
    PRODUCT_GROUP = "product_group"
    EVERYTHING = "everything"


@dataclass(frozen=True)
class AppliedDiscount:
    rule_id: int
    name: str
    percent: Decimal
    scope: DiscountScope
    # True when the rule names this customer, False when it reaches it through a customer group.
    for_customer: bool
    min_quantity: int


@dataclass(frozen=True)
class Tier:
    """From `min_quantity` up, this net unit price (discounts included)."""

    min_quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class PriceQuote:
    """One product's net price for one customer at one quantity, and why."""

    product_id: int
    quantity: int
    currency: str
    source: PriceSource
    # The price list's name or the contract's reference.
    source_name: str
    # The tier of the source that applied: 1 when no volume break was reached.
    tier_min_quantity: int
    # The source's unit price at that tier, before any discount.
    base_unit_price: Decimal
    discount: AppliedDiscount | None
    # The buyer's net unit price: base_unit_price less the discount, 4 decimals, half up.
    unit_price: Decimal
    # The base list's price at quantity 1, shown struck through when the buyer's price is lower.
    list_unit_price: Decimal | None
    # Every break of the source, with the buyer's net unit price at it, ascending.
    tiers: tuple[Tier, ...]

    @property
    def next_tier(self) -> Tier | None:
        return next((tier for tier in self.tiers if tier.min_quantity > self.quantity), None)

    @property
    def line_net(self) -> Decimal:
        """Per line, half up, to the grosz: the invoice rule."""
        return (self.unit_price * self.quantity).quantize(GROSZ, rounding=ROUND_HALF_UP)

    @property
    def is_below_list(self) -> bool:
        return self.list_unit_price is not None and self.unit_price < self.list_unit_price


# The rows the decision needs, loaded once per call: already limited to the caller's company, its
# customer groups, its currency and the products asked about. Dates are checked again here, so
# `choose_price` is right on its own whatever the loader filtered.


def is_valid_on(on: date, valid_from: date | None, valid_to: date | None) -> bool:
    """Inclusive at both ends; a missing end is open."""
    return (valid_from is None or valid_from <= on) and (valid_to is None or on <= valid_to)


@dataclass(frozen=True)
class OfferedList:
    """A price list the caller may buy from, and how it reaches the caller."""

    price_list_id: int
    name: str
    # CUSTOMER_LIST, GROUP_LIST or BASE_LIST.
    source: PriceSource
    # The assignment's priority (the best one when assigned several times); unused for base lists.
    priority: int = 0
    valid_from: date | None = None
    valid_to: date | None = None

    @property
    def trial_order(self) -> tuple[int, int, int]:
        if self.source is PriceSource.BASE_LIST:
            newest_first = -(self.valid_from or date.min).toordinal()
            return (_SOURCE_RANK[self.source], newest_first, -self.price_list_id)
        return (_SOURCE_RANK[self.source], self.priority, self.price_list_id)


_SOURCE_RANK = {PriceSource.CUSTOMER_LIST: 0, PriceSource.GROUP_LIST: 1, PriceSource.BASE_LIST: 2}


@dataclass(frozen=True)
class ContractLine:
    """One row of the caller's contract prices for one product."""

    id: int
    reference: str
    min_quantity: int
    unit_price: Decimal
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class DiscountTerms:
    """A discount rule that targets the caller: named (`for_customer`) or through a group."""

    id: int
    name: str
    percent: Decimal
    for_customer: bool
    product_id: int | None = None
    product_group_id: int | None = None
    min_quantity: int = 1
    valid_from: date | None = None
    valid_to: date | None = None

    @property
    def scope(self) -> DiscountScope:
        # A rule naming a product covers that product only, even if it also names a group.
        if self.product_id is not None:
            return DiscountScope.PRODUCT
        if self.product_group_id is not None:
            return DiscountScope.PRODUCT_GROUP
        return DiscountScope.EVERYTHING

    def covers(self, product_id: int, product_group_id: int | None) -> bool:
        if self.product_id is not None:
            return self.product_id == product_id
        if self.product_group_id is not None:
            return self.product_group_id == product_group_id
        return True


_SCOPE_RANK = {DiscountScope.PRODUCT: 0, DiscountScope.PRODUCT_GROUP: 1, DiscountScope.EVERYTHING: 2}


@dataclass(frozen=True)
class PriceBook:
    currency: str
    lists: tuple[OfferedList, ...] = ()
    # (price list id, product id) → {min_quantity: unit price}
    entries: Mapping[tuple[int, int], Mapping[int, Decimal]] = field(default_factory=dict)
    # product id → its contract lines
    contracts: Mapping[int, tuple[ContractLine, ...]] = field(default_factory=dict)
    discounts: tuple[DiscountTerms, ...] = ()
    # product id → product group id; a product missing here has no group.
    product_groups: Mapping[int, int | None] = field(default_factory=dict)


def net_unit_price(base_unit_price: Decimal, discount: AppliedDiscount | DiscountTerms | None) -> Decimal:
    percent = discount.percent if discount is not None else Decimal(0)
    return (base_unit_price * (1 - percent / HUNDRED)).quantize(UNIT_PRICE_STEP, rounding=ROUND_HALF_UP)


def best_discount(book: PriceBook, product_id: int, quantity: int, on: date) -> DiscountTerms | None:
    """The one rule that applies to a list price of this product at this quantity, if any."""
    group_id = book.product_groups.get(product_id)
    applicable = [
        rule
        for rule in book.discounts
        if is_valid_on(on, rule.valid_from, rule.valid_to)
        and rule.min_quantity <= quantity
        and rule.covers(product_id, group_id)
    ]
    return min(
        applicable,
        key=lambda rule: (_SCOPE_RANK[rule.scope], not rule.for_customer, -rule.percent, rule.id),
        default=None,
    )


def _applied(rule: DiscountTerms | None) -> AppliedDiscount | None:
    if rule is None:
        return None
    return AppliedDiscount(rule.id, rule.name, rule.percent, rule.scope, rule.for_customer, rule.min_quantity)


def _break_for(breaks: Iterable[int], quantity: int) -> int | None:
    """The largest break at or below the quantity: the tier that applies."""
    return max((b for b in breaks if b <= quantity), default=None)


def _contract_breaks(lines: Iterable[ContractLine], on: date) -> dict[int, ContractLine]:
    """Valid contract lines by break; overlapping rows at one break: latest `valid_from`, then id."""
    chosen: dict[int, ContractLine] = {}
    for line in sorted(lines, key=lambda line: ((line.valid_from or date.min), line.id)):
        if is_valid_on(on, line.valid_from, line.valid_to):
            chosen[line.min_quantity] = line
    return chosen


def _list_price(book: PriceBook, product_id: int, on: date) -> Decimal | None:
    for offered in sorted(book.lists, key=lambda offered: offered.trial_order):
        if offered.source is PriceSource.BASE_LIST and is_valid_on(on, offered.valid_from, offered.valid_to):
            breaks = book.entries.get((offered.price_list_id, product_id))
            if breaks:
                return breaks[min(breaks)]
    return None


def choose_price(book: PriceBook, product_id: int, quantity: int, on: date) -> PriceQuote | None:
    """The caller's price of one product at one quantity on one day, or None without a price."""
    list_unit_price = _list_price(book, product_id, on)

    contract = _contract_breaks(book.contracts.get(product_id, ()), on)
    applied_break = _break_for(contract, quantity)
    if applied_break is not None:
        line = contract[applied_break]
        return PriceQuote(
            product_id=product_id,
            quantity=quantity,
            currency=book.currency,
            source=PriceSource.CONTRACT,
            source_name=line.reference,
            tier_min_quantity=applied_break,
            base_unit_price=line.unit_price,
            discount=None,
            unit_price=net_unit_price(line.unit_price, None),
            list_unit_price=list_unit_price,
            tiers=tuple(Tier(b, net_unit_price(contract[b].unit_price, None)) for b in sorted(contract)),
        )

    for offered in sorted(book.lists, key=lambda offered: offered.trial_order):
        if not is_valid_on(on, offered.valid_from, offered.valid_to):
            continue
        breaks = book.entries.get((offered.price_list_id, product_id), {})
        applied_break = _break_for(breaks, quantity)
        if applied_break is None:
            continue
        discount = best_discount(book, product_id, quantity, on)
        return PriceQuote(
            product_id=product_id,
            quantity=quantity,
            currency=book.currency,
            source=offered.source,
            source_name=offered.name,
            tier_min_quantity=applied_break,
            base_unit_price=breaks[applied_break],
            discount=_applied(discount),
            unit_price=net_unit_price(breaks[applied_break], discount),
            list_unit_price=list_unit_price,
            tiers=tuple(
                Tier(b, net_unit_price(breaks[b], best_discount(book, product_id, b, on))) for b in sorted(breaks)
            ),
        )
    return None


async def resolve_prices(
    caller: Scope, quantities: Mapping[int, int], *, on: date | None = None
) -> dict[int, PriceQuote]:
    """Price every product in `quantities` (product id → quantity) for the caller's company, in
    its currency, on `on` (today by default). Products without any price are left out.
    Quantities are whole units from 1; anything less is a programming error (ValueError)."""
    if not quantities:
        return {}
    too_small = {product_id: quantity for product_id, quantity in quantities.items() if quantity < 1}
    if too_small:
        raise ValueError(f"quantities are whole units from 1, got {too_small}")
    on = on or clock.today()
    book = await load_price_book(caller, list(quantities), on)
    quotes = {product_id: choose_price(book, product_id, quantity, on) for product_id, quantity in quantities.items()}
    return {product_id: quote for product_id, quote in quotes.items() if quote is not None}


_VALID_ON = "({alias}.valid_from IS NULL OR {alias}.valid_from <= {{}}) AND ({alias}.valid_to IS NULL OR {alias}.valid_to >= {{}})"
# The active customer groups of the company given as the one value.
_CALLER_GROUPS = (
    'SELECT m."group" FROM customer_group_member m JOIN customer_group g ON g.id = m."group"'
    " WHERE m.company = {} AND g.is_active"
)


def _offered_lists(caller: Scope, on: date) -> tuple[str, list[Any]]:
    """`FROM …` of the active price lists the caller may buy from on `on`, in its currency: each
    base list, and each active assignment to the company or to one of its active groups (a list
    assigned several times gives several rows). An assignment naming a company belongs to that
    company only, whatever group it also names."""
    source = (
        "FROM price_list l LEFT JOIN price_list_assignment a ON a.price_list = l.id AND a.is_active"
        f" AND (a.company = {{}} OR (a.company IS NULL AND a.customer_group IN ({_CALLER_GROUPS})))"
        f" WHERE l.is_active AND l.currency = {{}} AND {_VALID_ON.format(alias='l')}"
        " AND (l.is_base OR a.price_list IS NOT NULL)"
    )
    return source, [caller.company_id, caller.company_id, caller.currency, on, on]


def price_columns(caller: Scope, on: date) -> QueryString:
    """Two columns for a product row aliased `p`, as JSON: `price_entries` (the product's breaks
    on the lists offered to the caller) and `contract_lines` (the caller's contract prices)."""
    offered, offered_values = _offered_lists(caller, on)
    entries = json_array(
        Product._meta.db,
        {"list": "e.price_list", "min": "e.min_quantity", "price": "e.unit_price"},
        f"FROM price_list_entry e WHERE e.product = p.id AND e.is_active AND e.price_list IN (SELECT l.id {offered})",
        *offered_values,
    )
    contracts = json_array(
        Product._meta.db,
        {
            "id": "c.id",
            "reference": "c.contract_reference",
            "min": "c.min_quantity",
            "price": "c.unit_price",
            "valid_from": "c.valid_from",
            "valid_to": "c.valid_to",
        },
        "FROM contract_price c WHERE c.company = {} AND c.product = p.id AND c.currency = {} AND c.is_active"
        f" AND {_VALID_ON.format(alias='c')}",
        caller.company_id,
        caller.currency,
        on,
        on,
    )
    return QueryString("{} AS price_entries, {} AS contract_lines", entries, contracts)


def offer_columns(caller: Scope, on: date, product_ids: QueryString) -> QueryString:
    """Two columns, filled on one row of the statement only: `offered_lists` and
    `discount_terms` (active rules naming the company, or naming no company and one of its
    active groups, for everything or for one of `product_ids`), as JSON."""
    offered, offered_values = _offered_lists(caller, on)
    lists = json_array(
        Product._meta.db,
        {
            "id": "l.id",
            "name": "l.name",
            "is_base": "l.is_base",
            "valid_from": "l.valid_from",
            "valid_to": "l.valid_to",
            "assigned": "CASE WHEN a.price_list IS NULL THEN 0 ELSE 1 END",
            "company": "a.company",
            "priority": "a.priority",
        },
        offered,
        *offered_values,
    )
    discounts = json_array(
        Product._meta.db,
        {
            "id": "d.id",
            "name": "d.name",
            "company": "d.company",
            "product": "d.product",
            "product_group": "d.product_group",
            "percent": "d.percent",
            "min": "d.min_quantity",
            "valid_from": "d.valid_from",
            "valid_to": "d.valid_to",
        },
        f"FROM discount_rule d WHERE d.is_active AND (d.company = {{}} OR (d.company IS NULL AND d.customer_group IN"
        f" ({_CALLER_GROUPS}))) AND (d.product IS NULL OR d.product IN ({{}})) AND {_VALID_ON.format(alias='d')}"
        # A product group the ERP deleted gives no discount any more.
        " AND (d.product_group IS NULL OR d.product_group NOT IN (SELECT g.id FROM product_group g WHERE g.deleted))",
        caller.company_id,
        caller.company_id,
        product_ids,
        on,
        on,
    )
    # The same for every row: sent once, not once per product.
    return QueryString(
        "CASE WHEN row_number() OVER () = 1 THEN {} END AS offered_lists,"
        " CASE WHEN row_number() OVER () = 1 THEN {} END AS discount_terms",
        lists,
        discounts,
    )


def _decimal(value: Any) -> Decimal:
    # SQLite stores Numeric through floats; four places is what the column keeps.
    return Decimal(str(value)).quantize(UNIT_PRICE_STEP, rounding=ROUND_HALF_UP)


def price_book_of(caller: Scope, rows: list[dict[str, Any]]) -> PriceBook:
    """The book from rows that selected `p.id`, `p.product_group`, `price_columns` and
    `offer_columns`."""
    entries: dict[tuple[int, int], dict[int, Decimal]] = {}
    contracts: dict[int, tuple[ContractLine, ...]] = {}
    for row in rows:
        for entry in read_json_array(row["price_entries"]):
            entries.setdefault((entry["list"], row["id"]), {})[entry["min"]] = _decimal(entry["price"])
        contracts[row["id"]] = tuple(
            ContractLine(
                id=line["id"],
                reference=line["reference"],
                min_quantity=line["min"],
                unit_price=_decimal(line["price"]),
                valid_from=read_json_date(line["valid_from"]),
                valid_to=read_json_date(line["valid_to"]),
            )
            for line in read_json_array(row["contract_lines"])
        )
    # The one row that carries them: numbered before any ORDER BY, so not always the first.
    first = next(
        (row for row in rows if row["offered_lists"] is not None), {"offered_lists": None, "discount_terms": None}
    )
    return PriceBook(
        currency=caller.currency,
        lists=_lists_of(caller, read_json_array(first["offered_lists"])),
        entries=entries,
        contracts=contracts,
        discounts=tuple(
            DiscountTerms(
                id=rule["id"],
                name=rule["name"],
                percent=Decimal(str(rule["percent"])),
                for_customer=rule["company"] == caller.company_id,
                product_id=rule["product"],
                product_group_id=rule["product_group"],
                min_quantity=rule["min"],
                valid_from=read_json_date(rule["valid_from"]),
                valid_to=read_json_date(rule["valid_to"]),
            )
            for rule in read_json_array(first["discount_terms"])
        ),
        product_groups={row["id"]: row["product_group"] for row in rows},
    )


def _lists_of(caller: Scope, rows: list[dict[str, Any]]) -> tuple[OfferedList, ...]:
    """A base list also assigned to the customer is tried first as assigned, and still gives
    the struck-through list price as a base list; a list assigned several times is tried once,
    at its best place."""
    assigned: dict[int, OfferedList] = {}
    base: dict[int, OfferedList] = {}
    for row in rows:
        valid_from, valid_to = read_json_date(row["valid_from"]), read_json_date(row["valid_to"])
        if row["is_base"]:
            base[row["id"]] = OfferedList(
                row["id"], row["name"], PriceSource.BASE_LIST, valid_from=valid_from, valid_to=valid_to
            )
        if row["assigned"]:
            source = PriceSource.CUSTOMER_LIST if row["company"] == caller.company_id else PriceSource.GROUP_LIST
            offered = OfferedList(
                row["id"], row["name"], source, priority=row["priority"], valid_from=valid_from, valid_to=valid_to
            )
            known = assigned.get(offered.price_list_id)
            if known is None or offered.trial_order < known.trial_order:
                assigned[offered.price_list_id] = offered
    return (*assigned.values(), *base.values())


async def load_price_book(caller: Scope, product_ids: list[int], on: date) -> PriceBook:
    """Everything `choose_price` needs for these products, in one statement whatever their
    number. Dates are filtered here too, so past years of lists are never loaded."""
    if not product_ids:
        return PriceBook(currency=caller.currency)
    ids = QueryString(", ".join("{}" for _ in product_ids), *product_ids)
    rows = await Product.raw(
        "SELECT p.id, p.product_group, {}, {} FROM product p WHERE p.id IN ({})",
        price_columns(caller, on),
        offer_columns(caller, on, ids),
        ids,
    )
    return price_book_of(caller, rows)
