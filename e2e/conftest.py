"""End-to-end fixtures: the portal's own `portal demo` command served as a real process on a free
port (fresh database, real SMTP sink), and a real Chromium driven through Playwright's sync API.

Everything here is plain sync code: pytest-asyncio runs in auto mode for the unit tests, and the
sync Playwright API refuses to start inside a running event loop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Coroutine, Generator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from e2e.helpers import LiveServer, Screenshot
from portal import clock
from tests.clock_travel import clock_moved
from tests.mailbox import Mailbox, free_port

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts" / "e2e"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Upper bounds, not expectations: migrating and seeding the demo takes a minute on a quiet
# machine and several on a busy two-core CI runner.
START_TIMEOUT_SECONDS = 600
ACTION_TIMEOUT_MS = 30_000
expect.set_options(timeout=ACTION_TIMEOUT_MS)


def pytest_report_header() -> list[str]:
    database = os.environ.get("PORTAL_DATABASE_URL", "")
    store = os.environ.get("PORTAL_VALKEY_URL", "")
    return [
        "e2e portal: `portal demo` in a subprocess, "
        + ("a new PostgreSQL database" if database.startswith("postgres") else "SQLite in a temporary var dir")
        + (", Valkey " + store if store else ", in-process store"),
        f"e2e browser: {CHROMIUM}; screenshots in {ARTIFACTS.relative_to(REPO_ROOT)}/",
    ]


# --- The live server ---------------------------------------------------------------------------


def _run_async(make: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Runs a coroutine to completion in its own thread, so it never meets another event loop."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(make())
        except BaseException as error:
            failure.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


async def _postgres_admin(server_url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _portal_command(sso_port: int, clock_moved: bool) -> list[str]:
    """`portal demo` with its local identity provider for the demo's SSO company. When the run's
    clock is moved (`--clock-at`), the server's clock starts at this process's moment and ticks."""
    arguments = ["demo", "--sso", "--sso-port", str(sso_port)]
    if clock_moved:
        return [
            sys.executable,
            "-c",
            "import datetime, time_machine;"
            f" time_machine.travel(datetime.datetime.fromisoformat({clock.now().isoformat()!r}), tick=True).start();"
            f" from portal.cli import main; main({arguments!r})",
        ]
    # portal/cli.py has no `if __name__ == "__main__"`, so run the installed console script.
    script = Path(sys.executable).parent / "portal"
    if script.exists():
        return [str(script), *arguments]
    return [sys.executable, "-c", f"from portal.cli import main; main({arguments!r})"]


def _wait_until_up(process: subprocess.Popen[bytes], url: str, log_file: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    last_error = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"the portal exited with {process.returncode} before answering:\n"
                + log_file.read_text(errors="replace"),
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
                last_error = f"HTTP {response.status}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            last_error = str(error)
        time.sleep(0.2)
    process.kill()
    process.wait()
    pytest.fail(
        f"the portal did not answer {url} within {START_TIMEOUT_SECONDS} s ({last_error}):\n"
        + log_file.read_text(errors="replace"),
        pytrace=False,
    )


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    with Mailbox() as box:
        yield box


@pytest.fixture(scope="session")
def live_server(
    mailbox: Mailbox, tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[LiveServer]:
    var_dir = tmp_path_factory.mktemp("portal-var")
    log_file = var_dir / "server.log"
    port = free_port()
    sso_port = free_port()
    base_url = f"http://127.0.0.1:{port}"

    # Nothing of the developer's own PORTAL_* settings leaks in except the shared services.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    env.update(
        PORT=str(port),
        PORTAL_MODE="demo",
        PORTAL_VAR_DIR=str(var_dir),
        PORTAL_BASE_URL=base_url,
        PORTAL_SMTP_URL=mailbox.url,
        PORTAL_KEY_PREFIX=f"e2e-{uuid.uuid4().hex[:8]}",
        PYTHONUNBUFFERED="1",
    )
    if os.environ.get("PORTAL_VALKEY_URL"):
        env["PORTAL_VALKEY_URL"] = os.environ["PORTAL_VALKEY_URL"]

    postgres_url = os.environ.get("PORTAL_DATABASE_URL") or None
    if postgres_url and not postgres_url.startswith(("postgresql://", "postgres://")):
        postgres_url = None  # e.g. a sqlite:/// URL: the server's own SQLite file under var_dir is fresher
    database = f"e2e_{uuid.uuid4().hex[:12]}"
    if postgres_url:
        _run_async(lambda: _postgres_admin(postgres_url, f'CREATE DATABASE "{database}"'))
        env["PORTAL_DATABASE_URL"] = _with_database(postgres_url, database)

    try:
        with log_file.open("wb") as log:
            process = subprocess.Popen(
                _portal_command(sso_port, clock_moved(pytestconfig)),
                cwd=REPO_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_until_up(process, base_url + "/login", log_file)
            yield LiveServer(
                base_url=base_url, mailbox=mailbox, log_file=log_file, sso_issuer=f"http://localhost:{sso_port}"
            )
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    finally:
        if postgres_url:
            _run_async(lambda: _postgres_admin(postgres_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


# --- The browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium", pytrace=False)
    playwright = sync_playwright().start()
    yield playwright
    playwright.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright, live_server: LiveServer) -> Iterator[Browser]:
    # Depends on live_server only so that the browser closes before the server stops.
    chromium = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keeps each phase's report on the item, so fixtures can tell a failed test at teardown."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.@-]+", "-", text).strip("-")


@pytest.fixture
def new_context(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Callable[[], BrowserContext]]:
    """Makes fresh browser contexts (separate cookies) for the test; all closed at its end.
    English is asked for, so anonymous pages answer in English."""
    contexts: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(
            base_url=live_server.base_url,
            locale="en-US",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make

    failed = getattr(request.node, "report_call", None)
    for number, context in enumerate(contexts):
        if failed is not None and failed.failed:
            for index, open_page in enumerate(context.pages):
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                name = f"{_slug(request.node.name)}-FAILED-{number}-{index}.png"
                with contextlib.suppress(Exception):  # a failure screenshot must not hide the failure
                    open_page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        context.close()


@pytest.fixture
def context(new_context: Callable[[], BrowserContext]) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Screenshot:
    """`screenshot(page, "step")` saves test-artifacts/e2e/<test-name>-<step>.png."""

    def take(target: Page, step: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{_slug(request.node.name)}-{_slug(step)}.png"
        target.screenshot(path=str(path), full_page=True)
        return path

    return take
