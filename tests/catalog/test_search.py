"""Finding products: what search, filters and paging return, always inside the assortment."""

from __future__ import annotations

import pytest

from portal.accounts.roles import Role
from portal.catalog import CatalogQuery, CatalogSort, search_products, search_text_for, visible_products
from portal.catalog.search import PAGE_SIZE
from portal.catalog.tables import (
    AssortmentEffect,
    AssortmentRule,
    Attribute,
    CustomerPartNumber,
    Product,
    ProductAttribute,
    ProductStatus,
)
from portal.ordering.tables import PurchasedProduct
from tests.factories import make_category, make_company, make_person, make_product, make_product_group

pytestmark = pytest.mark.usefixtures("db")


async def _buyer(company_id: int | None = None):
    company_id = company_id or await make_company()
    return await (await make_person(company_id, Role.BUYER)).scope()


async def _skus(caller, **query) -> list[str]:
    products, _ = await search_products(caller, CatalogQuery(**query))
    return [product.sku for product in products]


async def test_search_matches_sku_ean_and_either_name_case_insensitively() -> None:
    await make_product("Hex bolt M8x40", sku="DIN933-M8X40", ean="5901234123457", name_pl="Śruba M8x40")
    await make_product("Wood screw 4x30", sku="WS-4X30")
    buyer = await _buyer()

    assert await _skus(buyer, text="din933") == ["DIN933-M8X40"]
    assert await _skus(buyer, text="5901234123457") == ["DIN933-M8X40"]
    assert await _skus(buyer, text="ŚRUBA") == ["DIN933-M8X40"]
    assert await _skus(buyer, text="wood 4x30") == ["WS-4X30"]
    assert await _skus(buyer, text="wood m8x40") == []


async def test_search_finds_the_companys_own_part_number_but_not_another_companys() -> None:
    product = await make_product("Cable YDY 3x1.5", sku="YDY-3X1.5")
    buyer = await _buyer()
    other = await make_company()
    await CustomerPartNumber.insert(
        CustomerPartNumber(company=buyer.company_id, product=product, code="BM-KAB-015", code_search="bm-kab-015"),
        CustomerPartNumber(company=other, product=product, code="XX-SECRET", code_search="xx-secret"),
    )

    assert await _skus(buyer, text="bm-kab") == ["YDY-3X1.5"]
    assert await _skus(buyer, text="xx-secret") == []
    rows, _ = await search_products(buyer, CatalogQuery(text="ydy"))
    assert rows[0].customer_code == "BM-KAB-015"


async def test_an_exact_code_comes_before_names_that_mention_it() -> None:
    await make_product("Adapter for AB-100", sku="AA-1")
    await make_product("The real one", sku="AB-100")
    buyer = await _buyer()
    assert (await _skus(buyer, text="ab-100"))[0] == "AB-100"


async def test_a_scanned_ean_or_the_companys_own_part_number_comes_first_whatever_its_sku() -> None:
    await make_product("Anchor 10x80", sku="ZZ-9", ean="5901234123457")
    own = await make_product("Anchor 8x60", sku="ZZ-8")
    await make_product("Set of anchors 5901234123457 and bm-77", sku="AA-1")
    await make_product("Drawer for BM-77 parts", sku="BM-770")
    buyer = await _buyer()
    await CustomerPartNumber.insert(
        CustomerPartNumber(company=buyer.company_id, product=own, code="BM-77", code_search="bm-77")
    )

    assert await _skus(buyer, text="5901234123457") == ["ZZ-9", "AA-1"]
    # Then codes starting with the text, then the rest by SKU.
    assert await _skus(buyer, text="bm-77") == ["ZZ-8", "BM-770", "AA-1"]


async def test_a_two_character_term_finds_them_side_by_side_in_what_products_are_called_now() -> None:
    await make_product("Hex bolt M8x40", sku="DIN933-M8X40")
    await make_product("Hex nut M 8", sku="NUT-8")
    renamed = await make_product("Washer 10", sku="W-10")
    removed = await make_product("Anchor M8", sku="ANC-8")
    await Product.update(
        {Product.name_en: "Washer M8", Product.search_text: search_text_for("W-10", "", "", "Washer M8")}
    ).where(Product.id == renamed)
    await Product.delete().where(Product.id == removed)
    buyer = await _buyer()

    assert await _skus(buyer, text="m8") == ["DIN933-M8X40", "W-10"]
    assert await _skus(buyer, text="8x") == ["DIN933-M8X40"]
    assert await _skus(buyer, text="m 8") == ["DIN933-M8X40", "NUT-8", "W-10"]


async def test_wildcards_typed_by_the_buyer_match_literally() -> None:
    await make_product("Disc 100% cotton", sku="DISC-1")
    await make_product("Disc 100 mm", sku="DISC-2")
    buyer = await _buyer()
    assert await _skus(buyer, text="100%") == ["DISC-1"]
    assert await _skus(buyer, text="disc_") == []


async def test_without_rules_a_company_sees_everything_but_discontinued_products() -> None:
    await make_product(sku="ACTIVE-1")
    await make_product(sku="PHASE-1", status=ProductStatus.PHASE_OUT)
    await make_product(sku="GONE-1", status=ProductStatus.DISCONTINUED)
    buyer = await _buyer()
    assert await _skus(buyer, sort=CatalogSort.SKU) == ["ACTIVE-1", "PHASE-1"]


