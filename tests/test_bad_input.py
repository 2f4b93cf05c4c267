"""Input that used to answer HTTP 500 is refused with a clear answer: Unicode digits, numbers past
the database's range, NaN/Infinity/1E+30 as money, dates at the calendar's end, NUL bytes in a
path, broken files in quick order and broken bodies on the JSON API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
import pytest

from portal.accounts.roles import Role
from portal.integration.api_keys import create_api_key
from portal.integration.scopes import Scope as ApiScope
from portal.ordering.tables import RecurringOrder
from portal.web.forms import calendar_day, money, page_number, record_id, whole_number
from tests.accounts.test_tenancy import _company_a
from tests.factories import csrf_token, log_in, make_company, make_person, make_priced_product


def test_numbers_money_and_dates_are_read_strictly_and_within_bounds() -> None:
    assert whole_number("²") is None and whole_number("١٢") is None and whole_number("１２") is None
    assert whole_number(" 42 ") == 42 and whole_number("-1") is None
    assert record_id(str(2**63)) is None and record_id(str(2**31)) is None and record_id("0") is None
    assert record_id(str(2**31 - 1)) == 2**31 - 1
    assert page_number(str(2**64)) == 1 and page_number("²") == 1 and page_number("3") == 3
    for text in ("NaN", "Infinity", "-Infinity", "1E+30", "1e2", "1.005", "1" * 13):
        assert money(text) is None, text
    assert money("1 234,56") == Decimal("1234.56") and money("-50.00") == Decimal("-50.00")
    assert calendar_day("9999-12-31") is None and calendar_day("2026-02-30") is None
    assert calendar_day("２０２６-01-01") is None and calendar_day("20260101") is None
    assert calendar_day("2026-12-01") == date(2026, 12, 1)


async def _buyer(client: httpx.AsyncClient, *roles: Role) -> str:
    company = await make_company()
    person = await make_person(company, Role.BUYER, *roles)
    await log_in(client, person.email)
    return csrf_token((await client.get("/")).text)


async def test_a_path_id_beyond_the_database_range_answers_404(client: httpx.AsyncClient) -> None:
    token = await _buyer(client, Role.FINANCE)
    for number in (2**31, 2**63, 2**64, 0):
        for path in (f"/invoices/{number}", f"/orders/{number}"):
            assert (await client.get(path)).status_code == 404, path
        response = await client.post(f"/cart/lines/{number}", data={"quantity": "1", "_csrf_token": token})
        assert response.status_code == 404
    assert (await client.get("/invoices/%C2%B2")).status_code == 404


async def test_unicode_digits_huge_pages_and_non_finite_money_in_filters_are_ignored(
    client: httpx.AsyncClient,
) -> None:
    await _buyer(client, Role.FINANCE)
    for query in (
        {"page": "²", "min": "NaN", "max": "1E+30", "from": "9999-12-31"},
        {"page": str(2**64), "min": "Infinity", "to": "0001-01-01", "placed_by": str(2**64)},
    ):
        for path in ("/invoices", "/orders", "/order", "/deliveries", "/complaints", "/invoices/export.csv"):
            assert (await client.get(path, params=query)).status_code == 200, (path, query)


async def test_a_nul_byte_in_a_static_path_answers_404(client: httpx.AsyncClient) -> None:
    for path in ("/static/%00", "/static/htmx.min.js%00.png", "/static/a%00/b"):
        assert (await client.get(path)).status_code == 404


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"event_id": "1", "status": '),
        ("application/json", b'{"event_id": "\\ud800", "tracking_number": "X", "status": "delivered"}'),
        ("application/json", b"\xff\xfe{}"),
        ("application/x-www-form-urlencoded", b"event_id=1&status=delivered"),
        ("application/json", b"[1, 2]"),
    ],
    ids=["malformed", "lone-surrogate", "not-utf8", "form-content-type", "not-an-object"],
)
async def test_the_json_api_answers_a_malformed_body_with_400_problem_json(
    client: httpx.AsyncClient, content_type: str, body: bytes
) -> None:
    key = await create_api_key("erp", [ApiScope.SHIPMENTS])
    response = await client.post(
        "/api/v1/shipment-events",
        content=body,
        headers={"Authorization": f"Bearer {key}", "Content-Type": content_type},
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 400 and response.json()["detail"]


async def test_api_errors_are_problem_documents_not_pages(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/shipment-events")
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("lista.csv", b'kod;ilosc\n"' + b"A" * 140_000 + b'";1\n', "far too long"),
        ("lista.xlsx", b"PK\x03\x04" + b"\x00broken" * 100, "could not be read as an Excel workbook"),
        ("lista.csv", b"\xff\xfe\x00\x00", "This file is not a CSV or XLSX file."),
    ],
    ids=["csv-cell-over-128-kib", "malformed-xlsx", "utf16-nul"],
)
async def test_a_broken_quick_order_file_is_the_pages_422_with_a_message(
    client: httpx.AsyncClient, name: str, content: bytes, message: str
) -> None:
    token = await _buyer(client)
    response = await client.post(
        "/order/quick/check", data={"lines": "", "_csrf_token": token}, files={"file": (name, content)}
    )
    assert response.status_code == 422 and message in response.text


async def test_a_recurring_schedule_in_year_9999_is_refused_and_skipping_it_works(client: httpx.AsyncClient) -> None:
    ids = await _company_a()
    await log_in(client, "kupiec@alfa-tajna.example")
    recurring_id = ids["recurring_id"]
    page = await client.get(f"/recurring/{recurring_id}")
    token = csrf_token(page.text)
    form = {"every": "1", "unit": "months", "first_on": "9999-12-31", "ends_on": "", "_csrf_token": token}
    response = await client.post(f"/recurring/{recurring_id}", data=form)
    assert response.status_code == 422 and "Enter a date such as" in response.text
    skipped = await client.post(f"/recurring/{recurring_id}/skip", data={"_csrf_token": token})
    assert skipped.status_code in {200, 303}
    schedule = await RecurringOrder.select(RecurringOrder.next_run_on).where(RecurringOrder.id == recurring_id)
    assert schedule[0]["next_run_on"] > date(2099, 1, 1)


async def test_a_static_path_longer_than_any_file_name_answers_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/static/" + "ł" * 300)).status_code == 404


async def test_a_form_part_that_is_not_utf8_answers_400(client: httpx.AsyncClient) -> None:
    """Found by the fuzzing walk: a file sent without a file name is a text field to the parser."""
    ids = await _company_a()
    await log_in(client, "kupiec@alfa-tajna.example")
    token = csrf_token((await client.get("/")).text)
    response = await client.post(
        f"/orders/{ids['order_id']}/messages",
        data={"body": "Dzień dobry", "_csrf_token": token},
        files={"files": ("", b"\x89PNG\r\n\x1a\n\x00\x00")},
    )
    assert response.status_code == 400 and "Please check what you entered" in response.text


async def test_an_attachment_whose_stored_file_is_gone_answers_404(client: httpx.AsyncClient) -> None:
    """Found by the fuzzing walk: the row outlived its bytes."""
    ids = await _company_a()
    await log_in(client, "kupiec@alfa-tajna.example")
    assert (await client.get(f"/files/{ids['attachment_id']}")).status_code == 404


async def test_fragment_addresses_opened_in_the_browser_show_the_whole_page(client: httpx.AsyncClient) -> None:
    """Found by the fuzzing walk: only htmx asks for a row or a state, but anyone may open them."""
    ids = await _company_a()
    await log_in(client, "kupiec@alfa-tajna.example")
    state = await client.get(f"/complaints/{ids['complaint_id']}/state")
    assert state.status_code == 200 and "<html" in state.text
    row = await client.get(f"/deliveries/{ids['shipment_id']}/row")
    assert row.status_code == 200 and "<html" in row.text
    fragment = await client.get(f"/deliveries/{ids['shipment_id']}/row", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text


async def test_nul_characters_never_reach_the_database(client: httpx.AsyncClient) -> None:
    """PostgreSQL refuses text holding NUL: a form's NUL is dropped, a query's answers 400."""
    token = await _buyer(client)
    product = await make_priced_product("10.00")
    await client.post("/cart/lines", data={"product_id": product, "quantity": "1", "_csrf_token": token})
    response = await client.post("/lists", data={"name": "Co\x00tydzień", "_csrf_token": token})
    assert response.status_code == 303
    assert "Cotydzień" in (await client.get("/lists")).text
    assert (await client.get("/order", params={"q": "wkręt\x00"})).status_code == 400


async def test_the_json_api_refuses_a_nul_character_with_400(client: httpx.AsyncClient) -> None:
    key = await create_api_key("erp", [ApiScope.SHIPMENTS])
    response = await client.post(
        "/api/v1/shipment-events",
        content=b'{"event_id": "1", "tracking_number": "A\\u0000B", "status": "delivered"}',
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and "NUL" in response.json()["detail"]


async def test_deciding_an_order_with_no_step_left_is_a_conflict(client: httpx.AsyncClient) -> None:
    """Found by the fuzzing walk: an order awaiting approval with no pending step."""
    ids = await _company_a()
    approver = await make_person(ids["company_id"], Role.APPROVER)
    await log_in(client, approver.email)
    token = csrf_token((await client.get("/")).text)
    response = await client.post(
        f"/orders/{ids['order_id']}/decision", data={"decision": "approve", "reason": "", "_csrf_token": token}
    )
    assert response.status_code == 303 and response.headers["location"] == "/approvals"
    assert "Someone has decided this order already" in (await client.get("/approvals")).text
