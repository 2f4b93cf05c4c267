"""The demo's after-sales: shipments and complaints in every state for BudMax, some for
ElektroPlus, photos that download, the demo carrier's key, and the carrier simulation that keeps
deliveries moving in the demo only.

Seeding the whole demo takes half a minute, so it is done once for this module and each test
gets its own copy of that database."""

from __future__ import annotations

import asyncio
import re
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import TypeVar, cast
from unittest.mock import AsyncMock, patch
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from litestar.channels.backends.memory import MemoryChannelsBackend
from PIL import Image

from portal.accounts.login import load_scope
from portal.accounts.roles import Role
from portal.accounts.scope import Scope
from portal.accounts.tables import Company, User
from portal.aftersales.attachments import attachment_for_download, attachments_of
from portal.aftersales.complaints import ComplaintFilters, complaint_detail, list_complaints
from portal.aftersales.shipments import OPEN, DeliveryFilters, list_shipments
from portal.aftersales.tables import (
    Complaint,
    ComplaintReason,
    ComplaintStatus,
    Message,
    Parcel,
    Shipment,
    ShipmentEvent,
    ShipmentStatus,
)
from portal.config import Mode, Settings, load_settings
from portal.database import all_tables, connection_pool, engine_for, use_database
from portal.demo import seed_demo
from portal.demo_aftersales import (
    DEMO_API_KEY,
    DEMO_INTEGRATION,
    FAILS_ONCE_EVERY,
    MIN_OPEN_SHIPMENTS,
    STANDING_KEY,
    advance_demo_shipments,
    next_event,
    seed_aftersales,
    simulate_demo_carriers,
    tracking_number,
)
from portal.demo_orders import BUDMAX, ELEKTROPLUS
from portal.errors import NotFound
from portal.jobs import JobContext, JobQueue
from portal.jobs.worker import build_worker
from portal.live import LiveUpdates, use_live_updates
from portal.mail import Postbox, mailer_for
from portal.ordering.tables import Order, OrderStatus
from portal.storage import LocalDiskStorage, storage_for, use_file_storage
from portal.web.templating import build_environment
from tests.databases import DatabaseFactory
from tests.factories import make_company, make_person
from tests.mailbox import Mailbox

S = ShipmentStatus
_T = TypeVar("_T")
TRACKING_FORMATS = {
    "InPost": r"6\d{23}",
    "DPD": r"\d{13}U",
    "DHL": r"\d{11}",
    "GLS": r"\d{11}",
    "Poczta Polska": r"00\d{18}",
    "UPS": r"1Z[0-9A-Z]{16}",
    "FedEx": r"\d{12}",
}


def _in_a_thread(work: Callable[[], Awaitable[_T]]) -> _T:
    """Runs `work` on its own event loop, leaving pytest-asyncio's loops alone."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, work()).result()  # type: ignore[arg-type]


@dataclass(frozen=True)
class SeededDemo:
    database_url: str
    files_dir: Path


@pytest.fixture(scope="module")
def seeded(databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededDemo]:
    files_dir = tmp_path_factory.mktemp("demo-files")

    async def seed() -> SeededDemo:
        url = await databases.create()
        engine = engine_for(Settings(database_url=url))
        use_database(engine)
        use_file_storage(LocalDiskStorage(files_dir))
        async with connection_pool(engine):
            with patch("portal.demo.seed_aftersales", new=AsyncMock()) as left_out:
                await seed_demo()
            left_out.assert_awaited_once()  # the demo seeds its after-sales
            await seed_aftersales()
        return SeededDemo(url, files_dir)

    demo = _in_a_thread(seed)
    yield demo
    _in_a_thread(lambda: databases.drop(demo.database_url))


async def _copy_of(databases: DatabaseFactory, url: str) -> str:
    name = f"portal_test_{uuid.uuid4().hex[:12]}"
    if databases.postgres_url:
        admin = await asyncpg.connect(databases.postgres_url)
        try:
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{urlsplit(url).path.lstrip("/")}"')
        finally:
            await admin.close()
        return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    copy = databases.workdir / f"{name}.sqlite3"
    await asyncio.to_thread(shutil.copyfile, url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


@pytest.fixture
async def settings(
    databases: DatabaseFactory, seeded: SeededDemo, mailbox: Mailbox, tmp_path: Path
) -> AsyncIterator[Settings]:
    """The conftest's settings, on a copy of the seeded demo."""
    mailbox.clear()
    url = await _copy_of(databases, seeded.database_url)
    yield Settings(
        mode=Mode.TEST,
        database_url=url,
        valkey_url=load_settings().valkey_url,
        key_prefix=f"test-{uuid.uuid4().hex[:8]}",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        base_url="http://testserver",
        smtp_url=mailbox.url,
        var_dir=tmp_path,
        files_dir=seeded.files_dir,
    )
    await databases.drop(url)


