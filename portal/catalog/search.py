"""Finding products: search as you type over codes, names and the customer's own part numbers,
category and attribute filters, "bought before", sort and paging, always within what the
caller's company may see. One statement per page of products, one for the facets."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from piccolo.querystring import QueryString

from portal.accounts.scope import Scope
from portal.catalog.assortment import visible_to
from portal.catalog.stock import LIVE_STOCK
from portal.catalog.tables import Category, Product
from portal.i18n import current_locale
from portal.web.forms import page_number, record_id

PAGE_SIZE = 50
# Facet values shown per attribute; past this a filter list stops helping.
FACET_VALUES_SHOWN = 40
ATTRIBUTE_PARAMETER_PREFIX = "a."
# The shortest term a trigram index can narrow down.
TRIGRAM = 3
# A shorter term PostgreSQL finds through the products' letter pairs: in every database locale
# pg_trgm counts these characters as parts of a word.
_LETTER_PAIR = re.compile("[a-z0-9]{2}")


class CatalogSort(StrEnum):
    RELEVANCE = "relevance"
    SKU = "sku"
    NAME = "name"
    AVAILABILITY = "availability"


@dataclass(frozen=True)
class CatalogQuery:
    text: str = ""
    category_id: int | None = None
    # (attribute code, value) pairs, all of which a product must have.
    attributes: tuple[tuple[str, str], ...] = ()
    bought_before: bool = False
    sort: CatalogSort = CatalogSort.RELEVANCE
    page: int = 1

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Sequence[str]]) -> CatalogQuery:
        """Read the grid's query string; what cannot be understood is ignored, never an error."""

        def first(name: str) -> str:
            values = parameters.get(name) or ()
            return values[0].strip() if values else ""

        category = first("category")
        page = first("page")
        sort = first("sort")
        attributes = tuple(
            sorted(
                (name.removeprefix(ATTRIBUTE_PARAMETER_PREFIX), value.strip())
                for name, values in parameters.items()
                if name.startswith(ATTRIBUTE_PARAMETER_PREFIX)
                for value in values[:1]
                if value.strip()
            )
        )
        return cls(
            text=first("q")[:100],
            category_id=record_id(category),
            attributes=attributes,
            bought_before=first("bought") in {"1", "on", "true"},
            sort=CatalogSort(sort) if sort in CatalogSort.__members__.values() else CatalogSort.RELEVANCE,
            page=page_number(page),
        )

    def parameters(self, **changes: Any) -> str:
        """This query as a query string, with `changes` applied (e.g. page=2)."""
        query = replace(self, **changes)
        pairs: list[tuple[str, str]] = []
        if query.text:
            pairs.append(("q", query.text))
        if query.category_id:
            pairs.append(("category", str(query.category_id)))
        pairs += [(ATTRIBUTE_PARAMETER_PREFIX + code, value) for code, value in query.attributes]
        if query.bought_before:
            pairs.append(("bought", "1"))
        if query.sort is not CatalogSort.RELEVANCE:
            pairs.append(("sort", query.sort.value))
        if query.page > 1:
            pairs.append(("page", str(query.page)))
        return urlencode(pairs)

    def attribute_value(self, code: str) -> str:
        return dict(self.attributes).get(code, "")

    @property
    def narrowed(self) -> bool:
        return bool(self.text or self.category_id or self.attributes or self.bought_before)


@dataclass(frozen=True)
class ProductRow:
    """A product as a list shows it, in the current language, with the caller's own code."""

    id: int
    sku: str
    ean: str
    name: str
    family_name: str
    customer_code: str
    unit: str
    pack_size: int
    min_order_quantity: int
    order_multiple: int
    vat_rate: str
    status: str
    visible: bool = True

    @property
    def smallest_order(self) -> int:
        """The minimum order quantity, rounded up to the order multiple."""
        return round_up_to_multiple(max(self.min_order_quantity, 1), self.order_multiple)


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True)
class Facet:
    code: str
    name: str
    values: tuple[FacetValue, ...]


@dataclass(frozen=True)
class CategoryOption:
    id: int
    name: str
    depth: int


