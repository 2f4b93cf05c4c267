"""The attacks of the outside review on logins, API keys and password resets, replayed in
parallel through the app: guessing is slowed, the owner is never locked out, counters cannot be
raced, and timing or limits do not tell who has an account. Time moves by the throttle's clock,
never by waiting."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from argon2 import extract_parameters
from litestar import Litestar

from portal.accounts import passwords
from portal.accounts.roles import Role
from portal.accounts.tables import User
from portal.config import Settings
from portal.integration.api_keys import create_api_key
from portal.integration.scopes import Scope as ApiScope
from tests.conftest import client_at
from tests.factories import PASSWORD, csrf_token, make_company, make_person
from tests.mailbox import Mailbox


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(app: Litestar) -> Clock:
    clock = Clock()
    app.state["throttle"].clock = clock
    return clock


async def _login_form(http: httpx.AsyncClient) -> str:
    return csrf_token((await http.get("/login")).text)


async def _log_in(http: httpx.AsyncClient, email: str, password: str, token: str | None = None) -> httpx.Response:
    token = token or await _login_form(http)
    return await http.post("/login", data={"email": email, "password": password, "_csrf_token": token})


@pytest.fixture
def verified(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The hashes argon2 checked a password against, in order."""
    checked: list[str] = []
    original: Callable[[str, str], bool] = passwords._verify

    def spying(password_hash: str, password: str) -> bool:
        checked.append(password_hash)
        return original(password_hash, password)

    monkeypatch.setattr(passwords, "_verify", spying)
    return checked


