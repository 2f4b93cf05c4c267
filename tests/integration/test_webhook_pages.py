"""The Webhooks pages of the seller's administrator: registering an endpoint (https only, no
private addresses, a clear message for each), its secret, rotate, disable, delete, the recent
deliveries with their attempts filtered by status, and a replay that asks first. Nobody else
finds the pages, and every change carries CSRF and goes to the audit log."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from portal.accounts.roles import Role
from portal.accounts.tables import AuditEntry, CompanyKind
from portal.integration.events import relay_events
from portal.integration.outbox import emit
from portal.integration.tables import WebhookDelivery, WebhookEndpoint
from portal.integration.webhooks import dispatch_due_deliveries
from portal.mail import Postbox, mailer_for
from portal.outgoing.guard import Guard
from portal.web.templating import build_environment
from tests.factories import Person, csrf_token, log_in, make_company, make_person
from tests.integration.webhook_receiver import running_receiver

PAGE = "/office/integration/webhooks"
HTMX = {"HX-Request": "true"}


@pytest.fixture
async def seller() -> int:
    return await make_company("Hurtownia", kind=CompanyKind.SELLER)


@pytest.fixture
async def admin(app: Any, client: httpx.AsyncClient, seller: int) -> httpx.AsyncClient:
    person = await make_person(seller, Role.SELLER_ADMIN, email="admin@hurtownia.example")
    await log_in(client, person.email)
    return client


async def post(client: httpx.AsyncClient, path: str, data: dict[str, Any], **kwargs: Any) -> httpx.Response:
    token = csrf_token((await client.get("/")).text)
    return await client.post(path, data={**data, "_csrf_token": token}, **kwargs)


async def register(client: httpx.AsyncClient, url: str = "https://erp.example.com/hooks") -> httpx.Response:
    return await post(
        client, PAGE, {"url": url, "description": "ERP", "event_types": ["order.submitted", "complaint.created"]}
    )


async def only_endpoint() -> dict[str, Any]:
    [endpoint] = await WebhookEndpoint.select()
    return endpoint


async def test_the_admin_registers_an_endpoint_and_sees_its_secret(admin: httpx.AsyncClient) -> None:
    answer = await register(admin)

    endpoint = await only_endpoint()
    assert answer.status_code == 303 and answer.headers["location"] == f"{PAGE}/{endpoint['id']}"
    assert endpoint["event_types"] == "order.submitted complaint.created"
    page = (await admin.get(f"{PAGE}/{endpoint['id']}")).text
    assert endpoint["secret"].startswith("whsec_") and f'value="{endpoint["secret"]}"' in page
    assert "https://erp.example.com/hooks" in (await admin.get(PAGE)).text
    assert await AuditEntry.count().where(AuditEntry.action == "webhook.created") == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://erp.example.com/hooks", "The portal calls only https addresses"),
        ("https://10.1.2.3/hooks", "local or private network address"),
        ("https://127.0.0.1:8443/hooks", "local or private network address"),
        ("https://[::1]/hooks", "local or private network address"),
        ("not an address", "is not a valid web address"),
        ("https://user:pw@erp.example.com/", "is not a valid web address"),
        ("", "Enter the https address"),
    ],
)
async def test_an_address_the_guard_refuses_gets_a_clear_message_and_nothing_is_stored(
    admin: httpx.AsyncClient, url: str, message: str
) -> None:
    answer = await register(admin, url)

    assert answer.status_code == 422 and message in answer.text
    assert await WebhookEndpoint.count() == 0


async def test_no_event_type_or_an_unknown_one_is_refused(admin: httpx.AsyncClient) -> None:
    none = await post(admin, PAGE, {"url": "https://erp.example.com/h"})
    unknown = await post(admin, PAGE, {"url": "https://erp.example.com/h", "event_types": ["order.eaten"]})

    assert none.status_code == 422 and "Choose at least one event type" in none.text
    assert unknown.status_code == 422 and "Choose event types from the list" in unknown.text
    assert await WebhookEndpoint.count() == 0


async def test_changes_without_the_csrf_token_are_refused(admin: httpx.AsyncClient) -> None:
    await register(admin)
    endpoint = await only_endpoint()

    for path in (PAGE, f"{PAGE}/{endpoint['id']}/rotate", f"{PAGE}/{endpoint['id']}/delete"):
        answer = await admin.post(path, data={"url": "https://x.example.com/", "event_types": "order.submitted"})
        assert answer.status_code == 403
    assert await only_endpoint() == endpoint


async def test_rotate_disable_enable_change_and_delete_are_audited(admin: httpx.AsyncClient) -> None:
    await register(admin)
    endpoint = await only_endpoint()
    base = f"{PAGE}/{endpoint['id']}"

    await post(admin, f"{base}/rotate", {})
    rotated = await only_endpoint()
    assert rotated["previous_secret"] == endpoint["secret"] and rotated["secret"] != endpoint["secret"]
    assert "rotating until" in (await admin.get(base)).text
    await post(admin, f"{base}/disable", {})
    assert not (await only_endpoint())["enabled"]
    await post(admin, f"{base}/enable", {})
    assert (await only_endpoint())["enabled"]
    changed = await post(admin, base, {"url": "https://erp2.example.com/h", "event_types": ["cart.abandoned"]})
    assert changed.status_code == 303 and (await only_endpoint())["event_types"] == "cart.abandoned"
    refused = await post(admin, base, {"url": "http://erp2.example.com/h", "event_types": ["cart.abandoned"]})
    assert refused.status_code == 422 and "only https" in refused.text
    deleted = await post(admin, f"{base}/delete", {})
    assert deleted.headers["location"] == PAGE and await WebhookEndpoint.count() == 0

    actions = {row["action"] for row in await AuditEntry.select(AuditEntry.action)}
    assert {
        "webhook.created",
        "webhook.secret_rotated",
        "webhook.disabled",
        "webhook.enabled",
        "webhook.changed",
        "webhook.deleted",
    } <= actions


async def test_the_page_shows_deliveries_and_attempts_filtered_by_status(
    admin: httpx.AsyncClient, settings: Any
) -> None:
    with running_receiver() as receiver:
        await register(admin)
        endpoint = await only_endpoint()
        # Registered as https above; the test's receiver is plain http on this machine.
        await WebhookEndpoint.update({WebhookEndpoint.url: receiver.url()}).where(WebhookEndpoint.id == endpoint["id"])
        await emit("complaint.created", 1, {"n": 1}, subject="complaint:1")
        await emit("complaint.created", 1, {"n": 2}, subject="complaint:2")
        await relay_events()
        receiver.answer("evt_2", 500)
        postbox = Postbox(build_environment(auto_reload=False), mailer_for(settings), settings.base_url)
        async with Guard(allow_local_http=True).client() as http:
            await dispatch_due_deliveries(http, postbox)

    base = f"{PAGE}/{endpoint['id']}"
    page = (await admin.get(base)).text
    assert "evt_1" in page and "evt_2" in page and "HTTP 500" in page and "status 500 &lt;b&gt;answer&lt;/b&gt;" in page
    waiting = await admin.get(base, params={"status": "pending"}, headers=HTMX)
    assert "evt_2" in waiting.text and "evt_1" not in waiting.text and "<html" not in waiting.text
    delivered = await admin.get(base, params={"status": "delivered"})
    assert "evt_1" in delivered.text and "evt_2" not in delivered.text
    everything = await admin.get(base, params={"status": "<script>"})
    assert everything.status_code == 200 and "evt_1" in everything.text


async def test_a_replay_asks_first_then_queues_the_same_ids(admin: httpx.AsyncClient) -> None:
    await register(admin)
    endpoint = await only_endpoint()
    await emit("complaint.created", 1, {"n": 1}, subject="complaint:1")
    await emit("message.created", 1, {"n": 2}, subject="thread:1")
    await relay_events()
    base = f"{PAGE}/{endpoint['id']}"

    asked = await post(admin, f"{base}/replay", {"from_position": "1"})
    assert asked.status_code == 200 and "1 events of this endpoint" in asked.text
    assert await WebhookDelivery.count() == 1
    done = await post(admin, f"{base}/replay", {"from_position": "1", "confirm": "yes"})
    assert done.status_code == 303
    assert [row["position"] for row in await WebhookDelivery.select(WebhookDelivery.position)] == [1, 1]

    for wrong in ({"from_position": "x"}, {"from_date": "yesterday"}, {}):
        answer = await post(admin, f"{base}/replay", wrong)
        assert answer.status_code == 422
    assert await WebhookDelivery.count() == 2


@pytest.mark.parametrize("role", [Role.BACK_OFFICE, Role.SALES_REP, Role.COMPANY_ADMIN, Role.BUYER])
async def test_nobody_but_the_seller_admin_finds_the_pages(
    app: Any, client: httpx.AsyncClient, seller: int, role: Role
) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver", headers={"Accept-Language": "en"}
    ) as admin_client:
        owner: Person = await make_person(seller, Role.SELLER_ADMIN)
        await log_in(admin_client, owner.email)
        await register(admin_client)
    endpoint = await only_endpoint()
    company = seller if role in (Role.BACK_OFFICE, Role.SALES_REP) else await make_company()
    await log_in(client, (await make_person(company, role)).email)
    base = f"{PAGE}/{endpoint['id']}"

    for path in (PAGE, base):
        assert (await client.get(path)).status_code == 404
    for path in (base, f"{base}/rotate", f"{base}/disable", f"{base}/delete", f"{base}/replay"):
        assert (await post(client, path, {"from_position": "1", "confirm": "yes"})).status_code == 404
    assert await only_endpoint() == endpoint
    assert await WebhookDelivery.count() == 0


async def test_an_endpoint_the_portal_disabled_says_why_and_can_be_enabled(admin: httpx.AsyncClient) -> None:
    await register(admin)
    endpoint = await only_endpoint()
    await WebhookEndpoint.update({WebhookEndpoint.enabled: False, WebhookEndpoint.disabled_reason: "failing"}).where(
        WebhookEndpoint.id == endpoint["id"]
    )
    base = f"{PAGE}/{endpoint['id']}"

    assert "no delivery succeeded through the whole retry schedule" in (await admin.get(base)).text
    await post(admin, f"{base}/enable", {})
    enabled = await only_endpoint()
    assert enabled["enabled"] and enabled["disabled_reason"] == ""
