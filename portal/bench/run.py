"""`make bench`: the portal under load on PostgreSQL and Valkey, next to two yardsticks.

    .venv/bin/python -m portal.bench.run            # ~4 minutes
    .venv/bin/python -m portal.bench.run --quick    # a smoke run (BENCH_DURATION=2 seconds a step)

What it does, all on 127.0.0.1:

1. The database: with the large data set's JSON file (written by `portal bench seed`;
   BENCH_SEED_FILE, default var/bench/accounts.json) it uses PORTAL_DATABASE_URL as it is. Otherwise it creates a scratch database
   (`portal_bench`, or PORTAL_DATABASE_URL's), migrates it, seeds the demo data, and drops it at
   the end (`--keep-database` keeps it).
2. Starts `portal serve --workers <cores>` with production settings (a generated secret key)
   and the reference app (`portal/bench/reference.py`, same worker count) on free ports.
3. Logs in buyers of different companies and a finance user over HTTP (session and CSRF cookies),
   prepares a 500-line cart, checks every scenario answers 200, then drives each with `wrk`
   (`portal/bench/rotate.lua`) at saturation (-t2 -c32) and at one connection (-c1). Order
   submission and the first invoice PDF download cannot repeat a request, so Python (httpx)
   drives them.
4. Counts SQL statements per request: one request of each scenario runs in this process through
   the ASGI app with the engine's `run_querystring`/`run_ddl` wrapped (as `tests/query_counter.py`).
5. Prints a table: requests/s, p50 and p99 at saturation and at one connection, SQL statements a
   request, each figure also as a ratio to the bare 50-row table (`×ref`).
6. Import throughput (portal/bench/imports.py): items a second through the API's batch endpoint
   and through a file, new and unchanged, in this process on a database of its own
   (`<database>_imports`, dropped after); `--import-resource`, `--import-items`.
7. Events out (portal/bench/events.py): events the relay publishes a second (20,000 piled up),
   events an ERP reads a second in pages of 1,000, and p50/p99 from an event's commit to its
   arrival in the feed with the relay on the worker's schedule; webhooks delivered a second to a
   receiver on 127.0.0.1 (5,000 events, one endpoint) and p50/p99 from commit to delivery with
   the relay and the sender on the worker's schedule; in this process on a database of its own
   (`<database>_events`, dropped after); `--events`, `--webhooks`.
8. The first load (portal/bench/first_load.py): 100,000 products and 1,000,000 prices as an
   ERP's CSV exports through `portal import`'s path into an empty database of its own
   (`<database>_first_load`, dropped after), then the same files again; `--first-load-products`
   (a quick run takes 5,000).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import platform
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest.mock import patch

import httpx

from portal.bench.first_load import PRODUCTS as FIRST_LOAD_PRODUCTS
from portal.config import PROJECT_ROOT
from portal.integration.scopes import Scope

HERE = Path(__file__).resolve().parent
ROTATE_LUA = HERE / "rotate.lua"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/portal_bench"
DEFAULT_VALKEY_URL = "redis://127.0.0.1:6379/0"
DEFAULT_SEED_FILE = PROJECT_ROOT / "var" / "bench" / "accounts.json"
DEMO_PASSWORD = "portal-demo"
DEMO_BUYERS = ["buyer@budmax.example", "buyer@elektroplus.example", "buyer@agromet.example"]
DEMO_FINANCE = "finance@budmax.example"
BASELINE = "reference: 50-row table, no database"
BROWSING = "grid, browsing without a term"


# --- The table --------------------------------------------------------------------------------


@dataclass
class Figures:
    """One load level's result: requests a second and latency percentiles in milliseconds."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int = 0


@dataclass
class Row:
    scenario: str
    saturation: Figures | None = None
    single: Figures | None = None
    sql: str = ""
    driver: str = "wrk"


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _ratio(value: float | None, base: float | None) -> str:
    if value is None or not base:
        return "—"
    return f"{value / base:.2f}"


def format_table(rows: Sequence[Row], baseline: str = BASELINE) -> str:
    """A Markdown table; `×ref` columns divide each figure by the same figure of `baseline`
    (requests/s: higher is better, so below 1 is slower; latency: above 1 is slower)."""
    base = next((row for row in rows if row.scenario == baseline), None)
    header = (
        "| scenario | req/s | ×ref | p50 ms | ×ref | p99 ms | ×ref "
        "| req/s c1 | ×ref | p50 ms c1 | ×ref | p99 ms c1 | ×ref | SQL/req |"
    )
    lines = [header, "|" + " --- |" * 14]
    for row in rows:
        cells = [row.scenario + (" (httpx)" if row.driver == "httpx" else "")]
        for level in ("saturation", "single"):
            figures: Figures | None = getattr(row, level)
            reference: Figures | None = getattr(base, level) if base else None
            for name in ("rps", "p50_ms", "p99_ms"):
                value = getattr(figures, name) if figures else None
                cells.append(_number(value) if value is not None else "—")
                cells.append(_ratio(value, getattr(reference, name) if reference else None))
        cells.append(row.sql or "—")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --- Load drivers -----------------------------------------------------------------------------


