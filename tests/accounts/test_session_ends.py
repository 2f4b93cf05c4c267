"""Sessions end when they should: a password reset and a deactivation end all of the person's
sessions and stop their open live streams; every session ends a fixed time after login however
busy it is. Replayed as the review did it, on the memory store and on Valkey."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
import pytest
from litestar import Litestar

from portal.accounts.roles import Role
from portal.accounts.session_ends import session_ends
from portal.config import Settings
from portal.live import LiveUpdates
from tests.conftest import BASE_URL, client_at
from tests.factories import Person, csrf_token, log_in, make_company, make_person, post_form
from tests.mailbox import Mailbox


async def _reset_password(app: Litestar, person: Person, mailbox: Mailbox) -> None:
    """Done from another browser, as the owner who forgot it (or took it back) would."""
    async with client_at(app, "198.51.100.40") as elsewhere:
        await post_form(elsewhere, "/password/forgot", {"email": person.email})
        link = mailbox.link_in(mailbox.last_to(person.email), BASE_URL)
        form = await elsewhere.get(link)
        done = await elsewhere.post(
            link,
            data={"password": "a-new-password-1", "password_confirmation": "a-new-password-1"}
            | {"_csrf_token": csrf_token(form.text)},
        )
        assert done.status_code == 303


async def _deactivate(app: Litestar, admin: Person, person: Person, _mailbox: Mailbox) -> None:
    async with client_at(app, "198.51.100.41") as admins_browser:
        await log_in(admins_browser, admin.email)
        done = await post_form(
            admins_browser, f"/company/users/{person.membership_id}/deactivate", {}, token_from="/company/users"
        )
        assert done.status_code == 303


Ending = Callable[[Litestar, Person, Person, Mailbox], Awaitable[None]]


async def _reset_own_password(app: Litestar, _admin: Person, person: Person, mailbox: Mailbox) -> None:
    await _reset_password(app, person, mailbox)


ENDINGS = pytest.mark.parametrize("end", [_reset_own_password, _deactivate], ids=["password reset", "deactivation"])


@pytest.fixture
async def buyer_and_admin(client: httpx.AsyncClient, db: None) -> tuple[Person, Person]:
    """A buyer logged in through `client`, and their company's administrator."""
    company = await make_company()
    admin = await make_person(company, Role.COMPANY_ADMIN)
    buyer = await make_person(company, Role.BUYER)
    await log_in(client, buyer.email)
    return buyer, admin


@ENDINGS
async def test_a_password_reset_or_a_deactivation_ends_the_persons_other_sessions(
    app, client, buyer_and_admin: tuple[Person, Person], mailbox: Mailbox, end: Ending
) -> None:
    buyer, admin = buyer_and_admin
    assert (await client.get("/")).status_code == 200
    await end(app, admin, buyer, mailbox)
    gone = await client.get("/")
    assert gone.status_code == 303 and gone.headers["location"].startswith("/login")


async def test_a_session_ends_at_its_lifetime_however_busy_it_is(client, settings: Settings, db) -> None:
    ends = session_ends()
    assert ends is not None
    now = 2_000_000.0
    ends.clock = lambda: now
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await log_in(client, buyer.email)
    step = settings.session_lifetime_seconds // 4
    for _ in range(3):
        now += step
        assert (await client.get("/")).status_code == 200  # each request within the idle limit
    now += step
    assert (await client.get("/")).headers["location"].startswith("/login")
    assert (await log_in(client, buyer.email)).status_code == 303  # a new login starts a new one
    assert (await client.get("/")).status_code == 200


class EventStream:
    """An HTTP stream read as it arrives (httpx's ASGI transport waits for a response's end)."""

    def __init__(self, app: Litestar, path: str, cookies: httpx.Cookies) -> None:
        self.chunks: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._disconnect = asyncio.Event()
        cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode()), (b"accept", b"text/event-stream")],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        self.task = asyncio.create_task(app(scope, self._receive, self._send))  # type: ignore[arg-type]

    async def _receive(self) -> dict[str, object]:
        if not hasattr(self, "_asked"):
            self._asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self._disconnect.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: dict[str, object]) -> None:
        if message["type"] == "http.response.body":
            body = message.get("body", b"")
            if body:
                await self.chunks.put(body)  # type: ignore[arg-type]
            if not message.get("more_body", False):
                await self.chunks.put(None)

    async def close(self) -> None:
        self._disconnect.set()
        await asyncio.wait_for(self.task, 5)


async def _next_chunk(stream: EventStream, seconds: float) -> bytes | None:
    return await asyncio.wait_for(stream.chunks.get(), seconds)


@ENDINGS
async def test_a_deactivated_or_reset_persons_open_live_stream_stops_delivering(
    app, client, buyer_and_admin: tuple[Person, Person], mailbox: Mailbox, end: Ending
) -> None:
    buyer, admin = buyer_and_admin
    company = buyer.company_id
    live: LiveUpdates = app.state["live"]
    async with live.listening():
        stream = EventStream(app, "/live", client.cookies)
        # Announced until heard: the subscription starts once the stream is being read.
        heard = None
        for _ in range(50):
            await live.announce(company, ["shipment-1"])
            try:
                heard = await _next_chunk(stream, 0.2)
                break
            except TimeoutError:
                continue
        assert heard is not None and b"shipment-1" in heard
        await end(app, admin, buyer, mailbox)
        after: list[bytes] = []
        for _ in range(50):
            await live.announce(company, ["shipment-2"])
            try:
                chunk = await _next_chunk(stream, 0.2)
            except TimeoutError:
                continue
            if chunk is None:
                break
            after.append(chunk)
        else:
            pytest.fail("the stream kept going after its session ended")
        assert not any(b"shipment-2" in chunk for chunk in after)
        await stream.close()
