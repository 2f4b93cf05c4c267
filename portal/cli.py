"""The `portal` command: serve, migrate, demo, worker, api-key, import, erp-sim, bench."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import uvicorn
from pydantic import ValidationError

from portal.config import Mode, Settings, load_settings
from portal.database import connection_pool, engine_for, migrate, use_database
from portal.integration.scopes import Scope


def _settings_or_exit(**overrides: object) -> Settings:
    try:
        settings = load_settings()
        return settings.model_copy(update=overrides) if overrides else settings
    except ValidationError as error:
        print("The portal's settings are not valid:", file=sys.stderr)
        for problem in error.errors():
            name = "PORTAL_" + "_".join(str(part) for part in problem["loc"]).upper() if problem["loc"] else "settings"
            print(f"  {name}: {problem['msg']}", file=sys.stderr)
        raise SystemExit(2) from error


async def _migrate(settings: Settings, seed: bool = False, sso_issuer: str | None = None) -> None:
    engine = engine_for(settings)
    use_database(engine)
    async with connection_pool(engine):
        await migrate()
        if seed:
            from portal.demo import seed_demo
            from portal.demo_sso import seed_sso

            await seed_demo()
            await seed_sso(settings, sso_issuer)


# Open pages hold live-update streams that never end by themselves: a stopping server gives
# requests this long, then closes what is left.
GRACEFUL_SHUTDOWN_SECONDS = 5


async def _api_key_command(settings: Settings, args: argparse.Namespace) -> None:
    """`portal api-key create|rotate|revoke|list`: the same keys the Integration page manages."""
    from portal import clock
    from portal.errors import DomainError
    from portal.i18n import set_locale
    from portal.integration import api_keys

    # The command speaks English, refusals included, like the rest of its output.
    set_locale("en")
    engine = engine_for(settings)
    use_database(engine)
    async with connection_pool(engine):
        try:
            if args.key_command == "create":
                scopes = api_keys.parse_scopes(args.scope or [])
                key = await api_keys.create_api_key(args.name, scopes)
                print(f"API key of {args.name.strip()} (shown only now): {key}")
            elif args.key_command == "rotate":
                found = await api_keys.api_key_named(args.name)
                key = await api_keys.rotate_api_key(found.id, api_keys.rotation_grace(settings))
                rotated = await api_keys.api_key(found.id)
                print(f"New API key of {found.name} (shown only now): {key}")
                print(f"The old key keeps working until {rotated.previous_expires_at:%Y-%m-%d %H:%M} UTC.")
            elif args.key_command == "revoke":
                found = await api_keys.api_key_named(args.name)
                await api_keys.revoke_api_key(found.id)
                print(f"The API key of {found.name} is revoked.")
            else:
                now = clock.now()
                for view in await api_keys.api_keys():
                    used = f"{view.used_at:%Y-%m-%d %H:%M} from {view.last_used_address}" if view.used_at else "never"
                    print(
                        f"{view.name}\t{view.state(now).value}\t{' '.join(view.scopes)}\t"
                        f"made {view.created_at:%Y-%m-%d %H:%M}\tlast used {used}"
                    )
        except DomainError as refused:
            print(f"portal api-key {args.key_command}: {refused.message}", file=sys.stderr)
            raise SystemExit(2) from refused


async def _import_file(settings: Settings, args: argparse.Namespace) -> int:
    """`portal import`: the report on stdout; 1 when anything was rejected, 2 when the file or
    the mapping could not be used at all."""
    from portal.integration.erp_resources import ERP_RESOURCES
    from portal.integration.files import FileRefused
    from portal.integration.imports import ImportOptions, import_file
    from portal.integration.mapping import MappingDocument, MappingRefused, parse_mapping

    def refuse(*lines: str) -> int:
        for line in lines:
            print(line, file=sys.stderr)
        return 2

    resource = ERP_RESOURCES.get(args.resource)
    if resource is None:
        return refuse(
            f"portal import: there is no resource {args.resource!r}; there are: {', '.join(ERP_RESOURCES) or 'none yet'}"
        )
    try:
        content = args.file.read_bytes()
        document: MappingDocument | None = None
        if args.mapping is not None:
            document = parse_mapping(args.mapping.read_text(encoding="utf-8"), args.mapping.name)
    except (OSError, UnicodeDecodeError) as error:
        return refuse(f"portal import: {error}")
    except MappingRefused as refused:
        return refuse(f"portal import: the mapping {args.mapping} cannot be used:", *_pointed(refused.errors))
    options = ImportOptions(dry_run=args.dry_run, atomic=args.atomic, full=args.full, integration="portal import")
    engine = engine_for(settings)
    use_database(engine)
    async with connection_pool(engine):
        try:
            report = await import_file(resource, content, args.file.name, document, options)
        except MappingRefused as refused:
            return refuse(f"portal import: the mapping {args.mapping} cannot be used:", *_pointed(refused.errors))
        except FileRefused as refused:
            return refuse(f"portal import: {args.file} cannot be imported:", *(f"  {p}" for p in refused.problems))
    counts = ", ".join(f"{name} {count}" for name, count in report.counts.items())
    print(
        f"{resource.name} from {args.file.name} ({report.format}, {report.rows} rows, {report.items} items): {counts}"
    )
    for problem in report.problems:
        print(f"  {problem}")
    if report.detail:
        print(report.detail)
    return 1 if report.failed else 0


def _pointed(errors: Sequence[Any]) -> list[str]:
    return [f"  {error.pointer or '/'}: {error.detail}" for error in errors]


def _add_erp_sim_command(commands: Any) -> None:
    sim = commands.add_parser(
        "erp-sim",
        help="a simulated ERP: takes the portal's orders, acknowledges, ships and invoices them over the API",
    )
    sim.add_argument("--url", default="http://127.0.0.1:8000", help="the portal's base URL")
    sim.add_argument("--key", required=True, help="an API key with the scopes events, orders, shipments, finance")
    sim.add_argument("--state", type=Path, default=None, help="the state file (default: var/erp-sim.json)")
    sim.add_argument("--ack-delay", type=float, default=2.0, help="seconds before an order is acknowledged")
    sim.add_argument("--invoice-delay", type=float, default=20.0, help="seconds from confirmation to the invoice")
    sim.add_argument(
        "--price-change", type=float, default=0.2, help="the probability that one line's price changes (0 to 1)"
    )
    sim.add_argument("--seed", type=int, default=0, help="makes the price changes repeatable")
    sim.add_argument(
        "--carrier", default="dpd", help="the code of the carrier shipments go with, as the portal knows it"
    )
    sim.add_argument(
        "--since",
        choices=("all", "now"),
        default="all",
        help="all: every order in the feed; now: only orders placed after the first start",
    )
    sim.add_argument("--webhooks", action="store_true", help="receive webhooks instead of reading the feed")
    sim.add_argument("--listen", default="127.0.0.1:8090", help="where webhooks are received (host:port)")
    sim.add_argument("--secret", default="", help="the webhook endpoint's signing secret (whsec_…)")


def _erp_sim_command(settings: Settings, args: argparse.Namespace) -> None:
    from portal.erp_sim import PortalRefused, SimOptions, run_simulator

    if not 0 <= args.price_change <= 1:
        print("portal erp-sim: --price-change is a probability from 0 to 1", file=sys.stderr)
        raise SystemExit(2)
    listen: tuple[str, int] | None = None
    if args.webhooks:
        host, _colon, port = args.listen.rpartition(":")
        if not args.secret.startswith("whsec_") or not host or not port.isdigit():
            print("portal erp-sim: --webhooks needs --listen HOST:PORT and --secret whsec_…", file=sys.stderr)
            raise SystemExit(2)
        listen = (host, int(port))
    # One line per action of the simulator's own, not one per HTTP request.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    options = SimOptions(
        url=args.url,
        key=args.key,
        state_path=args.state or settings.var_dir / "erp-sim.json",
        ack_delay=args.ack_delay,
        invoice_delay=args.invoice_delay,
        price_change=args.price_change,
        seed=args.seed,
        carrier=args.carrier,
        since=args.since,
    )
    try:
        asyncio.run(run_simulator(options, listen, args.secret))
    except PortalRefused as refused:
        print(f"portal erp-sim: the portal refused: {refused}", file=sys.stderr)
        raise SystemExit(1) from refused
    except KeyboardInterrupt:
        pass


@contextlib.contextmanager
def _demo_erp_sim(settings: Settings) -> Iterator[None]:
    """`portal erp-sim` beside the demo, in a process of its own (it only talks HTTP to the
    portal): it waits for the server with its usual retries, takes the orders placed from its
    first start on (the demo's own orders have their story already), and stops with the demo."""
    from portal.demo import DEMO_ERP_KEY

    arguments = ["erp-sim", "--url", f"http://127.0.0.1:{settings.port}", "--key", DEMO_ERP_KEY, "--since", "now"]
    arguments += ["--state", str(settings.var_dir / "erp-sim.json")]
    simulator = subprocess.Popen([sys.executable, "-c", f"from portal.cli import main; main({arguments!r})"])
    try:
        yield
    finally:
        simulator.terminate()
        try:
            simulator.wait(timeout=10)
        except subprocess.TimeoutExpired:
            simulator.kill()
            simulator.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="portal", description="B2B customer self-service portal")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the portal (production settings from PORTAL_*)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="worker processes (default: one per core)"
    )
    commands.add_parser("migrate", help="apply database migrations")
    demo = commands.add_parser("demo", help="migrate, seed the demo data and serve on 127.0.0.1:8000 (PORT overrides)")
    demo.add_argument("--sso", action="store_true", help="also run a local OIDC provider for the demo's SSO company")
    demo.add_argument("--sso-port", type=int, default=9400, help="the local provider's port (default 9400)")
    demo.add_argument(
        "--erp-sim", action="store_true", help="also run `portal erp-sim`, which confirms and invoices new orders"
    )
    commands.add_parser("worker", help="run background jobs and schedules from the Valkey queue (production)")
    api_key = commands.add_parser("api-key", help="make, rotate, revoke or list the integration API's keys")
    key_commands = api_key.add_subparsers(dest="key_command", required=True)
    key_create = key_commands.add_parser("create", help="make a key with its scopes (shown once)")
    key_create.add_argument("name", help="the integration, e.g. erp or dpd-feed")
    key_create.add_argument(
        "--scope",
        action="append",
        metavar="SCOPE",
        help=f"what the key may touch, repeated: {', '.join(scope.value for scope in Scope)}",
    )
    key_rotate = key_commands.add_parser(
        "rotate", help="a new value for the key (shown once); the old one works for the grace period"
    )
    key_rotate.add_argument("name")
    key_revoke = key_commands.add_parser("revoke", help="the key stops working at once")
    key_revoke.add_argument("name")
    key_commands.add_parser("list", help="every key with its scopes, state and last use (never its value)")
    importing = commands.add_parser("import", help="load a file an ERP exported (CSV, XLSX or JSON Lines)")
    importing.add_argument("resource", help="what the file holds, e.g. products or prices")
    importing.add_argument("file", type=Path, help="CSV (UTF-8 or Windows-1250; ; or ,), XLSX or JSON Lines")
    importing.add_argument("--mapping", type=Path, help="a TOML (or JSON) file naming the columns' fields")
    importing.add_argument("--dry-run", action="store_true", help="check every row and reference; change nothing")
    importing.add_argument("--atomic", action="store_true", help="write nothing when any row is rejected")
    importing.add_argument("--full", action="store_true", help="a full export: deactivate what the file lacks")
    _add_erp_sim_command(commands)
    bench = commands.add_parser("bench", help="the benchmark at a wholesaler's scale (PostgreSQL)")
    bench_commands = bench.add_subparsers(dest="bench_command", required=True)
    bench_seed = bench_commands.add_parser("seed", help="migrate and fill the database with the benchmark's data set")
    bench_seed.add_argument("--scale", type=float, default=1.0, help="1.0: 100,000 products, 1,000 customers …")
    bench_seed.add_argument("--accounts", type=Path, default=None, help="the JSON of buyers and search terms")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    if args.command == "migrate":
        asyncio.run(_migrate(_settings_or_exit()))
    elif args.command == "demo":
        settings = _settings_or_exit()
        from portal.demo_sso import demo_provider, issuer_at

        with demo_provider(args.sso_port) if args.sso else contextlib.nullcontext():
            asyncio.run(_migrate(settings, seed=True, sso_issuer=issuer_at(args.sso_port) if args.sso else None))
            print(f"\n  Portal demo: http://127.0.0.1:{settings.port}/  (users in README, password portal-demo)\n")
            # Started once the data is seeded: until the server answers, the simulator retries.
            with _demo_erp_sim(settings) if args.erp_sim else contextlib.nullcontext():
                uvicorn.run(
                    "portal.asgi:app",
                    host="127.0.0.1",
                    port=settings.port,
                    proxy_headers=False,
                    timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
                )
    elif args.command == "serve":
        settings = _settings_or_exit()
        if settings.mode is Mode.DEMO:
            print("portal serve: set PORTAL_MODE=production (and PORTAL_SECRET_KEY) to serve", file=sys.stderr)
        uvicorn.run(
            "portal.asgi:app",
            host=args.host,
            port=args.port,
            workers=args.workers,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        )
    elif args.command == "worker":
        settings = _settings_or_exit()
        if settings.valkey_url is None:
            print(
                "portal worker: set PORTAL_VALKEY_URL; without Valkey, `portal demo` and `portal serve` run jobs themselves",
                file=sys.stderr,
            )
            raise SystemExit(2)
        from portal.jobs.worker import run_worker

        asyncio.run(run_worker(settings))
    elif args.command == "api-key":
        asyncio.run(_api_key_command(_settings_or_exit(), args))
    elif args.command == "import":
        outcome = asyncio.run(_import_file(_settings_or_exit(), args))
        if outcome:
            raise SystemExit(outcome)
    elif args.command == "erp-sim":
        _erp_sim_command(_settings_or_exit(), args)
    elif args.command == "bench" and args.bench_command == "seed":
        from portal.bench.seed import seed_command

        asyncio.run(seed_command(_settings_or_exit(), args.scale, args.accounts))
