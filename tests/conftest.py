"""Each test gets its own migrated database, its own key prefix in the store, the app driven in
the test's own event loop, and a real SMTP server that catches mail."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from litestar import Litestar

from portal.accounts.scope_cache import ScopeCache, use_scope_cache
from portal.accounts.session_ends import SessionEnds, use_session_ends
from portal.app import create_app
from portal.config import Mode, Settings, load_settings
from portal.database import connection_pool, engine_for, use_database
from portal.live import LiveUpdates, use_live_updates
from portal.storage import storage_for, use_file_storage
from portal.stores import store_registry
from tests.databases import DatabaseFactory, database_factory
from tests.mailbox import Mailbox

BASE_URL = "http://testserver"


def pytest_report_header() -> list[str]:
    environment = load_settings()
    return [
        f"portal database: {'PostgreSQL' if environment.database_url else 'SQLite files'}",
        f"portal store: {'Valkey ' + environment.valkey_url if environment.valkey_url else 'in-process memory'}",
    ]


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    with database_factory(load_settings().database_url, tmp_path_factory.mktemp("db")) as factory:
        yield factory


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    with Mailbox() as box:
        yield box


@pytest.fixture
async def settings(databases: DatabaseFactory, mailbox: Mailbox, tmp_path: Path) -> AsyncIterator[Settings]:
    mailbox.clear()
    url = await databases.create()
    yield Settings(
        mode=Mode.TEST,
        database_url=url,
        valkey_url=load_settings().valkey_url,
        key_prefix=f"test-{uuid.uuid4().hex[:8]}",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        base_url=BASE_URL,
        smtp_url=mailbox.url,
        var_dir=tmp_path,
    )
    await databases.drop(url)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[None]:
    """The test's database bound to the tables, for domain tests without HTTP."""
    engine = engine_for(settings)
    use_database(engine)
    # Announcements go nowhere unless a test listens: an earlier test's app may have left its
    # Valkey connection behind, bound to that test's event loop.
    use_live_updates(LiveUpdates.for_settings(settings.model_copy(update={"valkey_url": None})))
    use_file_storage(storage_for(settings))
    # Scopes are forgotten in this test's store (its own key prefix), not an earlier test's; an
    # app this test creates reads the same keys.
    registry = store_registry(settings)
    scopes = registry.get("scope")
    use_scope_cache(ScopeCache(scopes))
    # Likewise the ends of sessions (the stores share one client, closed with `scopes`).
    use_session_ends(SessionEnds(registry.get("session_ends"), settings.session_lifetime_seconds))
    async with connection_pool(engine), scopes:
        yield


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Litestar]:
    application = create_app(settings)
    # The app's own lifespan runs in an anyio task group that pytest-asyncio would enter and
    # leave in different tasks; the only thing it starts is the pool, started here instead.
    async with connection_pool(application.state["engine"]):
        yield application


@asynccontextmanager
async def client_at(app: Litestar, address: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    """A browser calling `app` from `address` (rate limits count per address)."""
    transport = httpx.ASGITransport(app=app, client=(address, 50000))  # type: ignore[arg-type]
    # Tests read English texts; Polish has tests of its own.
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers={"Accept-Language": "en"}) as http:
        yield http


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    async with client_at(app) as http:
        yield http


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The fuzzing walk's figures, shown even with -q, so CI's log says how much it tried."""
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", []):
        figures = {name: value for name, value in getattr(report, "user_properties", []) if name.startswith("fuzz_")}
        if figures and report.when == "call":
            terminalreporter.write_line(
                f"input fuzzing ({report.nodeid}): {figures.get('fuzz_requests')} requests to "
                f"{figures.get('fuzz_routes')} routes x methods, {figures.get('fuzz_fields')} fields, "
                f"{figures.get('fuzz_5xx')} answered 5xx"
            )
