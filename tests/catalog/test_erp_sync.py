"""The catalog's ERP resources through the batch protocol: what an ERP sends is what buyers then
see in the grid, search, category tree and product page, and deletions leave them as promised."""

from __future__ import annotations

import base64
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import pytest

from portal.accounts.roles import Role
from portal.accounts.scope import Scope
from portal.accounts.tables import Company
from portal.catalog import (
    CatalogQuery,
    erp_files,
    erp_products,
    erp_stock,
    search_products,
    stock_by_warehouse,
    visible_products,
)
from portal.catalog.details import document_file, product_details
from portal.catalog.erp_products import ProductItem
from portal.catalog.erp_stock import StockItem
from portal.catalog.erp_sync import RESOURCES
from portal.catalog.search import category_options, facets
from portal.catalog.tables import (
    Category,
    CustomerPartNumber,
    PendingProductRelation,
    Product,
    ProductStatus,
    StoredFile,
)
from portal.i18n import use_locale
from portal.integration.batch import BatchReport, apply_batch
from portal.ordering.grid import grid_rows
from portal.outgoing.guard import Guard
from tests.factories import make_company, make_discount_rule, make_person, make_price_list
from tests.outgoing.fakes import PUBLIC, DictResolver, FakeInternet

pytestmark = pytest.mark.usefixtures("db")

RESOURCES_BY_NAME = {resource.name: resource for resource in RESOURCES}


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with use_locale("en"):
        yield


async def send(
    resource: str, upserts: Sequence[dict[str, Any]] = (), deletes: Sequence[dict[str, Any]] = (), **options: Any
) -> BatchReport:
    return await apply_batch(RESOURCES_BY_NAME[resource], list(upserts), list(deletes), **options)


def outcomes(report: BatchReport) -> list[str]:
    return [result.outcome.value for result in report.results]


def errors(report: BatchReport) -> list[tuple[str, str]]:
    return [(error.pointer, error.detail) for error in report.errors]


async def buyer(company_id: int | None = None) -> Scope:
    company_id = company_id or await make_company()
    return await (await make_person(company_id, Role.BUYER)).scope()


async def skus_found(caller: Scope, text: str) -> list[str]:
    rows, _more = await search_products(caller, CatalogQuery(text=text))
    return [row.sku for row in rows]


async def product_id(sku: str) -> int:
    row = await Product.select(Product.id).where(Product.sku == sku).first()
    assert row is not None, sku
    return int(row["id"])


def product(sku: str, **fields: Any) -> dict[str, Any]:
    return {"sku": sku, "name_pl": f"Produkt {sku}", "name_en": f"Product {sku}", "category": "tools", **fields}


async def basic_catalog() -> None:
    """A category tree, a product group, two attributes and a warehouse, as an ERP's first load sends them."""
    report = await send(
        "categories",
        [
            {"code": "tools", "name_pl": "Narzędzia", "name_en": "Tools"},
            {"code": "hand-tools", "parent": "tools", "name_pl": "Ręczne", "name_en": "Hand tools"},
        ],
    )
    assert outcomes(report) == ["created", "created"]
    await send("product-groups", [{"code": "STEEL", "name_pl": "Stal", "name_en": "Steel"}])
    await send(
        "attributes",
        [
            {"code": "thread", "name_pl": "Gwint", "name_en": "Thread", "position": 1},
            {"code": "finish", "name_pl": "Powłoka", "name_en": "Finish", "position": 2},
        ],
    )
    await send("warehouses", [{"code": "WAW", "name": "Warszawa Centralny", "city": "Warszawa"}])


# --- Categories ------------------------------------------------------------------------------------


async def _path(code: str) -> str:
    row = await Category.select(Category.path).where(Category.code == code).first()
    assert row is not None
    return str(row["path"])


async def _ids(*codes: str) -> list[int]:
    rows = await Category.select(Category.id, Category.code).where(Category.code.is_in(list(codes)))
    by_code = {row["code"]: row["id"] for row in rows}
    return [by_code[code] for code in codes]


async def test_categories_come_in_parent_first_and_a_repeat_changes_nothing() -> None:
    tree = [
        {"code": "fasteners", "name_pl": "Złączne", "name_en": "Fasteners", "position": 2},
        {"code": "bolts", "parent": "fasteners", "name_pl": "Śruby", "position": 1},
        {"code": "power", "name_pl": "Elektronarzędzia", "name_en": "Power tools", "position": 1},
    ]

    assert outcomes(await send("categories", tree)) == ["created"] * 3
    assert outcomes(await send("categories", tree)) == ["unchanged"] * 3

    fasteners, bolts, power = await _ids("fasteners", "bolts", "power")
    assert await _path("bolts") == f"/{fasteners}/{bolts}/"
    options = [(option.name, option.depth) for option in await category_options()]
    # By position; an English name left out shows the Polish one.
    assert options == [("Power tools", 0), ("Fasteners", 0), ("Śruby", 1)]
    assert power


async def test_a_category_under_an_unknown_parent_is_refused_and_the_others_are_kept() -> None:
    report = await send(
        "categories",
        [
            {"code": "a", "name_pl": "A"},
            {"code": "b", "parent": "nowhere", "name_pl": "B"},
            {"code": "c", "parent": "a", "name_pl": "C"},
        ],
    )

    assert outcomes(report) == ["created", "rejected", "created"]
    assert errors(report) == [
        ("/upsert/1/parent", "There is no category with the code nowhere; send the parent first.")
    ]
    assert not await Category.exists().where(Category.code == "b")


