"""What the seller's ERP sends of the catalog capability's data, keyed by the ERP's codes:
categories, product groups, attributes, products, warehouses, stock levels and customers' own
part numbers (in that order: each names only records of those before it).

How each reader honours a deletion (deletes are soft, and sending a record again revives it):
- a product becomes `discontinued`, the status every buyer-facing reader already leaves out of
  the grid, search, quick order and carts, while orders and invoices keep showing it;
- a category leaves the category tree buyers browse (its subtree with it) and product pages'
  trails; its products stay on sale, and no product may be put in it until it is sent again;
- an attribute is no longer a filter or a specification, and products may not use it;
- a product group takes no new products, and discount rules for it stop applying;
- a warehouse's stock counts nowhere, and no stock may be sent for it;
- a stock level or a customer's part number is removed outright: both are facts about a pair of
  records that nothing else refers to, and sending them again brings them back.

Substitutes and accessories may name SKUs not loaded yet: they are kept pending and linked when
that product arrives (`portal.catalog.erp_products`). Documents and images come inline (base64) or
from a public https address, fetched once when the product is written
(`portal.catalog.erp_files`); a file that changes at the same address is fetched again only when
the ERP sends the product changed.

Nothing here needs invalidating: buyers' pages read the catalog live, the search indexes
(PostgreSQL's trigram letter pairs, SQLite's FTS table) follow `product.search_text` by trigger,
and no stored PDF shows catalog data that is not part of its own fingerprint."""

from __future__ import annotations

from typing import Any

from piccolo.columns import Column
from piccolo.table import Table
from pydantic import Field

from portal.accounts.tables import Company
from portal.catalog.bulk_writes import insert_rows, rows_by_key, update_all_but
from portal.catalog.erp_fields import CODE_PATTERN, code_field, english_name, in_english, polish_name
from portal.catalog.erp_products import (
    EXAMPLE as PRODUCT_EXAMPLE,
)
from portal.catalog.erp_products import (
    ProductItem,
    bulk_upsert_products,
    delete_product,
    upsert_product,
)
from portal.catalog.erp_stock import EXAMPLE as STOCK_EXAMPLE
from portal.catalog.erp_stock import StockItem, bulk_upsert_stock, delete_stock, upsert_stock
from portal.catalog.tables import Attribute, Category, CustomerPartNumber, Product, ProductGroup, Warehouse
from portal.i18n import gettext as _
from portal.integration.resources import Applied, ErpItem, Rejected, Resource
from portal.integration.scopes import Scope


def position_field() -> Any:
    return Field(default=0, ge=-1_000_000, le=1_000_000, description="The order among its peers, smallest first.")


async def _upsert_by_code(table: type[Table], values: dict[str, Any]) -> Applied:
    """Write a record keyed by its `code` (in `values`); a deleted one is revived."""
    existed = bool(await rows_by_key(table, "code", [values["code"]]))
    columns = (*values, "deleted")
    await insert_rows(
        table,
        columns,
        [(*values.values(), False)],
        then=f"ON CONFLICT (code) DO UPDATE SET {update_all_but(['code'], columns)}",
    )
    return Applied.UPDATED if existed else Applied.CREATED


async def _delete_by_code(table: type[Table], code: str) -> bool:
    if not await rows_by_key(table, "code", [code]):
        return False
    await table.raw(f'UPDATE "{table._meta.tablename}" SET deleted = {{}} WHERE code = {{}}', True, code)
    return True


# --- Categories --------------------------------------------------------------------------------

# Category.path holds the ids from the root down ("/1/7/42/") and is this long at most.
MAX_PATH = 200


class CategoryItem(ErpItem):
    code: str = code_field("The category's code, its key.")
    parent: str | None = code_field(
        "The parent category's code, or null for a top-level one. The parent must be known: sent before, or "
        "earlier in the same batch.",
        default=None,
    )
    name_pl: str = polish_name("The name in Polish.", length=200)
    name_en: str = english_name("The name in English.", length=200)
    position: int = position_field()


async def upsert_category(item: CategoryItem) -> Applied:
    existing = await Category.select(Category.id, Category.path).where(Category.code == item.code).first()
    parent_id, parent_path = None, "/"
    if item.parent is not None:
        parent = (
            await Category.select(Category.id, Category.path, Category.deleted)
            .where(Category.code == item.parent)
            .first()
        )
        if parent is None:
            raise Rejected(
                "parent",
                _("There is no category with the code {code}; send the parent first.").format(code=item.parent),
            )
        if parent["deleted"]:
            raise Rejected(
                "parent", _("The category {code} was deleted; send it again to use it.").format(code=item.parent)
            )
        # A category's own id is in the path of everything under it, itself included.
        if existing is not None and f"/{existing['id']}/" in parent["path"]:
            raise Rejected(
                "parent",
                _("The category {code} is this category or one under it: a category cannot be inside itself.").format(
                    code=item.parent
                ),
            )
        parent_id, parent_path = parent["id"], parent["path"]
    values: dict[Column | str, Any] = {
        Category.parent: parent_id,
        Category.name_pl: item.name_pl,
        Category.name_en: in_english(item.name_en, item.name_pl),
        Category.position: item.position,
        Category.deleted: False,
    }
    if existing is None:
        inserted = await Category.insert(Category(code=item.code, path="")).returning(Category.id)
        category_id, old_path = inserted[0]["id"], ""
    else:
        category_id, old_path = existing["id"], existing["path"]
    new_path = f"{parent_path}{category_id}/"
    if new_path != old_path:
        await _move_subtree(category_id, old_path, new_path)
    await Category.update(values).where(Category.id == category_id)
    return Applied.CREATED if existing is None else Applied.UPDATED