@dataclass
class Request:
    """One request as wrk's script reads it (see rotate.lua)."""

    method: str
    path: str
    cookie: str
    token: str = ""
    htmx: bool = False
    body: str = ""

    def line(self) -> str:
        return "\t".join([self.method, self.path, self.cookie, self.token, "1" if self.htmx else "", self.body])


def run_wrk(
    base_url: str, requests: Sequence[Request], *, threads: int, connections: int, seconds: float
) -> Figures | None:
    """None when no request finished within the time (wrk then has no figures)."""
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as listing:
        listing.write("\n".join(request.line() for request in requests) + "\n")
    try:
        command = [
            "wrk",
            f"-t{min(threads, connections)}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "20s",
            "-s",
            str(ROTATE_LUA),
            base_url,
        ]
        finished = subprocess.run(
            command, env={**os.environ, "BENCH_REQUESTS": listing.name}, capture_output=True, text=True, check=False
        )
    finally:
        os.unlink(listing.name)
    found = re.search(r"^BENCH (\{.*\})$", finished.stdout, re.MULTILINE)
    if finished.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed: {finished.stdout}\n{finished.stderr}")
    result = json.loads(found.group(1))
    if not result["requests"]:
        return None
    return Figures(
        rps=result["requests"] / (result["duration_us"] / 1e6),
        p50_ms=result["p50_us"] / 1000,
        p99_ms=result["p99_us"] / 1000,
        errors=result["status_errors"] + result["socket_errors"],
    )


def settle(base_url: str, path: str, quiet_seconds: float = 0.15, at_most: float = 120) -> None:
    """Waits until the server has worked off what the last run left queued (wrk closes its
    connections, the requests already read still run): four requests at once all answer fast."""
    deadline = time.monotonic() + at_most
    with httpx.Client(base_url=base_url, timeout=at_most) as client:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            with contextlib.suppress(httpx.HTTPError):
                for _ in range(4):
                    client.get(path)
            if (time.perf_counter() - started) / 4 < quiet_seconds:
                return
            time.sleep(0.5)


def figures_of(latencies: Sequence[float], elapsed: float, errors: int = 0) -> Figures:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, max(0, round(0.99 * len(ordered)) - 1))]
    return Figures(
        rps=len(ordered) / elapsed, p50_ms=statistics.median(ordered) * 1000, p99_ms=p99 * 1000, errors=errors
    )


async def drive(
    workers: Sequence[Callable[[], Awaitable[float | None]]], seconds: float, at_most: int | None = None
) -> Figures:
    """Each worker coroutine does one timed request and returns its latency (None: nothing left)."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()

    async def loop(work: Callable[[], Awaitable[float | None]]) -> None:
        while time.perf_counter() < deadline and (at_most is None or len(latencies) < at_most):
            latency = await work()
            if latency is None:
                return
            latencies.append(latency)

    await asyncio.gather(*(loop(work) for work in workers))
    if not latencies:
        raise RuntimeError("no request was made")
    return figures_of(latencies, time.perf_counter() - started)


# --- Processes and sessions -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def serving(command: list[str], port: int, ready_path: str, log: Path) -> Iterator[str]:
    base_url = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} stopped; see {log}:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base_url + ready_path, timeout=2).status_code < 500:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{command} did not answer on {base_url}; see {log}")
            time.sleep(0.3)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Session:
    email: str
    client: httpx.AsyncClient
    token: str = ""
    product_ids: list[int] = field(default_factory=list)

    @property
    def cookie(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.client.cookies.items())

    def request(self, method: str, path: str, *, htmx: bool = False, body: str = "") -> Request:
        token = self.token if method != "GET" else ""
        return Request(method, path, self.cookie, token, htmx, body)


CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')
CSRF_HEADER = re.compile(r'"x-csrftoken": "([^"]+)"')


async def log_in(client: httpx.AsyncClient, email: str, password: str) -> Session:
    form = await client.get("/login")
    found = CSRF_FIELD.search(form.text)
    if not found:
        raise RuntimeError("no CSRF token on /login")
    answer = await client.post("/login", data={"email": email, "password": password, "_csrf_token": found.group(1)})
    if answer.status_code >= 400:
        raise RuntimeError(f"login of {email} failed: {answer.status_code}")
    home = await client.get("/", follow_redirects=True)
    header = CSRF_HEADER.search(home.text)
    if home.status_code != 200 or not header:
        raise RuntimeError(f"{email} is not logged in ({home.status_code})")
    return Session(email, client, header.group(1))


# --- Data -------------------------------------------------------------------------------------


@dataclass
class BenchData:
    buyers: list[str]
    finance: str
    password: str
    terms: dict[str, list[str]]
    # The buyers' own part numbers, by email.
    part_numbers: dict[str, list[str]]
    skus: list[str]
    invoice_ids: list[int]
    source: str
    cart_lines: int = 0


def read_seed_file(path: Path) -> dict[str, Any]:
    """The large data set's description written by `portal bench seed`, read leniently: buyers
    (emails or objects with `email`), a finance user, a password and term classes."""
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _terms(values: Any) -> list[str]:
    """Terms as `portal bench seed` lists them: strings or objects with `term`."""
    if not isinstance(values, list):
        return []
    return [str(item["term"] if isinstance(item, dict) else item) for item in values if item]


def seed_terms(seed: dict[str, Any]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The seed file's term classes in the runner's names, and the own part numbers by email."""
    classes = seed.get("search_terms") or {}
    healthy, adversarial = classes.get("healthy") or {}, classes.get("adversarial") or {}
    terms = {
        "sku fragments": _terms(healthy.get("sku_fragments")) + _terms(healthy.get("full_skus")),
        "common words": _terms(healthy.get("common_words")),
        "brand words": _terms(adversarial.get("brand_words")),
        "zero hits": _terms(adversarial.get("zero_hit")),
        "EANs": _terms(adversarial.get("eans")),
    }
    part_numbers: dict[str, list[str]] = {}
    for item in adversarial.get("own_part_numbers") or []:
        if isinstance(item, dict) and item.get("email") and item.get("term"):
            part_numbers.setdefault(str(item["email"]), []).append(str(item["term"]))
    return {name: values for name, values in terms.items() if values}, part_numbers


