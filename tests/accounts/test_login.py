import pytest

from portal.accounts.roles import Role
from portal.accounts.scope_cache import forget_scope
from portal.accounts.tables import AuditEntry, User
from portal.config import Settings
from tests.factories import PASSWORD, csrf_token, log_in, make_company, make_person, post_form


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A wait after failed logins far longer than a login takes on a busy machine: the block is
    still in force when the test tries again, whatever the load."""
    return settings.model_copy(update={"login_delay_seconds": 120.0})


async def test_a_buyer_logs_in_and_lands_on_a_home_made_for_buyers(client, db) -> None:
    company = await make_company("BudMax Sp. z o.o.")
    buyer = await make_person(company, Role.BUYER, order_limit_minor=2_000_000)
    response = await log_in(client, buyer.email)
    assert response.status_code == 303 and response.headers["location"] == "/"
    home = await client.get("/")
    assert "BudMax Sp. z o.o." in home.text
    assert 'id="purchasing"' in home.text
    assert "20,000.00" in home.text  # the buyer's limit per order, formatted for English
    assert 'href="/company/users"' not in home.text  # no nav entry a buyer may not use


async def test_a_wrong_password_shows_a_message_in_the_form_and_no_session(client, db) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    response = await log_in(client, buyer.email, "not the password")
    assert response.status_code == 422
    assert "Wrong email or password." in response.text
    assert (await client.get("/")).status_code == 303


async def test_email_is_matched_without_regard_to_case(client, db) -> None:
    company = await make_company()
    await make_person(company, Role.BUYER, email="jan.kowalski@example.com")
    response = await log_in(client, "Jan.Kowalski@Example.COM")
    assert response.status_code == 303


async def test_login_gets_a_new_session_id(client, db) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await client.post("/locale", data={"locale": "en", "_csrf_token": csrf_token((await client.get("/login")).text)})
    planted = client.cookies.get("portal_session")
    assert planted
    await log_in(client, buyer.email)
    assert client.cookies.get("portal_session") not in (None, planted)


async def test_too_many_failed_logins_for_one_account_are_stopped_with_a_clear_message(client, db) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    for _ in range(5):
        assert (await log_in(client, buyer.email, "guess")).status_code == 422
    blocked = await log_in(client, buyer.email, PASSWORD)
    assert blocked.status_code == 429
    assert "Too many failed logins" in blocked.text


async def test_a_deactivated_member_cannot_log_in(client, db) -> None:
    company = await make_company()
    gone = await make_person(company, Role.BUYER, active=False)
    response = await log_in(client, gone.email)
    assert response.status_code == 422
    assert "deactivated" in response.text


async def test_a_person_in_two_companies_picks_one_and_can_switch(client, db) -> None:
    first = await make_company("Alfa Sp. z o.o.")
    second = await make_company("Beta S.A.")
    person = await make_person(first, Role.BUYER, email="multi@example.com")
    await make_person(second, Role.FINANCE, email="multi@example.com")
    response = await log_in(client, person.email)
    assert response.headers["location"] == "/companies/choose"
    assert (await client.get("/")).headers["location"] == "/companies/choose"
    choose = await client.get("/companies/choose")
    assert "Alfa Sp. z o.o." in choose.text and "Beta S.A." in choose.text
    await client.post("/companies/choose", data={"company_id": second, "_csrf_token": csrf_token(choose.text)})
    home = await client.get("/")
    assert 'id="finance"' in home.text and 'id="purchasing"' not in home.text
    await client.post("/companies/choose", data={"company_id": first, "_csrf_token": csrf_token(home.text)})
    assert 'id="purchasing"' in (await client.get("/")).text


async def test_choosing_a_company_one_does_not_belong_to_answers_404(client, db) -> None:
    mine = await make_company()
    other = await make_company()
    person = await make_person(mine, Role.BUYER)
    await log_in(client, person.email)
    home = await client.get("/")
    response = await client.post("/companies/choose", data={"company_id": other, "_csrf_token": csrf_token(home.text)})
    assert response.status_code == 404


async def test_logout_ends_the_session(client, db) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await log_in(client, buyer.email)
    await post_form(client, "/logout", {}, token_from="/")
    assert (await client.get("/")).status_code == 303


async def test_a_post_without_csrf_token_is_refused(client, db) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await client.get("/login")
    response = await client.post("/login", data={"email": buyer.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "This form has expired" in response.text


async def test_an_htmx_request_without_session_is_sent_to_login(client, db) -> None:
    response = await client.get("/company/users", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == "/login?next=/company/users"


async def test_pages_carry_security_headers(client, db) -> None:
    response = await client.get("/login")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert "httponly" in response.headers["set-cookie"].lower()


async def test_a_login_shows_in_the_company_audit_log(client, db) -> None:
    company = await make_company()
    admin = await make_person(company, Role.COMPANY_ADMIN)
    await log_in(client, admin.email)
    log = await client.get("/company/audit")
    assert "user.login" in log.text and "127.0.0.1" in log.text
    assert "Nothing has happened yet." not in log.text


async def test_an_empty_audit_log_says_so(client, db) -> None:
    company = await make_company()
    admin = await make_person(company, Role.COMPANY_ADMIN)
    await log_in(client, admin.email)
    await AuditEntry.delete(force=True)
    log = await client.get("/company/audit")
    assert log.text.count("Nothing has happened yet.") == 1


async def test_a_server_error_shows_a_reference_and_never_the_trace(client, db, monkeypatch, caplog) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await log_in(client, buyer.email)

    async def broken(_caller):
        raise RuntimeError("database exploded: secret detail")

    monkeypatch.setattr("portal.web.home.company_profile", broken)
    response = await client.get("/")
    assert response.status_code == 500
    assert "Reference" in response.text and "secret detail" not in response.text and "Traceback" not in response.text
    assert "database exploded" in caplog.text


async def test_a_user_deactivated_everywhere_loses_the_open_session(client, db) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await log_in(client, buyer.email)
    assert (await client.get("/")).status_code == 200
    await User.update({User.is_active: False}).where(User.id == buyer.user_id)
    await forget_scope(buyer.user_id)
    assert (await client.get("/")).status_code == 303