async def test_moving_a_category_moves_its_whole_subtree_and_the_grid_filter_follows() -> None:
    await send(
        "categories",
        [
            {"code": "tools", "name_pl": "Narzędzia"},
            {"code": "other", "name_pl": "Inne"},
            {"code": "hand", "parent": "tools", "name_pl": "Ręczne"},
            {"code": "spanners", "parent": "hand", "name_pl": "Klucze"},
        ],
    )
    await send("products", [product("SPANNER-13", category="spanners")])
    caller = await buyer()
    tools, other, hand, spanners = await _ids("tools", "other", "hand", "spanners")

    report = await send("categories", [{"code": "hand", "parent": "other", "name_pl": "Ręczne"}])

    assert outcomes(report) == ["updated"]
    assert await _path("hand") == f"/{other}/{hand}/"
    assert await _path("spanners") == f"/{other}/{hand}/{spanners}/"
    in_tools, _ = await search_products(caller, CatalogQuery(category_id=tools))
    in_other, _ = await search_products(caller, CatalogQuery(category_id=other))
    assert [row.sku for row in in_tools] == []
    assert [row.sku for row in in_other] == ["SPANNER-13"]
    details = await product_details(caller, await product_id("SPANNER-13"))
    assert [link.id for link in details.category_trail] == [other, hand, spanners]


async def test_a_category_cannot_be_put_under_itself_or_its_own_subtree() -> None:
    await send(
        "categories",
        [
            {"code": "top", "name_pl": "Top"},
            {"code": "middle", "parent": "top", "name_pl": "Middle"},
            {"code": "leaf", "parent": "middle", "name_pl": "Leaf"},
        ],
    )
    paths = [await _path(code) for code in ("top", "middle", "leaf")]

    report = await send(
        "categories",
        [{"code": "top", "parent": "leaf", "name_pl": "Top"}, {"code": "middle", "parent": "middle", "name_pl": "M"}],
    )

    assert outcomes(report) == ["rejected", "rejected"]
    assert [pointer for pointer, _detail in errors(report)] == ["/upsert/0/parent", "/upsert/1/parent"]
    assert "cannot be inside itself" in errors(report)[0][1]
    assert [await _path(code) for code in ("top", "middle", "leaf")] == paths


async def test_a_deleted_category_leaves_the_tree_with_its_subtree_but_its_products_stay_on_sale() -> None:
    await basic_catalog()
    await send("products", [product("HAMMER", category="hand-tools")])
    caller = await buyer()

    report = await send("categories", deletes=[{"code": "tools"}, {"code": "never-sent"}])

    assert outcomes(report) == ["deleted", "not_found"]
    assert outcomes(await send("categories", deletes=[{"code": "tools"}])) == ["deleted"]
    assert await category_options() == []
    assert await skus_found(caller, "hammer") == ["HAMMER"]
    details = await product_details(caller, await product_id("HAMMER"))
    assert [link.name for link in details.category_trail] == ["Hand tools"]
    refused = await send("products", [product("SAW", category="tools")])
    assert errors(refused) == [("/upsert/0/category", "The category tools was deleted; send it again to use it.")]

    revived = await send("categories", [{"code": "tools", "name_pl": "Narzędzia", "name_en": "Tools"}])

    assert outcomes(revived) == ["updated"]
    assert [option.name for option in await category_options()] == ["Tools", "Hand tools"]


# --- Products --------------------------------------------------------------------------------------


async def test_a_new_product_is_found_by_its_codes_and_names_and_a_repeat_changes_nothing() -> None:
    await basic_catalog()
    item = product(
        "DIN933-M8X40",
        ean="5901234123457",
        name_pl="Śruba sześciokątna M8x40",
        name_en="Hex bolt M8x40",
        description_pl="Stal 8.8, ocynk.",
        category="hand-tools",
        product_group="STEEL",
        pack_size=100,
        min_order_quantity=200,
        order_multiple=100,
        vat_rate="8",
        unit="pcs",
        attributes=[{"code": "thread", "value": "M8"}],
    )
    caller = await buyer()

    assert outcomes(await send("products", [item])) == ["created"]
    assert outcomes(await send("products", [item])) == ["unchanged"]

    for term in ("din933", "5901234123457", "sześciokątna", "hex bolt", "m8x40"):
        assert await skus_found(caller, term) == ["DIN933-M8X40"], term
    [row] = await visible_products(caller, [await product_id("DIN933-M8X40")])
    assert (row.name, row.unit, row.pack_size, row.min_order_quantity, row.order_multiple, row.vat_rate) == (
        "Hex bolt M8x40",
        "pcs",
        100,
        200,
        100,
        "8",
    )
    details = await product_details(caller, row.id)
    # No English description: English readers get the Polish one.
    assert details.description == "Stal 8.8, ocynk."
    assert [(spec.name, spec.value) for spec in details.specifications] == [("Thread", "M8")]


async def test_a_changed_product_is_updated_where_buyers_search_and_the_old_name_is_gone() -> None:
    await basic_catalog()
    await send("products", [product("P-1", name_en="Claw hammer", name_pl="Młotek ciesielski")])
    caller = await buyer()

    report = await send("products", [product("P-1", name_en="Sledge hammer", name_pl="Młot dwuręczny")])

    assert outcomes(report) == ["updated"]
    assert await skus_found(caller, "sledge") == ["P-1"]
    assert await skus_found(caller, "claw") == []
    assert await skus_found(caller, "ciesielski") == []


