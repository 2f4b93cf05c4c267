"""How a burst of logins treats everyone else: starts the demo on a free 127.0.0.1 port (its own
SQLite file and memory stores in a temporary folder), fires N parallel logins with the demo
password while polling `/health` one request after another, and prints the latencies /health
saw during the burst. argon2 on the event loop showed here as seconds of /health.

    python -m portal.bench.login_burst [--logins 20] [--source DIR]

`--source` runs another checkout's code (e.g. a copy of main under /tmp) with this script, to
compare before and after."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

DEMO_PASSWORD = "portal-demo"
STARTUP_SECONDS = 180


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _start_demo(source: Path, var_dir: Path, port: int) -> subprocess.Popen[bytes]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PORTAL_") and key not in {"PORT", "PYTHONPATH"}
    }
    environment.update({"PORT": str(port), "PORTAL_VAR_DIR": str(var_dir), "PYTHONPATH": str(source)})
    return subprocess.Popen(
        [sys.executable, "-c", "from portal.cli import main; main(['demo'])"],
        cwd=source,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=(var_dir / "server.log").open("wb"),
    )


async def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    async with httpx.AsyncClient(base_url=base) as http:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit("the demo server stopped while starting; see its log")
            try:
                if (await http.get("/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit("the demo server did not answer /health in time")


def _demo_emails(var_dir: Path, count: int) -> list[str]:
    with sqlite3.connect(var_dir / "portal.sqlite3") as database:
        rows = database.execute(
            "SELECT email FROM portal_user WHERE is_active AND password_hash != '' ORDER BY id"
        ).fetchall()
    emails = [row[0] for row in rows]
    return [emails[n % len(emails)] for n in range(count)]


async def _ready_login(base: str, email: str) -> tuple[httpx.AsyncClient, dict[str, str]]:
    http = httpx.AsyncClient(base_url=base, timeout=60)
    page = await http.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert token, "no CSRF token on /login"
    return http, {"email": email, "password": DEMO_PASSWORD, "step": "password", "_csrf_token": token.group(1)}


async def _burst(base: str, emails: list[str]) -> tuple[list[int], list[float], float]:
    logins = [await _ready_login(base, email) for email in emails]
    latencies: list[float] = []
    done = asyncio.Event()

    async def poll_health() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            while not done.is_set():
                started = time.perf_counter()
                await http.get("/health")
                latencies.append(time.perf_counter() - started)

    poller = asyncio.create_task(poll_health())
    started = time.perf_counter()
    answers = await asyncio.gather(*(http.post("/login", data=form) for http, form in logins))
    took = time.perf_counter() - started
    done.set()
    await poller
    for http, _form in logins:
        await http.aclose()
    return [answer.status_code for answer in answers], latencies, took


async def measure(source: Path, logins: int) -> None:
    with tempfile.TemporaryDirectory(prefix="login-burst-") as folder:
        var_dir = Path(folder)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = _start_demo(source, var_dir, port)
        try:
            await _wait_until_up(base, server)
            statuses, latencies, took = await _burst(base, _demo_emails(var_dir, logins))
        finally:
            server.terminate()
            server.wait(timeout=30)
    in_ms = [value * 1000 for value in latencies]
    print(f"code: {source}")
    print(f"{logins} parallel logins in {took:.2f} s; answers: {sorted(statuses)}")
    print(
        f"/health during the burst: {len(in_ms)} requests, p50 {statistics.median(in_ms):.1f} ms, "
        f"p99 {_percentile(in_ms, 0.99):.1f} ms, max {max(in_ms):.1f} ms"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m portal.bench.login_burst", description=__doc__)
    parser.add_argument("--logins", type=int, default=20, help="parallel logins (default 20)")
    parser.add_argument(
        "--source", type=Path, default=Path(__file__).resolve().parents[2], help="the checkout whose code to run"
    )
    args = parser.parse_args(argv)
    asyncio.run(measure(args.source.resolve(), args.logins))


if __name__ == "__main__":
    main()