def pick_buyers(seed: dict[str, Any], part_numbers: dict[str, list[str]], count: int = 6) -> list[str]:
    """Buyers of different companies: half with their own part numbers, when there are any."""
    emails = _emails(seed.get("buyers"))
    with_parts = [email for email in emails if email in part_numbers][: count // 2]
    others = [email for email in emails if email not in with_parts]
    return with_parts + others[: count - len(with_parts)]


def _emails(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item if isinstance(item, str) else str(item.get("email", "")) for item in value if item]


async def discover(seed: dict[str, Any] | None, source: str) -> BenchData:
    """Terms, SKUs and invoices from the database, overridden by what the seed file names."""
    from portal.catalog.tables import Product

    rng = random.Random(2026)
    seed = seed or {}
    seeded_terms, seeded_parts = seed_terms(seed)
    buyers = pick_buyers(seed, seeded_parts) or DEMO_BUYERS
    # A seed file without finance people (an older one) leaves the invoice PDF rows out.
    finance_value = seed.get("finance") or ("" if seed else DEMO_FINANCE)
    finance_people = _emails(finance_value) if isinstance(finance_value, list) else [str(finance_value)]
    password = str(seed.get("password") or DEMO_PASSWORD)
    products = await Product.raw("SELECT sku, ean FROM product WHERE status = 'active' ORDER BY id LIMIT 200000").run()
    skus = [row["sku"] for row in products]
    eans = [row["ean"] for row in products if row["ean"]]
    words = await Product.raw(
        "SELECT word, count(*) AS hits FROM (SELECT DISTINCT id, regexp_split_to_table(lower(name_pl), '[^[:alnum:]]+')"
        " AS word FROM product WHERE status = 'active') AS words WHERE length(word) >= 4"
        " GROUP BY word ORDER BY hits DESC LIMIT 400"
    ).run()
    brand_words = [row["word"] for row in words[:5]]
    common_words = [row["word"] for row in words if 20 <= row["hits"] <= 300][:12]
    fragments = sorted({"-".join(sku.lower().split("-")[:2])[:10] for sku in rng.sample(skus, min(40, len(skus)))})
    part_numbers: dict[str, list[str]] = {}
    for email in buyers:
        codes = await Product.raw(
            "SELECT p.code FROM customer_part_number p JOIN membership m ON m.company = p.company"
            ' JOIN portal_user u ON u.id = m."user" WHERE u.email = {} ORDER BY p.id LIMIT 20',
            email,
        ).run()
        part_numbers[email] = [row["code"] for row in codes]
    # Invoices never rendered yet, in any language (an earlier run's downloads would be second
    # ones), of the first finance person who still has some.
    finance, invoices = "", []
    for email in finance_people:
        invoices = await Product.raw(
            "SELECT i.id FROM invoice i JOIN membership m ON m.company = i.company JOIN portal_user u"
            ' ON u.id = m."user" WHERE u.email = {} AND NOT EXISTS (SELECT 1 FROM stored_pdf s'
            " WHERE s.document_type = 'invoice' AND s.document_id = i.id) ORDER BY i.id DESC LIMIT 60",
            email,
        ).run()
        if invoices:
            finance = email
            break
    terms: dict[str, list[str]] = {
        "sku fragments": fragments[:12],
        "common words": common_words,
        "brand words": brand_words,
        "zero hits": [f"xq{secrets.token_hex(3)}zv" for _ in range(6)],
        "EANs": rng.sample(eans, min(12, len(eans))),
    }
    terms.update(seeded_terms)
    for email, codes in seeded_parts.items():
        part_numbers[email] = codes
    return BenchData(buyers, finance, password, terms, part_numbers, skus, [row["id"] for row in invoices], source)


HEALTHY = ("sku fragments", "common words", "healthy")
ADVERSARIAL = ("brand words", "zero hits", "EANs", "adversarial")


def term_mix(data: BenchData, email: str, classes: Sequence[str]) -> list[str]:
    mix = [term for name in classes for term in data.terms.get(name, [])]
    if "adversarial" in classes or "EANs" in classes:
        mix += data.part_numbers.get(email, [])
    return mix


# --- SQL statements per request -----------------------------------------------------------------


@contextlib.contextmanager
def counting(engine: Any) -> Iterator[list[str]]:
    """The statements `engine` runs inside the block (tests/query_counter.py's way)."""
    statements: list[str] = []
    engine_class = type(engine)
    run_querystring = engine_class.run_querystring
    run_ddl = engine_class.run_ddl

    async def counted_querystring(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        if self is engine:
            statements.append(str(querystring))
        return await run_querystring(self, querystring, *args, **kwargs)

    async def counted_ddl(self: Any, ddl: str, *args: Any, **kwargs: Any) -> Any:
        if self is engine:
            statements.append(ddl)
        return await run_ddl(self, ddl, *args, **kwargs)

    with (
        patch.object(engine_class, "run_querystring", counted_querystring),
        patch.object(engine_class, "run_ddl", counted_ddl),
    ):
        yield statements


@contextlib.asynccontextmanager
async def in_process() -> AsyncIterator[tuple[Any, Callable[[str, str], Awaitable[Session]]]]:
    from portal.app import create_app
    from portal.config import load_settings
    from portal.database import connection_pool

    app = create_app(load_settings())
    clients: list[httpx.AsyncClient] = []

    async def session_of(email: str, password: str) -> Session:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        client = httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000")
        clients.append(client)
        return await log_in(client, email, password)

    async with connection_pool(app.state["engine"]):
        try:
            yield app.state["engine"], session_of
        finally:
            for client in clients:
                await client.aclose()


async def count_statements(
    engine: Any, session: Session, method: str, path: str, *, htmx: bool = False, body: str = ""
) -> int:
    headers = {"HX-Request": "true"} if htmx else {}
    if method != "GET":
        headers["x-csrftoken"] = session.token
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    with counting(engine) as statements:
        answer = await session.client.request(method, path, headers=headers, content=body or None)
    if answer.status_code >= 400:
        raise RuntimeError(f"{method} {path} answered {answer.status_code} in process")
    return len(statements)


# --- The run ----------------------------------------------------------------------------------


@dataclass
class Plan:
    seconds: float
    connections: int
    threads: int


def _grid(term: str) -> str:
    return "/order?" + urllib.parse.urlencode({"q": term})


def _browse(page: int) -> str:
    return "/order?" + urllib.parse.urlencode({"page": page})


def _paste(skus: Sequence[str], lines: int) -> str:
    chosen = [skus[index % len(skus)] for index in range(lines)]
    text = "\n".join(f"{sku}\t{index % 9 + 1}" for index, sku in enumerate(chosen))
    return urllib.parse.urlencode({"lines": text})


async def cart_lines(email: str) -> int:
    from portal.ordering.tables import CartLine

    rows = await CartLine.raw(
        'SELECT count(*) AS n FROM cart_line l JOIN cart c ON c.id = l.cart JOIN portal_user u ON u.id = c."user"'
        " WHERE u.email = {}",
        email,
    ).run()
    return int(rows[0]["n"])


async def fill_cart(session: Session, skus: Sequence[str], lines: int) -> None:
    """Adds SKUs until the cart has `lines` lines (a buyer may not see every product)."""
    offset = 0
    for _ in range(5):
        missing = lines - await cart_lines(session.email)
        if missing <= 0 or offset >= len(skus):
            return
        await _add_lines(session, skus[offset : offset + missing])
        offset += missing


async def _add_lines(session: Session, skus: Sequence[str]) -> None:
    fields: list[tuple[str, str]] = []
    for number, sku in enumerate(skus, start=1):
        fields += [("line", str(number)), ("code", sku), ("quantity", str(number % 5 + 1))]
    answer = await session.client.post(
        "/order/quick/add", content=urllib.parse.urlencode(fields), headers=_post_headers(session)
    )
    if answer.status_code >= 400:
        raise RuntimeError(f"filling the cart failed: {answer.status_code}")


def _post_headers(session: Session, htmx: bool = False) -> dict[str, str]:
    headers = {"x-csrftoken": session.token, "Content-Type": "application/x-www-form-urlencoded"}
    if htmx:
        headers["HX-Request"] = "true"
    return headers


async def check(session: Session, request: Request) -> httpx.Response:
    headers = {"HX-Request": "true"} if request.htmx else {}
    if request.method != "GET":
        headers.update(_post_headers(session))
    answer = await session.client.request(request.method, request.path, headers=headers, content=request.body or None)
    if answer.status_code != 200:
        raise RuntimeError(f"{session.email}: {request.method} {request.path} answered {answer.status_code}")
    return answer


async def collect_products(session: Session, terms: Sequence[str]) -> None:
    for term in terms:
        page = await session.client.get(_grid(term), headers={"HX-Request": "true"})
        session.product_ids += [int(found) for found in re.findall(r'name="product_id" value="(\d+)"', page.text)]
    session.product_ids = sorted(set(session.product_ids))
    if not session.product_ids:
        raise RuntimeError(f"{session.email} sees no products")


def _checkout_worker(session: Session) -> Callable[[], Awaitable[float]]:
    return lambda: checkout_once(session, session.product_ids[2 % len(session.product_ids)])


async def checkout_once(session: Session, product_id: int) -> float:
    added = await session.client.post(
        "/cart/lines", content=f"product_id={product_id}&quantity=1", headers=_post_headers(session, htmx=True)
    )
    form = await session.client.get("/checkout")
    address = re.search(r'name="delivery_address_id" value="(\d+)"', form.text)
    if added.status_code != 200 or not address:
        raise RuntimeError(f"{session.email} cannot check out ({added.status_code})")
    body = urllib.parse.urlencode(
        {
            "submission_key": secrets.token_urlsafe(24),
            "po_number": "BENCH",
            "delivery_address_id": address.group(1),
            "requested_delivery_on": "",
            "note": "",
            "pay_in_advance": "1",
        }
    )
    started = time.perf_counter()
    placed = await session.client.post("/checkout", content=body, headers=_post_headers(session))
    latency = time.perf_counter() - started
    if placed.status_code != 303 or "/orders/" not in placed.headers.get("location", ""):
        raise RuntimeError(f"checkout of {session.email} answered {placed.status_code}")
    return latency


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


async def measure(
    data: BenchData, portal: str, reference: str, plan: Plan, counts: dict[str, str], log_dir: Path
) -> list[Row]:
    rows: list[Row] = []

    def load(name: str, base_url: str, requests: Sequence[Request]) -> None:
        ready_path = "/plain" if base_url == reference else "/login"
        say(f"{name}: wrk -c1 and -c{plan.connections}, {plan.seconds:.0f} s each")
        settle(base_url, ready_path)
        single = run_wrk(base_url, requests, threads=1, connections=1, seconds=plan.seconds)
        saturation = run_wrk(
            base_url, requests, threads=plan.threads, connections=plan.connections, seconds=plan.seconds
        )
        settle(base_url, ready_path)
        failed = sum(figures.errors for figures in (saturation, single) if figures)
        if failed:
            say(f"  {name}: {failed} requests failed or answered 4xx/5xx")
        rows.append(
            Row(name, saturation, single, counts.get(name, counts.get(re.sub(r"\d+ lines", "500 lines", name), "")))
        )

    load("reference: plain text", reference, [Request("GET", "/plain", "")])
    load(BASELINE, reference, [Request("GET", "/table", "")])

    clients = [httpx.AsyncClient(base_url=portal, timeout=60) for _ in [*data.buyers, data.finance]]
    try:
        buyers = [
            await log_in(client, email, data.password) for client, email in zip(clients, data.buyers, strict=False)
        ]
        finance = await log_in(clients[-1], data.finance, data.password) if data.finance else None
        for buyer in buyers:
            await collect_products(buyer, term_mix(data, buyer.email, HEALTHY)[:6])
        cart_owner, adders = buyers[0], buyers[1:] or buyers

        def grid_requests(classes: Sequence[str]) -> list[Request]:
            return [
                buyer.request("GET", _grid(term), htmx=True)
                for buyer in buyers
                for term in term_mix(data, buyer.email, classes)
            ]

        scenarios: list[tuple[str, list[Request]]] = [
            # The grid's floor: 50 priced rows whose database part is a short walk of an index.
            (
                BROWSING,
                [buyer.request("GET", _browse(page), htmx=True) for buyer in buyers for page in range(1, 6)],
            ),
            ("grid search, healthy mix", grid_requests(HEALTHY)),
            ("grid search, adversarial mix", grid_requests(ADVERSARIAL)),
            (
                "product page",
                [buyer.request("GET", f"/products/{pid}") for buyer in buyers for pid in buyer.product_ids[:30]],
            ),
            (
                "add to cart (htmx POST)",
                [
                    buyer.request("POST", "/cart/lines", htmx=True, body=f"product_id={pid}&quantity=1")
                    for buyer in adders
                    for pid in buyer.product_ids[:20]
                ],
            ),
        ]
        scenarios += [
            (f"cart view, {data.cart_lines} lines", [cart_owner.request("GET", "/cart")]),
            (
                "quick order paste, 1,000 lines",
                [
                    buyer.request("POST", "/order/quick/check", htmx=True, body=_paste(data.skus[offset:], 1000))
                    for buyer in buyers
                    for offset in (0, 1000)
                ],
            ),
        ]
        for name, requests in scenarios:
            for request in {(r.method, r.path, r.body): r for r in requests}.values():
                session = next(s for s in buyers if s.cookie == request.cookie)
                await check(session, request)
                break
            load(name, portal, requests)

        say("order submission: httpx, one buyer at a time and every buyer at once")
        checkout_buyers = adders
        settle(portal, "/login")
        for buyer in checkout_buyers:
            await checkout_once(buyer, buyer.product_ids[0])  # the first order takes what the adds left
        single = await drive(
            [lambda: checkout_once(checkout_buyers[0], checkout_buyers[0].product_ids[1])], plan.seconds
        )
        saturation = await drive([_checkout_worker(b) for b in checkout_buyers], plan.seconds)
        rows.append(
            Row("order submission (checkout POST)", saturation, single, counts.get("order submission", ""), "httpx")
        )

        if finance is not None and data.invoice_ids:
            say("invoice PDF, first download: httpx, one connection, each invoice once")
            fresh = list(data.invoice_ids)

            async def first_download() -> float | None:
                if not fresh:
                    return None
                invoice_id = fresh.pop()
                started = time.perf_counter()
                answer = await finance.client.get(f"/invoices/{invoice_id}/pdf")
                if answer.status_code != 200:
                    raise RuntimeError(f"invoice {invoice_id} PDF answered {answer.status_code}")
                return time.perf_counter() - started

            first_ids = list(fresh)
            first = await drive([first_download], max(plan.seconds, 5))
            downloaded = [invoice_id for invoice_id in first_ids if invoice_id not in fresh]
            rows.append(
                Row("invoice PDF, first download", None, first, counts.get("invoice PDF, first download", ""), "httpx")
            )
            load(
                "invoice PDF, second download",
                portal,
                [finance.request("GET", f"/invoices/{invoice_id}/pdf") for invoice_id in downloaded],
            )
        (log_dir / "scenarios.json").write_text(
            json.dumps({name: [r.path for r in requests[:50]] for name, requests in scenarios}, indent=1)
        )
    finally:
        for client in clients:
            await client.aclose()
    return rows


async def statement_counts(data: BenchData) -> dict[str, str]:
    """One request of each scenario in this process, its SQL statements counted."""
    counts: dict[str, str] = {}
    async with in_process() as (engine, session_of):
        buyer = await session_of(data.buyers[-1], data.password)
        await collect_products(buyer, term_mix(data, buyer.email, HEALTHY)[:3])
        for label, classes in (("healthy", HEALTHY), ("adversarial", ADVERSARIAL)):
            per_class = []
            for name in classes:
                terms = term_mix(data, buyer.email, [name])
                if terms:
                    await count_statements(engine, buyer, "GET", _grid(terms[0]), htmx=True)
                    per_class.append(await count_statements(engine, buyer, "GET", _grid(terms[-1]), htmx=True))
            counts[f"grid search, {label} mix"] = _span(per_class)
        counts[BROWSING] = str(await count_statements(engine, buyer, "GET", _browse(2), htmx=True))
        product = buyer.product_ids[0]
        counts["product page"] = str(await count_statements(engine, buyer, "GET", f"/products/{product}"))
        counts["add to cart (htmx POST)"] = str(
            await count_statements(
                engine, buyer, "POST", "/cart/lines", htmx=True, body=f"product_id={product}&quantity=1"
            )
        )
        owner = await session_of(data.buyers[0], data.password)
        say(f"filling {owner.email}'s cart with 500 lines")
        await fill_cart(owner, data.skus, 500)
        data.cart_lines = await cart_lines(owner.email)
        counts["cart view, 500 lines"] = str(await count_statements(engine, owner, "GET", "/cart"))
        counts["quick order paste, 1,000 lines"] = str(
            await count_statements(engine, owner, "POST", "/order/quick/check", htmx=True, body=_paste(data.skus, 1000))
        )
        if data.finance and data.invoice_ids:
            finance = await session_of(data.finance, data.password)
            # Taken out of the list: the load run's first downloads must be first.
            invoice = data.invoice_ids.pop()
            counts["invoice PDF, first download"] = str(
                await count_statements(engine, finance, "GET", f"/invoices/{invoice}/pdf")
            )
            counts["invoice PDF, second download"] = str(
                await count_statements(engine, finance, "GET", f"/invoices/{invoice}/pdf")
            )
        body = await buyer.client.get("/checkout")
        address = re.search(r'name="delivery_address_id" value="(\d+)"', body.text)
        if address:
            form = urllib.parse.urlencode(
                {
                    "submission_key": secrets.token_urlsafe(24),
                    "po_number": "BENCH",
                    "delivery_address_id": address.group(1),
                    "pay_in_advance": "1",
                }
            )
            counts["order submission"] = str(await count_statements(engine, buyer, "POST", "/checkout", body=form))
    return counts


def _span(values: Sequence[int]) -> str:
    if not values:
        return ""
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}–{high}"


@contextlib.asynccontextmanager
async def _api_client(database_url: str, key_name: str, scope: Scope) -> AsyncIterator[httpx.AsyncClient]:
    """The integration API of an app on `database_url` (migrated here), called in this process
    over ASGI with a new key of `scope`."""
    from portal.app import create_app
    from portal.config import load_settings
    from portal.database import connection_pool, migrate
    from portal.integration.api_keys import create_api_key

    app = create_app(load_settings().model_copy(update={"database_url": database_url, "valkey_url": None}))
    async with connection_pool(app.state["engine"]):
        await migrate()
        key = await create_api_key(key_name, [scope])
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://127.0.0.1:8000",
            headers={"Authorization": f"Bearer {key}"},
            timeout=600,
        ) as client:
            yield client