async def test_include_rules_limit_the_catalog_to_a_category_subtree_and_exclusions_win() -> None:
    tools = await make_category("Tools")
    drills = await make_category("Drills", parent_id=tools)
    pipes = await make_category("Pipes")
    cordless = await make_product_group("Cordless")
    await make_product(sku="DRILL-1", category_id=drills)
    await make_product(sku="DRILL-2", category_id=drills, product_group=cordless)
    await make_product(sku="HAMMER-1", category_id=tools)
    pipe = await make_product(sku="PIPE-1", category_id=pipes)
    buyer = await _buyer()
    await AssortmentRule.insert(
        AssortmentRule(company=buyer.company_id, effect=AssortmentEffect.INCLUDE, category=tools),
        AssortmentRule(company=buyer.company_id, effect=AssortmentEffect.EXCLUDE, product_group=cordless),
    )

    assert await _skus(buyer, sort=CatalogSort.SKU) == ["DRILL-1", "HAMMER-1"]
    assert await visible_products(buyer, [pipe]) == []
    # Another company without rules still sees all four.
    assert len(await _skus(await _buyer(), sort=CatalogSort.SKU)) == 4


async def test_an_include_rule_for_one_product_adds_it_to_an_included_category() -> None:
    tools = await make_category("Tools")
    pipes = await make_category("Pipes")
    await make_product(sku="HAMMER-1", category_id=tools)
    pipe = await make_product(sku="PIPE-1", category_id=pipes)
    await make_product(sku="PIPE-2", category_id=pipes)
    buyer = await _buyer()
    await AssortmentRule.insert(
        AssortmentRule(company=buyer.company_id, effect=AssortmentEffect.INCLUDE, category=tools),
        AssortmentRule(company=buyer.company_id, effect=AssortmentEffect.INCLUDE, product=pipe),
    )
    assert await _skus(buyer, sort=CatalogSort.SKU) == ["HAMMER-1", "PIPE-1"]


async def test_category_filter_covers_subcategories() -> None:
    tools = await make_category("Tools")
    drills = await make_category("Drills", parent_id=tools)
    await make_product(sku="DRILL-1", category_id=drills)
    await make_product(sku="HAMMER-1", category_id=tools)
    await make_product(sku="PIPE-1")
    buyer = await _buyer()
    assert await _skus(buyer, category_id=tools, sort=CatalogSort.SKU) == ["DRILL-1", "HAMMER-1"]
    assert await _skus(buyer, category_id=drills) == ["DRILL-1"]


async def test_attribute_filters_and_bought_before() -> None:
    thread = (
        await Attribute.insert(Attribute(code="thread", name_pl="Gwint", name_en="Thread")).returning(Attribute.id)
    )[0]["id"]
    m8 = await make_product(sku="BOLT-M8")
    m10 = await make_product(sku="BOLT-M10")
    await ProductAttribute.insert(
        ProductAttribute(product=m8, attribute=thread, value="M8"),
        ProductAttribute(product=m10, attribute=thread, value="M10"),
    )
    buyer = await _buyer()
    await PurchasedProduct.insert(PurchasedProduct(company=buyer.company_id, product=m10))
    other = await _buyer()

    assert await _skus(buyer, attributes=(("thread", "M8"),)) == ["BOLT-M8"]
    assert await _skus(buyer, bought_before=True) == ["BOLT-M10"]
    assert await _skus(other, bought_before=True) == []


async def test_paging_says_whether_another_page_follows() -> None:
    category = await make_category()
    for number in range(PAGE_SIZE + 1):
        await make_product(sku=f"P-{number:03}", category_id=category)
    buyer = await _buyer()

    first, has_next = await search_products(buyer, CatalogQuery(category_id=category, sort=CatalogSort.SKU))
    second, has_more = await search_products(buyer, CatalogQuery(category_id=category, sort=CatalogSort.SKU, page=2))
    assert len(first) == PAGE_SIZE and has_next
    assert [product.sku for product in second] == [f"P-{PAGE_SIZE:03}"] and not has_more


def test_a_query_survives_its_own_query_string() -> None:
    query = CatalogQuery(text="m8 ocynk", category_id=7, attributes=(("thread", "M8"),), bought_before=True, page=3)
    from urllib.parse import parse_qs

    assert CatalogQuery.from_parameters(parse_qs(query.parameters())) == query


def test_nonsense_in_the_query_string_is_ignored() -> None:
    query = CatalogQuery.from_parameters({"category": ["abc"], "page": ["-2"], "sort": ["drop table"], "q": [" x "]})
    assert query == CatalogQuery(text="x")


async def test_terms_shorter_than_a_trigram_match_names_and_own_part_numbers() -> None:
    await make_product("Hex bolt M8x40", sku="DIN933-M8X40")
    coded = await make_product("Cable YDY 3x1.5", sku="YDY-3X1.5")
    await make_product("Wood screw 4x30", sku="WS-4X30")
    buyer = await _buyer()
    await CustomerPartNumber.insert(
        CustomerPartNumber(company=buyer.company_id, product=coded, code="Q7", code_search="q7")
    )

    assert await _skus(buyer, text="m8") == ["DIN933-M8X40"]
    assert await _skus(buyer, text="Q7") == ["YDY-3X1.5"]