@pytest.fixture
async def attacker(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    async with client_at(app, "203.0.113.66") as http:
        yield http


async def test_parallel_wrong_passwords_for_one_account_check_only_the_allowed_few(
    client, attacker, settings: Settings, db, verified: list[str], clock: Clock
) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    token = await _login_form(attacker)
    answers = await asyncio.gather(*(_log_in(attacker, buyer.email, f"guess {n}", token) for n in range(30)))
    statuses = sorted(answer.status_code for answer in answers)
    free = settings.login_attempts_per_account_and_address
    assert statuses == [422] * free + [429] * (30 - free)
    assert len(verified) == free  # the refused ones never reached argon2
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert "Too many failed logins" in refused.text and refused.headers["retry-after"] == "1"


async def test_the_owner_signs_in_while_someone_elsewhere_guesses_the_password(client, attacker, db, clock) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    for n in range(6):
        await _log_in(attacker, buyer.email, f"guess {n}")
    assert (await _log_in(attacker, buyer.email, PASSWORD)).status_code == 429  # the guesser waits
    assert (await _log_in(client, buyer.email, PASSWORD)).status_code == 303  # the owner does not


async def test_delays_grow_for_a_guesser_and_the_right_password_passes_after_the_wait(attacker, db, clock) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    for n in range(5):
        assert (await _log_in(attacker, buyer.email, f"guess {n}")).status_code == 422
    waits = []
    for n in range(4):
        refused = await _log_in(attacker, buyer.email, f"guess {n}")
        assert refused.status_code == 429
        waits.append(int(refused.headers["retry-after"]))
        clock.now += waits[-1]
        assert (await _log_in(attacker, buyer.email, f"again {n}")).status_code == 422
    assert waits == [1, 2, 4, 8]
    clock.now += 16
    assert (await _log_in(attacker, buyer.email, PASSWORD)).status_code == 303


async def test_an_office_behind_one_address_keeps_signing_in_after_twenty_wrong_guesses(
    app, db, clock, verified
) -> None:
    company = await make_company()
    colleagues = [await make_person(company, Role.BUYER) for _ in range(5)]
    async with client_at(app, "198.51.100.7") as office:
        token = await _login_form(office)
        guesses = [_log_in(office, person.email, f"guess {n}", token) for person in colleagues for n in range(4)]
        assert {answer.status_code for answer in await asyncio.gather(*guesses)} == {422}
        late = await make_person(company, Role.BUYER)
        assert (await _log_in(office, late.email, PASSWORD)).status_code == 303


async def test_one_address_guessing_many_accounts_is_slowed(app, settings: Settings, db, clock) -> None:
    company = await make_company()
    people = [await make_person(company, Role.BUYER) for _ in range(4)]
    async with client_at(app, "198.51.100.9") as guesser:
        token = await _login_form(guesser)
        limit = settings.login_attempts_per_address
        # Unknown emails count like known ones: the bound is on the address.
        guesses = [_log_in(guesser, f"nobody{n}@example.com", "guess", token) for n in range(limit - 1)]
        await asyncio.gather(*guesses)
        assert (await _log_in(guesser, people[0].email, "guess", token)).status_code == 422
        assert (await _log_in(guesser, people[1].email, PASSWORD, token)).status_code == 429


async def test_guessing_one_account_from_many_addresses_is_slowed_but_not_at_the_owners_address(
    app, client, settings: Settings, db, clock
) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    assert (await _log_in(client, buyer.email, PASSWORD)).status_code == 303  # the owner's address
    for n in range(settings.login_attempts_per_account):
        async with client_at(app, f"192.0.2.{n + 1}") as somewhere:
            assert (await _log_in(somewhere, buyer.email, "guess")).status_code == 422
    async with client_at(app, "192.0.2.200") as another:
        assert (await _log_in(another, buyer.email, "guess")).status_code == 429
        assert (await _log_in(another, buyer.email, PASSWORD)).status_code == 429
        clock.now += 1
        assert (await _log_in(another, buyer.email, PASSWORD)).status_code == 303  # slowed, not locked
    async with client_at(app) as owner:
        assert (await _log_in(owner, buyer.email, PASSWORD)).status_code == 303


async def test_a_login_for_an_unknown_email_checks_a_hash_like_a_known_one(
    client, db, verified: list[str], clock
) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    gone = await make_person(company, Role.BUYER)
    await User.update({User.is_active: False}).where(User.id == gone.user_id)
    sso_only = await make_person(company, Role.BUYER)
    await User.update({User.password_hash: ""}).where(User.id == sso_only.user_id)
    for email in (buyer.email, "nobody@example.com", gone.email, sso_only.email):
        assert (await _log_in(client, email, "wrong password")).status_code == 422
    assert len(verified) == 4  # one argon2 check for each, whoever asked
    known = extract_parameters(verified[0])
    assert all(extract_parameters(checked) == known for checked in verified)


async def test_password_hashing_runs_off_the_event_loop(db, monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[int] = []
    original = passwords._verify

    def recording(password_hash: str, password: str) -> bool:
        threads.append(threading.get_ident())
        return original(password_hash, password)

    monkeypatch.setattr(passwords, "_verify", recording)
    await asyncio.gather(*(passwords.verify_password(None, "guess") for _ in range(4)))
    assert len(threads) == 4 and threading.get_ident() not in threads


async def test_parallel_wrong_api_keys_get_only_the_allowed_few_answers(
    app, client, settings: Settings, db, clock
) -> None:
    key = await create_api_key("erp", [ApiScope.SHIPMENTS])
    # No time of the event: a call that gets past its key is answered 422, whatever the date.
    event = {"event_id": "e-1", "tracking_number": "NOPE", "status": "in_transit"}
    async with client_at(app, "203.0.113.5") as robot:
        answers = await asyncio.gather(
            *(
                robot.post("/api/v1/shipment-events", json=event, headers={"Authorization": f"Bearer pk_wrong{n}"})
                for n in range(60)
            )
        )
        statuses = sorted(answer.status_code for answer in answers)
        free = settings.api_key_attempts_per_address
        assert statuses == [401] * free + [429] * (60 - free)
        refused = next(answer for answer in answers if answer.status_code == 429)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "retry-after" in refused.headers
        # A person logging in from that address is counted apart.
        company = await make_company()
        buyer = await make_person(company, Role.BUYER)
        assert (await _log_in(robot, buyer.email, PASSWORD)).status_code == 303
    # The integration's own parallel calls from elsewhere are never held up by the count.
    right = await asyncio.gather(
        *(
            client.post("/api/v1/shipment-events", json=event, headers={"Authorization": f"Bearer {key}"})
            for _ in range(30)
        )
    )
    assert {answer.status_code for answer in right} == {422}  # past the key, the event judged


async def _ask_reset(http: httpx.AsyncClient, email: str) -> httpx.Response:
    token = csrf_token((await http.get("/password/forgot")).text)
    return await http.post("/password/forgot", data={"email": email, "_csrf_token": token})


async def test_ten_reset_requests_send_only_a_few_emails_with_the_same_answer(
    client, settings: Settings, db, mailbox: Mailbox, clock
) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    known = await asyncio.gather(*(_ask_reset(client, buyer.email) for _ in range(10)))
    unknown = await asyncio.gather(*(_ask_reset(client, "nobody@example.com") for _ in range(10)))
    assert {(answer.status_code, "we have sent it a link" in answer.text) for answer in known + unknown} == {
        (200, True)
    }
    limit = settings.password_reset_requests_per_account
    assert len([m for m in mailbox.messages if m["To"] == buyer.email]) == limit
    clock.now += settings.password_reset_window_seconds
    await _ask_reset(client, buyer.email)
    assert len([m for m in mailbox.messages if m["To"] == buyer.email]) == limit + 1


async def test_reset_requests_from_one_address_are_bounded_across_emails(
    app, settings: Settings, db, mailbox: Mailbox, clock
) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    async with client_at(app, "198.51.100.20") as sender:
        for n in range(settings.password_reset_requests_per_address):
            await _ask_reset(sender, f"nobody{n}@example.com")
        answer = await _ask_reset(sender, buyer.email)
    assert answer.status_code == 200 and "we have sent it a link" in answer.text
    assert mailbox.messages == []


async def test_a_reset_request_does_the_same_steps_for_known_and_unknown_emails(
    client, db, monkeypatch: pytest.MonkeyPatch, clock
) -> None:
    """The request only counts and answers; looking the email up and sending happen after the
    answer has gone, for both."""
    from portal.accounts import password_reset

    steps: list[tuple[str, str]] = []

    async def looked_up(email: str, *_args: object) -> None:
        steps.append(("looked up", email))

    monkeypatch.setattr(password_reset, "send_reset_link", looked_up)
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    for email in (buyer.email, "nobody@example.com"):
        answer = await _ask_reset(client, email)
        steps.append(("answered", answer.text.replace(email, "EMAIL")))
    assert [step for step, _ in steps] == ["looked up", "answered", "looked up", "answered"]
    assert steps[1][1] == steps[3][1]
