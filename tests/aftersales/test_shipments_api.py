"""The ERP records shipments through the API: `POST /api/v1/shipments`, keyed by its own shipment
number, with the back office's rules and every refusal a problem document."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from portal.aftersales.shipments import shipment_detail
from portal.aftersales.tables import Parcel, Shipment, ShipmentEvent, ShipmentLine
from portal.integration.api_keys import create_api_key
from portal.integration.scopes import Scope as ApiScope
from portal.integration.tables import OutboxEvent
from portal.ordering.tables import Order, OrderLine, OrderStatus
from tests.aftersales.orders import make_confirmed_order
from tests.aftersales.shipping import Shop, make_shop, ship
from tests.conftest import client_at

ADDRESS = "/api/v1/shipments"


@pytest.fixture
async def shop(client: httpx.AsyncClient) -> Shop:
    return await make_shop([10, 4])


@pytest.fixture
async def erp(app, client: httpx.AsyncClient) -> httpx.AsyncClient:
    client.headers["Authorization"] = f"Bearer {await create_api_key('erp', [ApiScope.SHIPMENTS])}"
    return client


def _body(shop: Shop, **changes: Any) -> dict[str, Any]:
    return {
        "shipment_number": "WZ-ERP-1",
        "order": shop.order.number,
        "carrier": "dpd",
        "tracking_numbers": ["DPD-API-1"],
        "dispatched_on": "2026-03-02",
        "expected_on": "2026-03-04",
        "lines": [{"line": 1, "quantity": 10}, {"line": 2, "quantity": 4}],
    } | changes


async def _skus(shop: Shop) -> list[str]:
    """The SKUs of the order's lines, in their order."""
    rows = await OrderLine.select(OrderLine.sku).where(OrderLine.order == shop.order.id).order_by(OrderLine.id)
    return [row["sku"] for row in rows]


async def test_a_shipment_moves_the_order_on_and_the_buyer_sees_it(erp: httpx.AsyncClient, shop: Shop) -> None:
    skus = await _skus(shop)

    response = await erp.post(
        ADDRESS, json=_body(shop, lines=[{"line": 1, "quantity": 6}, {"sku": skus[1], "quantity": 4}])
    )

    assert response.status_code == 201, response.text
    answer = response.json()
    shipment = await Shipment.select().where(Shipment.erp_number == "WZ-ERP-1").first()
    assert shipment is not None
    assert answer == {
        "shipment": shipment["number"],
        "shipment_number": "WZ-ERP-1",
        "order": shop.order.number,
        "status": "created",
        "recorded": True,
    }
    assert str(shipment["dispatched_on"]) == "2026-03-02" and str(shipment["expected_on"]) == "2026-03-04"
    order = await Order.select(Order.status).where(Order.id == shop.order.id).first()
    assert order is not None and order["status"] == OrderStatus.IN_FULFILMENT
    detail = await shipment_detail(await shop.buyer.scope(), shipment["id"])
    assert [(line.sku, line.quantity) for line in detail.lines] == list(zip(skus, [6, 4], strict=True))
    assert [link.number for link in detail.row.tracking] == ["DPD-API-1"]
    events = (
        await OutboxEvent.select(OutboxEvent.payload, OutboxEvent.subject)
        .where(OutboxEvent.topic == "shipment.created")
        .output(load_json=True)
    )
    assert [(event["payload"]["shipment_id"], event["subject"]) for event in events] == [
        (shipment["id"], f"order:{shop.order.id}")
    ]
    created = await ShipmentEvent.select(ShipmentEvent.source, ShipmentEvent.recorded_by).first()
    assert created == {"source": "erp", "recorded_by": None}


async def test_the_same_shipment_number_again_answers_the_first_and_changes_nothing(
    erp: httpx.AsyncClient, shop: Shop
) -> None:
    first = await erp.post(ADDRESS, json=_body(shop))
    # A retry after the whole order left: nothing is left to ship, yet the answer is the same.
    again = await erp.post(ADDRESS, json=_body(shop))

    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == {**first.json(), "recorded": False}
    assert await Shipment.count() == 1 and await ShipmentLine.count() == 2 and await Parcel.count() == 1


async def test_a_shipment_number_used_for_another_order_is_a_conflict(erp: httpx.AsyncClient, shop: Shop) -> None:
    other = await make_confirmed_order(shop.buyer.company_id, shop.buyer.user_id, [3], number="ZAM/2026/OTHER1")
    assert (await erp.post(ADDRESS, json=_body(shop))).status_code == 201

    reused = await erp.post(
        ADDRESS,
        json=_body(shop, order=other.number, tracking_numbers=["DPD-API-2"], lines=[{"line": 1, "quantity": 1}]),
    )

    assert reused.status_code == 409
    assert reused.headers["content-type"].startswith("application/problem+json")
    assert "WZ-ERP-1" in reused.json()["detail"]
    assert await Shipment.count() == 1


