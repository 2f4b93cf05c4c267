"""The deliveries table, shipment pages, the shipping desk and the tracking-event API over HTTP."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from portal.accounts.roles import Role
from portal.aftersales.tables import Shipment, ShipmentEvent
from portal.integration.api_keys import create_api_key
from portal.integration.scopes import Scope as ApiScope
from portal.ordering.tables import Order, OrderStatus
from tests.aftersales.shipping import Shop, make_shop, ship
from tests.factories import csrf_token, log_in, make_person
from tests.finance.documents import make_invoice
from tests.mailbox import Mailbox


@pytest.fixture
async def shop(client: httpx.AsyncClient) -> Shop:
    return await make_shop([10, 4])


def _moment(minutes_ago: int) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()


async def test_the_buyer_sees_open_deliveries_with_the_carriers_tracking_link(client, shop: Shop) -> None:
    shipment = await ship(shop, {shop.order.line_ids[0]: 10}, "0000123456789")
    await log_in(client, shop.buyer.email)
    page = await client.get("/deliveries")
    assert page.status_code == 200
    assert f'id="shipment-{shipment}"' in page.text
    assert "https://tracktrace.dpd.com.pl/parcelDetails?p1=0000123456789" in page.text
    assert f'hx-trigger="sse:shipment-{shipment}"' in page.text
    assert 'sse-connect="/live"' in page.text

    row = await client.get(f"/deliveries/{shipment}/row", headers={"HX-Request": "true"})
    assert row.text.lstrip().startswith(f'<tr id="shipment-{shipment}"')
    assert "<table" not in row.text


async def test_delivered_shipments_leave_the_open_list_but_stay_findable(client, shop: Shop) -> None:
    shipment = await ship(shop, {shop.order.line_ids[0]: 10}, "DPD-DONE")
    await Shipment.update({Shipment.status: "delivered"}).where(Shipment.id == shipment)
    await log_in(client, shop.buyer.email)
    assert "DPD-DONE" not in (await client.get("/deliveries")).text
    assert "DPD-DONE" in (await client.get("/deliveries?status=all")).text
    assert "DPD-DONE" in (await client.get("/deliveries?status=all&q=PO-77")).text
    assert "DPD-DONE" not in (await client.get("/deliveries?status=all&carrier=inpost")).text


async def test_the_back_office_records_a_shipment_and_its_events_from_forms(client, shop: Shop) -> None:
    await log_in(client, shop.office.email)
    desk = await client.get("/office/shipments")
    assert shop.order.number in desk.text
    token = csrf_token(desk.text)
    first, second = shop.order.line_ids

    refused = await client.post(
        f"/office/orders/{shop.order.id}/ship",
        data={"_csrf_token": token, "carrier": "dpd", "tracking_numbers": "", f"quantity-{first}": "11"},
    )
    assert refused.status_code == 422
    assert "Only 10" in refused.text and "tracking number" in refused.text
    assert await Shipment.count() == 0

    created = await client.post(
        f"/office/orders/{shop.order.id}/ship",
        data={
            "_csrf_token": token,
            "carrier": "inpost",
            "tracking_numbers": "620000111\n620000112",
            f"quantity-{first}": "10",
            f"quantity-{second}": "0",
            "expected_on": "2026-12-01",
        },
    )
    assert created.status_code == 303
    shipment_page = created.headers["location"]
    event = await client.post(
        f"{shipment_page}/events",
        data={"_csrf_token": token, "status": "handed_to_carrier", "occurred_at": "", "place": "Magazyn Łódź"},
    )
    assert event.status_code == 303
    page = await client.get(shipment_page)
    assert "Magazyn Łódź" in page.text and "620000112" in page.text
    assert await Order.select(Order.status).output(as_list=True) == [OrderStatus.PARTLY_SHIPPED]

    bad = await client.post(f"{shipment_page}/events", data={"_csrf_token": token, "status": "lost_in_space"})
    assert bad.status_code == 422
    assert await ShipmentEvent.count() == 2


async def test_a_customer_cannot_reach_the_shipping_desk_or_record_events(client, shop: Shop) -> None:
    shipment = await ship(shop, {shop.order.line_ids[0]: 10}, "DPD-1")
    await log_in(client, shop.buyer.email)
    token = csrf_token((await client.get("/deliveries")).text)
    assert (await client.get("/office/shipments")).status_code == 403
    refused = await client.post(f"/deliveries/{shipment}/events", data={"_csrf_token": token, "status": "delivered"})
    assert refused.status_code == 403
    assert await ShipmentEvent.count() == 1


async def test_shipment_documents_download_as_pdf(client, shop: Shop) -> None:
    shipment = await ship(shop, {shop.order.line_ids[0]: 10}, "DPD-1")
    await log_in(client, shop.buyer.email)
    for document in ("delivery-note.pdf", "packing-list.pdf"):
        response = await client.get(f"/deliveries/{shipment}/{document}")
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")


# --- the JSON API ------------------------------------------------------------------------------


async def test_a_carrier_posts_events_once_each_and_gets_clear_refusals(client, shop: Shop) -> None:
    shipment = await ship(shop, {shop.order.line_ids[0]: 10}, "DPD-API-1")
    key = await create_api_key("dpd-feed", [ApiScope.SHIPMENTS])
    auth = {"Authorization": f"Bearer {key}"}
    event = {
        "event_id": "dpd-1",
        "tracking_number": "DPD-API-1",
        "status": "in_transit",
        "occurred_at": _moment(5),
        "place": "Stryków",
    }

    first = await client.post("/api/v1/shipment-events", json=event, headers=auth)
    assert first.status_code == 201
    assert first.json() == {"shipment": shipment, "status": "in_transit", "recorded": True}
    again = await client.post("/api/v1/shipment-events", json=event, headers=auth)
    assert again.status_code == 200 and again.json()["recorded"] is False

    unknown = await client.post(
        "/api/v1/shipment-events", json={**event, "event_id": "x", "tracking_number": "NOPE"}, headers=auth
    )
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert "NOPE" in unknown.json()["detail"]
    assert [error["pointer"] for error in unknown.json()["errors"]] == ["/tracking_number"]

    invalid = await client.post(
        "/api/v1/shipment-events",
        json={**event, "event_id": "y", "status": "teleported", "occurred_at": "yesterday"},
        headers=auth,
    )
    assert invalid.status_code == 422
    assert {error["pointer"] for error in invalid.json()["errors"]} == {"/status", "/occurred_at"}
    assert all(error["detail"] for error in invalid.json()["errors"])

    no_key = await client.post("/api/v1/shipment-events", json={**event, "event_id": "z"})
    wrong_key = await client.post(
        "/api/v1/shipment-events", json={**event, "event_id": "z"}, headers={"Authorization": "Bearer pk_wrong"}
    )
    assert no_key.status_code == wrong_key.status_code == 401
    assert await ShipmentEvent.count().where(ShipmentEvent.source == "dpd-feed") == 1


async def test_a_key_without_the_shipments_scope_is_refused_with_403(client, shop: Shop) -> None:
    await ship(shop, {shop.order.line_ids[0]: 10}, "DPD-SCOPE")
    catalog_only = await create_api_key("erp-catalog", [ApiScope.CATALOG, ApiScope.PRICES])
    event = {"event_id": "s-1", "tracking_number": "DPD-SCOPE", "status": "in_transit", "occurred_at": _moment(1)}

    refused = await client.post(
        "/api/v1/shipment-events", json=event, headers={"Authorization": f"Bearer {catalog_only}"}
    )

    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "shipments" in refused.json()["detail"]
    assert await ShipmentEvent.count().where(ShipmentEvent.external_id == "s-1") == 0


async def test_a_failed_delivery_posted_by_the_carrier_emails_the_buyer(client, shop: Shop, mailbox: Mailbox) -> None:
    await ship(shop, {shop.order.line_ids[0]: 10}, "DPD-FAIL")
    key = await create_api_key("dpd-feed", [ApiScope.SHIPMENTS])
    response = await client.post(
        "/api/v1/shipment-events",
        json={
            "event_id": "fail-1",
            "tracking_number": "DPD-FAIL",
            "status": "delivery_failed",
            "occurred_at": _moment(1),
            "place": "Gdańsk",
            "note": "Odbiorca nieobecny",
        },
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201
    mail = mailbox.last_to(shop.buyer.email)
    assert "failed" in mail["Subject"]
    assert "Odbiorca nieobecny" in Mailbox.text_of(mail)


async def test_the_order_page_shows_its_shipments_and_what_is_still_to_ship(client, shop: Shop) -> None:
    shipment = await ship(shop, {shop.order.line_ids[0]: 6}, "DPD-PART")
    await log_in(client, shop.buyer.email)
    page = await client.get(f"/orders/{shop.order.id}")
    assert f'href="/deliveries/{shipment}"' in page.text and "DPD-PART" in page.text
    assert 'id="still-to-ship"' in page.text
    assert f'hx-trigger="sse:order-{shop.order.id}"' in page.text
    assert "/complaints/new" not in page.text  # nothing delivered yet
    assert f'hx-post="/orders/{shop.order.id}/messages"' in page.text  # the conversation with the seller

    await Shipment.update({Shipment.status: "delivered"}).where(Shipment.id == shipment)
    fragment = await client.get(f"/orders/{shop.order.id}", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<section class="card" id="deliveries"')
    assert f"/complaints/new?order={shop.order.id}" in fragment.text


async def test_an_invoice_of_an_order_offers_a_complaint_and_the_form_finds_its_delivery(client, shop: Shop) -> None:
    shipment = await ship(shop, {shop.order.line_ids[0]: 10}, "DPD-INV")
    await Shipment.update({Shipment.status: "delivered", Shipment.delivered_at: datetime.now(UTC)}).where(
        Shipment.id == shipment
    )
    invoice = await make_invoice(shop.buyer.company_id, "123.00", order_id=shop.order.id)
    finance = await make_person(shop.buyer.company_id, Role.FINANCE)
    await log_in(client, finance.email)
    page = await client.get(f"/invoices/{invoice}")
    assert f'href="/complaints/new?invoice={invoice}"' in page.text
    form = await client.get(f"/complaints/new?invoice={invoice}")
    assert form.status_code == 200
    assert shop.order.number in form.text