async def test_two_letters_find_an_imported_product_as_they_find_a_seeded_one() -> None:
    await basic_catalog()
    await send("products", [product("AB-77", name_en="Bolt M8", name_pl="Śruba M8")])
    caller = await buyer()

    assert await skus_found(caller, "m8") == ["AB-77"]
    assert await skus_found(caller, "ab") == ["AB-77"]


async def test_an_older_product_than_the_one_held_is_stale_and_changes_nothing() -> None:
    await basic_catalog()
    await send("products", [product("P-1", name_en="New name", modified_at="2026-12-02T10:00:00+00:00")])

    report = await send("products", [product("P-1", name_en="Old name", modified_at="2026-12-01T10:00:00+00:00")])

    assert outcomes(report) == ["stale"]
    assert await Product.select(Product.name_en).where(Product.sku == "P-1").first() == {"name_en": "New name"}


async def test_unknown_references_are_refused_with_their_pointer_while_the_other_products_are_kept() -> None:
    await basic_catalog()

    report = await send(
        "products",
        [
            product("GOOD-1"),
            product("BAD-CAT", category="nope"),
            product("BAD-GROUP", product_group="NOPE"),
            product("BAD-ATTR", attributes=[{"code": "thread", "value": "M8"}, {"code": "colour", "value": "red"}]),
            product("TWICE", attributes=[{"code": "thread", "value": "M8"}, {"code": "thread", "value": "M10"}]),
            product("BAD-MIN", min_order_quantity=150, order_multiple=100),
            product("SELF", accessories=["X", "SELF"]),
            product("GOOD-2"),
        ],
    )

    assert outcomes(report) == ["created", *["rejected"] * 6, "created"]
    assert errors(report) == [
        ("/upsert/1/category", "There is no category with the code nope."),
        ("/upsert/2/product_group", "There is no product group with the code NOPE."),
        ("/upsert/3/attributes/1/code", "There is no attribute with the code colour."),
        ("/upsert/4/attributes/1/code", "The attribute thread is given twice."),
        ("/upsert/5/min_order_quantity", "The minimum order 150 is not a multiple of the order multiple 100."),
        ("/upsert/6/accessories/1", "A product cannot be related to itself."),
    ]
    assert sorted(row["sku"] for row in await Product.select(Product.sku)) == ["GOOD-1", "GOOD-2"]


async def test_a_badly_formed_product_is_refused_by_its_shape() -> None:
    await basic_catalog()

    report = await send("products", [product("P-1", vat_rate="19", ean="12ab"), {"sku": "P-2"}])

    assert outcomes(report) == ["rejected", "rejected"]
    pointers = {pointer for pointer, _detail in errors(report)}
    assert {"/upsert/0/vat_rate", "/upsert/0/ean", "/upsert/1/name_pl", "/upsert/1/category"} <= pointers


async def test_an_atomic_batch_with_one_bad_product_writes_nothing() -> None:
    await basic_catalog()

    report = await send("products", [product("P-1"), product("P-2", category="nope")], atomic=True)

    assert not report.applied
    assert outcomes(report) == ["created", "rejected"]
    assert not await Product.exists().where(Product.sku == "P-1")
    # Nothing was remembered either: sending it again creates it.
    assert outcomes(await send("products", [product("P-1")])) == ["created"]


async def test_a_deleted_product_leaves_buyers_views_but_order_history_still_shows_it() -> None:
    await basic_catalog()
    await send("products", [product("GONE-1"), product("STAYS")])
    caller = await buyer()
    gone = await product_id("GONE-1")

    report = await send("products", deletes=[{"sku": "GONE-1"}, {"sku": "NEVER"}])

    assert outcomes(report) == ["deleted", "not_found"]
    assert outcomes(await send("products", deletes=[{"sku": "GONE-1"}])) == ["deleted"]
    assert await skus_found(caller, "product") == ["STAYS"]
    assert await visible_products(caller, [gone]) == []
    [kept] = await visible_products(caller, [gone], include_hidden=True)
    assert (kept.sku, kept.visible, kept.status) == ("GONE-1", False, ProductStatus.DISCONTINUED)

    revived = await send("products", [product("GONE-1")])

    assert outcomes(revived) == ["updated"]
    assert await skus_found(caller, "gone") == ["GONE-1"]


async def test_variants_share_a_family_created_on_the_fly_whose_name_follows_the_latest_product() -> None:
    await basic_catalog()
    family = {"code": "DIN933", "name_pl": "Śruby DIN 933", "name_en": "DIN 933 bolts"}
    await send("products", [product("M8", family=family), product("M10", family=family), product("LONE")])
    caller = await buyer()

    details = await product_details(caller, await product_id("M8"))

    assert details.variant_ids == [await product_id("M10")]
    assert details.product.family_name == "DIN 933 bolts"
    await send("products", [product("M10", family={**family, "name_en": "Hex bolts DIN 933"})])
    [row] = await visible_products(caller, [await product_id("M8")])
    assert row.family_name == "Hex bolts DIN 933"


async def test_substitutes_and_accessories_to_skus_not_loaded_yet_are_linked_when_those_arrive() -> None:
    await basic_catalog()
    await send("products", [product("DRILL", substitutes=["DRILL-2", "DRILL-3"], accessories=["BATTERY"])])
    caller = await buyer()
    drill = await product_id("DRILL")
    assert (await product_details(caller, drill)).substitute_ids == []

    await send("products", [product("DRILL-3"), product("BATTERY")])
    details = await product_details(caller, drill)
    assert details.substitute_ids == [await product_id("DRILL-3")]
    assert details.accessory_ids == [await product_id("BATTERY")]

    await send("products", [product("DRILL-2")])
    # In the order the ERP gave, whatever order they arrived in.
    assert (await product_details(caller, drill)).substitute_ids == [
        await product_id("DRILL-2"),
        await product_id("DRILL-3"),
    ]
    assert await PendingProductRelation.count() == 0


