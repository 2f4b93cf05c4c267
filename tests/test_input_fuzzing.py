"""No input makes the portal answer 5xx: every route of the app's route table, as each role, gets
generated values (Unicode digits, huge and negative numbers, NaN/Infinity/1E+30, lone surrogates,
NUL bytes, long and empty strings, dates at the calendar's ends) in every form field, query
parameter, path id and upload the pages offer, and the JSON API gets malformed bodies.

The form fields come from the rendered pages themselves (each role's view of every page, with
real ids), so a new field on a page is fuzzed without touching this test. The run is bounded:
PORTAL_FUZZ_WALKS (default 2) walks of every route as every role; run more locally, e.g.
`PORTAL_FUZZ_WALKS=50 pytest tests/test_input_fuzzing.py`."""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import anyio
import anyio.from_thread
import anyio.to_thread
import httpx
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from litestar.routes import HTTPRoute

from portal.accounts.roles import Role
from portal.accounts.tables import Company, CompanyKind
from portal.app import create_app
from portal.config import Settings
from portal.database import connection_pool
from portal.integration.api_keys import create_api_key
from portal.integration.scopes import Scope as ApiScope
from tests.accounts.test_tenancy import _company_a
from tests.conftest import BASE_URL
from tests.factories import csrf_token, log_in, make_company, make_person

# Each walk sends every route one request per role (about 800); two take under a minute. The
# bound is a count, not a clock: Hypothesis replays examples, and a walk cut short by time would
# draw differently on replay.
WALKS = int(os.environ.get("PORTAL_FUZZ_WALKS", "2"))
ROLES = (
    None,
    Role.BUYER,
    Role.APPROVER,
    Role.FINANCE,
    Role.COMPANY_ADMIN,
    Role.SALES_REP,
    Role.BACK_OFFICE,
    Role.SELLER_ADMIN,
)
SELLER_ROLES = {Role.SALES_REP, Role.BACK_OFFICE, Role.SELLER_ADMIN}
# Ending the session would leave the rest of the walk anonymous; anonymous walks it anyway. The
# live stream never ends: the in-process transport would wait for it forever.
SKIPPED_PATHS = {"/logout", "/live"}
# The JSON API's document (see post_shipment_event's docstring): not a form on any page.
API_FIELDS = {
    "event_id": "fuzz-1",
    "tracking_number": "ALFA-TAJNA-PARCEL",
    "status": "in_transit",
    "occurred_at": "2026-11-25T14:30:00+01:00",
    "place": "Poznań",
    "note": "",
}
# The shipments API's scalar fields (its lines are a list, which the walk's flat values cannot
# be: the API contract test draws those).
SHIPMENT_API_FIELDS = {
    "shipment_number": "fuzz-wz-1",
    "order": "ZAM/2026/000001",
    "carrier": "dpd",
    "dispatched_on": "2026-11-25",
    "expected_on": "2026-11-26",
}

NASTY = [
    "²",
    "٣",
    "１２",
    "¹²³",
    str(2**31),
    str(2**63),
    str(2**64),
    "9" * 40,
    "-1",
    "0",
    "-0",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "1E+30",
    "1e-30",
    "1,5",
    "1 000,00",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "",
    " ",
    "\t\r\n",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "9999-12-31T23:59:59+14:00",
    "2026-11-25T25:61",
    "x" * 20_000,
    "=HYPERLINK(1)",
    "../../etc/passwd",
    "%00",
    "<script>alert(1)</script>",
    "ł" * 300,
]
hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=6),
    st.dates().map(lambda day: day.isoformat()),
    st.text(alphabet=st.characters(categories=["Cs", "Cc", "Zs", "Lo", "Nd"]), max_size=20),
    st.text(max_size=40),
)
hostile_id = st.sampled_from(["0", "-1", "²", str(2**31), str(2**63), str(2**64), "9" * 30, "1.5", "%00"])
file_contents = st.sampled_from(
    [
        b"SKU-1;1\n",
        b"PK\x03\x04" + b"\x00garbage" * 50,
        b"kod;ilosc\n" + b'"' + b"A" * 140_000 + b'";1\n',
        b"\xff\xfe\x00\x00",
        b"%PDF-1.4 not really",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        b"",
    ]
)
file_names = st.sampled_from(["lista.csv", "lista.xlsx", "lista.xls", "zdjecie.jpg", "a\x00.csv", "", "x" * 300])


def _encoded(value: str) -> bytes:
    # A lone surrogate cannot be UTF-8: it goes out as the bytes an attacker would send.
    return value.encode("utf-8", "surrogatepass")


def _query(pairs: dict[str, str]) -> str:
    return urlencode([(name, _encoded(value)) for name, value in pairs.items()])