async def test_lines_are_named_by_number_or_sku_and_wrong_names_point_at_the_entry(
    erp: httpx.AsyncClient, shop: Shop
) -> None:
    first_sku, second_sku = await _skus(shop)
    wrong = await erp.post(
        ADDRESS,
        json=_body(
            shop,
            lines=[
                {"line": 3, "quantity": 1},
                {"sku": "NO-SUCH", "quantity": 1},
                {"line": 1, "sku": second_sku, "quantity": 1},
            ],
        ),
    )
    assert wrong.status_code == 422
    assert {error["pointer"] for error in wrong.json()["errors"]} == {"/lines/0/line", "/lines/1/sku", "/lines/2/sku"}

    by_sku = await erp.post(
        ADDRESS,
        json=_body(
            shop, lines=[{"sku": second_sku.lower(), "quantity": 2}, {"line": 1, "sku": first_sku, "quantity": 1}]
        ),
    )
    assert by_sku.status_code == 201
    lines = await ShipmentLine.select(ShipmentLine.order_line, ShipmentLine.quantity)
    assert sorted((line["order_line"], line["quantity"]) for line in lines) == [
        (shop.order.line_ids[0], 1),
        (shop.order.line_ids[1], 2),
    ]


async def test_more_than_is_left_to_ship_is_refused_with_a_pointer(erp: httpx.AsyncClient, shop: Shop) -> None:
    await ship(shop, {shop.order.line_ids[0]: 8}, "DPD-OFFICE")

    response = await erp.post(ADDRESS, json=_body(shop, lines=[{"line": 2, "quantity": 4}, {"line": 1, "quantity": 3}]))

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [error["pointer"] for error in errors] == ["/lines/1/quantity"]
    assert "2" in errors[0]["detail"]
    assert await Shipment.count() == 1


async def test_bad_fields_are_refused_with_pointers(erp: httpx.AsyncClient, shop: Shop) -> None:
    response = await erp.post(
        ADDRESS,
        json=_body(
            shop,
            carrier="pigeon",
            dispatched_on="2026-03-05",
            expected_on="2026-03-01",
            lines=[{"line": 1, "quantity": 1}],
            colour="red",
        ),
    )
    assert response.status_code == 422
    assert {error["pointer"] for error in response.json()["errors"]} == {"/colour"}

    response = await erp.post(
        ADDRESS,
        json=_body(
            shop,
            carrier="pigeon",
            dispatched_on="2026-03-05",
            expected_on="2026-03-01",
            lines=[{"line": 1, "quantity": 1}],
        ),
    )
    assert response.status_code == 422
    assert {error["pointer"] for error in response.json()["errors"]} == {"/carrier", "/expected_on"}

    no_lines = await erp.post(ADDRESS, json=_body(shop, lines=[], shipment_number=""))
    assert no_lines.status_code == 422
    assert {error["pointer"] for error in no_lines.json()["errors"]} == {"/lines", "/shipment_number"}
    assert await Shipment.count() == 0


async def test_an_unconfirmed_order_cannot_be_shipped(erp: httpx.AsyncClient, shop: Shop) -> None:
    waiting = await make_confirmed_order(
        shop.buyer.company_id, shop.buyer.user_id, [2], number="ZAM/2026/WAIT01", status=OrderStatus.AWAITING_APPROVAL
    )

    response = await erp.post(ADDRESS, json=_body(shop, order=waiting.number, lines=[{"line": 1, "quantity": 1}]))

    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await Shipment.count() == 0


async def test_an_unknown_order_is_not_found(erp: httpx.AsyncClient, shop: Shop) -> None:
    response = await erp.post(ADDRESS, json=_body(shop, order="ZAM/2026/NOPE", lines=[{"line": 1, "quantity": 1}]))

    assert response.status_code == 404
    assert [error["pointer"] for error in response.json()["errors"]] == ["/order"]


async def test_a_key_without_the_shipments_scope_or_none_is_refused(client: httpx.AsyncClient, shop: Shop) -> None:
    orders_only = await create_api_key("erp-orders", [ApiScope.ORDERS])
    body = _body(shop, lines=[{"line": 1, "quantity": 1}])

    refused = await client.post(ADDRESS, json=body, headers={"Authorization": f"Bearer {orders_only}"})
    anonymous = await client.post(ADDRESS, json=body)

    assert refused.status_code == 403 and "shipments" in refused.json()["detail"]
    assert anonymous.status_code == 401
    assert await Shipment.count() == 0


async def test_the_same_shipment_sent_twice_at_once_is_recorded_once(app, erp: httpx.AsyncClient, shop: Shop) -> None:
    body = _body(shop, lines=[{"line": 1, "quantity": 5}])

    async with client_at(app) as other:
        other.headers["Authorization"] = erp.headers["Authorization"]
        answers = await asyncio.gather(erp.post(ADDRESS, json=body), other.post(ADDRESS, json=body))

    assert sorted(answer.status_code for answer in answers) == [200, 201]
    assert answers[0].json()["shipment"] == answers[1].json()["shipment"]
    assert await Shipment.count() == 1 and await ShipmentLine.count() == 1