async def test_relations_are_replaced_as_a_whole_pending_ones_included() -> None:
    await basic_catalog()
    await send("products", [product("A"), product("DRILL", substitutes=["A", "LATER"], accessories=["A"])])

    await send("products", [product("DRILL", substitutes=["A"])])
    await send("products", [product("LATER")])

    details = await product_details(await buyer(), await product_id("DRILL"))
    assert details.substitute_ids == [await product_id("A")]
    assert details.accessory_ids == []


def _file(content: bytes) -> str:
    return base64.b64encode(content).decode()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


async def test_documents_are_stored_once_served_to_buyers_and_replaced_as_a_whole() -> None:
    await basic_catalog()
    datasheet = {"kind": "datasheet", "title": "Karta", "filename": "karta.pdf", "content_base64": _file(b"%PDF-1")}
    manual = {"kind": "manual", "title": "Instrukcja", "filename": "manual.pdf", "content_base64": _file(b"%PDF-2")}
    await send("products", [product("A", documents=[datasheet, manual]), product("B", documents=[datasheet])])
    caller = await buyer()

    documents = (await product_details(caller, await product_id("A"))).documents
    assert [(document.title, document.size) for document in documents] == [("Karta", 6), ("Instrukcja", 6)]
    download = await document_file(caller, documents[0].id)
    assert (download.filename, download.media_type, download.content) == ("karta.pdf", "application/pdf", b"%PDF-1")
    assert await StoredFile.count() == 2

    await send("products", [product("A", documents=[datasheet])])

    assert [document.title for document in (await product_details(caller, await product_id("A"))).documents] == [
        "Karta"
    ]
    # The manual is no one's any more; the datasheet B still shows stays.
    assert await StoredFile.count() == 1


async def test_images_are_stored_and_only_real_pictures_are_taken() -> None:
    await basic_catalog()

    report = await send(
        "products",
        [
            product("A", images=[{"content_base64": _file(PNG)}]),
            product("B", images=[{"content_base64": _file(PNG)}, {"content_base64": _file(b"<svg onload=x>")}]),
            product("C", images=[{"content_base64": "not base64!"}]),
            product("D", images=[{"content_base64": _file(PNG), "url": "https://example.com/a.png"}]),
        ],
    )

    assert outcomes(report) == ["created", "rejected", "rejected", "rejected"]
    assert errors(report)[:2] == [
        ("/upsert/1/images/1/content_base64", "The picture is not a PNG, JPEG, GIF or WebP image."),
        ("/upsert/2/images/0/content_base64", "This is not valid base64."),
    ]
    assert errors(report)[2][0] == "/upsert/3/images/0"
    details = await product_details(await buyer(), await product_id("A"))
    assert len(details.image_ids) == 1


# --- Product groups and attributes ---------------------------------------------------------------


async def test_a_deleted_product_group_takes_no_products_and_its_discount_stops() -> None:
    await basic_catalog()
    await send("products", [product("BOLT", product_group="STEEL")])
    bolt = await product_id("BOLT")
    await make_price_list(is_base=True, prices={bolt: "10.00"})
    caller = await buyer()
    group = await Product.select(Product.product_group).where(Product.id == bolt).first()
    assert group is not None
    await make_discount_rule("10", company_id=caller.company_id, product_group_id=group["product_group"])
    [row] = await grid_rows(caller, [bolt])
    assert row.quote is not None and row.quote.unit_price == Decimal("9.0000")

    assert outcomes(await send("product-groups", deletes=[{"code": "STEEL"}, {"code": "NONE"}])) == [
        "deleted",
        "not_found",
    ]

    [row] = await grid_rows(caller, [bolt])
    assert row.quote is not None and row.quote.unit_price == Decimal("10.0000")
    refused = await send("products", [product("NUT", product_group="STEEL")])
    assert errors(refused) == [
        ("/upsert/0/product_group", "The product group STEEL was deleted; send it again to use it.")
    ]


async def test_an_attribute_is_a_filter_until_the_erp_deletes_it() -> None:
    await basic_catalog()
    await send(
        "products",
        [
            product("M8", attributes=[{"code": "thread", "value": "M8"}, {"code": "finish", "value": "zinc"}]),
            product("M10", attributes=[{"code": "thread", "value": "M10"}, {"code": "finish", "value": "zinc"}]),
        ],
    )
    caller = await buyer()
    query = CatalogQuery(text="product")
    assert [facet.code for facet in await facets(caller, query)] == ["thread"]

    assert outcomes(await send("attributes", deletes=[{"code": "thread"}])) == ["deleted"]

    assert await facets(caller, query) == []
    details = await product_details(caller, await product_id("M8"))
    assert [spec.name for spec in details.specifications] == ["Finish"]
    refused = await send("products", [product("M12", attributes=[{"code": "thread", "value": "M12"}])])
    assert [pointer for pointer, _detail in errors(refused)] == ["/upsert/0/attributes/0/code"]


