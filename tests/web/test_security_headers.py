"""Every answer carries the security headers, error answers included, and a route's own stricter
Content-Security-Policy wins. The review found `/files/<id>`'s sandbox replaced by the site's
policy, and 404, 405 and other errors without any of the headers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import get

from portal.accounts.roles import Role
from portal.aftersales.attachments import CheckedFile, save_attachment
from portal.aftersales.tables import AttachmentPurpose
from portal.app import create_app
from portal.config import Settings
from portal.database import connection_pool
from portal.web.security import CONTENT_SECURITY_POLICY
from tests.conftest import BASE_URL
from tests.factories import log_in, make_company, make_person


def assert_security_headers(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["content-security-policy"]


@get("/test-only/broken")
async def broken() -> str:
    raise RuntimeError("a bug in a handler")


@pytest.fixture
async def client_with_a_broken_route(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app with one more route, whose handler fails as a bug would."""
    app = create_app(settings)
    app.register(broken)
    async with connection_pool(app.state["engine"]):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            yield http


async def test_a_404_for_an_unknown_path_carries_the_security_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/no-such-page")
    assert response.status_code == 404
    assert_security_headers(response)
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["cache-control"] == "no-store"


async def test_a_405_for_a_wrong_method_carries_the_security_headers(client: httpx.AsyncClient) -> None:
    response = await client.delete("/login")
    assert response.status_code == 405
    assert_security_headers(response)


async def test_a_500_carries_the_security_headers(client_with_a_broken_route: httpx.AsyncClient) -> None:
    await log_in(client_with_a_broken_route, (await make_person(await make_company(), Role.BUYER)).email)
    response = await client_with_a_broken_route.get("/test-only/broken")
    assert response.status_code == 500
    assert "a bug in a handler" not in response.text
    assert_security_headers(response)


async def test_a_404_of_another_companys_object_carries_the_security_headers(client: httpx.AsyncClient) -> None:
    buyer = await make_person(await make_company(), Role.BUYER)
    await log_in(client, buyer.email)
    response = await client.get("/orders/999999")
    assert response.status_code == 404
    assert_security_headers(response)


async def test_static_files_carry_the_security_headers_and_may_be_cached(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/htmx.min.js")
    assert response.status_code == 200
    assert_security_headers(response)
    assert response.headers.get("cache-control") != "no-store"
    missing = await client.get("/static/no-such-file.js")
    assert missing.status_code == 404
    assert_security_headers(missing)


async def test_an_uploaded_file_keeps_its_sandbox_policy(client: httpx.AsyncClient) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    attachment = await save_attachment(
        CheckedFile("strona.pdf", "application/pdf", b"%PDF-1.4 <script>alert(1)</script>"),
        company_id=company,
        purpose=AttachmentPurpose.DOCUMENT,
        uploaded_by=buyer.user_id,
    )
    await log_in(client, buyer.email)
    response = await client.get(f"/files/{attachment}")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "sandbox" in policy and policy.startswith("default-src 'none'")
    assert response.headers.get_list("content-security-policy") == [policy]
    assert_security_headers(response)
