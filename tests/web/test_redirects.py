"""After login (and every other redirect) the browser goes only to a path on this site. The
review's attack: `/login?next=/%5Cevil.example/phish` sent the browser to evil.example through
`HX-Redirect`, which htmx assigns to `window.location` as it is."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from portal.accounts.roles import Role
from portal.web.redirects import same_site_path
from tests.factories import PASSWORD, form_token, log_in, make_company, make_person

# Each as it arrives in the `next` parameter, already decoded from the query or the form.
ATTACKS = [
    "/\\evil.example/phish",
    "//evil.example/phish",
    "/%5Cevil.example/phish",
    "/%2F/evil.example",
    "https://evil.example/phish",
    "http:evil.example",
    "/\tevil.example",
    "/\t/evil.example",
    "\t//evil.example",
    "javascript:alert(document.domain)",
    " //evil.example",
    "evil.example",
    "/phish\r\nSet-Cookie: session=stolen",
    "/phish%0d%0aSet-Cookie: session=stolen",
    "/phish\x00",
    "",
]
# Through HTTP a NUL never arrives: forms drop it and a query holding one answers 400 (see
# tests/test_bad_input.py), so the helper's own test above is where it is refused.
HTTP_ATTACKS = [target for target in ATTACKS if "\x00" not in target]


@pytest.mark.parametrize("target", ATTACKS)
def test_a_redirect_target_that_is_not_a_path_on_this_site_falls_back_home(target: str) -> None:
    assert same_site_path(target) == "/"


@pytest.mark.parametrize("target", ["/", "/orders/12", "/invoices?q=FV%2F2026&status=open#top", "/order?q=zażółć"])
def test_a_path_on_this_site_is_kept(target: str) -> None:
    assert same_site_path(target) == target


async def _buyer() -> str:
    company = await make_company()
    return (await make_person(company, Role.BUYER)).email


@pytest.mark.parametrize("target", HTTP_ATTACKS)
async def test_login_never_sends_the_browser_off_site(client: httpx.AsyncClient, db, target: str) -> None:
    email = await _buyer()
    token = await form_token(client)
    form = {"email": email, "password": PASSWORD, "next": target, "_csrf_token": token}
    plain = await client.post("/login", data=form)
    assert plain.status_code == 303 and plain.headers["location"] == "/"
    # Signed in: the login page passes `next` on at once, to htmx as well.
    again = await client.get("/login", params={"next": target}, headers={"HX-Request": "true"})
    assert again.status_code == 204 and again.headers["hx-redirect"] == "/"


async def test_the_reviewed_attack_url_lands_on_the_home_page(client: httpx.AsyncClient, db) -> None:
    await log_in(client, await _buyer())
    response = await client.get("/login?next=/%5Cevil.example/phish", headers={"HX-Request": "true"})
    assert response.headers["hx-redirect"] == "/"


async def test_the_language_switch_stays_on_this_site(client: httpx.AsyncClient, db) -> None:
    token = await form_token(client)
    response = await client.post("/locale", data={"locale": "pl", "next": "/\\evil.example", "_csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/"


async def test_location_and_hx_redirect_carry_the_same_encoded_path(client: httpx.AsyncClient, db) -> None:
    await log_in(client, await _buyer())
    target = "/order?q=zażółć gęślą"
    plain = await client.get("/login", params={"next": target})
    htmx = await client.get("/login", params={"next": target}, headers={"HX-Request": "true"})
    assert plain.headers["location"] == htmx.headers["hx-redirect"] == quote(target, safe="/?=")
