"""The ordering grid, product page and cart as a buyer sees them over HTTP."""

from __future__ import annotations

import hashlib

import httpx

from portal.accounts.roles import Role
from portal.catalog.tables import (
    AssortmentEffect,
    AssortmentRule,
    Attribute,
    DocumentKind,
    ProductAttribute,
    ProductDocument,
    ProductRelation,
    RelationKind,
    Stock,
    StoredFile,
    Warehouse,
)
from portal.ordering.tables import CartLine
from tests.factories import (
    add_list_prices,
    csrf_token,
    log_in,
    make_company,
    make_contract_price,
    make_person,
    make_price_list,
    make_priced_product,
    make_product,
)

HTMX = {"HX-Request": "true"}


async def _buyer_logged_in(client: httpx.AsyncClient, role: Role = Role.BUYER):
    company = await make_company()
    person = await make_person(company, role)
    await log_in(client, person.email)
    return person


async def _token(client: httpx.AsyncClient) -> str:
    return csrf_token((await client.get("/")).text)


async def test_the_grid_shows_the_buyers_contract_price_below_the_struck_list_price(client: httpx.AsyncClient) -> None:
    bolt = await make_product("Hex bolt M8x40", sku="DIN933-M8X40")
    await make_price_list("Base 2026", is_base=True, prices={bolt: "0.4500"})
    buyer = await _buyer_logged_in(client)
    await make_contract_price(buyer.company_id, bolt, "0.3100", reference="UMOWA/7")

    page = await client.get("/order", params={"q": "din933"})

    assert page.status_code == 200
    assert "DIN933-M8X40" in page.text
    assert '<s class="list-price" title="List price">PLN0.45</s>' in page.text
    assert "<strong>PLN0.31</strong>" in page.text


async def test_another_company_sees_the_list_price_for_the_same_product(client: httpx.AsyncClient) -> None:
    bolt = await make_priced_product("0.4500", sku="DIN933-M8X40")
    await make_contract_price(await make_company(), bolt, "0.3100")
    await _buyer_logged_in(client)

    page = await client.get("/order", params={"q": "din933"})

    assert "<strong>PLN0.45</strong>" in page.text
    assert "0.31" not in page.text


async def test_typing_a_search_answers_only_the_results_and_replaces_the_address(client: httpx.AsyncClient) -> None:
    await make_priced_product("1.00", sku="BOLT-1")
    await _buyer_logged_in(client)

    fragment = await client.get("/order", params={"q": "bolt"}, headers=HTMX)

    assert "<html" not in fragment.text
    assert 'id="grid-results"' in fragment.text and "BOLT-1" in fragment.text
    assert fragment.headers["HX-Replace-Url"] == "/order?q=bolt"


async def test_the_search_partial_leaves_the_facets_to_a_request_of_their_own(client: httpx.AsyncClient) -> None:
    thread = (
        await Attribute.insert(Attribute(code="thread", name_pl="Gwint", name_en="Thread", filterable=True)).returning(
            Attribute.id
        )
    )[0]["id"]
    m8 = await make_priced_product("1.00", sku="BOLT-M8")
    m10 = await make_priced_product("1.20", sku="BOLT-M10")
    await ProductAttribute.insert(
        ProductAttribute(product=m8, attribute=thread, value="M8"),
        ProductAttribute(product=m10, attribute=thread, value="M10"),
    )
    await _buyer_logged_in(client)

    fragment = await client.get("/order", params={"q": "bolt", "page": "2"}, headers=HTMX)
    facets = await client.get("/order/facets", params={"q": "bolt"}, headers=HTMX)
    narrowed = await client.get("/order/facets", params={"q": "bolt", "a.thread": "M8"}, headers=HTMX)
    without_htmx = await client.get("/order/facets", params={"q": "bolt"})

    assert 'hx-get="/order/facets?q=bolt"' in fragment.text and "Thread" not in fragment.text
    assert facets.text.strip().startswith('<div id="grid-facets"') and "<html" not in facets.text
    assert (
        '<option value="M8" >M8 (1)</option>' in facets.text and '<option value="M10" >M10 (1)</option>' in facets.text
    )
    assert '<option value="M8" selected>M8 (1)</option>' in narrowed.text
    assert (without_htmx.status_code, without_htmx.headers["location"]) == (303, "/order?q=bolt")


