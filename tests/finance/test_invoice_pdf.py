"""Invoice PDFs: the fields a Polish VAT invoice must carry, long invoices paginated with their
headers, stored after the first rendering, many in one ZIP, and only for the company's own."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import httpx
import pytest
from pypdf import PdfReader

import portal.finance.invoice_pdf as invoice_pdf_module
from portal.accounts.roles import Role
from portal.app import create_app
from portal.config import Settings
from portal.database import connection_pool
from portal.finance.tables import Invoice, InvoiceLine, StoredPdf
from tests.conftest import client_at
from tests.factories import csrf_token, log_in, make_company, make_person


async def _invoice(company_id: int, number: str, lines: list[tuple[str, int, str, str]]) -> int:
    """An invoice with (name, quantity, unit net price, VAT rate) lines, totals computed."""
    net_values = [(Decimal(price) * quantity).quantize(Decimal("0.01")) for _, quantity, price, _ in lines]
    by_rate: dict[str, Decimal] = {}
    for (_, _, _, rate), value in zip(lines, net_values, strict=True):
        by_rate[rate] = by_rate.get(rate, Decimal("0")) + value
    net = sum(net_values, Decimal("0.00"))
    vat = sum(
        ((amount * Decimal(rate) / 100).quantize(Decimal("0.01")) for rate, amount in by_rate.items()), Decimal("0.00")
    )
    rows = await Invoice.insert(
        Invoice(
            company=company_id,
            number=number,
            issued_on=date(2026, 11, 2),
            sold_on=date(2026, 11, 2),
            due_on=date(2026, 12, 2),
            net_total=net,
            vat_total=vat,
            gross_total=net + vat,
            outstanding=net + vat,
            po_number="BM/PO/77",
        )
    ).returning(Invoice.id)
    await InvoiceLine.insert(
        *(
            InvoiceLine(
                invoice=rows[0]["id"],
                position=position,
                name=name,
                unit="pcs",
                quantity=Decimal(quantity),
                unit_net_price=Decimal(price),
                net_value=value,
                vat_rate=rate,
            )
            for position, ((name, quantity, price, rate), value) in enumerate(zip(lines, net_values, strict=True), 1)
        )
    )
    return rows[0]["id"]


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
async def finance(client: httpx.AsyncClient) -> dict:
    company = await make_company("Budmax Testowy Sp. z o.o.")
    person = await make_person(company, Role.FINANCE)
    await log_in(client, person.email)
    return {"company": company, "person": person}


async def test_the_pdf_carries_parties_lines_vat_per_rate_and_gross(client: httpx.AsyncClient, finance: dict) -> None:
    invoice = await _invoice(
        finance["company"],
        "FV/2026/11/0001",
        [("Śruba M8x40", 1000, "0.3294", "23"), ("Zraszacz ogrodowy", 4, "25.00", "8")],
    )
    response = await client.get(f"/invoices/{invoice}/pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(_text(response.content))
    for expected in (
        "FV/2026/11/0001",
        "Hurtex Sp. z o.o.",
        "Budmax Testowy Sp. z o.o.",
        "Śruba M8x40",
        "Zraszacz ogrodowy",
        "PLN329.40",
        "PLN75.76",
        "PLN100.00",
        "PLN8.00",
        "PLN513.16",
        "BM/PO/77",
    ):
        assert expected in text, expected
    assert text.count("NIP") >= 2


async def test_the_seller_is_the_one_the_settings_name_with_its_address(settings: Settings) -> None:
    """A fresh install holds no company record of the seller: its invoices still print it."""
    seller = {
        "seller_name": "Elhurt Sp. z o.o.",
        "seller_nip": "7270012347",
        "seller_street": "ul. Hurtowa 5",
        "seller_postal_code": "93-100",
        "seller_city": "Łódź",
    }
    app = create_app(settings.model_copy(update=seller))
    async with connection_pool(app.state["engine"]), client_at(app) as client:
        company = await make_company("Budmax Testowy Sp. z o.o.")
        await log_in(client, (await make_person(company, Role.FINANCE)).email)
        invoice = await _invoice(company, "FV/2026/11/0003", [("Kotwa", 10, "1.89", "23")])
        response = await client.get(f"/invoices/{invoice}/pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(_text(response.content))
    for expected in ("Elhurt Sp. z o.o.", "ul. Hurtowa 5", "93-100 Łódź", "727-001-23-47"):
        assert expected in text, expected


async def test_a_300_line_invoice_repeats_its_table_header_on_every_page(
    client: httpx.AsyncClient, finance: dict
) -> None:
    invoice = await _invoice(
        finance["company"], "FV/2026/11/0300", [(f"Pozycja {n}", 1, "1.00", "23") for n in range(300)]
    )
    pages = _text((await client.get(f"/invoices/{invoice}/pdf")).content)
    assert len(pages) > 3
    assert all("Unit net price" in page for page in pages if "Pozycja" in page)
    assert f"1 / {len(pages)}" in pages[0] or f"Page 1 / {len(pages)}" in pages[0]


async def test_the_second_download_comes_from_the_stored_pdf(
    client: httpx.AsyncClient, finance: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoice = await _invoice(finance["company"], "FV/2026/11/0002", [("Kotwa", 10, "1.89", "23")])
    renders = []
    original = invoice_pdf_module.render_pdf

    async def counting(html: str) -> bytes:
        renders.append(html)
        return await original(html)

    monkeypatch.setattr(invoice_pdf_module, "render_pdf", counting)
    first = await client.get(f"/invoices/{invoice}/pdf")
    second = await client.get(f"/invoices/{invoice}/pdf")
    assert first.content == second.content and len(renders) == 1
    await Invoice.update({Invoice.po_number: "CHANGED"}).where(Invoice.id == invoice)
    await client.get(f"/invoices/{invoice}/pdf")
    assert len(renders) == 2 and await StoredPdf.count() == 1


async def test_a_zip_holds_exactly_the_chosen_invoices(client: httpx.AsyncClient, finance: dict) -> None:
    chosen = [await _invoice(finance["company"], f"FV/2026/11/010{n}", [("Klej", 1, "9.99", "23")]) for n in range(3)]
    await _invoice(finance["company"], "FV/2026/11/0199", [("Klej", 1, "9.99", "23")])
    token = csrf_token((await client.get("/")).text)
    response = await client.post(
        "/invoices/zip", data={"invoice": [str(i) for i in chosen], "download_token": "abc123", "_csrf_token": token}
    )
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    # The page's progress note waits for this cookie to know the file has arrived.
    assert response.cookies.get("download-abc123") == "done"
    names = sorted(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
    assert names == ["FV-2026-11-0100.pdf", "FV-2026-11-0101.pdf", "FV-2026-11-0102.pdf"]


async def test_a_download_token_of_other_than_ascii_letters_and_digits_sets_no_cookie(
    client: httpx.AsyncClient, finance: dict
) -> None:
    chosen = await _invoice(finance["company"], "FV/2026/11/0300", [("Klej", 1, "9.99", "23")])
    token = csrf_token((await client.get("/")).text)
    response = await client.post(
        "/invoices/zip", data={"invoice": [str(chosen)], "download_token": "١٢٣ż", "_csrf_token": token}
    )
    assert response.status_code == 200
    assert not [name for name in response.cookies if name.startswith("download-")]


async def test_another_companys_invoice_is_not_found_and_a_buyer_is_refused(
    client: httpx.AsyncClient, finance: dict
) -> None:
    other = await _invoice(await make_company(), "FV/2026/11/9999", [("Tajne", 1, "1.00", "23")])
    assert (await client.get(f"/invoices/{other}/pdf")).status_code == 404
    token = csrf_token((await client.get("/")).text)
    zipped = await client.post("/invoices/zip", data={"invoice": [str(other)], "_csrf_token": token})
    assert zipped.status_code == 404
    client.cookies.clear()
    buyer = await make_person(finance["company"], Role.BUYER)
    await log_in(client, buyer.email)
    own = await _invoice(finance["company"], "FV/2026/11/0005", [("Klej", 1, "9.99", "23")])
    assert (await client.get(f"/invoices/{own}/pdf")).status_code == 403
