"""Invoices and payments sent by the ERP: they land with the right customer and behave on the
finance pages, statements and PDFs exactly as documents already there; what is left to pay,
statuses and the open balance follow the payments' allocations; deletions hide, and every bad
item is refused with a pointer to what is wrong."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

import portal.finance.invoice_pdf as invoice_pdf_module
from portal import clock
from portal.accounts.roles import Role
from portal.accounts.tables import Company
from portal.finance.credit import credit_status
from portal.finance.erp_sync import INVOICES, PAYMENTS
from portal.finance.statement import statement
from portal.finance.tables import CreditAccount, Invoice, InvoiceLine, InvoiceStatus, StoredPdf
from portal.i18n import use_locale
from portal.integration.batch import BatchReport, apply_batch
from portal.integration.resources import Resource
from tests.aftersales.orders import make_confirmed_order
from tests.factories import Person, log_in, make_company, make_person

Line = tuple[str, str, str, str]
SCREWS: Line = ("Wkręt samowiercący 4,2x19", "1000", "0.0850", "23")
SEEDS: Line = ("Nasiona trawy 1 kg", "4", "25.00", "8")
KSEF_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Faktura xmlns="http://crd.gov.pl/wzor/2025/06/25/13775/"><Naglowek><KodFormularza kodSystemowy="FA (3)">'
    "FA</KodFormularza></Naglowek><Fa><P_2>FV/2026/11/0042</P_2></Fa></Faktura>"
)


def _net(quantity: str, price: str) -> Decimal:
    return (Decimal(quantity) * Decimal(price)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def invoice_item(number: str, customer: str, *lines: Line, **fields: Any) -> dict[str, Any]:
    """An invoice as the ERP sends it, totals agreeing with its lines (VAT per rate); a credit
    note's lines are given with negative quantities."""
    line_items: list[dict[str, Any]] = [
        {
            "position": position,
            "name": name,
            "sku": f"SKU-{position}",
            "unit": "szt",
            "quantity": quantity,
            "unit_net_price": price,
            "net_value": str(_net(quantity, price)),
            "vat_rate": rate,
        }
        for position, (name, quantity, price, rate) in enumerate(lines or (SCREWS,), start=1)
    ]
    by_rate: dict[str, Decimal] = {}
    for _name, quantity, price, rate in lines or (SCREWS,):
        by_rate[rate] = by_rate.get(rate, Decimal("0.00")) + _net(quantity, price)
    net = sum(by_rate.values(), Decimal("0.00"))
    vat = sum(
        (
            (amount * Decimal(rate) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            for rate, amount in by_rate.items()
        ),
        Decimal("0.00"),
    )
    issued = clock.today() - timedelta(days=10)
    return {
        "number": number,
        "customer_code": customer,
        "issued_on": issued.isoformat(),
        "due_on": (issued + timedelta(days=30)).isoformat(),
        "lines": line_items,
        "net_total": str(net),
        "vat_total": str(vat),
        "gross_total": str(net + vat),
        **fields,
    }


def payment_item(
    number: str, customer: str, amount: str, *allocations: tuple[str, str], **fields: Any
) -> dict[str, Any]:
    return {
        "number": number,
        "customer_code": customer,
        "paid_on": (clock.today() - timedelta(days=2)).isoformat(),
        "amount": amount,
        "reference": f"Przelew {number}",
        "allocations": [{"invoice": invoice, "amount": part} for invoice, part in allocations],
        **fields,
    }


async def invoices(*items: dict[str, Any], atomic: bool = False) -> BatchReport:
    # Answers in English, which the assertions read (the portal's default is Polish).
    with use_locale("en"):
        return await apply_batch(INVOICES, list(items), [], atomic=atomic)


async def payments(*items: dict[str, Any]) -> BatchReport:
    with use_locale("en"):
        return await apply_batch(PAYMENTS, list(items), [])


async def deletes(resource: Resource[Any], *numbers: str) -> BatchReport:
    with use_locale("en"):
        return await apply_batch(resource, [], [{"number": number} for number in numbers])


def outcomes(report: BatchReport) -> list[str]:
    return [result.outcome.value for result in report.results]


def errors(report: BatchReport) -> list[tuple[str, str]]:
    return [(error.pointer, error.detail) for error in report.errors]


async def customer(code: str, name: str | None = None) -> int:
    company = await make_company(name)
    await Company.update({Company.code: code}).where(Company.id == company)
    return company


async def finance_person(client: httpx.AsyncClient, company: int) -> Person:
    client.cookies.clear()
    person = await make_person(company, Role.FINANCE)
    await log_in(client, person.email)
    return person


async def held(number: str) -> dict[str, Any]:
    row = (
        await Invoice.select(Invoice.id, Invoice.outstanding, Invoice.status, Invoice.deleted)
        .where(Invoice.number == number)
        .first()
    )
    assert row is not None
    return {**row, "outstanding": Decimal(str(row["outstanding"]))}


@pytest.fixture
async def budmax(client: httpx.AsyncClient) -> int:
    return await customer("K-BUDMAX", "Budmax Sp. z o.o.")


# --- Invoices ------------------------------------------------------------------------------


async def test_an_imported_invoice_shows_on_its_companys_finance_pages_only(
    client: httpx.AsyncClient, budmax: int
) -> None:
    report = await invoices(
        invoice_item("FV/2026/11/0042", "K-BUDMAX", SCREWS, SEEDS, po_number="BM/PO/7", ksef_number="KSEF-42")
    )
    assert outcomes(report) == ["created"]
    await finance_person(client, budmax)
    listed = await client.get("/invoices")
    assert "FV/2026/11/0042" in listed.text and "BM/PO/7" in listed.text
    invoice_id = (await held("FV/2026/11/0042"))["id"]
    page = await client.get(f"/invoices/{invoice_id}")
    for shown in ("Wkręt samowiercący 4,2x19", "Nasiona trawy 1 kg", "KSEF-42", "PLN85.00", "PLN212.55"):
        assert shown in page.text, shown
    # The open balance: 85.00 net and 19.55 VAT, 100.00 net and 8.00 VAT.
    assert "PLN212.55" in (await client.get("/finance")).text

    await finance_person(client, await customer("K-OTHER"))
    assert "FV/2026/11/0042" not in (await client.get("/invoices")).text
    assert (await client.get(f"/invoices/{invoice_id}")).status_code == 404
    assert (await client.get(f"/invoices/{invoice_id}/pdf")).status_code == 404


async def test_the_same_batch_again_changes_nothing(budmax: int) -> None:
    batch = [invoice_item("FV/1", "K-BUDMAX"), invoice_item("FV/2", "K-BUDMAX", SEEDS)]
    assert outcomes(await invoices(*batch)) == ["created", "created"]
    written = await Invoice.select(Invoice.number, Invoice.updated_at).order_by(Invoice.number)
    lines = await InvoiceLine.select(InvoiceLine.id).order_by(InvoiceLine.id)
    assert outcomes(await invoices(*batch)) == ["unchanged", "unchanged"]
    assert await Invoice.select(Invoice.number, Invoice.updated_at).order_by(Invoice.number) == written
    assert await InvoiceLine.select(InvoiceLine.id).order_by(InvoiceLine.id) == lines


async def test_a_changed_invoice_replaces_its_lines(client: httpx.AsyncClient, budmax: int) -> None:
    await invoices(invoice_item("FV/3", "K-BUDMAX", SCREWS, SEEDS))
    report = await invoices(invoice_item("FV/3", "K-BUDMAX", ("Kotwa chemiczna", "2", "31.90", "23")))
    assert outcomes(report) == ["updated"]
    await finance_person(client, budmax)
    page = (await client.get(f"/invoices/{(await held('FV/3'))['id']}")).text
    assert "Kotwa chemiczna" in page and "Wkręt" not in page and "Nasiona" not in page
    assert (await held("FV/3"))["outstanding"] == Decimal("78.47")


async def test_an_older_version_of_an_invoice_is_stale_and_ignored(client: httpx.AsyncClient, budmax: int) -> None:
    newer = invoice_item("FV/4", "K-BUDMAX", po_number="NEWER", modified_at="2026-11-02T10:00:00+01:00")
    older = invoice_item("FV/4", "K-BUDMAX", po_number="OLDER", modified_at="2026-11-02T09:00:00+01:00")
    assert outcomes(await invoices(newer)) == ["created"]
    assert outcomes(await invoices(older)) == ["stale"]
    await finance_person(client, budmax)
    page = (await client.get(f"/invoices/{(await held('FV/4'))['id']}")).text
    assert "NEWER" in page and "OLDER" not in page


def _wrong_vat(item: dict[str, Any]) -> None:
    item["vat_total"] = str(Decimal(item["vat_total"]) + 1)
    item["gross_total"] = str(Decimal(item["gross_total"]) + 1)


def _wrong_net(item: dict[str, Any]) -> None:
    item["net_total"] = str(Decimal(item["net_total"]) - Decimal("0.50"))


def _wrong_gross(item: dict[str, Any]) -> None:
    item["gross_total"] = str(Decimal(item["gross_total"]) + Decimal("0.01"))


def _wrong_line(item: dict[str, Any]) -> None:
    item["lines"][1]["net_value"] = "1000.00"


def _position_twice(item: dict[str, Any]) -> None:
    item["lines"][1]["position"] = 1


@pytest.mark.parametrize(
    ("spoil", "pointer", "words"),
    [
        (_wrong_vat, "/upsert/1/vat_total", "does not match the VAT of the lines"),
        (_wrong_net, "/upsert/1/net_total", "is not the sum of the lines"),
        (_wrong_gross, "/upsert/1/gross_total", "is not net plus VAT"),
        (_wrong_line, "/upsert/1/lines/1/net_value", "does not match quantity × price"),
        (_position_twice, "/upsert/1/lines/1/position", "appears twice"),
    ],
)
async def test_totals_that_disagree_with_the_lines_are_rejected_with_a_pointer(
    budmax: int, spoil: Any, pointer: str, words: str
) -> None:
    bad = invoice_item("FV/BAD", "K-BUDMAX", SCREWS, SEEDS)
    spoil(bad)
    report = await invoices(invoice_item("FV/GOOD", "K-BUDMAX"), bad)
    assert outcomes(report) == ["created", "rejected"]
    [(where, detail)] = errors(report)
    assert where == pointer and words in detail
    assert await Invoice.exists().where(Invoice.number == "FV/GOOD")
    assert not await Invoice.exists().where(Invoice.number == "FV/BAD")


async def test_rounding_per_line_is_within_the_tolerance(budmax: int) -> None:
    # VAT rounded line by line: 23% of 0.02 twice is 0.00 + 0.00 (per rate 0.04 → 0.01).
    item = invoice_item("FV/ROUND", "K-BUDMAX", ("A", "1", "0.02", "23"), ("B", "1", "0.02", "23"))
    item.update(vat_total="0.00", gross_total="0.04")
    assert outcomes(await invoices(item)) == ["created"]


async def test_an_unknown_customer_is_rejected_and_an_atomic_batch_writes_nothing(budmax: int) -> None:
    report = await invoices(invoice_item("FV/5", "K-BUDMAX"), invoice_item("FV/6", "K-NOBODY"), atomic=True)
    assert outcomes(report) == ["created", "rejected"] and not report.applied
    assert errors(report) == [("/upsert/1/customer_code", "No customer has the code K-NOBODY.")]
    assert await Invoice.count() == 0


async def test_an_invoice_links_its_customers_order_and_refuses_anothers(
    client: httpx.AsyncClient, budmax: int
) -> None:
    buyer = await make_person(budmax, Role.BUYER)
    own = await make_confirmed_order(budmax, buyer.user_id, [3], number="ZAM/2026/000123")
    other_company = await customer("K-OTHER")
    others = await make_confirmed_order(
        other_company, (await make_person(other_company, Role.BUYER)).user_id, [1], number="ZAM/2026/000999"
    )
    report = await invoices(
        invoice_item("FV/7", "K-BUDMAX", order_number=own.number),
        invoice_item("FV/8", "K-BUDMAX", order_number=others.number),
        invoice_item("FV/9", "K-BUDMAX", order_number="ZAM/2026/404404"),
    )
    assert outcomes(report) == ["created", "rejected", "rejected"]
    assert [pointer for pointer, _ in errors(report)] == ["/upsert/1/order_number", "/upsert/2/order_number"]
    await finance_person(client, budmax)
    page = (await client.get(f"/invoices/{(await held('FV/7'))['id']}")).text
    assert f'href="/orders/{own.id}"' in page and "ZAM/2026/000123" in page
    # The invoiced order no longer waits to be invoiced: its gross stops counting on its own.
    assert (await credit_status(await buyer.scope())).uninvoiced == Decimal("0.00")


async def test_a_credit_note_corrects_an_invoice_of_the_same_customer(client: httpx.AsyncClient, budmax: int) -> None:
    await customer("K-OTHER")
    await invoices(invoice_item("FV/10", "K-BUDMAX"), invoice_item("FV/OTHER", "K-OTHER"))
    returned: Line = ("Wkręt samowiercący 4,2x19", "-200", "0.0850", "23")
    report = await invoices(
        invoice_item("KOR/1", "K-BUDMAX", returned, kind="credit_note", corrects="FV/10"),
        invoice_item("KOR/2", "K-BUDMAX", returned, kind="credit_note", corrects="FV/OTHER"),
        invoice_item("KOR/3", "K-BUDMAX", returned, kind="credit_note"),
        invoice_item("KOR/4", "K-BUDMAX", kind="credit_note", corrects="FV/10"),
        invoice_item("FV/11", "K-BUDMAX", corrects="FV/10"),
    )
    assert outcomes(report) == ["created", "rejected", "rejected", "rejected", "rejected"]
    assert [pointer for pointer, _ in errors(report)] == [
        "/upsert/1/corrects",
        "/upsert/2/corrects",
        "/upsert/3/gross_total",
        "/upsert/4/corrects",
    ]
    await finance_person(client, budmax)
    invoice, note = await held("FV/10"), await held("KOR/1")
    page = (await client.get(f"/invoices/{note['id']}")).text
    assert "Corrects" in page and f'href="/invoices/{invoice["id"]}"' in page and "FV/10" in page
    assert "-PLN20.91" in page  # gross: -17.00 net, -3.91 VAT
    assert note["outstanding"] == Decimal("-20.91")
    statement_of = await statement(
        await (await make_person(budmax, Role.FINANCE)).scope(), clock.today() - timedelta(days=30), clock.today()
    )
    assert [entry.reference for entry in statement_of.entries] == ["FV/10", "KOR/1"]
    assert statement_of.closing == Decimal("104.55") - Decimal("20.91")


# --- Payments ------------------------------------------------------------------------------


async def test_a_payment_settles_invoices_and_the_open_balance_follows(client: httpx.AsyncClient, budmax: int) -> None:
    await CreditAccount.insert(
        CreditAccount(company=budmax, credit_limit=Decimal("10000.00"), open_balance=Decimal("777.00"))
    )
    await invoices(invoice_item("FV/20", "K-BUDMAX"), invoice_item("FV/21", "K-BUDMAX", SEEDS))
    # 104.55 and 108.00 owed: the reported open balance is what the documents leave to pay.
    assert await _reported_balance(budmax) == Decimal("212.55")

    assert outcomes(
        await payments(payment_item("WB/1", "K-BUDMAX", "150.00", ("FV/20", "104.55"), ("FV/21", "45.45")))
    ) == ["created"]
    first, second = await held("FV/20"), await held("FV/21")
    assert (first["outstanding"], first["status"]) == (Decimal("0.00"), InvoiceStatus.PAID)
    assert (second["outstanding"], second["status"]) == (Decimal("62.55"), InvoiceStatus.PARTLY_PAID)
    assert await _reported_balance(budmax) == Decimal("62.55")
    person = await finance_person(client, budmax)
    assert (await credit_status(await person.scope())).open_balance == Decimal("62.55")
    page = (await client.get(f"/invoices/{second['id']}")).text
    assert "Przelew WB/1" in page and "PLN45.45" in page and "Partly paid" in page

    # The ERP moves the money: allocations are replaced whole, and the first invoice is open again.
    assert outcomes(await payments(payment_item("WB/1", "K-BUDMAX", "150.00", ("FV/21", "108.00")))) == ["updated"]
    first, second = await held("FV/20"), await held("FV/21")
    assert (first["outstanding"], first["status"]) == (Decimal("104.55"), InvoiceStatus.OPEN)
    assert (second["outstanding"], second["status"]) == (Decimal("0.00"), InvoiceStatus.PAID)
    assert await _reported_balance(budmax) == Decimal("104.55")


async def _reported_balance(company: int) -> Decimal:
    row = await CreditAccount.select(CreditAccount.open_balance).where(CreditAccount.company == company).first()
    assert row is not None
    return Decimal(str(row["open_balance"]))


async def test_a_credit_note_set_off_in_a_transfer_settles_both(budmax: int) -> None:
    returned: Line = ("Wkręt samowiercący 4,2x19", "-200", "0.0850", "23")
    await invoices(
        invoice_item("FV/30", "K-BUDMAX"),
        invoice_item("KOR/30", "K-BUDMAX", returned, kind="credit_note", corrects="FV/30"),
    )
    report = await payments(payment_item("WB/30", "K-BUDMAX", "83.64", ("FV/30", "104.55"), ("KOR/30", "-20.91")))
    assert outcomes(report) == ["created"]
    assert (await held("FV/30"))["status"] == InvoiceStatus.PAID
    assert (await held("KOR/30"))["status"] == InvoiceStatus.PAID


async def test_an_allocation_to_another_companys_invoice_is_rejected(budmax: int) -> None:
    await customer("K-OTHER")
    await invoices(invoice_item("FV/40", "K-BUDMAX"), invoice_item("FV/41", "K-OTHER"))
    report = await payments(payment_item("WB/40", "K-BUDMAX", "200.00", ("FV/40", "50.00"), ("FV/41", "50.00")))
    assert outcomes(report) == ["rejected"]
    assert errors(report) == [("/upsert/0/allocations/1/invoice", "The customer has no document numbered FV/41.")]
    assert (await held("FV/40"))["outstanding"] == Decimal("104.55")
    assert (await held("FV/41"))["outstanding"] == Decimal("104.55")


@pytest.mark.parametrize(
    ("allocations", "pointer"),
    [
        ((("FV/50", "60.00"), ("FV/51", "60.00")), "/upsert/0/allocations"),
        ((("FV/50", "60.00"), ("FV/50", "10.00")), "/upsert/0/allocations/1/invoice"),
        ((("FV/50", "-10.00"),), "/upsert/0/allocations/0/amount"),
        ((("FV/404", "10.00"),), "/upsert/0/allocations/0/invoice"),
    ],
)
async def test_allocations_that_cannot_be_are_rejected(
    budmax: int, allocations: tuple[tuple[str, str], ...], pointer: str
) -> None:
    await invoices(invoice_item("FV/50", "K-BUDMAX"), invoice_item("FV/51", "K-BUDMAX"))
    report = await payments(payment_item("WB/50", "K-BUDMAX", "100.00", *allocations))
    assert outcomes(report) == ["rejected"]
    assert [where for where, _ in errors(report)] == [pointer]


async def test_a_payment_in_another_currency_cannot_settle_an_invoice(budmax: int) -> None:
    await invoices(invoice_item("FV/60", "K-BUDMAX"))
    report = await payments(payment_item("WB/60", "K-BUDMAX", "100.00", ("FV/60", "100.00"), currency="EUR"))
    assert errors(report) == [("/upsert/0/allocations/0/invoice", "Document FV/60 is in PLN, the payment in EUR.")]


async def test_deleting_a_payment_restores_what_is_left_to_pay(client: httpx.AsyncClient, budmax: int) -> None:
    await CreditAccount.insert(
        CreditAccount(company=budmax, credit_limit=Decimal("10000.00"), open_balance=Decimal("0"))
    )
    await invoices(invoice_item("FV/70", "K-BUDMAX"))
    await payments(payment_item("WB/70", "K-BUDMAX", "104.55", ("FV/70", "104.55")))
    assert (await held("FV/70"))["status"] == InvoiceStatus.PAID

    report = await deletes(PAYMENTS, "WB/70")
    assert outcomes(report) == ["deleted"]
    invoice = await held("FV/70")
    assert (invoice["outstanding"], invoice["status"]) == (Decimal("104.55"), InvoiceStatus.OPEN)
    assert await _reported_balance(budmax) == Decimal("104.55")
    person = await finance_person(client, budmax)
    page = (await client.get(f"/invoices/{invoice['id']}")).text
    assert "Przelew WB/70" not in page and "No payments yet." in page
    entries = (await statement(await person.scope(), clock.today() - timedelta(days=30), clock.today())).entries
    assert [entry.reference for entry in entries] == ["FV/70"]

    assert outcomes(await deletes(PAYMENTS, "WB/70")) == ["deleted"]
    assert outcomes(await deletes(PAYMENTS, "WB/NEVER")) == ["not_found"]
    # Sent again, it is back, and settles again.
    assert outcomes(await payments(payment_item("WB/70", "K-BUDMAX", "104.55", ("FV/70", "104.55")))) == ["created"]
    assert (await held("FV/70"))["status"] == InvoiceStatus.PAID


async def test_a_deleted_invoice_leaves_the_lists_and_balances(client: httpx.AsyncClient, budmax: int) -> None:
    await invoices(invoice_item("FV/80", "K-BUDMAX"), invoice_item("FV/81", "K-BUDMAX", SEEDS))
    person = await finance_person(client, budmax)
    deleted_id = (await held("FV/80"))["id"]
    assert (await client.get(f"/invoices/{deleted_id}/pdf")).status_code == 200
    assert await StoredPdf.count() == 1

    assert outcomes(await deletes(INVOICES, "FV/80")) == ["deleted"]
    assert "FV/80" not in (await client.get("/invoices")).text
    assert (await client.get(f"/invoices/{deleted_id}")).status_code == 404
    assert (await client.get(f"/invoices/{deleted_id}/pdf")).status_code == 404
    assert await StoredPdf.count() == 0
    assert (await credit_status(await person.scope())).open_balance == Decimal("108.00")
    entries = (await statement(await person.scope(), clock.today() - timedelta(days=30), clock.today())).entries
    assert [entry.reference for entry in entries] == ["FV/81"]
    # Nothing may settle a deleted document.
    report = await payments(payment_item("WB/80", "K-BUDMAX", "10.00", ("FV/80", "10.00")))
    assert [where for where, _ in errors(report)] == ["/upsert/0/allocations/0/invoice"]

    assert outcomes(await deletes(INVOICES, "FV/80")) == ["deleted"]
    assert outcomes(await deletes(INVOICES, "FV/NEVER")) == ["not_found"]
    assert outcomes(await invoices(invoice_item("FV/80", "K-BUDMAX"))) == ["created"]
    assert "FV/80" in (await client.get("/invoices")).text


# --- KSeF e-invoice ------------------------------------------------------------------------


async def test_the_ksef_xml_is_downloadable_by_its_company_only(client: httpx.AsyncClient, budmax: int) -> None:
    await invoices(invoice_item("FV/2026/11/0042", "K-BUDMAX", fa3_xml=KSEF_XML), invoice_item("FV/90", "K-BUDMAX"))
    with_xml, without = (await held("FV/2026/11/0042"))["id"], (await held("FV/90"))["id"]
    await finance_person(client, budmax)
    assert f'href="/invoices/{with_xml}/ksef.xml"' in (await client.get(f"/invoices/{with_xml}")).text
    assert "ksef.xml" not in (await client.get(f"/invoices/{without}")).text
    download = await client.get(f"/invoices/{with_xml}/ksef.xml")
    assert download.status_code == 200 and download.headers["content-type"].startswith("application/xml")
    assert download.text == KSEF_XML
    assert 'filename="FV-2026-11-0042.xml"' in download.headers["content-disposition"]
    assert (await client.get(f"/invoices/{without}/ksef.xml")).status_code == 404

    await finance_person(client, await customer("K-OTHER"))
    assert (await client.get(f"/invoices/{with_xml}/ksef.xml")).status_code == 404
    client.cookies.clear()
    buyer = await make_person(budmax, Role.BUYER)
    await log_in(client, buyer.email)
    assert (await client.get(f"/invoices/{with_xml}/ksef.xml")).status_code == 403

    # The ERP no longer has it: the invoice no longer offers it.
    await invoices(invoice_item("FV/2026/11/0042", "K-BUDMAX"))
    await finance_person(client, budmax)
    assert (await client.get(f"/invoices/{with_xml}/ksef.xml")).status_code == 404


@pytest.mark.parametrize(
    ("xml", "words"),
    [
        ("<Faktura><P_2>FV</Faktura>", "not well-formed"),
        ('<!DOCTYPE x [<!ENTITY a "aaaa">]><Faktura>&a;</Faktura>', "may not declare a DTD"),
        ("<Invoice/>", "root element is Faktura, not Invoice"),
        ('<?xml version="1.0" encoding="windows-1250"?><Faktura/>', "declares windows-1250"),
    ],
)
async def test_xml_that_is_not_a_ksef_invoice_is_rejected(budmax: int, xml: str, words: str) -> None:
    report = await invoices(invoice_item("FV/91", "K-BUDMAX", fa3_xml=xml))
    [(pointer, detail)] = errors(report)
    assert pointer == "/upsert/0/fa3_xml" and words in detail


# --- Stored PDFs ---------------------------------------------------------------------------


def _pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def test_the_pdf_shows_the_update_not_the_stored_copy(client: httpx.AsyncClient, budmax: int) -> None:
    await invoices(invoice_item("FV/100", "K-BUDMAX", po_number="BM/PO/1"))
    await finance_person(client, budmax)
    invoice_id = (await held("FV/100"))["id"]
    first = _pdf_text((await client.get(f"/invoices/{invoice_id}/pdf")).content)
    assert "Wkręt samowiercący" in first and "BM/PO/1" in first
    await invoices(
        invoice_item("FV/100", "K-BUDMAX", ("Kołek rozporowy 8x40", "500", "0.1200", "23"), po_number="BM/PO/2")
    )
    second = _pdf_text((await client.get(f"/invoices/{invoice_id}/pdf")).content)
    assert "Kołek rozporowy 8x40" in second and "BM/PO/2" in second
    assert "Wkręt samowiercący" not in second and "BM/PO/1" not in second


def _changed_line(item: dict[str, Any]) -> str:
    item["lines"][0]["name"] = "Wkręt do drewna 5x50"
    return "Wkręt do drewna 5x50"


def _changed_due_date(item: dict[str, Any]) -> str:
    later = date.fromisoformat(item["due_on"]) + timedelta(days=17)
    item["due_on"] = later.isoformat()
    return later.isoformat()


def _changed_sale_date(item: dict[str, Any]) -> str:
    earlier = date.fromisoformat(item["issued_on"]) - timedelta(days=3)
    item["sold_on"] = earlier.isoformat()
    return earlier.isoformat()


def _changed_terms(item: dict[str, Any]) -> str:
    item.update(payment_method="prepayment", split_payment=True)
    return "Split payment mechanism"


def _changed_references(item: dict[str, Any]) -> str:
    item.update(po_number="BM/PO/ZMIANA", ksef_number="6771004565-20261007-ABCDEF-123456-78")
    return "6771004565-20261007-ABCDEF-123456-78"


def _changed_amounts(item: dict[str, Any]) -> str:
    item.update(invoice_item(item["number"], item["customer_code"], ("Wkręt", "3", "7.77", "8")))
    return "7.77"


@pytest.mark.parametrize(
    "change",
    [_changed_line, _changed_due_date, _changed_sale_date, _changed_terms, _changed_references, _changed_amounts],
)
async def test_every_imported_field_the_pdf_prints_renders_it_anew(
    client: httpx.AsyncClient, budmax: int, monkeypatch: pytest.MonkeyPatch, change: Any
) -> None:
    # The HTML the renderer is given stands for the PDF: what it prints, without WeasyPrint's time.
    async def html_as_pdf(html: str) -> bytes:
        return html.encode()

    monkeypatch.setattr(invoice_pdf_module, "render_pdf", html_as_pdf)
    item = invoice_item("FV/110", "K-BUDMAX")
    await invoices(item)
    await finance_person(client, budmax)
    invoice_id = (await held("FV/110"))["id"]
    before = (await client.get(f"/invoices/{invoice_id}/pdf")).text
    printed = change(item)
    assert printed not in before
    assert outcomes(await invoices(item)) == ["updated"]
    assert printed in (await client.get(f"/invoices/{invoice_id}/pdf")).text


async def test_a_change_of_the_buyers_address_renders_the_pdf_anew(
    client: httpx.AsyncClient, budmax: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def html_as_pdf(html: str) -> bytes:
        return html.encode()

    monkeypatch.setattr(invoice_pdf_module, "render_pdf", html_as_pdf)
    await invoices(invoice_item("FV/120", "K-BUDMAX"))
    await finance_person(client, budmax)
    invoice_id = (await held("FV/120"))["id"]
    await client.get(f"/invoices/{invoice_id}/pdf")
    # What the customers' import writes when the ERP moves the customer.
    await Company.update({Company.billing_street: "ul. Nowa 5"}).where(Company.id == budmax)
    assert "ul. Nowa 5" in (await client.get(f"/invoices/{invoice_id}/pdf")).text


async def test_without_a_sale_date_the_issue_date_is_the_sale_date(budmax: int) -> None:
    item = invoice_item("FV/130", "K-BUDMAX")
    await invoices(item)
    row = await Invoice.select(Invoice.issued_on, Invoice.sold_on).where(Invoice.number == "FV/130").first()
    assert row is not None and row["sold_on"] == row["issued_on"] == date.fromisoformat(item["issued_on"])