@pytest.fixture(autouse=True)
def services(settings: Settings) -> None:
    use_file_storage(storage_for(settings))
    # Announcements go nowhere unless a test listens.
    use_live_updates(LiveUpdates(MemoryChannelsBackend(), "test", shared=False))


@pytest.fixture
def postbox(settings: Settings) -> Postbox:
    return Postbox(build_environment(auto_reload=False), mailer_for(settings), settings.base_url)


async def _scope(email: str, customer_code: str) -> Scope:
    user = await User.select(User.id).where(User.email == email).first()
    company = await Company.select(Company.id).where(Company.code == customer_code).first()
    assert user is not None and company is not None
    scope = await load_scope(user["id"], company["id"], "127.0.0.1")
    assert scope is not None
    return scope


async def _statuses(shipment_ids: list[int]) -> dict[int, str]:
    rows = await Shipment.select(Shipment.id, Shipment.status).where(Shipment.id.is_in(shipment_ids or [0]))
    return {row["id"]: row["status"] for row in rows}


async def _open_count() -> int:
    return await Shipment.count().where(Shipment.status.is_in(list(OPEN)))


# --- Seeded once ---------------------------------------------------------------------


async def test_a_second_run_of_the_seed_adds_nothing(db, seeded: SeededDemo) -> None:
    counts = {table._meta.tablename: await table.count() for table in all_tables()}
    await seed_demo()
    assert {table._meta.tablename: await table.count() for table in all_tables()} == counts


# --- Shipments ---------------------------------------------------------------------------------


async def test_budmax_sees_shipments_in_every_state_with_real_carriers_and_parcel_numbers(db) -> None:
    budmax = await _scope("buyer@budmax.example", BUDMAX)
    rows, more = await list_shipments(budmax, DeliveryFilters(status="all"))
    assert not more
    assert {row.status for row in rows} == set(ShipmentStatus)
    carriers = {row.carrier_name for row in rows}
    assert {"InPost", "DPD", "DHL", "GLS", "Poczta Polska", "UPS", "FedEx"} <= carriers
    assert len(carriers) == 8, "own transport too"
    for row in rows:
        assert row.dispatched_on is not None and row.expected_on is not None
        assert row.expected_on >= row.dispatched_on
        for link in row.tracking:
            assert re.fullmatch(TRACKING_FORMATS[row.carrier_name], link.number), (row.carrier_name, link.number)
            assert link.number in link.url


async def test_orders_are_delivered_in_parts_and_follow_their_shipments(db) -> None:
    budmax = await _scope("buyer@budmax.example", BUDMAX)
    rows, _more = await list_shipments(budmax, DeliveryFilters(status="all"))
    per_order: dict[int, int] = {}
    for row in rows:
        per_order[row.order_id] = per_order.get(row.order_id, 0) + 1
    assert sum(1 for count in per_order.values() if count >= 2) >= 3
    statuses = {row["status"] for row in await Order.select(Order.status).where(Order.id.is_in(list(per_order)))}
    assert {OrderStatus.PARTLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.DELIVERED} <= statuses


async def test_tracking_histories_happened_in_the_past_at_polish_places(db) -> None:
    events = await ShipmentEvent.select(ShipmentEvent.occurred_at, ShipmentEvent.place)
    assert all(event["occurred_at"] <= datetime.now(UTC) for event in events)
    places = " ".join(event["place"] for event in events)
    for place in ("Stryków", "Sortownia Warszawa", "Kraków", "Poznań", "Głuchów"):
        assert place in places
    failed = await ShipmentEvent.count().where(ShipmentEvent.status == S.DELIVERY_FAILED)
    assert failed >= 3


async def test_elektroplus_has_deliveries_and_complaints_of_its_own(db) -> None:
    elektro = await _scope("buyer@elektroplus.example", ELEKTROPLUS)
    rows, _more = await list_shipments(elektro, DeliveryFilters(status="all"))
    assert {S.DELIVERED, S.OUT_FOR_DELIVERY} <= {row.status for row in rows}
    complaints, _more = await list_complaints(elektro, ComplaintFilters(status="all"))
    assert 1 <= len(complaints) <= 3
    assert {complaint.company_name for complaint in complaints} == {"ElektroPlus S.A."}


