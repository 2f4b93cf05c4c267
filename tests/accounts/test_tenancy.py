"""Nobody sees another company's data: every route walked as a user of another company."""

import re
from datetime import UTC, datetime

import httpx
import pytest
from litestar.routes import HTTPRoute

from portal.accounts.roles import Role
from portal.accounts.tables import CompanyKind, Invitation
from portal.app import create_app
from tests.factories import csrf_token, log_in, make_company, make_person

# Ids of company A's objects, by the path parameter that carries them. A new route with an id
# parameter must be added here, so the walk below can never silently skip it.
PARAMETER_OBJECTS = {"membership_id", "invitation_id"}
# Routes whose path parameter is a signed bearer token, not a company-scoped id.
TOKEN_ROUTES = {"/password/reset/{token:str}", "/invitations/{token:str}", "/static/{file_path:path}"}


async def _company_a():
    company = await make_company("Alfa Tajna Sp. z o.o.")
    admin = await make_person(company, Role.COMPANY_ADMIN, email="szef@alfa-tajna.example")
    buyer = await make_person(company, Role.BUYER, email="kupiec@alfa-tajna.example")
    rows = await Invitation.insert(
        Invitation(
            company=company,
            email="zaproszony@alfa-tajna.example",
            roles=["buyer"],
            expires_at=datetime(2099, 1, 1, tzinfo=UTC),
        )
    ).returning(Invitation.id)
    return {"membership_id": buyer.membership_id, "invitation_id": rows[0]["id"], "admin": admin}


async def test_every_route_with_an_id_answers_404_to_another_companys_admin(
    client: httpx.AsyncClient, settings
) -> None:
    ids = await _company_a()
    other = await make_company("Beta Sp. z o.o.")
    intruder = await make_person(other, Role.COMPANY_ADMIN)
    await log_in(client, intruder.email)
    token = csrf_token((await client.get("/")).text)

    walked = 0
    for route in create_app(settings).routes:
        if not isinstance(route, HTTPRoute) or route.path in TOKEN_ROUTES:
            continue
        parameters = re.findall(r"{(\w+):int}", route.path)
        if not parameters:
            continue
        assert set(parameters) <= PARAMETER_OBJECTS, f"{route.path}: teach this test about {parameters}"
        path = re.sub(r"{(\w+):int}", lambda m: str(ids[m.group(1)]), route.path)
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            data = {"_csrf_token": token, "roles": ["buyer"]} if method == "POST" else None
            response = await client.request(method, path, data=data)
            assert response.status_code == 404, f"{method} {path} answered {response.status_code}"
            assert "alfa-tajna" not in response.text
            walked += 1
    assert walked >= 5


@pytest.mark.parametrize("path", ["/", "/company", "/company/users", "/company/audit"])
async def test_pages_without_ids_show_only_the_callers_company(client: httpx.AsyncClient, path: str) -> None:
    await _company_a()
    other = await make_company("Beta Sp. z o.o.")
    intruder = await make_person(other, Role.COMPANY_ADMIN)
    await log_in(client, intruder.email)
    response = await client.get(path)
    assert response.status_code == 200
    assert "alfa-tajna" not in response.text and "Alfa Tajna" not in response.text


async def test_a_sales_rep_sees_only_assigned_customers(client: httpx.AsyncClient) -> None:
    seller = await make_company("Hurtownia", kind=CompanyKind.SELLER)
    rep = await make_person(seller, Role.SALES_REP)
    await make_company("Mój Klient Sp. z o.o.", sales_rep_id=rep.user_id)
    await make_company("Cudzy Klient Sp. z o.o.")
    await log_in(client, rep.email)
    home = await client.get("/")
    assert "Mój Klient Sp. z o.o." in home.text
    assert "Cudzy Klient" not in home.text