def round_up_to_multiple(quantity: int, multiple: int) -> int:
    multiple = max(multiple, 1)
    return -(-quantity // multiple) * multiple


def search_text_for(sku: str, ean: str, name_pl: str, name_en: str) -> str:
    """What search-as-you-type matches: codes and both names, lower-cased once at write time."""
    return " ".join(part for part in (sku, ean, name_pl, name_en) if part).lower()


def _like_pattern(term: str) -> str:
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _term_matches(caller: Scope, term: str) -> QueryString:
    """A product (`p`) matches a term in its codes and names, or in the caller's company's own
    part number. PostgreSQL: an OR of the trigram-indexed LIKE and the key among an array of
    part-number hits, answered by one bitmap scan of the product table (migration catalog
    2026-11-25T18:30) rather than collecting ids and fetching every match again by key; written
    as `LIKE … OR EXISTS (…)` it would read every product (tests/catalog/test_query_plans.py).
    Two letters or digits are found by key through the letter pairs' index instead.
    SQLite: ids from the FTS5 trigram table (migration catalog 2026-11-25T19:30), which answers
    LIKE from its index only without an ESCAPE clause: a term with a wildcard character in it
    is escaped and read in full."""
    pattern = _like_pattern(term)
    own_codes = QueryString(
        "SELECT c.product FROM customer_part_number c WHERE c.company = {} AND c.code_search LIKE {} ESCAPE '\\'",
        caller.company_id,
        pattern,
    )
    if Product._meta.db.engine_type != "sqlite":
        if _LETTER_PAIR.fullmatch(term.lower()):
            # Two letters or digits, shorter than a trigram: the products whose text has them
            # side by side are those whose letter pairs have them as a word (migration catalog
            # 2026-11-25T22:50), which that table's trigram index finds.
            return QueryString(
                "p.id = ANY(ARRAY(SELECT l.product FROM product_letter_pairs l WHERE l.pairs LIKE {} UNION ALL {}))",
                f"% {term.lower()} %",
                own_codes,
            )
        # No trigram in any other short term: the index would hand over every product (134 ms
        # on 100,000). Hiding the column from it (`|| ''`) leaves the planner the table instead.
        text = "(p.search_text || '')" if len(term) < TRIGRAM else "p.search_text"
        return QueryString(f"({text} LIKE {{}} ESCAPE '\\' OR p.id = ANY(ARRAY({{}})))", pattern, own_codes)
    escape = "" if pattern == f"%{term.lower()}%" else " ESCAPE '\\'"
    return QueryString(
        f"p.id IN (SELECT rowid FROM product_search WHERE search_text LIKE {{}}{escape} UNION ALL {{}})",
        pattern,
        own_codes,
    )


def _filters(caller: Scope, query: CatalogQuery) -> QueryString:
    """The WHERE clause shared by the rows and the facets: visibility first, then the filters."""
    assert caller.company_id is not None
    parts = [visible_to(caller.company_id)]
    for term in query.text.split():
        parts.append(_term_matches(caller, term))
    if query.category_id:
        parts.append(
            QueryString(
                "p.category IN (SELECT c.id FROM category c WHERE c.path LIKE"
                " (SELECT path FROM category WHERE id = {}) || '%')",
                query.category_id,
            )
        )
    for code, value in query.attributes:
        parts.append(
            QueryString(
                "EXISTS (SELECT 1 FROM product_attribute pa JOIN attribute a ON a.id = pa.attribute"
                " WHERE pa.product = p.id AND a.code = {} AND pa.value = {})",
                code,
                value,
            )
        )
    if query.bought_before:
        parts.append(
            QueryString(
                "EXISTS (SELECT 1 FROM purchased_product h WHERE h.company = {} AND h.product = p.id)",
                caller.company_id,
            )
        )
    return QueryString(" AND ".join("{}" for _ in parts), *parts)


def _sort_keys(caller: Scope, query: CatalogQuery) -> list[QueryString]:
    name = "p.name_pl" if current_locale() == "pl" else "p.name_en"
    if query.sort is CatalogSort.SKU:
        # A term's matches come from the trigram index and are sorted; walking the SKU index
        # until 51 of them turn up read most of the catalog for a brand whose SKUs share a
        # prefix ("würth" took 50 ms instead of 15 on 100,000 products). Without a term the
        # walk is what makes a page of the catalog quick.
        return [QueryString("p.sku || ''" if query.text else "p.sku")]
    if query.sort is CatalogSort.NAME:
        return [QueryString(name), QueryString("p.sku")]
    if query.sort is CatalogSort.AVAILABILITY:
        return [
            QueryString(f"-(SELECT COALESCE(SUM(s.available), 0) {LIVE_STOCK})"),
            QueryString("p.sku"),
        ]
    if query.text:
        # Exact codes first (a scanned EAN, a typed SKU or own part number), then codes that
        # start with the text, then the rest by SKU, so variants of a family stay together.
        # Every match is ranked, thousands for a common word, so each test is the cheapest
        # that gives the same rank: the own part numbers are looked up once, and as the search
        # text starts with the lower-cased SKU only a match starting with the text can be an
        # exact SKU (lower() on each of "würth"'s 16,000 matches took 4 of its 19 ms).
        text = query.text.strip().lower()
        return [
            QueryString(
                "CASE WHEN p.ean = {} OR p.id IN (SELECT c.product FROM customer_part_number c"
                " WHERE c.company = {} AND c.code_search = {}) THEN 0"
                " WHEN p.search_text LIKE {} ESCAPE '\\' THEN CASE WHEN lower(p.sku) = {} THEN 0 ELSE 1 END"
                " ELSE 2 END",
                text,
                caller.company_id,
                text,
                _like_pattern(text).removeprefix("%"),
                text,
            ),
            QueryString("p.sku"),
        ]
    return [QueryString("p.sku")]


_ROW_COLUMNS = """
    p.id, p.sku, p.ean, p.name_pl, p.name_en, p.unit, p.pack_size, p.min_order_quantity,
    p.order_multiple, p.vat_rate, p.status, p.product_group, f.name_pl AS family_pl, f.name_en AS family_en,
    cpn.code AS customer_code
"""
_ROW_SOURCE = """
    FROM product p
    LEFT JOIN product_family f ON f.id = p.family
    LEFT JOIN customer_part_number cpn ON cpn.product = p.id AND cpn.company = {}
"""


@dataclass(frozen=True)
class ProductsStatement:
    """A SELECT of product rows (`ProductRow` columns and `product_group`) that a caller may
    extend with its own columns, and how to keep its order when selecting from it as `p`."""

    select: QueryString
    order: str = "p.id"


def search_page(caller: Scope, query: CatalogQuery) -> ProductsStatement:
    """One page of products matching `query` and one more row, to tell whether a next page
    follows without counting them all. The matches are ranked on their ids and sort keys alone;
    only the page's rows are then read whole, so a common word's thousands of matches cost
    little more than their keys."""
    assert caller.company_id is not None
    keys = _sort_keys(caller, query)
    names = [f"sort_{index}" for index in range(len(keys))]
    ranked = QueryString(
        f"SELECT p.id, {', '.join(f'{{}} AS {name}' for name in names)} FROM product p"
        f" WHERE {{}} ORDER BY {', '.join(names)} LIMIT {{}} OFFSET {{}}",
        *keys,
        _filters(caller, query),
        PAGE_SIZE + 1,
        (query.page - 1) * PAGE_SIZE,
    )
    select = QueryString(
        f"SELECT {_ROW_COLUMNS}, {', '.join(f'r.{name}' for name in names)}"
        f" {_ROW_SOURCE.replace('FROM product p', 'FROM ({}) r JOIN product p ON p.id = r.id')}"
        f" ORDER BY {', '.join(f'r.{name}' for name in names)}",
        ranked,
        caller.company_id,
    )
    return ProductsStatement(select, ", ".join(f"p.{name}" for name in names))


def listed_products(caller: Scope, product_ids: Sequence[int], *, include_hidden: bool = False) -> ProductsStatement:
    """The given products the caller's company may see; with `include_hidden`, all of them,
    marked by `visible`. Empty `product_ids` select nothing."""
    assert caller.company_id is not None
    visible = visible_to(caller.company_id)
    listed = (
        QueryString(f"p.id IN ({', '.join('{}' for _ in product_ids)})", *product_ids)
        if product_ids
        else QueryString("1 = 0")
    )
    return ProductsStatement(
        QueryString(
            f"SELECT {_ROW_COLUMNS}, CASE WHEN {{}} THEN 1 ELSE 0 END AS visible {_ROW_SOURCE} WHERE {{}}",
            visible,
            caller.company_id,
            listed if include_hidden else QueryString("{} AND {}", visible, listed),
        )
    )


async def search_products(caller: Scope, query: CatalogQuery) -> tuple[list[ProductRow], bool]:
    """One page of products matching `query`, and whether another page follows."""
    rows = await Product.raw("{}", search_page(caller, query).select)
    return [product_row(row) for row in rows[:PAGE_SIZE]], len(rows) > PAGE_SIZE


async def visible_products(
    caller: Scope, product_ids: Sequence[int], *, include_hidden: bool = False
) -> list[ProductRow]:
    """The given products in that order, leaving out those the caller's company may not see;
    with `include_hidden` they stay, marked not visible (a cart keeps what left the assortment)."""
    if not product_ids:
        return []
    statement = listed_products(caller, product_ids, include_hidden=include_hidden)
    by_id = {row["id"]: product_row(row) for row in await Product.raw("{}", statement.select)}
    return [by_id[product_id] for product_id in product_ids if product_id in by_id]


def product_row(row: dict[str, Any]) -> ProductRow:
    polish = current_locale() == "pl"
    return ProductRow(
        id=row["id"],
        sku=row["sku"],
        ean=row["ean"],
        name=row["name_pl"] if polish else row["name_en"],
        family_name=(row["family_pl"] if polish else row["family_en"]) or "",
        customer_code=row["customer_code"] or "",
        unit=row["unit"],
        pack_size=row["pack_size"],
        min_order_quantity=row["min_order_quantity"],
        order_multiple=row["order_multiple"],
        vat_rate=row["vat_rate"],
        status=row["status"],
        visible=bool(row.get("visible", True)),
    )


async def facets(caller: Scope, query: CatalogQuery) -> list[Facet]:
    """Values of filterable attributes among the products the filters leave, with counts."""
    assert caller.company_id is not None
    statement = QueryString(
        f"SELECT a.code, a.name_pl, a.name_en, pa.value, COUNT(*) AS products {_ROW_SOURCE}"
        " JOIN product_attribute pa ON pa.product = p.id JOIN attribute a ON a.id = pa.attribute"
        " WHERE a.filterable = {} AND a.deleted = {} AND {}"
        " GROUP BY a.position, a.code, a.name_pl, a.name_en, pa.value ORDER BY a.position, a.code",
        caller.company_id,
        True,
        False,
        _filters(caller, query),
    )
    polish = current_locale() == "pl"
    by_code: dict[str, tuple[str, list[FacetValue]]] = {}
    for row in await Product.raw("{}", statement):
        name = row["name_pl"] if polish else row["name_en"]
        by_code.setdefault(row["code"], (name, []))[1].append(FacetValue(row["value"], row["products"]))
    return [
        Facet(code, name, tuple(sorted(values, key=lambda facet: _natural_key(facet.value))[:FACET_VALUES_SHOWN]))
        for code, (name, values) in by_code.items()
        if len(values) > 1 or query.attribute_value(code)
    ]


def _natural_key(value: str) -> tuple[tuple[int, str | float], ...]:
    """M6 before M10, 2,5 before 10: numbers inside values compare as numbers."""
    parts = re.split(r"(\d+(?:[.,]\d+)?)", value)
    return tuple(
        (0, float(part.replace(",", "."))) if index % 2 else (1, part.lower()) for index, part in enumerate(parts)
    )


async def category_options() -> list[CategoryOption]:
    """The category tree, depth first, for the grid's category filter."""
    polish = current_locale() == "pl"
    # A deleted category is left out, and with it its subtree: the walk goes down from the roots.
    rows = await Category.select(
        Category.id, Category.path, Category.name_pl, Category.name_en, Category.position
    ).where(Category.deleted == False)  # noqa: E712
    by_parent_path: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        parent_path = row["path"].rstrip("/").rsplit("/", 1)[0] + "/"
        by_parent_path.setdefault(parent_path, []).append(row)
    options: list[CategoryOption] = []

    def walk(parent_path: str, depth: int) -> None:
        for row in sorted(by_parent_path.get(parent_path, []), key=lambda r: (r["position"], r["name_pl"])):
            options.append(CategoryOption(row["id"], row["name_pl"] if polish else row["name_en"], depth))
            walk(row["path"], depth + 1)

    walk("/", 0)
    return options