async def measure_imports(database_url: str, resource_name: str | None, count: int) -> str:
    """The import throughput section (portal/bench/imports.py), on `database_url`, which it
    migrates: a database of its own, so the data set measured above stays as it is."""
    from portal.bench.imports import DEFAULT_RESOURCE, BenchSkipped, format_import_table, import_throughput
    from portal.integration.erp_resources import ERP_RESOURCES

    resource_name = resource_name or DEFAULT_RESOURCE
    resource = ERP_RESOURCES.get(resource_name)
    if resource is None:
        known = ", ".join(ERP_RESOURCES) or "none yet"
        return f"Import throughput: skipped, there is no resource {resource_name!r} (there are: {known})."
    async with _api_client(database_url, "bench", resource.scope) as client:
        try:
            rows = await import_throughput(client, resource, count)
        except BenchSkipped as reason:
            return f"Import throughput: skipped, {reason}."
    return format_import_table(resource.name, rows)


async def measure_events(database_url: str, count: int, webhooks: int, latency_seconds: float) -> str:
    """The events-out section (portal/bench/events.py), on `database_url`, which it migrates."""
    from portal.bench.events import event_figures, format_event_table
    from portal.config import load_settings
    from portal.mail import Postbox, mailer_for
    from portal.web.templating import build_environment

    settings = load_settings()
    postbox = Postbox(build_environment(auto_reload=False), mailer_for(settings), settings.base_url)
    async with _api_client(database_url, "bench-erp", Scope.EVENTS) as client:
        try:
            figures = await event_figures(client, postbox, count, webhooks, seconds=latency_seconds)
        except (RuntimeError, TimeoutError) as failed:
            return f"Events out: failed, {failed or 'an event never arrived'}."
    return format_event_table(figures)


