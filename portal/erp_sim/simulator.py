"""The simulated ERP's behaviour: what it does with each order it learns of, when, and how it
tells the portal. It knows the portal only through the integration API (`PortalApi`), and keeps
everything it must not forget in a small state file, so a restarted simulator carries on where
it stopped and repeats nothing the portal would count twice."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

log = logging.getLogger("portal.erp_sim")

# The statuses of an order the seller has received and not answered yet.
TO_ANSWER = frozenset({"sent_to_seller", "sent_to_erp"})
# The status after which the ERP goes on to ship and invoice.
CONFIRMED = "confirmed"
# Statuses that end the ERP's part: nothing more will be done for the order.
FINISHED = frozenset({"rejected", "cancelled"})
# Webhook ids remembered for deduplication: far more than a portal retries at once.
REMEMBERED_DELIVERIES = 10_000
GROSZ = Decimal("0.01")
PRICE_PLACES = Decimal("0.0001")
# The factors a changed price is multiplied by: a rebate, a small rise, a rise over the usual
# tolerance (the buyer is asked to consent).
PRICE_FACTORS = (Decimal("0.95"), Decimal("1.02"), Decimal("1.10"))


class PortalRefused(Exception):
    """The portal answered a call with a client error (4xx): repeating it would not help."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(f"{status} {problem.get('title', '')}: {problem.get('detail', '')}".strip())
        self.status = status
        self.problem = problem


@dataclass(frozen=True)
class SimOptions:
    url: str
    key: str
    state_path: Path
    ack_delay: float = 2.0
    invoice_delay: float = 20.0
    price_change: float = 0.2
    seed: int = 0
    # The carrier the ERP ships with, by the portal's code of it (every portal knows dpd).
    carrier: str = "dpd"
    # "all": every order in the feed; "now": only orders placed after the first start (an ERP
    # connected today, which has the older orders already).
    since: str = "all"
    wait_seconds: int = 20
    page_size: int = 100
    # Backoff between attempts when the portal cannot be reached: doubling up to the last.
    backoff: tuple[float, float] = (0.5, 30.0)


@dataclass
class OrderTask:
    """What the ERP still has to do for one order: `stage` is the next step, due at `due` (UNIX
    time, so a restart keeps the schedule)."""

    number: str
    stage: str
    due: float
    document: dict[str, Any]
    erp_number: str = ""
    prices: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "stage": self.stage,
            "due": self.due,
            "document": self.document,
            "erp_number": self.erp_number,
            "prices": self.prices,
        }


@dataclass
class SimState:
    position: int = 0
    since: str | None = None
    tasks: dict[str, OrderTask] = field(default_factory=dict)
    # Orders the ERP has finished with (invoiced, rejected, or left alone), so a repeated event
    # does not start them again.
    finished: set[str] = field(default_factory=set)
    deliveries: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> SimState:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        return cls(
            position=int(raw.get("position", 0)),
            since=raw.get("since"),
            tasks={number: OrderTask(**task) for number, task in raw.get("tasks", {}).items()},
            finished=set(raw.get("finished", [])),
            deliveries=list(raw.get("deliveries", [])),
        )

    def save(self, path: Path) -> None:
        """Written whole to a neighbour and renamed over: a kill mid-write leaves the old state."""
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(
            {
                "position": self.position,
                "since": self.since,
                "tasks": {number: task.as_json() for number, task in self.tasks.items()},
                "finished": sorted(self.finished),
                "deliveries": self.deliveries[-REMEMBERED_DELIVERIES:],
            },
            ensure_ascii=False,
        )
        partial = path.with_name(path.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)


