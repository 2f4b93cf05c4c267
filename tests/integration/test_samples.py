"""The sample ERP exports in portal/integration/samples, loaded into an empty portal as `portal
import` loads them, are what the sample customers' first administrators see: their own prices
and the stock in the order grid, their invoices with what is left to pay, and the PDFs."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import cast

import httpx
import pytest
from litestar import Litestar
from pypdf import PdfReader

import portal.integration
from portal.accounts.jobs import send_due_invitations
from portal.accounts.tables import Company, DeliveryAddress
from portal.catalog.tables import Product, ProductAttribute, Stock
from portal.config import Settings
from portal.finance.tables import CreditAccount, Invoice
from portal.integration import imports
from portal.integration.erp_resources import ERP_RESOURCES
from portal.integration.imports import ImportOptions, ImportReport, import_file
from portal.integration.mapping import parse_mapping
from portal.jobs import JobContext, JobQueue
from portal.mail import Postbox, mailer_for
from portal.pricing.tables import PriceListEntry
from portal.web.templating import build_environment
from tests.conftest import BASE_URL, client_at
from tests.factories import PASSWORD, csrf_token
from tests.mailbox import Mailbox

SAMPLES = Path(portal.integration.__file__).parent / "samples"
BUDMAX_ADMIN = "jan.kowalski@budmax.example"
ELEKTRO_ADMIN = "ewa.nowak@elektro-lodz.example"


def load_order() -> list[tuple[str, str]]:
    """(resource, file) in the order the samples' README loads them."""
    lines = (SAMPLES / "load-order.txt").read_text(encoding="utf-8").splitlines()
    return [(resource, file) for resource, file in (line.split() for line in lines if line.strip())]


async def load_samples() -> list[ImportReport]:
    """Every sample file through the importer `portal import` runs, with its mapping."""
    reports = []
    for resource, file in load_order():
        mapping = parse_mapping((SAMPLES / f"{resource}.toml").read_text(encoding="utf-8"), f"{resource}.toml")
        content = (SAMPLES / file).read_bytes()
        options = ImportOptions(integration="portal import")
        reports.append(await import_file(ERP_RESOURCES[resource], content, file, mapping, options))
    return reports


@pytest.fixture
async def samples(app: Litestar, settings: Settings, mailbox: Mailbox) -> None:
    """The samples loaded into the test's empty database, the invitations they make mailed."""
    reports = await load_samples()
    assert [problem for report in reports for problem in report.problems] == []
    jobs = JobQueue.for_settings(settings)
    postbox = Postbox(build_environment(auto_reload=False), mailer_for(settings), settings.base_url)
    try:
        mailed = await send_due_invitations(cast(JobContext, {"settings": settings, "postbox": postbox, "jobs": jobs}))
    finally:
        await jobs.close()
    assert mailed == 2


async def accept_invitation(client: httpx.AsyncClient, mailbox: Mailbox, email: str, name: str) -> None:
    """The administrator opens the invitation's link, chooses a password and is signed in."""
    link = mailbox.link_in(mailbox.last_to(email), BASE_URL)
    form = await client.get(link)
    assert form.status_code == 200
    accepted = await client.post(
        link,
        data={
            "_csrf_token": csrf_token(form.text),
            "name": name,
            "password": PASSWORD,
            "password_confirmation": PASSWORD,
        },
    )
    assert accepted.status_code in (302, 303), accepted.text


@pytest.mark.parametrize("bulk_from", [imports.BULK_FROM_ITEMS, 1], ids=["batches", "bulk"])
async def test_every_sample_file_loads_and_a_second_load_changes_nothing(
    db: None, monkeypatch: pytest.MonkeyPatch, bulk_from: int
) -> None:
    monkeypatch.setattr(imports, "BULK_FROM_ITEMS", bulk_from)
    first = await load_samples()
    second = await load_samples()

    assert [(report.resource, report.counts["rejected"], report.problems) for report in first] == [
        (resource, 0, []) for resource, _file in load_order()
    ]
    assert all(report.counts["created"] == report.items > 0 for report in first)
    assert all(report.counts["unchanged"] == report.items for report in second), [
        (report.resource, report.counts) for report in second
    ]
    assert {report.resource: report.path for report in first if report.path == "bulk"} == (
        {"products": "bulk", "stock": "bulk", "price-list-entries": "bulk"} if bulk_from == 1 else {}
    )