async def measure_first_load(database_url: str, products: int) -> str:
    """The first load's section (portal/bench/first_load.py), on `database_url`, which it
    migrates; the export's files are written to a temporary directory."""
    from portal.bench.first_load import first_load, format_first_load_table
    from portal.config import load_settings
    from portal.database import connection_pool, engine_for, migrate, use_database

    engine = engine_for(load_settings().model_copy(update={"database_url": database_url, "valkey_url": None}))
    use_database(engine)
    async with connection_pool(engine):
        await migrate()
        with tempfile.TemporaryDirectory(prefix="portal-first-load-") as directory:
            try:
                rows = await first_load(Path(directory), products)
            except RuntimeError as failed:
                return f"First load: failed, {failed}."
    return format_first_load_table(rows)


def machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    return f"{os.cpu_count()} cores ({model}){memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


async def _database(url: str, action: str) -> None:
    import asyncpg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    connection = await asyncpg.connect(admin)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if action == "create":
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def forget_keys(valkey_url: str, prefix: str) -> None:
    """The run's sessions, rate limits and queue keys leave Valkey with it."""
    from valkey.asyncio import from_url

    client = from_url(valkey_url)
    try:
        keys = [key async for key in client.scan_iter(match=f"*{prefix}*", count=1000)]
        for start in range(0, len(keys), 500):
            await client.delete(*keys[start : start + 500])
    finally:
        await client.aclose()