async def test_an_attribute_changed_by_the_erp_changes_what_the_grid_filters_by() -> None:
    await basic_catalog()
    await send("attributes", [{"code": "finish", "name_pl": "Powłoka", "name_en": "Finish", "filterable": False}])
    await send(
        "products",
        [
            product("A", attributes=[{"code": "finish", "value": "zinc"}]),
            product("B", attributes=[{"code": "finish", "value": "black"}]),
        ],
    )
    caller = await buyer()
    assert await facets(caller, CatalogQuery(text="product")) == []

    report = await send("attributes", [{"code": "finish", "name_pl": "Powłoka", "name_en": "Coating"}])

    assert outcomes(report) == ["updated"]
    assert [facet.name for facet in await facets(caller, CatalogQuery(text="product"))] == ["Coating"]


# --- Warehouses and stock ------------------------------------------------------------------------


async def test_stock_is_shown_to_buyers_and_a_repeat_changes_nothing() -> None:
    await basic_catalog()
    await send("warehouses", [{"code": "KRK", "name": "Kraków", "city": "Kraków"}])
    await send("products", [product("BOLT")])
    bolt = await product_id("BOLT")
    levels = [
        {"sku": "BOLT", "warehouse": "WAW", "available": 40, "low_level": 10},
        {
            "sku": "BOLT",
            "warehouse": "KRK",
            "available": 0,
            "next_delivery_on": "2026-12-20",
            "next_delivery_quantity": 500,
        },
    ]

    assert outcomes(await send("stock", levels)) == ["created", "created"]
    assert outcomes(await send("stock", levels)) == ["unchanged", "unchanged"]

    caller = await buyer()
    [row] = await grid_rows(caller, [bolt])
    assert row.stock.available == 40
    by_warehouse = {entry.warehouse_name: entry.level for entry in await stock_by_warehouse(bolt)}
    assert by_warehouse["Kraków"].next_delivery_quantity == 500
    assert str(by_warehouse["Kraków"].next_delivery_on) == "2026-12-20"

    assert outcomes(await send("stock", [{**levels[0], "available": 5}])) == ["updated"]
    [row] = await grid_rows(caller, [bolt])
    assert (row.stock.available, row.stock.availability.value) == (5, "low")


async def test_stock_for_an_unknown_product_or_warehouse_is_refused_with_its_pointer() -> None:
    await basic_catalog()
    await send("products", [product("BOLT")])

    report = await send(
        "stock",
        [
            {"sku": "NOPE", "warehouse": "WAW", "available": 1},
            {"sku": "BOLT", "warehouse": "NOPE", "available": 1},
            {"sku": "BOLT", "warehouse": "WAW", "available": 1, "next_delivery_quantity": 10},
            {"sku": "BOLT", "warehouse": "WAW", "available": -1},
            {"sku": "BOLT", "warehouse": "WAW", "available": 3},
        ],
    )

    assert outcomes(report) == ["rejected"] * 4 + ["created"]
    assert errors(report)[:3] == [
        ("/upsert/0/sku", "There is no product with the SKU NOPE."),
        ("/upsert/1/warehouse", "There is no warehouse with the code NOPE."),
        ("/upsert/2/next_delivery_on", "A delivery's quantity needs its date."),
    ]
    assert errors(report)[3][0] == "/upsert/3/available"


async def test_a_deleted_warehouses_stock_counts_nowhere_until_it_is_sent_again() -> None:
    await basic_catalog()
    await send("warehouses", [{"code": "KRK", "name": "Kraków", "city": "Kraków"}])
    await send("products", [product("BOLT")])
    bolt = await product_id("BOLT")
    await send(
        "stock",
        [{"sku": "BOLT", "warehouse": "WAW", "available": 40}, {"sku": "BOLT", "warehouse": "KRK", "available": 2}],
    )
    caller = await buyer()

    assert outcomes(await send("warehouses", deletes=[{"code": "WAW"}])) == ["deleted"]

    [row] = await grid_rows(caller, [bolt])
    assert row.stock.available == 2
    assert [entry.warehouse_name for entry in await stock_by_warehouse(bolt)] == ["Kraków"]
    refused = await send("stock", [{"sku": "BOLT", "warehouse": "WAW", "available": 50}])
    assert errors(refused) == [("/upsert/0/warehouse", "The warehouse WAW was deleted; send it again to use it.")]

    await send("warehouses", [{"code": "WAW", "name": "Warszawa Centralny", "city": "Warszawa"}])
    [row] = await grid_rows(caller, [bolt])
    assert row.stock.available == 42


async def test_a_deleted_stock_level_is_gone_and_deleting_it_again_is_success() -> None:
    await basic_catalog()
    await send("products", [product("BOLT")])
    await send("stock", [{"sku": "BOLT", "warehouse": "WAW", "available": 40}])
    bolt = await product_id("BOLT")

    report = await send("stock", deletes=[{"sku": "BOLT", "warehouse": "WAW"}, {"sku": "BOLT", "warehouse": "KRK"}])

    assert outcomes(report) == ["deleted", "not_found"]
    assert outcomes(await send("stock", deletes=[{"sku": "BOLT", "warehouse": "WAW"}])) == ["deleted"]
    assert await stock_by_warehouse(bolt) == []
    [row] = await grid_rows(await buyer(), [bolt])
    assert row.stock.available == 0


# --- Customers' part numbers ---------------------------------------------------------------------


async def _customer(code: str) -> int:
    company = await make_company()
    await Company.update({Company.code: code}).where(Company.id == company)
    return company


