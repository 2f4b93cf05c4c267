"""Paying chosen invoices in one transfer, with the Polish banks' payment QR code."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
import pytest

from portal.accounts.roles import Role
from portal.errors import Invalid
from portal.finance.payment import Payee, payment_order
from portal.finance.tables import DocumentKind
from tests.factories import log_in, make_company, make_person
from tests.finance.documents import make_invoice, pay

PAYEE = Payee("Hurtex Sp. z o.o.", "525-000-12-33", "PL61 1090 1014 0000 0712 1981 2874")


async def test_the_qr_payload_follows_the_zbp_format(db) -> None:
    company = await make_company()
    first = await make_invoice(company, "1230.00", number="FV/2026/11/0042", issued_on=date(2026, 11, 2))
    second = await make_invoice(company, "500.00", number="FV/2026/11/0050", issued_on=date(2026, 11, 9))
    await pay(company, date(2026, 11, 20), (second, "100.00"))
    person = await make_person(company, Role.FINANCE)
    order = await payment_order(await person.scope(), [second, first], PAYEE)
    assert order.total == Decimal("1630.00")
    assert order.title == "FV/2026/11/0042 FV/2026/11/0050"
    assert order.qr_payload == (
        "5250001233|PL|61109010140000071219812874|163000|Hurtex Sp. z o.o.|FV/2026/11/0042 FV/2026/11/0050|||"
    )
    assert order.qr_svg().startswith("<svg")


async def test_a_chosen_credit_note_is_deducted_and_paid_or_foreign_ids_left_out(db) -> None:
    company, other = await make_company(), await make_company()
    invoice = await make_invoice(company, "1000.00", number="FV/A")
    note = await make_invoice(company, "-200.00", number="KOR/A", kind=DocumentKind.CREDIT_NOTE)
    paid = await make_invoice(company, "50.00", number="FV/PAID", outstanding="0.00")
    foreign = await make_invoice(other, "999.00", number="FV/OBCA")
    person = await make_person(company, Role.FINANCE)
    order = await payment_order(await person.scope(), [invoice, note, paid, foreign], PAYEE)
    assert [chosen.number for chosen in order.invoices] == ["FV/A", "KOR/A"]
    assert order.total == Decimal("800.00")
    assert "|080000|" in order.qr_payload


async def test_an_amount_beyond_six_digits_of_grosz_is_left_for_the_payer(db) -> None:
    company = await make_company()
    invoice = await make_invoice(company, "12000.00", number="FV/BIG")
    person = await make_person(company, Role.FINANCE)
    order = await payment_order(await person.scope(), [invoice], PAYEE)
    assert not order.amount_in_qr
    assert "|000000|" in order.qr_payload


async def test_nothing_open_to_pay_is_refused(db) -> None:
    company = await make_company()
    paid = await make_invoice(company, "50.00", outstanding="0.00")
    person = await make_person(company, Role.FINANCE)
    with pytest.raises(Invalid):
        await payment_order(await person.scope(), [paid], PAYEE)


async def test_the_pay_page_shows_account_title_total_and_qr(client: httpx.AsyncClient) -> None:
    company = await make_company()
    person = await make_person(company, Role.FINANCE)
    await log_in(client, person.email)
    first = await make_invoice(company, "100.00", number="FV/P/1")
    second = await make_invoice(company, "23.45", number="FV/P/2")
    response = await client.get(f"/finance/pay?invoice={first}&invoice={second}")
    assert response.status_code == 200
    assert "PL61 1090 1014 0000 0712 1981 2874" in response.text
    assert "FV/P/1 FV/P/2" in response.text
    assert "PLN123.45" in response.text
    assert '<svg width="' in response.text
    assert (await client.get("/finance/pay")).status_code == 422


async def test_a_buyer_without_invoice_read_cannot_open_the_pay_page(client: httpx.AsyncClient) -> None:
    company = await make_company()
    invoice = await make_invoice(company, "100.00")
    buyer = await make_person(company, Role.BUYER)
    await log_in(client, buyer.email)
    assert (await client.get(f"/finance/pay?invoice={invoice}")).status_code == 403