async def _move_subtree(category_id: int, old_path: str, new_path: str) -> None:
    """Give the category `new_path` and everything under it the same new beginning."""
    if not old_path:
        if len(new_path) > MAX_PATH:
            raise Rejected("parent", _too_deep())
        await Category.update({Category.path: new_path}).where(Category.id == category_id)
        return
    # Paths hold only digits and slashes: nothing in them is a LIKE wildcard.
    under = f"{old_path}%"
    deepest = await Category.raw("SELECT MAX(LENGTH(path)) AS length FROM category WHERE path LIKE {}", under)
    if deepest[0]["length"] - len(old_path) + len(new_path) > MAX_PATH:
        raise Rejected("parent", _too_deep())
    await Category.raw(
        "UPDATE category SET path = CAST({} AS VARCHAR(200)) || SUBSTR(path, {}) WHERE path LIKE {}",
        new_path,
        len(old_path) + 1,
        under,
    )


def _too_deep() -> str:
    return _("The category tree would be deeper than the portal keeps.")


async def delete_category(key: dict[str, str]) -> bool:
    return await _delete_by_code(Category, key["code"])


# --- Product groups and attributes -------------------------------------------------------------


class ProductGroupItem(ErpItem):
    """The seller's grouping of products for discounts and assortments (e.g. stainless fasteners),
    independent of the category tree buyers browse."""

    code: str = code_field("The group's code, its key.")
    name_pl: str = polish_name("The name in Polish.", length=200)
    name_en: str = english_name("The name in English.", length=200)


async def upsert_product_group(item: ProductGroupItem) -> Applied:
    return await _upsert_by_code(
        ProductGroup,
        {"code": item.code, "name_pl": item.name_pl, "name_en": in_english(item.name_en, item.name_pl)},
    )


async def delete_product_group(key: dict[str, str]) -> bool:
    return await _delete_by_code(ProductGroup, key["code"])


class AttributeItem(ErpItem):
    """A property products have values of (thread, length, material): the grid filters by it."""

    code: str = code_field("The attribute's code, its key.")
    name_pl: str = polish_name("The name in Polish.", length=100)
    name_en: str = english_name("The name in English.", length=100)
    filterable: bool = Field(
        default=True, description="Offered as a filter in the grid; otherwise only listed on the product page."
    )
    position: int = position_field()


async def upsert_attribute(item: AttributeItem) -> Applied:
    return await _upsert_by_code(
        Attribute,
        {
            "code": item.code,
            "name_pl": item.name_pl,
            "name_en": in_english(item.name_en, item.name_pl),
            "filterable": item.filterable,
            "position": item.position,
        },
    )


async def delete_attribute(key: dict[str, str]) -> bool:
    return await _delete_by_code(Attribute, key["code"])


# --- Warehouses --------------------------------------------------------------------------------


class WarehouseItem(ErpItem):
    code: str = code_field("The warehouse's code, its key.", length=20)
    name: str = Field(min_length=1, max_length=100, description="The name buyers see next to its stock.")
    city: str = Field(min_length=1, max_length=100, description="Where it is.")


async def upsert_warehouse(item: WarehouseItem) -> Applied:
    return await _upsert_by_code(Warehouse, {"code": item.code, "name": item.name, "city": item.city})


async def delete_warehouse(key: dict[str, str]) -> bool:
    return await _delete_by_code(Warehouse, key["code"])


# --- Customers' own part numbers ---------------------------------------------------------------


class CustomerPartNumberItem(ErpItem):
    """What a customer calls one of the seller's products: its buyers find the product by it and
    see it in the grid."""

    customer: str = code_field("The customer's code in the ERP.")
    sku: str = code_field("The product's SKU.")
    code: str = Field(
        min_length=1,
        max_length=60,
        pattern=CODE_PATTERN,
        description="The customer's own part number; one product per code and customer, any letter case.",
    )


async def _customer_id(customer_code: str) -> int | None:
    row = await Company.select(Company.id).where(Company.code == customer_code).first()
    return None if row is None else int(row["id"])