class PortalApi:
    """The calls the ERP makes, each retried while the portal cannot be reached or answers 5xx
    or 429; every call is safe to repeat (the portal deduplicates by the ids sent)."""

    def __init__(self, client: httpx.AsyncClient, options: SimOptions) -> None:
        self.client = client
        self.options = options
        self.headers = {"Authorization": f"Bearer {options.key}"}

    async def call(self, method: str, path: str, *, seconds: float = 30, **arguments: Any) -> httpx.Response:
        delay, longest = self.options.backoff
        while True:
            try:
                response = await self.client.request(method, path, headers=self.headers, timeout=seconds, **arguments)
            except httpx.TransportError as error:
                log.warning("portal unreachable (%s: %s); again in %.1f s", type(error).__name__, error, delay)
            else:
                if response.status_code < 400:
                    return response
                if response.status_code != 429 and response.status_code < 500:
                    raise PortalRefused(response.status_code, _problem(response))
                log.warning("portal answered %d to %s %s; again in %.1f s", response.status_code, method, path, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, longest)

    async def events(self, after: int, limit: int, wait: int) -> httpx.Response:
        return await self.call(
            "GET", "/api/v1/events", params={"after": after, "limit": limit, "wait": wait}, seconds=wait + 30
        )

    async def acknowledge(self, number: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.call("POST", f"/api/v1/orders/{_number_path(number)}/acknowledgements", json=body)
        answer: dict[str, Any] = response.json()
        return answer

    async def record_shipment(self, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.call("POST", "/api/v1/shipments", json=body)
        answer: dict[str, Any] = response.json()
        return answer

    async def send_invoices(self, invoices: list[dict[str, Any]]) -> dict[str, Any]:
        response = await self.call("POST", "/api/v1/invoices/batch", json={"upsert": invoices})
        answer: dict[str, Any] = response.json()
        return answer


def _problem(response: httpx.Response) -> dict[str, Any]:
    try:
        problem = response.json()
    except ValueError:
        return {"title": response.text[:200]}
    return problem if isinstance(problem, dict) else {"title": str(problem)[:200]}


def _number_path(number: str) -> str:
    """The order number as path segments: its slashes stay, anything else odd is escaped."""
    return quote(number, safe="/")


def erp_number_of(order_number: str) -> str:
    """The ERP's own number of an order, derived from the portal's ("ZAM/2026/000042" becomes
    "ZS/2026/000042"), so a restarted simulator gives the same number again."""
    _prefix, _slash, rest = order_number.partition("/")
    return f"ZS/{rest}" if rest else f"ZS/{order_number}"


def invoice_number_of(erp_number: str) -> str:
    return "FV/" + erp_number.removeprefix("ZS/")


def shipment_number_of(order_number: str) -> str:
    """The ERP's delivery note of an order ("ZAM/2026/000042" becomes "WZ/2026/000042"): one
    shipment per order, the same number on every attempt and after a restart."""
    _prefix, _slash, rest = order_number.partition("/")
    return f"WZ/{rest}" if rest else f"WZ/{order_number}"


def tracking_number_of(order_number: str) -> str:
    """A made-up parcel number the carrier would give: the order number's digits."""
    return "SIM" + "".join(character for character in order_number if character.isdigit())


def shipment_of(task: OrderTask, carrier: str, dispatched_on: date) -> dict[str, Any] | None:
    """The shipment of every confirmed line of an order, in the shape of `POST /api/v1/shipments`;
    None when nothing is to ship. The simulator confirms quantities as ordered."""
    lines = [
        {"line": int(line["line"]), "quantity": int(line["quantity"])}
        for line in task.document.get("lines", [])
        if int(line["quantity"]) > 0
    ]
    if not lines:
        return None
    return {
        "shipment_number": shipment_number_of(task.number),
        "order": task.number,
        "carrier": carrier,
        "tracking_numbers": [tracking_number_of(task.number)],
        "dispatched_on": dispatched_on.isoformat(),
        "expected_on": (dispatched_on + timedelta(days=1)).isoformat(),
        "lines": lines,
    }


def acknowledgement_id(order_number: str) -> str:
    """One answer per order: the same id on every attempt and after a restart."""
    return f"erp-sim-ack-{order_number}"


class ErpSimulator:
    """Takes events (from the feed or webhooks) and does the ERP's steps when they are due."""

    def __init__(self, api: PortalApi, options: SimOptions, state: SimState | None = None) -> None:
        self.api = api
        self.options = options
        self.state = state if state is not None else SimState.load(options.state_path)
        self.changed = asyncio.Event()

    def save(self) -> None:
        self.state.save(self.options.state_path)

    # --- What an event tells the ERP --------------------------------------------------------

    def take_event(self, event: dict[str, Any]) -> None:
        """Plans the ERP's steps for the order an event carries; other events are only read."""
        data = event.get("data")
        order = data.get("order") if isinstance(data, dict) else None
        if not isinstance(order, dict) or not isinstance(order.get("number"), str):
            return
        number = order["number"]
        status = str(order.get("status", ""))
        if number in self.state.finished:
            return
        task = self.state.tasks.get(number)
        if task is None:
            if status not in TO_ANSWER:
                return
            if not self._placed_since_start(order):
                self.state.finished.add(number)
                log.info("order %s: placed before the simulator started, left alone", number)
                return
            task = OrderTask(number, "acknowledge", time.time() + self.options.ack_delay, order)
            self.state.tasks[number] = task
            log.info(
                "order %s received (%s lines), acknowledging in %.0f s",
                number,
                len(order.get("lines", [])),
                self.options.ack_delay,
            )
        elif status in FINISHED:
            del self.state.tasks[number]
            self.state.finished.add(number)
            log.info("order %s is %s: nothing more to do", number, status)
        elif task.stage == "consent" and status == CONFIRMED:
            self._plan_invoice(task)
        self.changed.set()

    def _placed_since_start(self, order: dict[str, Any]) -> bool:
        if self.state.since is None:
            return True
        placed = order.get("placed_at")
        if not isinstance(placed, str):
            return True
        return datetime.fromisoformat(placed) >= datetime.fromisoformat(self.state.since)

    def _plan_invoice(self, task: OrderTask) -> None:
        task.stage = "invoice"
        task.due = time.time() + self.options.invoice_delay
        log.info(
            "order %s confirmed as %s, shipping and invoicing in %.0f s",
            task.number,
            task.erp_number,
            self.options.invoice_delay,
        )

    # --- The ERP's steps ----------------------------------------------------------------------

    def next_due(self) -> float | None:
        waiting = [task.due for task in self.state.tasks.values() if task.stage != "consent"]
        return min(waiting) if waiting else None

    async def run_due_steps(self) -> int:
        """Does every step that is due now, oldest first; returns how many were done."""
        done = 0
        now = time.time()
        for task in sorted(self.state.tasks.values(), key=lambda task: task.due):
            if task.stage == "consent" or task.due > now:
                continue
            if task.stage == "acknowledge":
                await self._acknowledge(task)
            else:
                await self._ship_and_invoice(task)
            self.save()
            done += 1
        return done

    async def _acknowledge(self, task: OrderTask) -> None:
        task.erp_number = erp_number_of(task.number)
        changed = self.changed_lines(task)
        body: dict[str, Any] = {
            "event_id": acknowledgement_id(task.number),
            "outcome": "accepted",
            "erp_number": task.erp_number,
            "lines": changed,
        }
        try:
            answer = await self.api.acknowledge(task.number, body)
        except PortalRefused as refused:
            # An order cancelled meanwhile, or answered by someone else: the ERP drops it.
            self._finish(task, f"acknowledgement refused ({refused})")
            return
        status = str(answer.get("status", ""))
        task.prices = {str(line["line"]): str(line["unit_price"]) for line in changed}
        change = (
            "; line {line} at {unit_price} instead of {ordered}".format(
                **changed[0], ordered=self._ordered(task, changed[0]["line"])
            )
            if changed
            else ""
        )
        log.info("order %s acknowledged as %s%s: %s", task.number, task.erp_number, change, status or "answered")
        if status == CONFIRMED:
            self._plan_invoice(task)
        elif status == "awaiting_consent":
            task.stage = "consent"
            log.info("order %s waits for the buyer's consent to the new price", task.number)
        else:
            self._finish(task, f"status {status}")

    def _ordered(self, task: OrderTask, line_number: int) -> str:
        for line in task.document.get("lines", []):
            if line.get("line") == line_number:
                return str(line.get("unit_price"))
        return "?"

    def changed_lines(self, task: OrderTask) -> list[dict[str, Any]]:
        """Now and then one line's price changes: decided by the seed and the order's number
        alone, so a restarted simulator sends the same answer."""
        lines = task.document.get("lines") or []
        chance = random.Random(f"{self.options.seed}:{task.number}")
        if not lines or chance.random() >= self.options.price_change:
            return []
        line = chance.choice(lines)
        factor = chance.choice(PRICE_FACTORS)
        price = (Decimal(str(line["unit_price"])) * factor).quantize(PRICE_PLACES, ROUND_HALF_UP)
        return [{"line": int(line["line"]), "sku": line["sku"], "unit_price": str(price)}]

    async def _ship_and_invoice(self, task: OrderTask) -> None:
        """Ships the whole order, then invoices it, as an ERP invoices what left the warehouse.
        Both are keyed by numbers derived from the order's: after a restart between the two,
        the shipment sent again is answered as recorded before."""
        shipment = shipment_of(task, self.options.carrier, date.today())
        if shipment is not None:
            try:
                shipped = await self.api.record_shipment(shipment)
            except PortalRefused as refused:
                self._finish(task, f"shipment refused ({refused})")
                return
            log.info(
                "order %s shipped as %s with %s, parcel %s (%s)",
                task.number,
                shipped.get("shipment"),
                shipment["carrier"],
                shipment["tracking_numbers"][0],
                "recorded" if shipped.get("recorded") else "recorded before",
            )
        invoice = invoice_of(task, date.today())
        if invoice is None:
            self._finish(task, "not invoiced: the customer has no ERP code")
            return
        try:
            answer = await self.api.send_invoices([invoice])
        except PortalRefused as refused:
            self._finish(task, f"invoice refused ({refused})")
            return
        result = (answer.get("results") or [{}])[0]
        if result.get("outcome") == "rejected":
            self._finish(task, f"invoice {invoice['number']} rejected: {result.get('errors')}")
            return
        self._finish(task, f"invoiced {invoice['number']} ({result.get('outcome')}, gross {invoice['gross_total']})")

    def _finish(self, task: OrderTask, what: str) -> None:
        self.state.tasks.pop(task.number, None)
        self.state.finished.add(task.number)
        log.info("order %s: %s", task.number, what)

    # --- Running ------------------------------------------------------------------------------

    def learn_since(self, moment: datetime | None) -> None:
        """With `since="now"`, the first start's moment (by the portal's clock when known)."""
        if self.options.since != "now" or self.state.since is not None:
            return
        self.state.since = (moment or datetime.now(UTC)).isoformat()
        log.info("taking orders placed from %s on", self.state.since)
        self.save()

    async def run_steps_forever(self) -> None:
        """The step loop of webhook mode: waits for the next due step or a new event."""
        while True:
            await self.run_due_steps()
            due = self.next_due()
            timeout = None if due is None else max(0.0, due - time.time())
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), timeout)