async def test_a_customers_part_number_finds_the_product_for_its_buyers_only() -> None:
    await basic_catalog()
    await send("products", [product("YDY-3X1.5"), product("OTHER")])
    budmax = await buyer(await _customer("K001"))
    other = await buyer(await _customer("K002"))

    report = await send("customer-part-numbers", [{"customer": "K001", "sku": "YDY-3X1.5", "code": "BM-KAB-015"}])

    assert outcomes(report) == ["created"]
    assert await skus_found(budmax, "bm-kab") == ["YDY-3X1.5"]
    assert await skus_found(other, "bm-kab") == []
    [row] = await grid_rows(budmax, [await product_id("YDY-3X1.5")])
    assert row.product.customer_code == "BM-KAB-015"

    changed = await send("customer-part-numbers", [{"customer": "K001", "sku": "YDY-3X1.5", "code": "BM-16"}])
    assert outcomes(changed) == ["updated"]
    assert await skus_found(budmax, "bm-kab") == []
    assert await skus_found(budmax, "bm-16") == ["YDY-3X1.5"]


async def test_a_part_number_for_an_unknown_customer_or_product_or_already_taken_is_refused() -> None:
    await basic_catalog()
    await send("products", [product("A"), product("B")])
    await _customer("K001")
    await send("customer-part-numbers", [{"customer": "K001", "sku": "A", "code": "OWN-1"}])

    report = await send(
        "customer-part-numbers",
        [
            {"customer": "K404", "sku": "A", "code": "X"},
            {"customer": "K001", "sku": "NOPE", "code": "X"},
            {"customer": "K001", "sku": "B", "code": "own-1"},
        ],
    )

    assert errors(report) == [
        ("/upsert/0/customer", "There is no customer with the code K404."),
        ("/upsert/1/sku", "There is no product with the SKU NOPE."),
        ("/upsert/2/code", "The customer already uses the code own-1 for the product A."),
    ]


async def test_a_deleted_part_number_no_longer_finds_the_product() -> None:
    await basic_catalog()
    await send("products", [product("A")])
    caller = await buyer(await _customer("K001"))
    await send("customer-part-numbers", [{"customer": "K001", "sku": "A", "code": "OWN-1"}])

    report = await send(
        "customer-part-numbers", deletes=[{"customer": "K001", "sku": "A"}, {"customer": "K404", "sku": "A"}]
    )

    assert outcomes(report) == ["deleted", "not_found"]
    assert outcomes(await send("customer-part-numbers", deletes=[{"customer": "K001", "sku": "A"}])) == ["deleted"]
    assert await skus_found(caller, "own-1") == []
    assert await CustomerPartNumber.count() == 0


# --- Files fetched from the ERP's addresses -------------------------------------------------------


@pytest.fixture
def erp_files_site(monkeypatch: pytest.MonkeyPatch) -> FakeInternet:
    """The ERP's public file server and an intranet address, behind the real guard."""
    internet = FakeInternet(
        {
            PUBLIC: {
                "/din933.pdf": (200, b"%PDF-from-the-erp"),
                "/photo.png": (200, PNG),
                "/big.pdf": (200, b"%PDF-" + b"x" * 100),
                "/gone.pdf": (404, {"error": "not here"}),
            }
        }
    )
    resolver = DictResolver({"files.example.com": [PUBLIC], "erp.intranet.example": ["10.1.2.3"]})
    monkeypatch.setattr(erp_files, "file_guard", Guard(resolver=resolver, dialer=internet, max_response_bytes=64))
    return internet


def _document_at(url: str) -> dict[str, Any]:
    return {"kind": "datasheet", "title": "Karta", "filename": "karta.pdf", "url": url}


async def test_files_at_public_https_addresses_are_fetched_through_the_outgoing_guard(
    erp_files_site: FakeInternet,
) -> None:
    await basic_catalog()

    report = await send(
        "products",
        [
            product(
                "A",
                documents=[_document_at("https://files.example.com/din933.pdf")],
                images=[{"url": "https://files.example.com/photo.png"}],
            )
        ],
    )

    assert outcomes(report) == ["created"]
    assert erp_files_site.requests == ["/din933.pdf", "/photo.png"]
    caller = await buyer()
    details = await product_details(caller, await product_id("A"))
    download = await document_file(caller, details.documents[0].id)
    assert download.content == b"%PDF-from-the-erp"
    assert len(details.image_ids) == 1


async def test_a_file_the_guard_or_the_server_refuses_rejects_its_product_with_the_pointer_to_the_address(
    erp_files_site: FakeInternet,
) -> None:
    await basic_catalog()

    report = await send(
        "products",
        [
            product("INTRANET", documents=[_document_at("https://erp.intranet.example/din933.pdf")]),
            product("MISSING", documents=[_document_at("https://files.example.com/gone.pdf")]),
            product("BIG", documents=[_document_at("https://files.example.com/big.pdf")]),
            product("PLAIN", documents=[_document_at("http://files.example.com/din933.pdf")]),
            product("FINE", documents=[_document_at("https://files.example.com/din933.pdf")]),
        ],
    )

    assert outcomes(report) == ["rejected"] * 4 + ["created"]
    found = errors(report)
    assert found[:3] == [
        (
            "/upsert/0/documents/0/url",
            "erp.intranet.example is a local or private network address; the portal calls only public addresses.",
        ),
        ("/upsert/1/documents/0/url", "This address answered 404 instead of the file."),
        ("/upsert/2/documents/0/url", "The file is larger than 10 MB."),
    ]
    assert found[3][0] == "/upsert/3/documents/0/url"
    # Nothing but the public server was ever dialed.
    assert {host for host, _port in erp_files_site.dialed} == {PUBLIC}


# --- The bulk path ---------------------------------------------------------------------------------