async def _product_id(sku: str) -> int | None:
    row = await Product.select(Product.id).where(Product.sku == sku).first()
    return None if row is None else int(row["id"])


async def upsert_customer_part_number(item: CustomerPartNumberItem) -> Applied:
    company_id = await _customer_id(item.customer)
    if company_id is None:
        raise Rejected("customer", _("There is no customer with the code {code}.").format(code=item.customer))
    product_id = await _product_id(item.sku)
    if product_id is None:
        raise Rejected("sku", _("There is no product with the SKU {sku}.").format(sku=item.sku))
    code_search = item.code.lower()
    # Buyers find a product by the code, so it may name one product only.
    taken = (
        await CustomerPartNumber.select(CustomerPartNumber.product.sku.as_alias("sku"))
        .where(
            (CustomerPartNumber.company == company_id)
            & (CustomerPartNumber.code_search == code_search)
            & (CustomerPartNumber.product != product_id)
        )
        .first()
    )
    if taken is not None:
        raise Rejected(
            "code",
            _("The customer already uses the code {code} for the product {sku}.").format(
                code=item.code, sku=taken["sku"]
            ),
        )
    mine = (CustomerPartNumber.company == company_id) & (CustomerPartNumber.product == product_id)
    if await CustomerPartNumber.exists().where(mine):
        await CustomerPartNumber.update(
            {CustomerPartNumber.code: item.code, CustomerPartNumber.code_search: code_search}
        ).where(mine)
        return Applied.UPDATED
    await CustomerPartNumber.insert(
        CustomerPartNumber(company=company_id, product=product_id, code=item.code, code_search=code_search)
    )
    return Applied.CREATED


async def delete_customer_part_number(key: dict[str, str]) -> bool:
    company_id = await _customer_id(key["customer"])
    product_id = await _product_id(key["sku"])
    if company_id is None or product_id is None:
        return False
    mine = (CustomerPartNumber.company == company_id) & (CustomerPartNumber.product == product_id)
    if not await CustomerPartNumber.exists().where(mine):
        return False
    await CustomerPartNumber.delete().where(mine)
    return True


RESOURCES: list[Resource[Any]] = [
    Resource(
        name="categories",
        scope=Scope.CATALOG,
        item_type=CategoryItem,
        key_fields=("code",),
        upsert=upsert_category,
        delete=delete_category,
        summary="The category tree buyers browse; a parent before its children.",
        example={"code": "sruby", "parent": "zlaczne", "name_pl": "Śruby", "name_en": "Bolts", "position": 1},
    ),
    Resource(
        name="product-groups",
        scope=Scope.CATALOG,
        item_type=ProductGroupItem,
        key_fields=("code",),
        upsert=upsert_product_group,
        delete=delete_product_group,
        summary="The seller's product groups, which discounts and assortments name.",
        example={"code": "ZL-STAL", "name_pl": "Złączne stalowe", "name_en": "Steel fasteners"},
    ),
    Resource(
        name="attributes",
        scope=Scope.CATALOG,
        item_type=AttributeItem,
        key_fields=("code",),
        upsert=upsert_attribute,
        delete=delete_attribute,
        summary="Product attributes: grid filters and specifications.",
        example={"code": "thread", "name_pl": "Gwint", "name_en": "Thread", "filterable": True, "position": 1},
    ),
    Resource(
        name="products",
        scope=Scope.CATALOG,
        item_type=ProductItem,
        key_fields=("sku",),
        upsert=upsert_product,
        delete=delete_product,
        summary="Products with packaging, VAT, status, attributes, variant family, substitutes, accessories, "
        "documents and images.",
        example=PRODUCT_EXAMPLE,
        bulk_upsert=bulk_upsert_products,
    ),
    Resource(
        name="warehouses",
        scope=Scope.STOCK,
        item_type=WarehouseItem,
        key_fields=("code",),
        upsert=upsert_warehouse,
        delete=delete_warehouse,
        summary="The seller's warehouses.",
        example={"code": "WAW", "name": "Magazyn centralny", "city": "Warszawa"},
    ),
    Resource(
        name="stock",
        scope=Scope.STOCK,
        item_type=StockItem,
        key_fields=("sku", "warehouse"),
        upsert=upsert_stock,
        delete=delete_stock,
        summary="Stock per product and warehouse, with the next delivery and the lead time.",
        example=STOCK_EXAMPLE,
        bulk_upsert=bulk_upsert_stock,
    ),
    Resource(
        name="customer-part-numbers",
        scope=Scope.CATALOG,
        item_type=CustomerPartNumberItem,
        key_fields=("customer", "sku"),
        upsert=upsert_customer_part_number,
        delete=delete_customer_part_number,
        summary="Customers' own part numbers for the seller's products.",
        example={"customer": "K00042", "sku": "DIN933-M8X40-88ZN", "code": "BM-SR-M8-40"},
    ),
]