async def prepare(seed_file: Path, fresh_database: bool) -> BenchData:
    from portal.config import load_settings
    from portal.database import connection_pool, engine_for, migrate, use_database

    settings = load_settings()
    engine = engine_for(settings)
    use_database(engine)
    async with connection_pool(engine):
        if fresh_database:
            say("migrating and seeding the demo data (no large data set found)")
            from portal.demo import seed_demo

            await migrate()
            await seed_demo()
            return await discover(None, "the demo data (`portal demo`'s seed)")
        say(f"using the data set described by {seed_file}")
        return await discover(read_seed_file(seed_file), f"the large data set ({seed_file})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m portal.bench.run", description="make bench: see the module's doc")
    parser.add_argument("--quick", action="store_true", help="a smoke run: BENCH_DURATION (default 2) seconds a step")
    parser.add_argument("--duration", type=float, help="seconds of each wrk run (default 8, BENCH_DURATION)")
    parser.add_argument("--connections", type=int, default=32, help="connections at saturation (default 32)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server workers (default: cores)")
    parser.add_argument("--keep-database", action="store_true", help="keep the scratch database")
    parser.add_argument("--demo", action="store_true", help="use the demo data even when a seed file exists")
    parser.add_argument("--import-resource", help="the resource of the import figures (default: price-lists)")
    parser.add_argument("--import-items", type=int, help="items of the import figures (default 20,000; quick 3,000)")
    parser.add_argument("--events", type=int, help="events of the events-out figures (default 20,000; quick 2,000)")
    parser.add_argument("--webhooks", type=int, help="events of the webhook throughput (default 5,000; quick 1,000)")
    parser.add_argument(
        "--first-load-products",
        type=int,
        help="products of the first load, 10 prices each (default 100,000; quick 5,000)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if shutil.which("wrk") is None:
        raise SystemExit("make bench needs wrk: apt-get install -y wrk (`make bench` does it)")
    duration = args.duration or float(os.environ.get("BENCH_DURATION") or (2 if args.quick else 8))
    plan = Plan(seconds=duration, connections=args.connections, threads=2)

    seed_file = Path(os.environ.get("BENCH_SEED_FILE") or DEFAULT_SEED_FILE)
    large = seed_file.exists() and not args.demo
    database_url = os.environ.get("PORTAL_DATABASE_URL") or DEFAULT_DATABASE_URL
    scratch = not large
    os.environ.update(
        PORTAL_MODE="production",
        PORTAL_SECRET_KEY=secrets.token_urlsafe(48),
        PORTAL_DATABASE_URL=database_url,
        PORTAL_VALKEY_URL=os.environ.get("PORTAL_VALKEY_URL") or DEFAULT_VALKEY_URL,
        PORTAL_KEY_PREFIX=f"bench-{secrets.token_hex(4)}",
        # Logins of several buyers from one address are no attack.
        PORTAL_LOGIN_ATTEMPTS_PER_ADDRESS="1000",
    )
    log_dir = PROJECT_ROOT / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    say(f"machine: {machine()}")
    say(f"database {urllib.parse.urlsplit(database_url)._replace(netloc='…').geturl()}, valkey, {args.workers} workers")
    if scratch:
        asyncio.run(_database(database_url, "create"))
    try:
        data = asyncio.run(prepare(seed_file, scratch))
        say(f"data: {data.source}; buyers {', '.join(data.buyers)}; finance {data.finance}")
        say("counting SQL statements per request in process")
        counts = asyncio.run(statement_counts(data))
        say(f"SQL statements per request: {counts}")
        portal_port, reference_port = free_port(), free_port()
        python = sys.executable
        portal_command = [
            str(Path(python).parent / "portal"),
            "serve",
            "--port",
            str(portal_port),
            "--workers",
            str(args.workers),
        ]
        reference_command = [
            python, "-m", "portal.bench.reference", "--port", str(reference_port), "--workers", str(args.workers)
        ]  # fmt: skip
        with (
            serving(portal_command, portal_port, "/login", log_dir / "portal.log") as portal,
            serving(reference_command, reference_port, "/plain", log_dir / "reference.log") as reference,
        ):
            started = time.monotonic()
            rows = asyncio.run(measure(data, portal, reference, plan, counts, log_dir))
        say(f"measured in {time.monotonic() - started:.0f} s")
        print()
        print(f"Machine: {machine()}")
        print(
            f"Data: {data.source}. Saturation: wrk -t2 -c{plan.connections}; c1: one connection; {duration:.0f} s each."
        )
        print()
        print(format_table(rows))
        say("import throughput, on a database of its own")
        parts = urllib.parse.urlsplit(database_url)
        imports_url = parts._replace(path=parts.path + "_imports").geturl()
        asyncio.run(_database(imports_url, "create"))
        try:
            section = asyncio.run(
                measure_imports(
                    imports_url, args.import_resource, args.import_items or (3000 if args.quick else 20_000)
                )
            )
        finally:
            asyncio.run(_database(imports_url, "drop"))
        print()
        print(section)
        say("events out, on a database of its own")
        events_url = parts._replace(path=parts.path + "_events").geturl()
        asyncio.run(_database(events_url, "create"))
        try:
            section = asyncio.run(
                measure_events(
                    events_url,
                    args.events or (2000 if args.quick else 20_000),
                    args.webhooks or (1000 if args.quick else 5000),
                    3 if args.quick else 10,
                )
            )
        finally:
            asyncio.run(_database(events_url, "drop"))
        print()
        print(section)
        say("first load through files, on a database of its own")
        first_load_url = parts._replace(path=parts.path + "_first_load").geturl()
        asyncio.run(_database(first_load_url, "create"))
        try:
            products = args.first_load_products or (5000 if args.quick else FIRST_LOAD_PRODUCTS)
            section = asyncio.run(measure_first_load(first_load_url, products))
        finally:
            asyncio.run(_database(first_load_url, "drop"))
        print()
        print(section)
    finally:
        with contextlib.suppress(Exception):
            asyncio.run(forget_keys(os.environ["PORTAL_VALKEY_URL"], os.environ["PORTAL_KEY_PREFIX"]))
        if scratch and not args.keep_database:
            asyncio.run(_database(database_url, "drop"))


if __name__ == "__main__":
    main()
