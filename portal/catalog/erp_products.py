"""Products as the seller's ERP sends them, keyed by SKU, one at a time (a batch) or by the
hundred thousand (a first load's file). Both go through the same set-based writes, a chunk of
items at a time: families, then the products' own columns in one INSERT … ON CONFLICT per chunk,
then their attributes, substitutes and accessories, documents and images, each replaced as a
whole. An imported product is written exactly as the demo's seed writes one (`search_text` from
`search_text_for`, which the SQLite FTS table and PostgreSQL's letter pairs follow by trigger), so
the grid, search and product page treat both alike.

Substitutes and accessories name SKUs, and a first load sends them before the products they
name: a relation to an SKU not yet known is kept as pending and becomes a relation the moment a
product with that SKU is written, so nothing depends on the order products arrive in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field

from portal import clock
from portal.catalog.bulk_writes import chunks, insert_rows, placeholders, rows_by_key, update_all_but
from portal.catalog.erp_fields import (
    CODE_PATTERN,
    NestedItem,
    code_field,
    english_name,
    in_english,
    live_id,
    polish_name,
)
from portal.catalog.erp_files import (
    FileContent,
    FileSource,
    forget_unused_files,
    load_document,
    load_image,
    store_files,
)
from portal.catalog.search import search_text_for
from portal.catalog.tables import (
    Attribute,
    Category,
    DocumentKind,
    PendingProductRelation,
    Product,
    ProductAttribute,
    ProductDocument,
    ProductFamily,
    ProductGroup,
    ProductImage,
    ProductRelation,
    ProductStatus,
    RelationKind,
    Unit,
    VatRate,
)
from portal.database import write_transaction
from portal.i18n import gettext as _
from portal.integration.resources import Applied, ErpItem, Rejected

# Items resolved and written together: a few thousand bind parameters a statement.
CHUNK = 1000
MAX_QUANTITY = 1_000_000

Sku = Annotated[str, Field(min_length=1, max_length=40, pattern=CODE_PATTERN)]


class ProductAttributeValue(NestedItem):
    code: str = code_field("The attribute's code, as sent to the attributes resource.")
    value: str = Field(min_length=1, max_length=100, description="The product's value, e.g. `M8` or `ocynk`.")


class ProductFamilyItem(NestedItem):
    """The variant family: products of one family (sizes of a screw) are shown as each other's
    variants. Created with the first product naming it; its names follow the latest product."""

    code: str = code_field("The family's code.")
    name_pl: str = polish_name("The family's name in Polish.", length=300)
    name_en: str = english_name("The family's name in English.", length=300)


class ProductDocumentItem(FileSource):
    kind: DocumentKind = Field(description="What the document is.")
    title: str = Field(min_length=1, max_length=200, description="The link's text on the product page.")
    language: str = Field(default="pl", pattern=r"^[a-z]{2}$", description="The document's language (ISO 639-1).")
    filename: str = Field(
        min_length=1,
        max_length=200,
        pattern=r"^[^/\\\x00-\x1f\x7f]+$",
        description="The name the file is downloaded under; its extension tells its type.",
    )


class ProductImageItem(FileSource):
    """A picture shown on the product page: PNG, JPEG, GIF or WebP."""


class ProductItem(ErpItem):
    """One product, whole: a list left out (attributes, documents …) means the product has none."""

    sku: str = code_field("The product's SKU, its key.")
    ean: str = Field(default="", pattern=r"^([0-9]{8}|[0-9]{12,14})?$", description="EAN/GTIN, 8 or 12–14 digits.")
    name_pl: str = polish_name("The name in Polish.", length=300)
    name_en: str = english_name("The name in English.", length=300)
    description_pl: str = Field(default="", max_length=20_000, description="The description in Polish.")
    description_en: str = english_name("The description in English.", length=20_000)
    category: str = code_field("The code of the category buyers find it in.")
    product_group: str | None = code_field(
        "The code of the seller's product group (discounts, assortments), or null.", default=None
    )
    unit: Unit = Field(default=Unit.PIECE, description="The unit quantities are counted in.")
    pack_size: int = Field(default=1, ge=1, le=MAX_QUANTITY, description="Units in one pack.")
    min_order_quantity: int = Field(
        default=1, ge=1, le=MAX_QUANTITY, description="The least a buyer may order, a multiple of `order_multiple`."
    )
    order_multiple: int = Field(default=1, ge=1, le=MAX_QUANTITY, description="Quantities go in steps of this.")
    vat_rate: VatRate = Field(default=VatRate.STANDARD, description="The VAT rate in percent, or `zw` (exempt).")
    status: ProductStatus = Field(
        default=ProductStatus.ACTIVE,
        description="`phase_out`: sold while stock lasts, buyers see its substitutes; `discontinued`: out of the "
        "grid, search and quick order, kept for order history.",
    )
    attributes: list[ProductAttributeValue] = Field(default_factory=list, max_length=100)
    family: ProductFamilyItem | None = Field(default=None, description="The variant family, or null.")
    substitutes: list[Sku] = Field(
        default_factory=list,
        max_length=50,
        description="SKUs offered instead when this one is out, in order. An SKU the portal does not know yet is "
        "kept and linked when that product arrives.",
    )
    accessories: list[Sku] = Field(
        default_factory=list, max_length=50, description="SKUs that go with it, in order; unknown SKUs as above."
    )
    documents: list[ProductDocumentItem] = Field(default_factory=list, max_length=20)
    images: list[ProductImageItem] = Field(default_factory=list, max_length=20)


EXAMPLE: dict[str, Any] = {
    "sku": "DIN933-M8X40-88ZN",
    "ean": "5907770000014",
    "name_pl": "Śruba z łbem sześciokątnym DIN 933 M8×40 8.8 ocynk",
    "name_en": "Hexagon head bolt DIN 933 M8×40 8.8 zinc plated",
    "category": "sruby",
    "product_group": "ZL-STAL",
    "unit": "pcs",
    "pack_size": 100,
    "min_order_quantity": 100,
    "order_multiple": 100,
    "vat_rate": "23",
    "status": "active",
    "attributes": [{"code": "thread", "value": "M8"}, {"code": "length", "value": "40"}],
    "family": {"code": "DIN933-88ZN", "name_pl": "Śruby DIN 933 8.8 ocynk", "name_en": "DIN 933 bolts 8.8 zinc"},
    "substitutes": ["DIN933-M8X40-A2"],
    "accessories": ["DIN934-M8-8ZN"],
    "documents": [
        {
            "kind": "datasheet",
            "title": "Karta katalogowa DIN 933",
            "language": "pl",
            "filename": "din933.pdf",
            "url": "https://erp.example.com/files/din933.pdf",
        }
    ],
}

PRODUCT_COLUMNS = (
    "sku",
    "ean",
    "family",
    "category",
    "product_group",
    "name_pl",
    "name_en",
    "description_pl",
    "description_en",
    "unit",
    "pack_size",
    "min_order_quantity",
    "order_multiple",
    "vat_rate",
    "status",
    "search_text",
    "updated_at",
)


@dataclass(frozen=True)
class _References:
    """The categories, groups and attributes a chunk of items names, by code."""

    categories: dict[str, dict[str, Any]]
    groups: dict[str, dict[str, Any]]
    attributes: dict[str, dict[str, Any]]

    @classmethod
    async def of(cls, items: Sequence[ProductItem]) -> _References:
        return cls(
            await rows_by_key(Category, "code", {item.category for item in items}, "id", "deleted"),
            await rows_by_key(
                ProductGroup, "code", {item.product_group for item in items if item.product_group}, "id", "deleted"
            ),
            await rows_by_key(
                Attribute, "code", {value.code for item in items for value in item.attributes}, "id", "deleted"
            ),
        )


@dataclass(frozen=True)
class _Writable:
    """An item whose references are known and whose files are loaded: nothing in it can fail."""

    item: ProductItem
    category_id: int
    group_id: int | None
    attributes: tuple[tuple[int, str], ...]
    documents: tuple[tuple[ProductDocumentItem, FileContent], ...]
    images: tuple[FileContent, ...]


async def _writable(item: ProductItem, references: _References) -> _Writable:
    """The item ready to write, or Rejected naming the field at fault. Files are loaded last, so an
    item refused for its category costs no download."""
    category_id = live_id(
        references.categories,
        item.category,
        "category",
        _("There is no category with the code {code}."),
        _("The category {code} was deleted; send it again to use it."),
    )
    group_id = None
    if item.product_group is not None:
        group_id = live_id(
            references.groups,
            item.product_group,
            "product_group",
            _("There is no product group with the code {code}."),
            _("The product group {code} was deleted; send it again to use it."),
        )
    if item.min_order_quantity % item.order_multiple:
        raise Rejected(
            "min_order_quantity",
            _("The minimum order {minimum} is not a multiple of the order multiple {multiple}.").format(
                minimum=item.min_order_quantity, multiple=item.order_multiple
            ),
        )
    attributes: dict[int, str] = {}
    for index, value in enumerate(item.attributes):
        attribute_id = live_id(
            references.attributes,
            value.code,
            f"attributes/{index}/code",
            _("There is no attribute with the code {code}."),
            _("The attribute {code} was deleted; send it again to use it."),
        )
        if attribute_id in attributes:
            raise Rejected(
                f"attributes/{index}/code", _("The attribute {code} is given twice.").format(code=value.code)
            )
        attributes[attribute_id] = value.value
    for field, skus in (("substitutes", item.substitutes), ("accessories", item.accessories)):
        if item.sku in skus:
            raise Rejected(f"{field}/{skus.index(item.sku)}", _("A product cannot be related to itself."))
    documents = tuple(
        [
            (document, await load_document(document, f"documents/{index}", document.filename))
            for index, document in enumerate(item.documents)
        ]
    )
    images = tuple([await load_image(image, f"images/{index}") for index, image in enumerate(item.images)])
    return _Writable(item, category_id, group_id, tuple(attributes.items()), documents, images)


async def _resolve(items: Sequence[ProductItem]) -> tuple[list[_Writable], list[tuple[int, Rejected]]]:
    references = await _References.of(items)
    writable: list[_Writable] = []
    rejected: list[tuple[int, Rejected]] = []
    for position, item in enumerate(items):
        try:
            writable.append(await _writable(item, references))
        except Rejected as refusal:
            rejected.append((position, refusal))
    return writable, rejected


async def _write(writables: Sequence[_Writable]) -> None:
    """Write resolved items; an SKU given twice keeps its last item."""
    by_sku = {writable.item.sku: writable for writable in writables}
    if not by_sku:
        return
    writables = list(by_sku.values())
    family_ids = await _merge_families(writables)
    product_ids = await _merge_products(writables, family_ids)
    ids = list(product_ids.values())
    await _delete_for_products("product_attribute", ids)
    await insert_rows(
        ProductAttribute,
        ("product", "attribute", "value"),
        [
            (product_ids[writable.item.sku], attribute_id, value)
            for writable in writables
            for attribute_id, value in writable.attributes
        ],
    )
    await _replace_relations(writables, product_ids)
    await _attach_pending_relations(list(product_ids))
    await _replace_files(writables, product_ids)


async def _merge_families(writables: Sequence[_Writable]) -> dict[str, int]:
    families = {writable.item.family.code: writable.item.family for writable in writables if writable.item.family}
    columns = ("code", "name_pl", "name_en")
    rows = await insert_rows(
        ProductFamily,
        columns,
        [(family.code, family.name_pl, in_english(family.name_en, family.name_pl)) for family in families.values()],
        then=f"ON CONFLICT (code) DO UPDATE SET {update_all_but(['code'], columns)} RETURNING id, code",
    )
    return {row["code"]: row["id"] for row in rows}


async def _merge_products(writables: Sequence[_Writable], family_ids: dict[str, int]) -> dict[str, int]:
    now = clock.now()
    rows = []
    for writable in writables:
        item = writable.item
        name_en = in_english(item.name_en, item.name_pl)
        rows.append(
            (
                item.sku,
                item.ean,
                family_ids[item.family.code] if item.family else None,
                writable.category_id,
                writable.group_id,
                item.name_pl,
                name_en,
                item.description_pl,
                in_english(item.description_en, item.description_pl),
                item.unit.value,
                item.pack_size,
                item.min_order_quantity,
                item.order_multiple,
                item.vat_rate.value,
                item.status.value,
                search_text_for(item.sku, item.ean, item.name_pl, name_en),
                now,
            )
        )
    written = await insert_rows(
        Product,
        PRODUCT_COLUMNS,
        rows,
        then=f"ON CONFLICT (sku) DO UPDATE SET {update_all_but(['sku'], PRODUCT_COLUMNS)} RETURNING id, sku",
    )
    return {row["sku"]: row["id"] for row in written}


async def _delete_for_products(table: str, product_ids: Sequence[int]) -> None:
    for chunk in chunks(product_ids):
        await Product.raw(f"DELETE FROM {table} WHERE product IN ({placeholders(len(chunk))})", *chunk)


async def _replace_relations(writables: Sequence[_Writable], product_ids: dict[str, int]) -> None:
    ids = list(product_ids.values())
    await _delete_for_products("product_relation", ids)
    await _delete_for_products("pending_product_relation", ids)
    wanted = [
        (product_ids[writable.item.sku], sku, kind.value, position)
        for writable in writables
        for kind, skus in (
            (RelationKind.SUBSTITUTE, writable.item.substitutes),
            (RelationKind.ACCESSORY, writable.item.accessories),
        )
        # An SKU listed twice is related once, at its first place.
        for position, sku in enumerate(dict.fromkeys(skus))
    ]
    known = await rows_by_key(Product, "sku", {sku for _product, sku, _kind, _position in wanted}, "id")
    columns = ("product", "kind", "position")
    await insert_rows(
        ProductRelation,
        ("related", *columns),
        [(known[sku]["id"], product, kind, position) for product, sku, kind, position in wanted if sku in known],
    )
    await insert_rows(
        PendingProductRelation,
        ("related_sku", *columns),
        [(sku, product, kind, position) for product, sku, kind, position in wanted if sku not in known],
    )


async def _attach_pending_relations(skus: Sequence[str]) -> None:
    """Relations other products wait for to the SKUs just written become relations."""
    for chunk in chunks(skus):
        await ProductRelation.raw(
            "INSERT INTO product_relation (product, related, kind, position)"
            " SELECT w.product, p.id, w.kind, w.position FROM pending_product_relation w"
            f" JOIN product p ON p.sku = w.related_sku WHERE w.related_sku IN ({placeholders(len(chunk))})",
            *chunk,
        )
        await PendingProductRelation.raw(
            f"DELETE FROM pending_product_relation WHERE related_sku IN ({placeholders(len(chunk))})", *chunk
        )


async def _replace_files(writables: Sequence[_Writable], product_ids: dict[str, int]) -> None:
    ids = list(product_ids.values())
    previous: set[str] = set()
    for chunk in chunks(ids):
        listed = placeholders(len(chunk))
        previous |= {
            row["file"]
            for row in await ProductDocument.raw(
                f"SELECT file FROM product_document WHERE product IN ({listed})"
                f" UNION SELECT file FROM product_image WHERE product IN ({listed})",
                *chunk,
                *chunk,
            )
        }
    await _delete_for_products("product_document", ids)
    await _delete_for_products("product_image", ids)
    files = [file for writable in writables for _document, file in writable.documents] + [
        file for writable in writables for file in writable.images
    ]
    await store_files(files)
    await insert_rows(
        ProductDocument,
        ("product", "kind", "title", "language", "filename", "file"),
        [
            (
                product_ids[writable.item.sku],
                document.kind.value,
                document.title,
                document.language,
                document.filename,
                file.sha256,
            )
            for writable in writables
            for document, file in writable.documents
        ],
    )
    await insert_rows(
        ProductImage,
        ("product", "file", "position"),
        [
            (product_ids[writable.item.sku], file.sha256, position)
            for writable in writables
            for position, file in enumerate(writable.images)
        ],
    )
    # A file another product still shows stays.
    await forget_unused_files(previous - {file.sha256 for file in files})


async def upsert_product(item: ProductItem) -> Applied:
    writable, rejected = await _resolve([item])
    if rejected:
        raise rejected[0][1]
    existed = await Product.exists().where(Product.sku == item.sku)
    await _write(writable)
    return Applied.UPDATED if existed else Applied.CREATED


async def bulk_upsert_products(items: Sequence[ProductItem]) -> list[tuple[int, Rejected]]:
    """Write many products at database speed; the positions refused and why. An SKU given twice
    keeps its last item."""
    rejected: list[tuple[int, Rejected]] = []
    async with write_transaction(Product._meta.db), _search_indexes_filled_at_once(len(items)):
        for start in range(0, len(items), CHUNK):
            writable, refused = await _resolve(items[start : start + CHUNK])
            rejected += [(start + position, refusal) for position, refusal in refused]
            await _write(writable)
    return rejected


# PostgreSQL's trigram indexes of the search text (migrations catalog 2026-11-25T18:30, T22:50),
# kept without a pending list so searches stay fast (T19:45).
SEARCH_INDEXES = ("product_search_text_trgm", "product_letter_pairs_trgm")
# From this many products a load is a first load or a catalog overhaul.
LARGE_LOAD = 10_000


@asynccontextmanager
async def _search_indexes_filled_at_once(count: int) -> AsyncIterator[None]:
    """On PostgreSQL, a large load gathers its index entries in the trigram indexes' pending lists
    and merges them once at the end: entered row by row, the indexes cost 2 ms a product (300
    products a second); gathered, the load runs about five times faster. Switching the lists on
    locks those indexes, so searches wait for the load's transaction: a price worth paying for a
    first load, not for the few changed products of a daily sync, which keep the row-by-row way.
    Switched back off (and merged) inside the same transaction, so no one ever sees them on."""
    if count < LARGE_LOAD or Product._meta.db.engine_type != "postgres":
        yield
        return
    for index in SEARCH_INDEXES:
        await Product.raw(f"ALTER INDEX {index} SET (fastupdate = on)")
    # A list past its limit is merged on the spot, by the insert that filled it.
    await Product.raw("SET LOCAL gin_pending_list_limit = '1GB'")
    yield
    for index in SEARCH_INDEXES:
        await Product.raw(f"SELECT gin_clean_pending_list('{index}'::regclass)")
        await Product.raw(f"ALTER INDEX {index} SET (fastupdate = off)")


async def delete_product(key: dict[str, str]) -> bool:
    """Discontinued: out of the grid, search and quick order for every buyer (the one status every
    reader already honours), kept for order history; sending the product again revives it."""
    if not await Product.exists().where(Product.sku == key["sku"]):
        return False
    await Product.update({Product.status: ProductStatus.DISCONTINUED, Product.updated_at: clock.now()}).where(
        Product.sku == key["sku"]
    )
    return True
