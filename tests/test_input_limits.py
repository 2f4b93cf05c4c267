"""How much a request may send is bounded by the kind of route: a 10 MB quick-order paste is
refused at once instead of being parsed for seconds and echoed back, an ordinary form or the API
refuses a large body with a message that says the limit, and no field is longer than any can be."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx

from portal.accounts.roles import Role
from portal.integration.api_keys import create_api_key
from portal.integration.scopes import Scope as ApiScope
from portal.ordering.quick_order import MAX_PASTE_CHARS
from tests.factories import csrf_token, log_in, make_company, make_person

MB = 1024 * 1024


async def _buyer(client: httpx.AsyncClient) -> str:
    person = await make_person(await make_company(), Role.BUYER)
    await log_in(client, person.email)
    return csrf_token((await client.get("/")).text)


async def test_a_10_mb_quick_order_paste_is_refused_at_once_and_not_echoed(client: httpx.AsyncClient) -> None:
    token = await _buyer(client)
    paste = "SKU-ABCDEFGH 12\n" * (10 * MB // 16)
    started = time.monotonic()
    for headers in ({}, {"HX-Request": "true"}):
        response = await client.post("/order/quick/check", data={"lines": paste, "_csrf_token": token}, headers=headers)
        assert response.status_code == 413
        assert "larger than this page accepts (at most 4" in response.text
        assert len(response.content) < 100_000
    # Refused by its length, not parsed: the measured 8.4 s of the attack become a fraction.
    assert time.monotonic() - started < 5


async def test_a_paste_over_the_character_limit_is_refused_before_reading_it(client: httpx.AsyncClient) -> None:
    token = await _buyer(client)
    paste = "SKU-1 1\n" * (MAX_PASTE_CHARS // 8 + 1)
    response = await client.post("/order/quick/check", data={"lines": paste, "_csrf_token": token})
    assert response.status_code == 422
    assert "The pasted list is longer than 500,000 characters" in response.text
    assert "SKU-1 1\nSKU-1 1" not in response.text


async def test_an_ordinary_form_over_its_limit_answers_413_with_the_limit(client: httpx.AsyncClient) -> None:
    token = await _buyer(client)
    response = await client.post("/cart/lines", data={"note": "x" * (300 * 1024), "_csrf_token": token})
    assert response.status_code == 413
    assert "at most 256 kB" in response.text


async def test_a_streamed_body_without_a_length_is_cut_at_the_limit(client: httpx.AsyncClient) -> None:
    token = await _buyer(client)

    async def chunks() -> AsyncIterator[bytes]:
        yield f"_csrf_token={token}&product_id=1&note=".encode()
        for _ in range(64):
            yield b"x" * 8192

    response = await client.post(
        "/cart/lines", content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413


async def test_the_api_refuses_a_large_body_with_a_problem_document(client: httpx.AsyncClient) -> None:
    key = await create_api_key("erp", [ApiScope.SHIPMENTS])
    response = await client.post(
        "/api/v1/shipment-events",
        content=b'{"note": "' + b"x" * (100 * 1024) + b'"}',
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "at most 64 kB" in response.json()["detail"]


async def test_a_field_longer_than_any_field_can_be_is_refused_with_a_message(client: httpx.AsyncClient) -> None:
    token = await _buyer(client)
    response = await client.post("/lists", data={"name": "x" * 20_000, "_csrf_token": token})
    assert response.status_code == 422
    assert "longer than 10,000 characters" in response.text