# --- Complaints --------------------------------------------------------------------------------


async def test_budmax_has_complaints_in_every_state_with_their_story(db) -> None:
    budmax = await _scope("buyer@budmax.example", BUDMAX)
    complaints, _more = await list_complaints(budmax, ComplaintFilters(status="all"))
    assert {complaint.status for complaint in complaints} == set(ComplaintStatus)
    details = {complaint.status: await complaint_detail(budmax, complaint.id) for complaint in complaints}

    resolved = details[ComplaintStatus.RESOLVED]
    assert resolved.credit_note is not None and resolved.credit_note.number.startswith("KOR/")
    closed = details[ComplaintStatus.CLOSED]
    assert closed.replacement_order is not None
    assert [entry.status for entry in closed.timeline][-1] == ComplaintStatus.CLOSED
    assert details[ComplaintStatus.REJECTED].rejection_reason
    for detail in details.values():
        assert detail.shipment is not None, "complained about a delivery"
        assert detail.summary.created_at < datetime.now(UTC) - timedelta(minutes=30)
        if detail.summary.reason == ComplaintReason.DAMAGED_IN_TRANSPORT:
            assert detail.damage_report_number
    assert "Dwa worki kleju pękły w transporcie" in details[ComplaintStatus.SUBMITTED].description


async def test_buyers_and_the_office_talk_in_the_complaints_conversations(db) -> None:
    messages = await Message.select(Message.from_seller, Message.author.email.as_alias("author"), Message.body)
    office = [message for message in messages if message["from_seller"]]
    buyers = [message for message in messages if not message["from_seller"]]
    assert office and {message["author"] for message in office} == {"office@hurtownia.example"}
    assert {"buyer@budmax.example", "buyer@elektroplus.example"} <= {message["author"] for message in buyers}
    # The buyer's answer to the office's question put the complaint back under review.
    answered = await Complaint.count().where(Complaint.status == ComplaintStatus.UNDER_REVIEW)
    assert answered >= 1


async def test_complaint_photos_are_stored_and_downloadable_by_their_company_only(db) -> None:
    budmax = await _scope("buyer@budmax.example", BUDMAX)
    complaints, _more = await list_complaints(budmax, ComplaintFilters(status="all"))
    photos = [photo for complaint in complaints for photo in await attachments_of(complaint_id=complaint.id)]
    assert len(photos) >= len(complaints)
    for photo in photos:
        view, content = await attachment_for_download(budmax, photo.id)
        assert view.content_type == "image/jpeg"
        with Image.open(BytesIO(content)) as picture:
            assert (picture.format, picture.size) == ("JPEG", (640, 480))
    stranger = await make_person(await make_company("Obca Firma Sp. z o.o."), Role.BUYER)
    with pytest.raises(NotFound):
        await attachment_for_download(await stranger.scope(), photos[0].id)


# --- The demo carrier's API key ----------------------------------------------------------------


