"""A product the ERP sent, as a buyer opens its page over HTTP: its images are shown and served
only to buyers who may see the product."""

from __future__ import annotations

import base64
import re

import httpx

from portal.accounts.roles import Role
from portal.catalog.erp_sync import RESOURCES
from portal.catalog.tables import AssortmentEffect, AssortmentRule, Product
from portal.integration.batch import apply_batch
from tests.factories import log_in, make_company, make_person

RESOURCES_BY_NAME = {resource.name: resource for resource in RESOURCES}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 24
GIF = b"GIF89a" + b"\x02" * 24


async def test_the_product_page_shows_the_images_the_erp_sent_in_its_order(client: httpx.AsyncClient) -> None:
    await apply_batch(RESOURCES_BY_NAME["categories"], [{"code": "tools", "name_pl": "Narzędzia"}], [])
    images = [{"content_base64": base64.b64encode(content).decode()} for content in (GIF, PNG)]
    report = await apply_batch(
        RESOURCES_BY_NAME["products"],
        [{"sku": "DRILL", "name_pl": "Wiertarka", "name_en": "Drill", "category": "tools", "images": images}],
        [],
    )
    assert report.counts["created"] == 1
    product = await Product.select(Product.id).where(Product.sku == "DRILL").first()
    assert product is not None
    buyer = await make_person(await make_company(), Role.BUYER)
    await log_in(client, buyer.email)

    page = await client.get(f"/products/{product['id']}")

    assert page.status_code == 200
    sources = re.findall(r'<img src="(/product-images/\d+)" alt="Drill"', page.text)
    assert len(sources) == 2
    first, second = [await client.get(source) for source in sources]
    assert (first.status_code, first.headers["content-type"], first.content) == (200, "image/gif", GIF)
    assert (second.headers["content-type"], second.content) == ("image/png", PNG)
    assert second.headers["x-content-type-options"] == "nosniff"

    await AssortmentRule.insert(
        AssortmentRule(company=buyer.company_id, effect=AssortmentEffect.EXCLUDE, product=product["id"])
    )
    assert (await client.get(sources[0])).status_code == 404
    assert (await client.get("/product-images/999999")).status_code == 404