def _products_of(prefix: str, version: int) -> list[dict[str, Any]]:
    """Twelve products, one set per prefix, with every nested part, forward references to SKUs
    later in the list and one to an SKU that never comes. Version 2 renames and rewires them."""
    family = {"code": f"{prefix}-FAM", "name_pl": f"Rodzina {prefix} v{version}"}
    datasheet = {"kind": "datasheet", "title": "Karta", "filename": "karta.pdf", "content_base64": _file(b"%PDF-1")}
    count = 12
    return [
        product(
            f"{prefix}-{number:02}",
            ean=f"590123412{number:04}",
            name_pl=f"Śruba {prefix} {number} v{version}",
            name_en=f"{prefix} bolt {number}" if version == 1 else "",
            category="hand-tools" if number % 2 else "tools",
            product_group="STEEL" if number % 3 else None,
            pack_size=10,
            min_order_quantity=10 * (1 + number % 2),
            order_multiple=10,
            status="phase_out" if number == 7 else "active",
            family=family if number % 3 == version % 3 else None,
            attributes=[{"code": "thread", "value": f"M{number}"}]
            + ([{"code": "finish", "value": "zinc"}] if (number + version) % 2 else []),
            substitutes=[f"{prefix}-{(number + version) % count:02}"],
            accessories=[f"{prefix}-{(number + 5) % count:02}", f"{prefix}-NEVER"],
            documents=[datasheet] if number % 4 == version else [],
            images=[{"content_base64": _file(PNG + bytes([number]))}] if number % 5 == version else [],
        )
        for number in range(count)
    ]


async def _rows(statement: str, prefix: str) -> list[tuple[Any, ...]]:
    """The rows `statement` selects for one prefix's products, with the prefix written as XX so
    two prefixes' rows compare."""

    def plain(value: Any) -> Any:
        return value.replace(prefix, "XX").replace(prefix.lower(), "xx") if isinstance(value, str) else value

    rows = await Product.raw(statement, f"{prefix}-%")
    return sorted(tuple(plain(value) for value in row.values()) for row in rows)


async def catalog_of(prefix: str) -> dict[str, list[tuple[Any, ...]]]:
    """Everything the products of one prefix wrote, by table, ids replaced by codes."""
    return {
        "products": await _rows(
            "SELECT p.sku, p.ean, f.code AS family, c.code AS category, g.code AS product_group, p.name_pl,"
            " p.name_en, p.description_pl, p.description_en, p.unit, p.pack_size, p.min_order_quantity,"
            " p.order_multiple, p.vat_rate, p.status, p.search_text FROM product p"
            " LEFT JOIN product_family f ON f.id = p.family JOIN category c ON c.id = p.category"
            " LEFT JOIN product_group g ON g.id = p.product_group WHERE p.sku LIKE {}",
            prefix,
        ),
        "families": await _rows("SELECT code, name_pl, name_en FROM product_family WHERE code LIKE {}", prefix),
        "attributes": await _rows(
            "SELECT p.sku, a.code, pa.value FROM product_attribute pa JOIN product p ON p.id = pa.product"
            " JOIN attribute a ON a.id = pa.attribute WHERE p.sku LIKE {}",
            prefix,
        ),
        "relations": await _rows(
            "SELECT p.sku, r.sku AS related, pr.kind, pr.position FROM product_relation pr"
            " JOIN product p ON p.id = pr.product JOIN product r ON r.id = pr.related WHERE p.sku LIKE {}",
            prefix,
        ),
        "pending": await _rows(
            "SELECT p.sku, w.related_sku, w.kind, w.position FROM pending_product_relation w"
            " JOIN product p ON p.id = w.product WHERE p.sku LIKE {}",
            prefix,
        ),
        "documents": await _rows(
            "SELECT p.sku, d.kind, d.title, d.language, d.filename, d.file FROM product_document d"
            " JOIN product p ON p.id = d.product WHERE p.sku LIKE {}",
            prefix,
        ),
        "images": await _rows(
            "SELECT p.sku, i.file, i.position FROM product_image i JOIN product p ON p.id = i.product"
            " WHERE p.sku LIKE {}",
            prefix,
        ),
    }


def _items(items: list[dict[str, Any]]) -> list[ProductItem]:
    return [ProductItem.model_validate(item) for item in items]


async def test_bulk_products_write_the_same_rows_as_the_batches_do(monkeypatch: pytest.MonkeyPatch) -> None:
    await basic_catalog()
    # Small chunks, so relations and families cross from one chunk to the next.
    monkeypatch.setattr(erp_products, "CHUNK", 5)
    bulk = RESOURCES_BY_NAME["products"].bulk_upsert
    assert bulk is not None
    caller = await buyer()

    for version in (1, 2):
        assert await bulk(_items(_products_of("QQ", version))) == []
        report = await send("products", _products_of("ZZ", version))
        assert set(outcomes(report)) == {"created" if version == 1 else "updated"}

        by_bulk, by_batch = await catalog_of("QQ"), await catalog_of("ZZ")
        for table, rows in by_batch.items():
            assert by_bulk[table] == rows, table
        assert by_bulk["relations"] and by_bulk["pending"] and by_bulk["documents"] and by_bulk["images"]
        # The search indexes followed both alike.
        found = await skus_found(caller, f"v{version}")
        assert len(found) == 24
        assert sorted(sku for sku in found if sku.startswith("QQ")) == sorted(
            sku.replace("ZZ", "QQ") for sku in found if sku.startswith("ZZ")
        )
    assert await skus_found(caller, "bolt 3") == []
    assert await skus_found(caller, "qq-03") == ["QQ-03"]