async def test_the_demo_carrier_key_posts_a_tracking_event(client: httpx.AsyncClient) -> None:
    parcel = (
        await Parcel.select(Parcel.tracking_number)
        .where(Parcel.shipment.status == S.HANDED_TO_CARRIER)
        .order_by(Parcel.id)
        .first()
    )
    assert parcel is not None
    response = await client.post(
        "/api/v1/shipment-events",
        headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
        json={
            "event_id": "readme-example-1",
            "tracking_number": parcel["tracking_number"],
            "status": "in_transit",
            "occurred_at": datetime.now(UTC).isoformat(),
            "place": "Sortownia Warszawa",
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "in_transit"
    recorded = await ShipmentEvent.select(ShipmentEvent.source).where(ShipmentEvent.external_id == "readme-example-1")
    assert recorded == [{"source": DEMO_INTEGRATION}]


# --- The carrier simulation --------------------------------------------------------------------

ROAD = (S.CREATED, S.HANDED_TO_CARRIER, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED)


async def test_a_round_of_the_simulation_moves_each_open_shipment_one_step(db, postbox: Postbox) -> None:
    before = await _statuses([row["id"] for row in await Shipment.select(Shipment.id)])
    moved = await advance_demo_shipments(postbox, datetime.now(UTC))
    assert moved.moved
    after = await _statuses(list(before))
    for shipment_id, status in before.items():
        if status in (S.DELIVERED, S.RETURNED):
            assert after[shipment_id] == status, "finished shipments stay as they are"
        elif after[shipment_id] != S.DELIVERY_FAILED and status != S.DELIVERY_FAILED:
            assert ROAD.index(S(after[shipment_id])) >= ROAD.index(S(status))
    sources = {
        row["source"]
        for row in await ShipmentEvent.select(ShipmentEvent.source).where(ShipmentEvent.external_id.like("sim-%"))
    }
    assert sources == {DEMO_INTEGRATION}
    assert any(mail.to == "buyer@budmax.example" for mail in moved.mails), "dispatch emails, as from the API"

    again = await advance_demo_shipments(postbox, datetime.now(UTC))
    assert again.moved == {}, "nothing moves again before its pace"


async def test_the_simulation_keeps_shipments_on_their_way_from_the_framework_order(db, postbox: Postbox) -> None:
    start = datetime.now(UTC)
    created: list[int] = []
    failed_once: set[int] = set()
    for minute in range(1, 16):
        outcome = await advance_demo_shipments(postbox, start + timedelta(minutes=minute))
        created += outcome.created
        failed_once |= {shipment for shipment, status in outcome.moved.items() if status == S.DELIVERY_FAILED}
        assert await _open_count() >= MIN_OPEN_SHIPMENTS
    assert len(created) >= MIN_OPEN_SHIPMENTS
    orders = await Shipment.select(Shipment.order.submission_key.as_alias("key")).where(Shipment.id.is_in(created))
    assert all(row["key"].startswith(STANDING_KEY) for row in orders)
    statuses = await _statuses(sorted(failed_once))
    assert all(shipment % FAILS_ONCE_EVERY == 0 for shipment in failed_once)
    assert all(status != S.RETURNED for status in statuses.values()), "a failed delivery is tried again"


async def test_the_simulation_job_sends_what_the_carriers_events_mail(
    db, settings: Settings, postbox: Postbox, mailbox: Mailbox
) -> None:
    context = cast(JobContext, {"settings": settings, "postbox": postbox, "jobs": None})
    await simulate_demo_carriers(context)
    assert "buyer@budmax.example" in {message["To"] for message in mailbox.messages}


async def test_the_simulation_is_scheduled_in_the_demo_only(settings: Settings, postbox: Postbox) -> None:
    queue = JobQueue.for_settings(settings)
    try:
        scheduled: dict[Mode, set[str]] = {}
        for mode in (Mode.TEST, Mode.DEMO):
            worker = build_worker(queue, settings.model_copy(update={"mode": mode}), postbox)
            scheduled[mode] = {cron.function.__qualname__ for cron in worker.cron_jobs}
    finally:
        await queue.close()
    assert "simulate_demo_carriers" not in scheduled[Mode.TEST]
    assert "simulate_demo_carriers" in scheduled[Mode.DEMO]
    assert scheduled[Mode.TEST] <= scheduled[Mode.DEMO]


def test_the_carriers_report_the_road_in_order_and_every_seventh_fails_once() -> None:
    history: list[str] = [S.CREATED]
    while (step := next_event("dpd", "Kraków", "ul. Zakopiańska 58", history, 14)) is not None:
        history.append(step.status)
    assert history == [
        S.CREATED,
        S.HANDED_TO_CARRIER,
        S.IN_TRANSIT,
        S.IN_TRANSIT,
        S.OUT_FOR_DELIVERY,
        S.DELIVERY_FAILED,
        S.OUT_FOR_DELIVERY,
        S.DELIVERED,
    ]
    own = next_event("own", "Kraków", "ul. Wielicka 250", [S.CREATED, S.HANDED_TO_CARRIER, S.IN_TRANSIT], 8)
    assert own is not None and own.status == S.OUT_FOR_DELIVERY


def test_parcel_numbers_follow_each_carriers_format() -> None:
    names = {"inpost": "InPost", "dpd": "DPD", "dhl": "DHL", "gls": "GLS", "poczta_polska": "Poczta Polska"}
    names |= {"ups": "UPS", "fedex": "FedEx"}
    for code, name in names.items():
        numbers = {tracking_number(code, serial) for serial in range(100, 140)}
        assert len(numbers) == 40
        assert all(re.fullmatch(TRACKING_FORMATS[name], number) for number in numbers), name
    assert tracking_number("own", 1) == ""
