"""Each login into a customer company is a `customer.logged_in` event for the seller's CRM,
written with the login; the seller's own staff log in without one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
from litestar import Litestar

from portal import clock
from portal.accounts.roles import Role
from portal.accounts.tables import Company, CompanyKind, User
from portal.integration.tables import OutboxEvent
from tests.conftest import BASE_URL, client_at
from tests.factories import csrf_token, log_in, make_company, make_person
from tests.mailbox import Mailbox


async def logins() -> list[dict[str, Any]]:
    rows = (
        await OutboxEvent.select(OutboxEvent.company_id, OutboxEvent.payload)
        .where(OutboxEvent.topic == "customer.logged_in")
        .order_by(OutboxEvent.id)
        .output(load_json=True)
    )
    return [{"company": row["company_id"], **row["payload"]} for row in rows]


async def test_a_password_login_is_signalled_with_the_companys_erp_code(client: httpx.AsyncClient) -> None:
    company = await make_company("Budmax Sp. z o.o.")
    await Company.update({Company.code: "K-00042"}).where(Company.id == company)
    buyer = await make_person(company, Role.BUYER)
    before = clock.now()

    await log_in(client, buyer.email)

    (event,) = await logins()
    assert {key: value for key, value in event.items() if key != "at"} == {
        "company": str(company),
        "user_id": buyer.user_id,
        "company_id": company,
        "company_code": "K-00042",
        "method": "password",
    }
    assert before <= datetime.fromisoformat(event["at"]) <= clock.now()


async def test_a_wrong_password_signals_nothing(client: httpx.AsyncClient) -> None:
    buyer = await make_person(await make_company(), Role.BUYER)

    await log_in(client, buyer.email, "not-the-password")

    assert await logins() == []


async def test_the_sellers_staff_are_no_customer_activity(client: httpx.AsyncClient) -> None:
    seller = await make_company("Hurtownia", kind=CompanyKind.SELLER)
    office = await make_person(seller, Role.BACK_OFFICE)

    await log_in(client, office.email)

    assert await logins() == []


async def test_a_person_of_several_companies_is_signalled_in_the_one_chosen_after_login(
    client: httpx.AsyncClient,
) -> None:
    first, second = await make_company("Alfa Sp. z o.o."), await make_company("Beta Sp. z o.o.")
    person = await make_person(first, Role.BUYER)
    await make_person(second, Role.BUYER, email=person.email)
    await log_in(client, person.email)
    assert await logins() == []
    token = csrf_token((await client.get("/companies/choose")).text)

    await client.post("/companies/choose", data={"company_id": str(second), "_csrf_token": token})
    # Switching later is no new login.
    await client.post("/companies/choose", data={"company_id": str(first), "_csrf_token": token})

    assert [(event["company_id"], event["method"]) for event in await logins()] == [(second, "password")]


async def test_accepting_an_invitation_is_the_first_login(
    client: httpx.AsyncClient, app: Litestar, mailbox: Mailbox
) -> None:
    company = await make_company("Budmax Sp. z o.o.")
    admin = await make_person(company, Role.COMPANY_ADMIN)
    await log_in(client, admin.email)
    token = csrf_token((await client.get("/company/users")).text)
    await client.post(
        "/company/users/invitations", data={"email": "nowa@budmax.example", "roles": ["buyer"], "_csrf_token": token}
    )
    link = mailbox.link_in(mailbox.last_to("nowa@budmax.example"), BASE_URL)

    async with client_at(app, "127.0.0.2") as newcomer:
        opened = await newcomer.get(link)
        await newcomer.post(
            link,
            data={
                "name": "Nowa Osoba",
                "password": "bardzo-tajne-haslo",
                "password_confirmation": "bardzo-tajne-haslo",
                "_csrf_token": csrf_token(opened.text),
            },
        )

    user = await User.select(User.id).where(User.email == "nowa@budmax.example").first()
    assert user is not None
    assert [(event["user_id"], event["company_id"]) for event in await logins()] == [
        (admin.user_id, company),
        (user["id"], company),
    ]