async def test_bulk_products_answer_the_positions_they_refuse_and_write_the_rest() -> None:
    await basic_catalog()
    bulk = RESOURCES_BY_NAME["products"].bulk_upsert
    assert bulk is not None

    rejected = await bulk(
        _items(
            [
                product("GOOD", name_en="First"),
                product("BAD-CAT", category="nope"),
                product("BAD-ATTR", attributes=[{"code": "colour", "value": "red"}]),
                product("OTHER"),
                product("GOOD", name_en="Second"),
                product("BAD-MIN", min_order_quantity=3, order_multiple=2),
            ]
        )
    )

    assert [(position, refusal.field) for position, refusal in rejected] == [
        (1, "category"),
        (2, "attributes/0/code"),
        (5, "min_order_quantity"),
    ]
    assert rejected[0][1].reason == "There is no category with the code nope."
    rows = await Product.select(Product.sku, Product.name_en).order_by(Product.sku)
    # An SKU given twice keeps its last item.
    assert rows == [{"sku": "GOOD", "name_en": "Second"}, {"sku": "OTHER", "name_en": "Product OTHER"}]


async def test_a_large_load_on_postgresql_leaves_the_search_indexes_as_it_found_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if Product._meta.db.engine_type != "postgres":
        pytest.skip("the trigram indexes and their pending lists are PostgreSQL's")
    await basic_catalog()
    monkeypatch.setattr(erp_products, "LARGE_LOAD", 3)
    bulk = RESOURCES_BY_NAME["products"].bulk_upsert
    assert bulk is not None

    assert await bulk(_items(_products_of("QQ", 1))) == []

    options = await Product.raw(
        "SELECT relname, reloptions FROM pg_class WHERE relname IN ({}, {}) ORDER BY relname",
        *erp_products.SEARCH_INDEXES,
    )
    assert [(row["relname"], row["reloptions"]) for row in options] == [
        ("product_letter_pairs_trgm", ["fastupdate=off"]),
        ("product_search_text_trgm", ["fastupdate=off"]),
    ]
    caller = await buyer()
    assert await skus_found(caller, "qq-03") == ["QQ-03"]
    # Two letters go through the letter pairs, filled by their trigger.
    assert len(await skus_found(caller, "v1")) == 12


async def _stock_of(prefix: str) -> list[tuple[Any, ...]]:
    return await _rows(
        "SELECT p.sku, w.code, s.available, s.low_level, s.next_delivery_on, s.next_delivery_quantity,"
        " s.lead_time_days FROM stock s JOIN product p ON p.id = s.product JOIN warehouse w ON w.id = s.warehouse"
        " WHERE p.sku LIKE {}",
        prefix,
    )


def _levels_of(prefix: str, version: int) -> list[dict[str, Any]]:
    return [
        {
            "sku": f"{prefix}-{number:02}",
            "warehouse": warehouse,
            "available": (number * version) % 7,
            "low_level": 2,
            "next_delivery_on": f"2026-12-{10 + number:02}" if (number + version) % 3 == 0 else None,
            "next_delivery_quantity": 100 * version if (number + version) % 3 == 0 else 0,
            "lead_time_days": version * 7,
        }
        for number in range(6)
        for warehouse in ("WAW", "KRK")
        if number % 4 or warehouse == "WAW" or version == 2
    ]


async def test_bulk_stock_writes_the_same_rows_as_the_batches_do(monkeypatch: pytest.MonkeyPatch) -> None:
    await basic_catalog()
    await send("warehouses", [{"code": "KRK", "name": "Kraków", "city": "Kraków"}])
    await send("products", [product(f"{prefix}-{number:02}") for prefix in ("QQ", "ZZ") for number in range(6)])
    monkeypatch.setattr(erp_stock, "CHUNK", 4)
    bulk = RESOURCES_BY_NAME["stock"].bulk_upsert
    assert bulk is not None

    for version in (1, 2):
        assert await bulk([StockItem.model_validate(level) for level in _levels_of("QQ", version)]) == []
        report = await send("stock", _levels_of("ZZ", version))
        assert "rejected" not in outcomes(report)
        assert await _stock_of("QQ") == await _stock_of("ZZ")
    assert len(await _stock_of("QQ")) == 12


async def test_bulk_stock_answers_the_positions_it_refuses() -> None:
    await basic_catalog()
    await send("warehouses", [{"code": "OLD", "name": "Stary", "city": "Łódź"}])
    await send("warehouses", deletes=[{"code": "OLD"}])
    await send("products", [product("BOLT")])
    bulk = RESOURCES_BY_NAME["stock"].bulk_upsert
    assert bulk is not None

    rejected = await bulk(
        [
            StockItem.model_validate(level)
            for level in (
                {"sku": "BOLT", "warehouse": "WAW", "available": 1},
                {"sku": "NOPE", "warehouse": "WAW", "available": 1},
                {"sku": "BOLT", "warehouse": "NOPE", "available": 1},
                {"sku": "BOLT", "warehouse": "OLD", "available": 1},
                {"sku": "BOLT", "warehouse": "WAW", "available": 1, "next_delivery_quantity": 5},
                {"sku": "BOLT", "warehouse": "WAW", "available": 9},
            )
        ]
    )

    assert [(position, refusal.field) for position, refusal in rejected] == [
        (1, "sku"),
        (2, "warehouse"),
        (3, "warehouse"),
        (4, "next_delivery_on"),
    ]
    assert [entry.level.available for entry in await stock_by_warehouse(await product_id("BOLT"))] == [9]