async def test_enter_in_a_row_adds_it_and_answers_only_that_row_and_the_cart_summary(
    client: httpx.AsyncClient,
) -> None:
    screws = await make_priced_product("0.2000", sku="SCREW-100", order_multiple=100, min_order_quantity=100)
    await _buyer_logged_in(client)
    token = await _token(client)

    response = await client.post(
        "/cart/lines", data={"product_id": screws, "quantity": "250", "_csrf_token": token}, headers=HTMX
    )

    assert response.status_code == 200
    assert "<html" not in response.text and "<table" not in response.text
    assert response.text.lstrip().startswith(f'<tr id="product-{screws}"')
    assert "Added 300" in response.text
    assert "rounded up from 250: sold in multiples of 100" in response.text
    assert 'id="cart-summary"' in response.text and "PLN60.00" in response.text
    assert await CartLine.count() == 1


async def test_a_bad_quantity_comes_back_in_the_row_and_adds_nothing(client: httpx.AsyncClient) -> None:
    screws = await make_priced_product("0.2000", sku="SCREW-1")
    await _buyer_logged_in(client)
    token = await _token(client)

    response = await client.post(
        "/cart/lines", data={"product_id": screws, "quantity": "abc", "_csrf_token": token}, headers=HTMX
    )

    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text and "Enter a whole number." in response.text
    assert await CartLine.count() == 0


async def test_without_javascript_adding_returns_to_the_grid_with_a_message(client: httpx.AsyncClient) -> None:
    screws = await make_priced_product("0.2000", sku="SCREW-1")
    await _buyer_logged_in(client)
    token = await _token(client)

    response = await client.post(
        "/cart/lines",
        data={"product_id": screws, "quantity": "5", "_csrf_token": token},
        headers={"Referer": "http://testserver/order?q=screw"},
    )

    assert response.status_code == 303 and response.headers["location"] == "/order?q=screw"
    assert "Added to the cart." in (await client.get("/order?q=screw")).text


async def test_a_viewer_sees_prices_but_no_quantity_inputs_and_cannot_add(client: httpx.AsyncClient) -> None:
    bolt = await make_priced_product("1.00", sku="BOLT-1")
    await _buyer_logged_in(client, Role.VIEWER)
    token = await _token(client)

    page = await client.get("/order")
    assert "BOLT-1" in page.text and "quantity-input" not in page.text
    added = await client.post("/cart/lines", data={"product_id": bolt, "quantity": "1", "_csrf_token": token})
    assert added.status_code == 403
    assert (await client.get("/cart")).status_code == 403


async def test_finance_without_catalog_access_gets_403_on_the_grid(client: httpx.AsyncClient) -> None:
    await _buyer_logged_in(client, Role.FINANCE)
    assert (await client.get("/order")).status_code == 403


async def _document(product_id: int) -> int:
    content = b"%PDF-1.4 datasheet"
    sha = hashlib.sha256(content).hexdigest()
    await StoredFile.insert(StoredFile(sha256=sha, media_type="application/pdf", size=len(content), content=content))
    rows = await ProductDocument.insert(
        ProductDocument(
            product=product_id, kind=DocumentKind.DATASHEET, title="Karta", filename="karta-ś.pdf", file=sha
        )
    ).returning(ProductDocument.id)
    return rows[0]["id"]