def _http_date(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None


def invoice_of(task: OrderTask, issued_on: date) -> dict[str, Any] | None:
    """The invoice of a confirmed order in the invoices batch resource's shape, keyed by the
    ERP's number; the confirmed prices replace the ordered ones. None when the customer is not
    the ERP's (it has no code to invoice to)."""
    order = task.document
    customer_code = (order.get("customer") or {}).get("erp_code")
    if not customer_code:
        return None
    lines = []
    net_by_rate: dict[str, Decimal] = {}
    for line in order.get("lines", []):
        price = Decimal(task.prices.get(str(line["line"]), str(line["unit_price"])))
        quantity = Decimal(str(line["quantity"]))
        net = (price * quantity).quantize(GROSZ, ROUND_HALF_UP)
        rate = str(line["vat_rate"])
        net_by_rate[rate] = net_by_rate.get(rate, Decimal(0)) + net
        lines.append(
            {
                "position": int(line["line"]),
                "name": line["name"],
                "sku": line["sku"],
                "unit": line["unit"],
                "quantity": str(quantity),
                "unit_net_price": str(price),
                "net_value": str(net),
                "vat_rate": rate,
            }
        )
    # VAT per rate from the net of the lines at that rate, the invoice rule.
    vat = sum(
        (
            (net * Decimal(rate) / 100).quantize(GROSZ, ROUND_HALF_UP)
            for rate, net in net_by_rate.items()
            if rate.isdigit()
        ),
        Decimal(0),
    )
    net_total = sum(net_by_rate.values(), Decimal(0))
    payment = order.get("payment") or {}
    return {
        "number": invoice_number_of(task.erp_number),
        "kind": "invoice",
        "customer_code": customer_code,
        "issued_on": issued_on.isoformat(),
        "sold_on": issued_on.isoformat(),
        "due_on": (issued_on + timedelta(days=int(payment.get("days", 14)))).isoformat(),
        "currency": order.get("currency", "PLN"),
        "payment_method": payment.get("method", "transfer"),
        "po_number": str(order.get("po_number", ""))[:60],
        "order_number": task.number,
        "lines": lines,
        "net_total": str(net_total),
        "vat_total": str(vat),
        "gross_total": str(net_total + vat),
    }


async def read_feed_forever(simulator: ErpSimulator) -> None:
    """Feed mode: long-polls the events after the stored position, plans what they ask for and
    does the steps as they fall due."""
    log.info("reading %s's events after position %d", simulator.options.url, simulator.state.position)
    while True:
        await simulator.run_due_steps()
        await read_feed_page(simulator)


async def read_feed_page(simulator: ErpSimulator) -> int:
    """One page of the feed after the stored position, waiting for it no longer than until the
    next step is due; the position is stored after the page is taken. Returns the events read."""
    options = simulator.options
    state = simulator.state
    due = simulator.next_due()
    wait = options.wait_seconds if due is None else max(0, min(options.wait_seconds, math.ceil(due - time.time())))
    try:
        response = await simulator.api.events(state.position, options.page_size, wait)
    except PortalRefused as refused:
        if refused.status != 409:
            raise
        # The feed is behind the stored position: the portal's database was started afresh.
        log.warning("the portal has no position %d (%s); reading from the start", state.position, refused)
        state.position = 0
        simulator.save()
        return 0
    stamp = response.headers.get("date")
    simulator.learn_since(_http_date(stamp) if stamp else None)
    page = response.json()
    for event in page["events"]:
        simulator.take_event(event)
    if page["events"]:
        log.info("read events %d to %d (newest %d)", page["events"][0]["position"], page["next_after"], page["head"])
    state.position = int(page["next_after"])
    simulator.save()
    return len(page["events"])
