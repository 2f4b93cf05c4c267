"""The simulated ERP (`portal erp-sim`) against the portal's API: it takes orders from the feed
and remembers how far it read across a restart, acknowledges, ships and invoices them with ids that
make a repeat harmless, receives signed webhooks once each, and waits out a portal that is
away."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook

from portal.aftersales.tables import Parcel, Shipment, ShipmentLine
from portal.cli import main
from portal.erp_sim import (
    ErpSimulator,
    PortalApi,
    SimOptions,
    SimState,
    WebhookReceiver,
    erp_number_of,
    invoice_of,
    read_feed_page,
    shipment_number_of,
    shipment_of,
    tracking_number_of,
)
from portal.erp_sim.simulator import OrderTask
from portal.finance.tables import Invoice
from portal.integration.api_keys import create_api_key
from portal.integration.events import relay_events
from portal.integration.order_documents import erp_order_documents
from portal.integration.scopes import Scope
from portal.ordering.tables import Order, OrderLine
from tests.integration.test_events import _placed_order

SIM_SCOPES = {Scope.EVENTS, Scope.ORDERS, Scope.SHIPMENTS, Scope.FINANCE}
SECRET = "whsec_" + "c2VjcmV0LW9mLXRoZS1lcnAtc2ltdWxhdG9yLTEyMzQ="


async def _options(tmp_path: Path, **changes: Any) -> SimOptions:
    key = await create_api_key("erp-sim", SIM_SCOPES)
    values: dict[str, Any] = {
        "url": "http://testserver",
        "key": key,
        "state_path": tmp_path / "erp-sim.json",
        "ack_delay": 3600,
        "invoice_delay": 3600,
        "wait_seconds": 0,
        "backoff": (0.01, 0.05),
    }
    return SimOptions(**{**values, **changes})


async def _acknowledgements_exist(client: httpx.AsyncClient) -> bool:
    paths = (await client.get("/api/v1/openapi.json")).json()["paths"]
    return "/api/v1/orders/{number}/acknowledgements" in paths


async def test_the_simulator_plans_an_order_from_the_feed_and_a_restart_continues_where_it_read(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    _order_id, number, _company = await _placed_order()
    await relay_events()
    options = await _options(tmp_path)
    simulator = ErpSimulator(PortalApi(client, options), options)

    read = await read_feed_page(simulator)
    restarted = ErpSimulator(PortalApi(client, options), options)

    assert read >= 1
    assert restarted.state.position == simulator.state.position >= 1
    assert restarted.state.tasks[number].stage == "acknowledge"
    assert restarted.state.tasks[number].document["number"] == number
    assert await read_feed_page(restarted) == 0


async def test_an_order_placed_before_the_first_start_is_left_alone_with_since_now(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    _order_id, number, _company = await _placed_order()
    await relay_events()
    options = await _options(tmp_path, since="now")
    simulator = ErpSimulator(PortalApi(client, options), options)
    # The first start is a moment after the order was placed.
    simulator.state.since = "2999-01-01T00:00:00+00:00"

    await read_feed_page(simulator)

    assert number in simulator.state.finished and number not in simulator.state.tasks


async def test_the_simulator_confirms_ships_and_invoices_an_order_once_across_a_restart(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    if not await _acknowledgements_exist(client):
        pytest.skip("needs the acknowledgements endpoint")
    order_id, number, _company = await _placed_order()
    await relay_events()
    options = await _options(tmp_path, ack_delay=0, invoice_delay=0, price_change=0)
    simulator = ErpSimulator(PortalApi(client, options), options)
    await read_feed_page(simulator)
    await simulator.run_due_steps()
    await simulator.run_due_steps()
    # A simulator whose state was lost answers, ships and invoices again: the same ids, nothing doubled.
    (tmp_path / "erp-sim.json").unlink()
    again = ErpSimulator(PortalApi(client, options), options)
    await read_feed_page(again)
    await again.run_due_steps()
    await again.run_due_steps()

    assert await Order.select(Order.status).where(Order.id == order_id).first() == {"status": "in_fulfilment"}
    shipments = await Shipment.select(Shipment.id, Shipment.erp_number, Shipment.carrier.code.as_alias("carrier"))
    assert [(row["erp_number"], row["carrier"]) for row in shipments] == [(shipment_number_of(number), "dpd")]
    assert await Parcel.select(Parcel.tracking_number) == [{"tracking_number": tracking_number_of(number)}]
    ordered = await OrderLine.select(OrderLine.id, OrderLine.quantity).where(OrderLine.order == order_id)
    shipped = await ShipmentLine.select(ShipmentLine.order_line, ShipmentLine.quantity)
    assert sorted((line["order_line"], line["quantity"]) for line in shipped) == sorted(
        (line["id"], line["quantity"]) for line in ordered
    )
    assert await Invoice.count().where(Invoice.number == "FV/" + erp_number_of(number).removeprefix("ZS/")) == 1


async def test_a_shipment_with_a_carrier_the_portal_does_not_know_is_refused_and_nothing_invoiced(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    order_id, number, _company = await _placed_order([2])
    await relay_events()
    options = await _options(tmp_path, ack_delay=0, invoice_delay=0, price_change=0, carrier="pigeon")
    simulator = ErpSimulator(PortalApi(client, options), options)
    await read_feed_page(simulator)
    await simulator.run_due_steps()
    await simulator.run_due_steps()

    assert number in simulator.state.finished and number not in simulator.state.tasks
    assert await Shipment.count() == 0
    assert await Invoice.count().where(Invoice.order == order_id) == 0


def test_the_shipment_of_an_order_carries_every_line_and_numbers_derived_from_the_order() -> None:
    document = {
        "lines": [{"line": 1, "sku": "A", "quantity": 3}, {"line": 2, "sku": "B", "quantity": 0}],
    }
    task = OrderTask("ZAM/2026/000042", "invoice", 0, document)

    shipment = shipment_of(task, "inpost", date(2026, 12, 4))

    assert shipment == {
        "shipment_number": "WZ/2026/000042",
        "order": "ZAM/2026/000042",
        "carrier": "inpost",
        "tracking_numbers": ["SIM2026000042"],
        "dispatched_on": "2026-12-04",
        "expected_on": "2026-12-05",
        "lines": [{"line": 1, "quantity": 3}],
    }
    assert shipment_of(OrderTask("ZAM/2026/000043", "invoice", 0, {"lines": []}), "dpd", date(2026, 12, 4)) is None


async def test_the_invoice_of_a_confirmed_order_is_taken_by_the_invoices_batch_once(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    order_id, number, _company = await _placed_order([3, 5])
    options = await _options(tmp_path)
    api = PortalApi(client, options)
    document = (await erp_order_documents([order_id]))[order_id]
    task = OrderTask(number, "invoice", 0, document, erp_number=erp_number_of(number), prices={"2": "12.3456"})
    invoice = invoice_of(task, date(2026, 12, 4))
    assert invoice is not None

    first = await api.send_invoices([invoice])
    second = await api.send_invoices([invoice])

    assert [result["outcome"] for result in first["results"]] == ["created"]
    assert [result["outcome"] for result in second["results"]] == ["unchanged"]
    assert invoice["number"] == "FV/" + number.split("/", 1)[1]
    assert invoice["issued_on"] == "2026-12-04"
    assert [line["unit_net_price"] for line in invoice["lines"]] == ["10.0000", "12.3456"]
    # 3 × 10.00 + 5 × 12.3456 = 30.00 + 61.73; VAT 23 % of the sum.
    assert (invoice["net_total"], invoice["vat_total"], invoice["gross_total"]) == ("91.73", "21.10", "112.83")


def _signed(event: dict[str, Any], delivery: str, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event).encode()
    moment = datetime.now(UTC)
    signature = Webhook(secret).sign(delivery, moment, body.decode())
    return body, {
        "webhook-id": delivery,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature,
    }


def _order_event(number: str, position: int, status: str = "sent_to_seller") -> dict[str, Any]:
    return {
        "id": f"evt_{position}",
        "position": position,
        "type": "order.submitted",
        "timestamp": "2026-12-04T10:00:00+00:00",
        "data": {"order": {"number": number, "status": status, "lines": []}},
    }


async def test_a_webhook_is_taken_once_however_often_it_is_delivered_and_a_forged_one_never(tmp_path: Path) -> None:
    options = SimOptions(url="http://portal.invalid", key="pk_x", state_path=tmp_path / "erp-sim.json")
    async with httpx.AsyncClient() as unused:
        simulator = ErpSimulator(PortalApi(unused, options), options)
        receiver = WebhookReceiver(simulator, SECRET)
        body, headers = _signed(_order_event("ZAM/2026/000042", 7), "evt_7")
        forged_body, forged_headers = _signed(_order_event("ZAM/2026/000043", 8), "evt_8", "whsec_" + "b3RoZXI=")

        first = receiver.deliver(body, headers)
        again = receiver.deliver(body, headers)
        forged = receiver.deliver(forged_body, forged_headers)
        # A restarted receiver still knows the delivery.
        after_restart = WebhookReceiver(ErpSimulator(PortalApi(unused, options), options), SECRET).deliver(
            body, headers
        )

    assert (first, again) == ((200, {"duplicate": False}), (200, {"duplicate": True}))
    assert forged[0] == 401 and "ZAM/2026/000043" not in simulator.state.tasks
    assert after_restart == (200, {"duplicate": True})
    assert list(SimState.load(options.state_path).tasks) == ["ZAM/2026/000042"]


async def test_a_portal_that_is_away_is_called_again_until_it_answers(tmp_path: Path) -> None:
    attempts: list[float] = []

    def portal(request: httpx.Request) -> httpx.Response:
        attempts.append(time.monotonic())
        if len(attempts) == 1:
            raise httpx.ConnectError("connection refused", request=request)
        if len(attempts) == 2:
            return httpx.Response(503, json={"title": "Starting"})
        return httpx.Response(200, json={"events": [], "next_after": 0, "head": 0})

    options = SimOptions(url="http://portal", key="pk_x", state_path=tmp_path / "s.json", backoff=(0.01, 0.02))
    async with httpx.AsyncClient(transport=httpx.MockTransport(portal), base_url=options.url) as client:
        response = await PortalApi(client, options).events(0, 100, 0)

    assert response.json()["head"] == 0 and len(attempts) == 3


async def test_a_price_change_is_decided_by_the_seed_and_the_order_alone(tmp_path: Path) -> None:
    options = SimOptions(
        url="http://portal.invalid", key="pk_x", state_path=tmp_path / "s.json", price_change=0.5, seed=7
    )
    lines = [{"line": 1, "sku": "A", "unit_price": "10.0000"}, {"line": 2, "sku": "B", "unit_price": "2.5000"}]
    async with httpx.AsyncClient() as unused:
        simulator = ErpSimulator(PortalApi(unused, options), options)
        answers = {
            f"ZAM/2026/{n:06d}": simulator.changed_lines(
                OrderTask(f"ZAM/2026/{n:06d}", "acknowledge", 0, {"lines": lines})
            )
            for n in range(40)
        }
        again = ErpSimulator(PortalApi(unused, options), options)
        repeated = {
            number: again.changed_lines(OrderTask(number, "acknowledge", 0, {"lines": lines})) for number in answers
        }

    changed = [answer for answer in answers.values() if answer]
    assert repeated == answers
    assert 0 < len(changed) < len(answers)
    for [line] in changed:
        ordered = {1: "10.0000", 2: "2.5000"}[line["line"]]
        assert line["unit_price"] != ordered and line["sku"] == {1: "A", 2: "B"}[line["line"]]


async def test_an_order_waiting_for_the_buyers_consent_is_invoiced_once_the_feed_says_confirmed(
    tmp_path: Path,
) -> None:
    options = SimOptions(url="http://portal.invalid", key="pk_x", state_path=tmp_path / "s.json", invoice_delay=5)
    async with httpx.AsyncClient() as unused:
        simulator = ErpSimulator(PortalApi(unused, options), options)
        number = "ZAM/2026/000042"
        simulator.state.tasks[number] = OrderTask(number, "consent", 0, {"number": number}, erp_number="ZS/2026/000042")
        assert simulator.next_due() is None

        simulator.take_event(_order_event(number, 9, status="awaiting_consent"))
        waiting = simulator.state.tasks[number].stage
        simulator.take_event(_order_event(number, 10, status="confirmed"))

    assert waiting == "consent"
    assert simulator.state.tasks[number].stage == "invoice"
    assert simulator.next_due() is not None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--webhooks", "--secret", "not-a-secret"], "--webhooks needs --listen HOST:PORT and --secret whsec_"),
        (["--webhooks", "--secret", SECRET, "--listen", "nowhere"], "--webhooks needs --listen HOST:PORT"),
        (["--price-change", "1.5"], "--price-change is a probability from 0 to 1"),
    ],
)
def test_the_command_refuses_options_it_cannot_run_with(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["erp-sim", "--key", "pk_x", *arguments])
    assert exit.value.code == 2
    assert message in capsys.readouterr().err
