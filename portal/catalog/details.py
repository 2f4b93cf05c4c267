"""What the product page knows beyond a grid row: description, pictures, category trail,
specifications, documents, stock per warehouse, substitutes, accessories and the other variants
of its family."""

from __future__ import annotations

from dataclasses import dataclass

from portal.accounts.scope import Scope
from portal.catalog.search import ProductRow, visible_products
from portal.catalog.stock import WarehouseStock, stock_by_warehouse
from portal.catalog.tables import (
    Category,
    Product,
    ProductAttribute,
    ProductDocument,
    ProductImage,
    ProductRelation,
    RelationKind,
)
from portal.errors import NotFound
from portal.i18n import current_locale
from portal.i18n import gettext as _

# Enough variants to choose a size from; a family with more is browsed in the grid.
VARIANTS_SHOWN = 30


@dataclass(frozen=True)
class Specification:
    name: str
    value: str


@dataclass(frozen=True)
class DocumentLink:
    id: int
    kind: str
    title: str
    language: str
    filename: str
    size: int


@dataclass(frozen=True)
class CategoryLink:
    id: int
    name: str


@dataclass(frozen=True)
class ProductDetails:
    product: ProductRow
    description: str
    # Ids of the product's pictures in the order the ERP gave them (`product_image` serves each).
    image_ids: list[int]
    category_trail: list[CategoryLink]
    specifications: list[Specification]
    documents: list[DocumentLink]
    warehouses: list[WarehouseStock]
    substitute_ids: list[int]
    accessory_ids: list[int]
    variant_ids: list[int]


async def product_details(caller: Scope, product_id: int) -> ProductDetails:
    """A product the caller's company may see; any other id is not found."""
    found = await visible_products(caller, [product_id])
    if not found:
        raise NotFound(_("This product does not exist."))
    polish = current_locale() == "pl"
    product = (
        await Product.select(
            Product.description_pl, Product.description_en, Product.family, Product.category.path.as_alias("path")
        )
        .where(Product.id == product_id)
        .first()
    )
    assert product is not None
    trail_ids = [int(part) for part in product["path"].strip("/").split("/") if part]
    trail = {
        row["id"]: CategoryLink(row["id"], row["name_pl"] if polish else row["name_en"])
        for row in await Category.select(Category.id, Category.name_pl, Category.name_en).where(
            Category.id.is_in(trail_ids) & (Category.deleted == False)  # noqa: E712
        )
    }
    specifications = (
        await ProductAttribute.select(
            ProductAttribute.attribute.name_pl, ProductAttribute.attribute.name_en, ProductAttribute.value
        )
        .where((ProductAttribute.product == product_id) & (ProductAttribute.attribute.deleted == False))  # noqa: E712
        .order_by(ProductAttribute.attribute.position)
    )
    documents = (
        await ProductDocument.select(
            ProductDocument.id,
            ProductDocument.kind,
            ProductDocument.title,
            ProductDocument.language,
            ProductDocument.filename,
            ProductDocument.file.size.as_alias("size"),
        )
        .where(ProductDocument.product == product_id)
        .order_by(ProductDocument.kind, ProductDocument.title)
    )
    images = (
        await ProductImage.select(ProductImage.id)
        .where(ProductImage.product == product_id)
        .order_by(ProductImage.position)
    )
    relations = (
        await ProductRelation.select(ProductRelation.related, ProductRelation.kind)
        .where(ProductRelation.product == product_id)
        .order_by(ProductRelation.position)
    )
    variant_ids: list[int] = []
    if product["family"] is not None:
        variant_ids = [
            row["id"]
            for row in await Product.select(Product.id)
            .where((Product.family == product["family"]) & (Product.id != product_id))
            .order_by(Product.sku)
            .limit(VARIANTS_SHOWN)
        ]
    return ProductDetails(
        product=found[0],
        description=product["description_pl"] if polish else product["description_en"],
        image_ids=[row["id"] for row in images],
        category_trail=[trail[category_id] for category_id in trail_ids if category_id in trail],
        specifications=[
            Specification(
                row["attribute.name_pl"] if polish else row["attribute.name_en"],
                row["value"],
            )
            for row in specifications
        ],
        documents=[DocumentLink(**row) for row in documents],
        warehouses=await stock_by_warehouse(product_id),
        substitute_ids=[row["related"] for row in relations if row["kind"] == RelationKind.SUBSTITUTE],
        accessory_ids=[row["related"] for row in relations if row["kind"] == RelationKind.ACCESSORY],
        variant_ids=variant_ids,
    )


@dataclass(frozen=True)
class DocumentFile:
    filename: str
    media_type: str
    content: bytes


async def document_file(caller: Scope, document_id: int) -> DocumentFile:
    """A product document, if its product is one the caller's company may see."""
    row = (
        await ProductDocument.select(
            ProductDocument.product,
            ProductDocument.filename,
            ProductDocument.file.media_type.as_alias("media_type"),
            ProductDocument.file.content.as_alias("content"),
        )
        .where(ProductDocument.id == document_id)
        .first()
    )
    if row is None or not await visible_products(caller, [row["product"]]):
        raise NotFound(_("This document does not exist."))
    return DocumentFile(row["filename"], row["media_type"], bytes(row["content"]))


@dataclass(frozen=True)
class ImageFile:
    media_type: str
    content: bytes


async def product_image(caller: Scope, image_id: int) -> ImageFile:
    """A product's picture, if its product is one the caller's company may see."""
    row = (
        await ProductImage.select(
            ProductImage.product,
            ProductImage.file.media_type.as_alias("media_type"),
            ProductImage.file.content.as_alias("content"),
        )
        .where(ProductImage.id == image_id)
        .first()
    )
    if row is None or not await visible_products(caller, [row["product"]]):
        raise NotFound(_("This picture does not exist."))
    return ImageFile(row["media_type"], bytes(row["content"]))