async def test_the_product_page_explains_the_price_lists_tiers_and_offers_substitutes_first_when_out(
    client: httpx.AsyncClient,
) -> None:
    drill = await make_product("Cordless drill", sku="DRILL-18V")
    other_drill = await make_product("Other drill", sku="DRILL-OTHER")
    battery = await make_product("Battery 18V", sku="BATT-18V")
    base = await make_price_list("Base 2026", is_base=True, prices={other_drill: "400.00", battery: "150.00"})
    await add_list_prices(base, drill, {1: "500.00", 10: "450.00"})
    await ProductRelation.insert(
        ProductRelation(product=drill, related=other_drill, kind=RelationKind.SUBSTITUTE),
        ProductRelation(product=drill, related=battery, kind=RelationKind.ACCESSORY),
    )
    warehouse = (
        await Warehouse.insert(Warehouse(code="WAW", name="Warszawa", city="Warszawa")).returning(Warehouse.id)
    )[0]["id"]
    await Stock.insert(Stock(product=drill, warehouse=warehouse, available=0, lead_time_days=7))
    document = await _document(drill)
    await _buyer_logged_in(client)

    page = await client.get(f"/products/{drill}")

    assert page.status_code == 200
    assert "Base price list “Base 2026”" in page.text
    assert "From 10 pcs you pay PLN450.00." in page.text
    assert page.text.index('id="substitutes"') < page.text.index('id="accessories"')
    assert "this product is out of stock" in page.text
    assert f'href="/documents/{document}"' in page.text
    assert "Warszawa" in page.text and "7 days" in page.text

    explanation = await client.get(f"/products/{drill}", params={"quantity": "10"}, headers=HTMX)
    assert "<html" not in explanation.text
    assert "volume tier from 10" in explanation.text

    download = await client.get(f"/documents/{document}")
    assert download.status_code == 200 and download.content == b"%PDF-1.4 datasheet"
    assert download.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''karta-%C5%9B.pdf" in download.headers["content-disposition"]


async def test_a_product_outside_the_assortment_and_its_documents_answer_404(client: httpx.AsyncClient) -> None:
    secret = await make_priced_product("1.00", "Secret", sku="SECRET-1")
    document = await _document(secret)
    buyer = await _buyer_logged_in(client)
    await AssortmentRule.insert(
        AssortmentRule(company=buyer.company_id, effect=AssortmentEffect.EXCLUDE, product=secret)
    )
    token = await _token(client)

    assert (await client.get(f"/products/{secret}")).status_code == 404
    assert (await client.get(f"/documents/{document}")).status_code == 404
    assert "SECRET-1" not in (await client.get("/order", params={"q": "secret"})).text
    added = await client.post("/cart/lines", data={"product_id": secret, "quantity": "1", "_csrf_token": token})
    assert added.status_code == 404


async def test_the_cart_page_edits_a_line_and_updates_the_totals_in_place(client: httpx.AsyncClient) -> None:
    bolt = await make_priced_product("2.00", sku="BOLT-1")
    await _buyer_logged_in(client)
    token = await _token(client)
    await client.post("/cart/lines", data={"product_id": bolt, "quantity": "5", "_csrf_token": token}, headers=HTMX)
    line_id = (await CartLine.select(CartLine.id))[0]["id"]

    page = await client.get("/cart")
    assert "PLN10.00" in page.text and "PLN12.30" in page.text  # net, gross at 23%

    changed = await client.post(
        f"/cart/lines/{line_id}", data={"quantity": "10", "note": "Hala B", "_csrf_token": token}, headers=HTMX
    )
    assert changed.status_code == 200 and "<html" not in changed.text
    assert f'id="line-{line_id}"' in changed.text and 'value="Hala B"' in changed.text
    assert 'id="cart-totals"' in changed.text and "PLN24.60" in changed.text

    rejected = await client.post(
        f"/cart/lines/{line_id}", data={"quantity": "ten", "note": "", "_csrf_token": token}, headers=HTMX
    )
    assert rejected.status_code == 422 and "Enter a whole number." in rejected.text
    assert (await CartLine.select(CartLine.quantity))[0]["quantity"] == 10

    removed = await client.post(f"/cart/lines/{line_id}/delete", data={"_csrf_token": token}, headers=HTMX)
    assert removed.status_code == 200 and f'id="line-{line_id}"' not in removed.text
    assert await CartLine.count() == 0