@dataclass
class Target:
    """One route and method, with the fields the pages' forms send to it and their values."""

    path: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)


class _Forms(HTMLParser):
    """Every form on a page (action, method, fields with their values), and htmx-driven fields."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.found: list[tuple[str, str, dict[str, str], set[str]]] = []
        self._form: tuple[str, str, dict[str, str], set[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            method = (attributes.get("hx-post") and "POST") or attributes.get("method", "get").upper()
            action = attributes.get("hx-post") or attributes.get("hx-get") or attributes.get("action") or self.page_path
            self._form = (action, method, {}, set())
            self.found.append(self._form)
            return
        name = attributes.get("name")
        for verb in ("hx-post", "hx-get"):
            if attributes.get(verb) and self._form is None:
                own = {name: attributes.get("value", "")} if name else {}
                with contextlib.suppress(ValueError, AttributeError):
                    own.update(
                        {key: str(value) for key, value in json.loads(attributes.get("hx-vals") or "{}").items()}
                    )
                self.found.append((attributes[verb], verb.removeprefix("hx-").upper(), own, set()))
        if not name or self._form is None:
            return
        fields, files = self._form[2], self._form[3]
        if tag == "input" and attributes.get("type") == "file":
            files.add(name)
        elif tag == "select":
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select:
            if not fields.get(self._select) or "selected" in attributes:
                fields[self._select] = attributes.get("value", "")
        elif tag in {"input", "textarea", "button"}:
            if attributes.get("type") in {"checkbox", "radio"} and "checked" not in attributes:
                fields.setdefault(name, attributes.get("value", "on"))
            else:
                fields.setdefault(name, attributes.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _route_pattern(path: str) -> re.Pattern[str]:
    pattern = re.escape(path)
    pattern = re.sub(r"\\{(\w+):int\\}", r"-?\\d+", pattern)
    pattern = re.sub(r"\\{(\w+):path\\}", r".*", pattern)
    pattern = re.sub(r"\\{(\w+):str\\}", r"[^/]+", pattern)
    return re.compile(pattern)


@dataclass
class World:
    ids: dict[str, int]
    clients: dict[str, httpx.AsyncClient]
    emails: dict[str, str]
    tokens: dict[str, str]
    api_key: str


async def _world(app: Any) -> World:
    ids = await _company_a()
    company = ids["company_id"]
    seller = await make_company("Hurtownia Fuzz", kind=CompanyKind.SELLER)
    emails: dict[str, str] = {}
    for role in ROLES:
        if role is None:
            continue
        person = await make_person(seller if role in SELLER_ROLES else company, role)
        emails[role] = person.email
        if role is Role.SALES_REP:
            await Company.update({Company.sales_rep: person.user_id}).where(Company.id == company)
    transport = httpx.ASGITransport(app=app)
    clients = {
        str(role): httpx.AsyncClient(
            transport=transport, base_url=BASE_URL, headers={"Accept-Language": "en"}, timeout=60
        )
        for role in ROLES
    }
    tokens: dict[str, str] = {}
    for role in ROLES:
        if role is not None:
            await log_in(clients[str(role)], emails[role])
        tokens[str(role)] = await _token(clients[str(role)], str(role))
    return World(ids, clients, emails, tokens, await create_api_key("fuzz", ApiScope))


async def _token(client: httpx.AsyncClient, role: str) -> str:
    return csrf_token((await client.get("/login" if role == "None" else "/")).text)


async def _targets(app: Any, world: World) -> list[Target]:
    """Every route and method of the app, with the fields every role's pages send to it."""
    routes = [route for route in app.routes if isinstance(route, HTTPRoute) and route.path not in SKIPPED_PATHS]
    targets: dict[tuple[str, str], Target] = {
        (route.path, str(method)): Target(route.path, str(method))
        for route in routes
        for method in sorted(route.methods - {"HEAD", "OPTIONS"})
    }
    patterns = [(_route_pattern(route.path), route.path) for route in routes]
    for role in ROLES:
        client = world.clients[str(role)]
        for route in routes:
            if "GET" not in route.methods or ("{" in route.path and ":int}" not in route.path):
                continue
            path = re.sub(r"{(\w+):int}", lambda m: str(world.ids.get(m.group(1), 1)), route.path)
            response = await client.get(path)
            if "html" not in response.headers.get("content-type", ""):
                continue
            forms = _Forms(path)
            forms.feed(response.text)
            for action, method, fields, files in forms.found:
                action_path = urlsplit(action).path or path
                for pattern, route_path in patterns:
                    target = targets.get((route_path, method))
                    if target is not None and pattern.fullmatch(action_path):
                        for name, value in fields.items():
                            target.fields.setdefault(name, value)
                        target.files |= files
    targets[("/api/v1/shipment-events", "POST")].fields.update(API_FIELDS)
    targets[("/api/v1/shipments", "POST")].fields.update(SHIPMENT_API_FIELDS)
    return list(targets.values())