async def test_the_samples_land_as_the_erp_wrote_them(db: None) -> None:
    """Polish words, decimal commas, thousands with spaces, spreadsheet dates and rows that
    make one item each become what the ERP meant."""
    await load_samples()

    cable = await Product.select(Product.id, Product.unit, Product.pack_size, Product.order_multiple).where(
        Product.sku == "OMY-2X0.75"
    )
    assert [(row["unit"], row["pack_size"], row["order_multiple"]) for row in cable] == [("m", 100, 1)]
    attributes = await ProductAttribute.select(ProductAttribute.attribute.code, ProductAttribute.value).where(
        ProductAttribute.product == cable[0]["id"]
    )
    assert sorted((row["attribute.code"], row["value"]) for row in attributes) == [("przekroj", "0,75"), ("zyly", "2")]
    fitting = await Product.select(Product.status).where(Product.sku == "OPR-HERMET-58").first()
    assert fitting == {"status": "phase_out"}

    stocked = await Stock.select(Stock.available, Stock.next_delivery_on, Stock.next_delivery_quantity).where(
        (Stock.product.sku == "YDY-3X2.5") & (Stock.warehouse.code == "WAW")
    )
    assert stocked == [{"available": 8600, "next_delivery_on": date(2027, 1, 12), "next_delivery_quantity": 10000}]

    tiers = await PriceListEntry.select(PriceListEntry.min_quantity, PriceListEntry.unit_price).where(
        (PriceListEntry.product.sku == "YDY-3X1.5") & (PriceListEntry.price_list.code == "PODSTAWOWY")
    )
    assert sorted((row["min_quantity"], Decimal(str(row["unit_price"]))) for row in tiers) == [
        (1, Decimal("2.85")),
        (500, Decimal("2.69")),
        (1000, Decimal("2.55")),
    ]

    budmax = await Company.select(Company.id, Company.nip, Company.payment_days).where(Company.code == "K-0042").first()
    assert budmax is not None and (budmax["nip"], budmax["payment_days"]) == ("6771004565", 30)
    addresses = await DeliveryAddress.select(
        DeliveryAddress.code, DeliveryAddress.city, DeliveryAddress.is_default
    ).where(DeliveryAddress.company == budmax["id"])
    assert sorted((row["code"], row["city"], row["is_default"]) for row in addresses) == [
        ("BUD-7", "Warszawa", False),
        ("MAG-1", "Kraków", True),
    ]
    credit = await CreditAccount.select(CreditAccount.credit_limit).where(CreditAccount.company == budmax["id"]).first()
    assert credit is not None and Decimal(str(credit["credit_limit"])) == Decimal("150000")


def grid_rows(html: str) -> dict[str, str]:
    """The order grid's rows by SKU, each as its text with the markup's spacing collapsed."""
    rows = re.findall(r'<tr id="product-\d+".*?</tr>', html, re.DOTALL)
    by_sku = {}
    for row in rows:
        sku = re.search(r'<td class="sku">\s*<a [^>]*>([^<]+)</a>', row)
        assert sku is not None
        by_sku[sku.group(1)] = re.sub(r"\s+", " ", row)
    return by_sku


async def invoice_id(number: str) -> int:
    row = await Invoice.select(Invoice.id).where(Invoice.number == number).first()
    assert row is not None
    return int(row["id"])


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", html)


async def test_budmax_sees_its_contract_price_the_list_price_struck_through_and_the_stock(
    app: Litestar, samples: None, mailbox: Mailbox
) -> None:
    async with client_at(app) as budmax:
        await accept_invitation(budmax, mailbox, BUDMAX_ADMIN, "Jan Kowalski")
        everything = grid_rows((await budmax.get("/order")).text)
        screws = grid_rows((await budmax.get("/order", params={"q": "DIN933-M8X40"})).text)["DIN933-M8X40"]
        cable = grid_rows((await budmax.get("/order", params={"q": "YDY-3X2.5"})).text)["YDY-3X2.5"]

    assert len(everything) == 25
    # UMOWA/2026/014 with its tier at 5,000, under the base list's 0,3294; 48,000 in Warsaw.
    assert '<s class="list-price" title="List price">PLN0.3294</s> <strong>PLN0.28</strong>' in screws
    assert "from 5000: PLN0.265" in screws
    assert "48000" in screws and "pack of 200" in screws
    # No list of its own for this one: the base list's price and its volume break.
    assert "<strong>PLN4.40</strong>" in cable and "list-price" not in cable
    assert "from 1000: PLN4.10" in cable and "8600" in cable


