"""Tables of the catalog: categories, products and their families, attributes, documents,
relations, warehouses and stock, customers' own part numbers and customer assortments."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    Boolean,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.accounts.tables import Company


class VatRate(StrEnum):
    STANDARD = "23"
    REDUCED = "8"
    SUPER_REDUCED = "5"
    ZERO = "0"
    EXEMPT = "zw"


class Unit(StrEnum):
    PIECE = "pcs"
    KILOGRAM = "kg"
    METRE = "m"
    LITRE = "l"
    PACK = "pack"
    SET = "set"
    ROLL = "roll"


class ProductStatus(StrEnum):
    ACTIVE = "active"
    # Still sold from stock, not reordered by the seller: buyers see a note and substitutes.
    PHASE_OUT = "phase_out"
    # Kept for order history and documents; never in the grid.
    DISCONTINUED = "discontinued"


class DocumentKind(StrEnum):
    DATASHEET = "datasheet"
    CAD = "cad"
    SAFETY_DATA_SHEET = "sds"
    MANUAL = "manual"
    CERTIFICATE = "certificate"


class RelationKind(StrEnum):
    SUBSTITUTE = "substitute"
    ACCESSORY = "accessory"


class AssortmentEffect(StrEnum):
    INCLUDE = "include"
    EXCLUDE = "exclude"


class Category(Table):
    id = Serial(primary_key=True)
    parent: ForeignKey[Category] = ForeignKey("self", null=True, default=None, on_delete=OnDelete.cascade)
    code = Varchar(length=40, unique=True)
    # Ancestors' ids and its own, as "/1/7/42/": a subtree is one LIKE on an indexed prefix.
    path = Varchar(length=200, index=True)
    name_pl = Varchar(length=200)
    name_en = Varchar(length=200)
    position = Integer(default=0)
    # Deleted by the ERP: out of the category tree buyers browse; its products keep their place.
    deleted = Boolean(default=False)


class ProductGroup(Table):
    """The seller's grouping for prices, discounts and assortments (e.g. "stainless fasteners"),
    independent of the category tree buyers browse."""

    id = Serial(primary_key=True)
    code = Varchar(length=40, unique=True)
    name_pl = Varchar(length=200)
    name_en = Varchar(length=200)
    # Deleted by the ERP: no product may be put in it, and discounts for it stop applying.
    deleted = Boolean(default=False)


class ProductFamily(Table):
    """Variants of one product (sizes of a screw, lengths of a hose) share a family."""

    id = Serial(primary_key=True)
    code = Varchar(length=40, unique=True)
    name_pl = Varchar(length=300)
    name_en = Varchar(length=300)


class Product(Table):
    id = Serial(primary_key=True)
    sku = Varchar(length=40, unique=True)
    ean = Varchar(length=14, default="", index=True)
    # Indexed by a migration: Piccolo would name the index "product_family", like the table.
    family = ForeignKey(ProductFamily, null=True, default=None)
    category = ForeignKey(Category, null=False, index=True)
    product_group = ForeignKey(ProductGroup, null=True, default=None, index=True)
    name_pl = Varchar(length=300)
    name_en = Varchar(length=300)
    description_pl = Text(default="")
    description_en = Text(default="")
    unit = Varchar(length=8, choices=Unit, default=Unit.PIECE)
    # Quantities are whole units of `unit`; a pack of 100 screws sold per piece has pack_size 100.
    pack_size = Integer(default=1)
    min_order_quantity = Integer(default=1)
    order_multiple = Integer(default=1)
    vat_rate = Varchar(length=2, choices=VatRate, default=VatRate.STANDARD)
    status = Varchar(length=12, choices=ProductStatus, default=ProductStatus.ACTIVE, index=True)
    # Lower-cased SKU, EAN and both names: what search-as-you-type matches against.
    search_text = Varchar(length=800, default="")
    updated_at = Timestamptz(default=TimestamptzNow())


class Attribute(Table):
    id = Serial(primary_key=True)
    code = Varchar(length=40, unique=True)
    name_pl = Varchar(length=100)
    name_en = Varchar(length=100)
    # Shown in the grid's filter bar when true; other attributes are only listed on the product page.
    filterable = Boolean(default=True)
    position = Integer(default=0)
    # Deleted by the ERP: neither a filter nor a specification any more.
    deleted = Boolean(default=False)


class ProductAttribute(Table):
    product = ForeignKey(Product, null=False, index=True, on_delete=OnDelete.cascade)
    attribute = ForeignKey(Attribute, null=False, on_delete=OnDelete.cascade)
    value = Varchar(length=100)


class StoredFile(Table):
    """File contents in the database, keyed by their SHA-256, so every app process can serve
    them and identical uploads are stored once."""

    sha256 = Varchar(length=64, primary_key=True)
    media_type = Varchar(length=100)
    size = Integer()
    content = Bytea()


class ProductDocument(Table):
    id = Serial(primary_key=True)
    product = ForeignKey(Product, null=False, index=True, on_delete=OnDelete.cascade)
    kind = Varchar(length=12, choices=DocumentKind)
    title = Varchar(length=200)
    language = Varchar(length=2, default="pl")
    filename = Varchar(length=200)
    file = ForeignKey(StoredFile, null=False, target_column="sha256")


class ProductImage(Table):
    """A picture of a product, shown on its page in `position` order."""

    id = Serial(primary_key=True)
    product = ForeignKey(Product, null=False, index=True, on_delete=OnDelete.cascade)
    file = ForeignKey(StoredFile, null=False, target_column="sha256")
    position = Integer(default=0)


class ProductRelation(Table):
    product = ForeignKey(Product, null=False, index=True, on_delete=OnDelete.cascade)
    related = ForeignKey(Product, null=False, on_delete=OnDelete.cascade)
    kind = Varchar(length=12, choices=RelationKind)
    position = Integer(default=0)


class PendingProductRelation(Table):
    """A substitute or accessory named by an SKU the ERP has not sent yet (common in a first
    load): kept until that product arrives, then made a ProductRelation."""

    product = ForeignKey(Product, null=False, index=True, on_delete=OnDelete.cascade)
    related_sku = Varchar(length=40, index=True)
    kind = Varchar(length=12, choices=RelationKind)
    position = Integer(default=0)


class Warehouse(Table):
    id = Serial(primary_key=True)
    code = Varchar(length=20, unique=True)
    name = Varchar(length=100)
    city = Varchar(length=100)
    # Deleted by the ERP: its stock no longer counts anywhere.
    deleted = Boolean(default=False)


class Stock(Table):
    """The ERP's view of one product in one warehouse."""

    product = ForeignKey(Product, null=False, index=True, on_delete=OnDelete.cascade)
    warehouse = ForeignKey(Warehouse, null=False, on_delete=OnDelete.cascade)
    available = Integer(default=0)
    # At or below this the grid says "low stock".
    low_level = Integer(default=0)
    next_delivery_on = Date(null=True, default=None)
    next_delivery_quantity = Integer(default=0)
    # Days from order to dispatch when nothing is available and nothing is on its way.
    lead_time_days = Integer(default=0)


class CustomerPartNumber(Table):
    company = ForeignKey(Company, null=False, on_delete=OnDelete.cascade)
    product = ForeignKey(Product, null=False, on_delete=OnDelete.cascade)
    # Stored lower-cased for matching; `code` keeps what the customer typed.
    code = Varchar(length=60)
    code_search = Varchar(length=60)


class AssortmentRule(Table):
    """A company sees the whole catalog unless it has include rules (then only what they
    include); exclude rules always win. Exactly one of category, product group or product."""

    id = Serial(primary_key=True)
    company = ForeignKey(Company, null=False, index=True, on_delete=OnDelete.cascade)
    effect = Varchar(length=8, choices=AssortmentEffect)
    category = ForeignKey(Category, null=True, default=None, on_delete=OnDelete.cascade)
    product_group = ForeignKey(ProductGroup, null=True, default=None, on_delete=OnDelete.cascade)
    product = ForeignKey(Product, null=True, default=None, on_delete=OnDelete.cascade)