@dataclass
class Walk:
    requests: int = 0
    failures: list[str] = field(default_factory=list)


def _request_of(data: st.DataObject, target: Target, world: World, role: str) -> dict[str, Any]:
    """One request to `target` with drawn values: each field its page's value or a hostile one."""

    def path_value(match: re.Match[str]) -> str:
        name, kind = match.group(1), match.group(2)
        if kind == "int" and data.draw(st.booleans()):
            return str(world.ids.get(name, 1))
        return data.draw(hostile_id) if kind == "int" else quote(_encoded(data.draw(hostile_text)), safe="")

    url = re.sub(r"{(\w+):(\w+)}", path_value, target.path)
    values = {
        name: value if name == "_csrf_token" or data.draw(st.booleans()) else data.draw(hostile_text)
        for name, value in target.fields.items()
    }
    headers = {"x-csrftoken": world.tokens[role]}
    if target.path.startswith("/api/"):
        headers["authorization"] = f"Bearer {world.api_key}"
        kind = data.draw(st.sampled_from(["json", "form", "broken"]))
        if kind == "json":
            headers["content-type"] = "application/json"
            body: bytes = json.dumps(values).encode()
        elif kind == "form":
            headers["content-type"] = "application/x-www-form-urlencoded"
            body = _query(values).encode()
        else:
            headers["content-type"] = "application/json"
            body = data.draw(st.sampled_from([b"{", b"[]", b"null", b'{"a": "\\ud800"}', b"\xff\xfe", b"1e999"]))
        return {"method": target.method, "url": url, "content": body, "headers": headers}
    if target.method == "GET":
        query = _query({name: value for name, value in values.items() if name != "_csrf_token"})
        return {"method": "GET", "url": f"{url}?{query}" if query else url, "headers": headers}
    values["_csrf_token"] = world.tokens[role]
    if target.files:
        files = {name: (data.draw(file_names), data.draw(file_contents)) for name in target.files}
        # httpx encodes multipart text as UTF-8: a surrogate there is refused before sending.
        text = {name: _encoded(value).decode("utf-8", "replace") for name, value in values.items()}
        return {"method": target.method, "url": url, "data": text, "files": files, "headers": headers}
    headers["content-type"] = "application/x-www-form-urlencoded"
    return {"method": target.method, "url": url, "content": _query(values).encode(), "headers": headers}


async def _send(world: World, walk: Walk, role: str, request: dict[str, Any]) -> None:
    response = await world.clients[role].request(**request)
    walk.requests += 1
    if response.status_code >= 500:
        shown = {key: (value[:200] if isinstance(value, str | bytes) else value) for key, value in request.items()}
        walk.failures.append(f"{role}: {response.status_code} for {shown}")


async def _relogin(world: World, role: str) -> None:
    """A walk may end a session (a password changed, a company switched): start it again."""
    client = world.clients[role]
    if role != "None" and (await client.get("/", follow_redirects=False)).status_code in {302, 303, 307}:
        client.cookies.clear()
        await log_in(client, world.emails[Role(role)])
        world.tokens[role] = await _token(client, role)


walk_settings = hypothesis_settings(
    max_examples=WALKS,
    deadline=None,
    database=None,
    # No shrinking: every failing request is listed as it was sent.
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _run(function: Callable[..., Coroutine[Any, Any, Any]], *arguments: Any) -> Any:
    return anyio.from_thread.run(function, *arguments)


async def test_no_generated_input_makes_any_route_answer_5xx_for_any_role(
    settings: Settings, record_property: Callable[[str, object], None]
) -> None:
    app = create_app(settings)
    walk = Walk()
    async with connection_pool(app.state["engine"]):
        world = await _world(app)
        targets = await _targets(app, world)
        record_property("fuzz_routes", len(targets))
        fields = sum(len(target.fields) + len(target.files) for target in targets)

        @walk_settings
        @given(data=st.data())
        def walk_once(data: st.DataObject) -> None:
            # Each example walks every route as every role.
            for role in map(str, ROLES):
                _run(_relogin, world, role)
                for target in targets:
                    _run(_send, world, walk, role, _request_of(data, target, world, role))

        try:
            await anyio.to_thread.run_sync(walk_once)
        finally:
            record_property("fuzz_requests", walk.requests)
            record_property("fuzz_fields", fields)
            record_property("fuzz_5xx", len(walk.failures))
            for client in world.clients.values():
                await client.aclose()
    assert walk.requests > len(targets) * 2, "the walk made too few requests to mean anything"
    assert not walk.failures, "\n".join(walk.failures[:40])