async def test_an_installer_sees_the_group_list_with_its_tiers(app: Litestar, samples: None, mailbox: Mailbox) -> None:
    async with client_at(app) as elektro:
        await accept_invitation(elektro, mailbox, ELEKTRO_ADMIN, "Ewa Nowak")
        cable = grid_rows((await elektro.get("/order", params={"q": "YDY-3X2.5"})).text)["YDY-3X2.5"]
        breakers = grid_rows((await elektro.get("/order", params={"q": "S301-B16"})).text)["S301-B16"]
        screws = grid_rows((await elektro.get("/order", params={"q": "DIN933-M8X40"})).text)["DIN933-M8X40"]

    assert '<s class="list-price" title="List price">PLN4.40</s> <strong>PLN3.95</strong>' in cable
    assert "from 1000: PLN3.79" in cable
    # Stock in both warehouses counts: 1,250 in Warsaw and 180 in Łódź.
    assert "<strong>PLN21.50</strong>" in breakers and "from 60: PLN19.90" in breakers and "1430" in breakers
    # Another customer's contract is not theirs.
    assert "<strong>PLN0.3294</strong>" in screws and "PLN0.28" not in screws


async def test_the_finance_pages_show_each_customers_own_documents_and_what_is_left_to_pay(
    app: Litestar, samples: None, mailbox: Mailbox
) -> None:
    async with client_at(app) as budmax, client_at(app) as elektro:
        await accept_invitation(budmax, mailbox, BUDMAX_ADMIN, "Jan Kowalski")
        await accept_invitation(elektro, mailbox, ELEKTRO_ADMIN, "Ewa Nowak")
        finance = text_of((await budmax.get("/finance")).text)
        invoices = text_of((await budmax.get("/invoices")).text)
        their_finance = text_of((await elektro.get("/finance")).text)
        their_invoices = text_of((await elektro.get("/invoices")).text)
        budmax_invoice = await invoice_id("FV/2026/11/0101")
        refused = [
            (await elektro.get(f"/invoices/{budmax_invoice}")).status_code,
            (await elektro.get(f"/invoices/{budmax_invoice}/pdf")).status_code,
        ]

    # 1,053.60 of FV/2026/11/0158 less its 500.00 advance; FV/2026/11/0101 was paid less the
    # corrective invoice's 115.62.
    assert "<dt>Open balance</dt><dd>PLN553.60</dd>" in finance
    assert "<dt>Credit limit</dt><dd>PLN150,000.00</dd>" in finance
    assert "<dt>Available credit</dt><dd>PLN149,446.40</dd>" in finance
    for number, gross, to_pay in (
        ("FV/2026/11/0101", "PLN3,036.87", "PLN0.00"),
        ("FV/2026/11/0158", "PLN1,053.60", "PLN553.60"),
        ("KOR/2026/11/0012", "-PLN115.62", "PLN0.00"),
    ):
        row = re.search(rf"<tr[ >](?:(?!</tr>).)*{re.escape(number)}(?:(?!</tr>).)*</tr>", invoices)
        assert row is not None, number
        assert f'<td class="num">{gross}</td> <td class="num">{to_pay}</td>' in row.group(0), row.group(0)
    assert "FV/2026/11/0120" not in invoices and "FV/2026/12/0004" not in invoices

    assert "<dt>Open balance</dt><dd>PLN1,468.62</dd>" in their_finance
    assert "FV/2026/12/0004" in their_invoices and "FV/2026/11/0101" not in their_invoices
    assert refused == [404, 404]


async def test_invoice_pdfs_carry_the_seller_the_buyer_and_the_sample_amounts(
    app: Litestar, samples: None, mailbox: Mailbox
) -> None:
    async with client_at(app) as budmax:
        await accept_invitation(budmax, mailbox, BUDMAX_ADMIN, "Jan Kowalski")
        invoice = await budmax.get(f"/invoices/{await invoice_id('FV/2026/11/0158')}/pdf")
        correction = await budmax.get(f"/invoices/{await invoice_id('KOR/2026/11/0012')}/pdf")

    assert invoice.status_code == correction.status_code == 200
    assert invoice.headers["content-type"] == correction.headers["content-type"] == "application/pdf"
    text = pdf_text(invoice.content)
    for expected in (
        "FV/2026/11/0158",
        "Hurtex Sp. z o.o.",
        "NIP: 525-000-12-33",
        "Budmax Sp. z o.o.",
        "NIP: 677-100-45-65",
        "Panel LED 60×60 40W 4000K",
        # 790.00 at 23% and a book at 5%: VAT 181.70 and 3.90.
        "23% PLN790.00 PLN181.70 PLN971.70",
        "5% PLN78.00 PLN3.90 PLN81.90",
        "Total PLN868.00 PLN185.60 PLN1,053.60",
    ):
        assert expected in text, expected
    corrective = pdf_text(correction.content)
    assert "Corrects invoice FV/2026/11/0101" in corrective
    assert "Total -PLN94.00 -PLN21.62 -PLN115.62" in corrective
