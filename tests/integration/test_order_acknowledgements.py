"""The ERP answers orders through the API: `POST /api/v1/orders/{number}/acknowledgements`, as an
ERP calls it, with every refusal a problem document."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

import httpx
import pytest

from portal.accounts.roles import Role
from portal.app import create_app
from portal.database import connection_pool
from portal.integration.api_keys import create_api_key
from portal.integration.scopes import Scope
from portal.ordering.tables import Order, OrderAcknowledgement, OrderEvent, OrderLine, OrderStatus
from tests.aftersales.orders import ConfirmedOrder, make_confirmed_order
from tests.conftest import client_at
from tests.factories import Person, make_company, make_person
from tests.mailbox import Mailbox


@pytest.fixture
async def erp(app, client: httpx.AsyncClient) -> httpx.AsyncClient:
    client.headers["Authorization"] = f"Bearer {await create_api_key('erp', [Scope.ORDERS])}"
    return client


async def _placed(
    quantities: list[int], status: OrderStatus = OrderStatus.SENT_TO_SELLER
) -> tuple[Person, ConfirmedOrder]:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    return buyer, await make_confirmed_order(company, buyer.user_id, quantities, status=status)


def _address(number: str) -> str:
    return f"/api/v1/orders/{quote(number, safe='')}/acknowledgements"


async def _status(order_id: int) -> str:
    row = await Order.select(Order.status).where(Order.id == order_id).first()
    assert row is not None
    return str(row["status"])


async def test_an_accepted_answer_confirms_the_order_and_says_so(erp, mailbox: Mailbox) -> None:
    buyer, order = await _placed([5, 2])
    body = {
        "event_id": "ERP-ACK-1",
        "outcome": "accepted",
        "erp_number": "ZK/2026/0815",
        "lines": [{"line": 1, "quantity": 4, "unit_price": "10.1000", "delivery_on": "2027-01-20"}],
    }

    response = await erp.post(_address(order.number), json=body)

    assert response.status_code == 201
    assert response.json() == {
        "order": order.number,
        "event_id": "ERP-ACK-1",
        "outcome": "accepted",
        "status": "confirmed",
        "erp_number": "ZK/2026/0815",
        "recorded": True,
    }
    line = await OrderLine.select().where(OrderLine.id == order.line_ids[0]).first()
    assert line is not None
    assert (line["confirmed_quantity"], Decimal(str(line["confirmed_unit_price"]))) == (4, Decimal("10.1000"))
    assert str(line["confirmed_delivery_on"]) == "2027-01-20"
    message = mailbox.last_to(buyer.email)
    assert message["Subject"] == f"Order {order.number} is confirmed"


async def test_the_number_may_also_go_with_its_slashes_as_they_are(erp) -> None:
    _, order = await _placed([1])

    response = await erp.post(
        f"/api/v1/orders/{order.number}/acknowledgements",
        json={"event_id": "raw", "outcome": "accepted", "erp_number": "Z"},
    )

    assert response.status_code == 201 and response.json()["order"] == order.number


async def test_a_retried_answer_gets_the_same_result_and_changes_nothing(erp, mailbox: Mailbox) -> None:
    _, order = await _placed([1])
    body = {"event_id": "ERP-ACK-2", "outcome": "accepted", "erp_number": "ZK/2"}
    first = await erp.post(_address(order.number), json=body)
    events = await OrderEvent.count()
    mails = len(mailbox.messages)

    again = await erp.post(_address(order.number), json=body)

    assert again.status_code == 200
    assert again.json() == {**first.json(), "recorded": False}
    assert await OrderEvent.count() == events and len(mailbox.messages) == mails


async def test_a_second_different_answer_is_a_conflict(erp) -> None:
    _, order = await _placed([1])
    await erp.post(_address(order.number), json={"event_id": "A-1", "outcome": "accepted", "erp_number": "Z"})

    second = await erp.post(_address(order.number), json={"event_id": "A-2", "outcome": "rejected", "reason": "No"})

    assert second.status_code == 409
    assert second.headers["content-type"].startswith("application/problem+json")
    assert "already answered" in second.json()["detail"] and "A-1" in second.json()["detail"]
    assert await _status(order.id) == "confirmed"


async def test_a_rejection_rejects_the_order_with_its_reason(erp) -> None:
    _, order = await _placed([1], OrderStatus.SENT_TO_ERP)

    response = await erp.post(
        _address(order.number), json={"event_id": "R-1", "outcome": "rejected", "reason": "Customer blocked"}
    )

    assert response.status_code == 201 and response.json()["status"] == "rejected"
    event = await OrderEvent.select(OrderEvent.note).order_by(OrderEvent.id, ascending=False).first()
    assert event is not None and event["note"] == "Customer blocked"


async def test_an_unknown_number_is_a_404_problem(erp) -> None:
    response = await erp.post(
        _address("ZAM/2026/999999"), json={"event_id": "U", "outcome": "accepted", "erp_number": "Z"}
    )

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "ZAM/2026/999999" in response.json()["detail"]


@pytest.mark.parametrize("status", [OrderStatus.AWAITING_APPROVAL, OrderStatus.CANCELLED, OrderStatus.REJECTED])
async def test_an_order_not_with_the_seller_is_a_409_problem(erp, status: OrderStatus) -> None:
    _, order = await _placed([1], status)

    response = await erp.post(_address(order.number), json={"event_id": "S", "outcome": "accepted", "erp_number": "Z"})

    assert response.status_code == 409 and response.json()["detail"]
    assert await OrderAcknowledgement.count() == 0


async def test_a_key_without_the_orders_scope_is_refused(app, client: httpx.AsyncClient) -> None:
    _, order = await _placed([1])
    key = await create_api_key("erp-catalog", [Scope.CATALOG, Scope.SHIPMENTS])

    refused = await client.post(
        _address(order.number),
        json={"event_id": "K", "outcome": "accepted", "erp_number": "Z"},
        headers={"Authorization": f"Bearer {key}"},
    )
    anonymous = await client.post(
        _address(order.number), json={"event_id": "K", "outcome": "accepted", "erp_number": "Z"}
    )

    assert refused.status_code == 403 and "orders" in refused.json()["detail"]
    assert anonymous.status_code == 401
    assert await _status(order.id) == "sent_to_seller"


@pytest.mark.parametrize(
    ("body", "pointers"),
    [
        ({"event_id": "B", "outcome": "maybe", "erp_number": "Z"}, {"/outcome"}),
        ({"event_id": "B", "outcome": "accepted"}, {"/erp_number"}),
        ({"event_id": "", "outcome": "accepted", "erp_number": "Z"}, {"/event_id"}),
        ({"event_id": "B" * 101, "outcome": "accepted", "erp_number": "Z"}, {"/event_id"}),
        ({"event_id": "B", "outcome": "accepted", "erp_number": "Z", "lines": [{"quantity": 2}]}, {"/lines/0"}),
        (
            {"event_id": "B", "outcome": "accepted", "erp_number": "Z", "lines": [{"line": 1, "quantity": "2"}]},
            {"/lines/0/quantity"},
        ),
        (
            {"event_id": "B", "outcome": "accepted", "erp_number": "Z", "lines": [{"line": 1, "unit_price": "-1"}]},
            {"/lines/0/unit_price"},
        ),
        (
            {"event_id": "B", "outcome": "accepted", "erp_number": "Z", "lines": [{"line": 1, "delivery_on": "soon"}]},
            {"/lines/0/delivery_on"},
        ),
        ({"event_id": "B", "outcome": "accepted", "erp_number": "Z", "number": "x"}, {"/number"}),
        ({"event_id": "B", "outcome": "rejected", "lines": [{"line": 1}]}, {"/lines"}),
        ({"event_id": "B", "outcome": "accepted", "erp_number": "Z", "lines": [{"line": 9}]}, {"/lines/0/line"}),
    ],
)
async def test_another_body_shape_is_a_422_problem_with_pointers(erp, body: dict, pointers: set[str]) -> None:
    _, order = await _placed([1])

    response = await erp.post(_address(order.number), json=body)

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {error["pointer"] for error in response.json()["errors"]} == pointers
    assert all(error["detail"] for error in response.json()["errors"])
    assert await _status(order.id) == "sent_to_seller"


async def test_a_body_that_is_not_json_is_a_400_problem(erp) -> None:
    _, order = await _placed([1])

    response = await erp.post(
        _address(order.number), content=b"event_id=1", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400


async def test_another_address_under_orders_is_not_found(erp) -> None:
    response = await erp.post("/api/v1/orders/ZAM%2F2026%2F000001/answers", json={})

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_price_over_the_tolerance_is_answered_as_awaiting_consent(erp, mailbox: Mailbox) -> None:
    buyer, order = await _placed([1])

    response = await erp.post(
        _address(order.number),
        json={"event_id": "P", "outcome": "accepted", "erp_number": "Z", "lines": [{"line": 1, "unit_price": "10.21"}]},
    )

    assert response.status_code == 201 and response.json()["status"] == "awaiting_consent"
    assert mailbox.last_to(buyer.email)["Subject"] == f"Order {order.number}: the seller changed prices"


async def test_the_price_tolerance_is_the_portals_setting(settings) -> None:
    lenient = create_app(settings.model_copy(update={"price_tolerance_percent": Decimal("25")}))
    async with connection_pool(lenient.state["engine"]), client_at(lenient) as client:
        _, order = await _placed([1])
        key = await create_api_key("erp", [Scope.ORDERS])
        response = await client.post(
            _address(order.number),
            json={
                "event_id": "T",
                "outcome": "accepted",
                "erp_number": "Z",
                "lines": [{"line": 1, "unit_price": "12"}],
            },
            headers={"Authorization": f"Bearer {key}"},
        )

    assert response.status_code == 201 and response.json()["status"] == "confirmed"
