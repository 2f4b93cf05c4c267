"""Permissions come from roles in one place; guarded pages refuse other roles; the nav shows
only what a person may use."""

import httpx
import pytest

from portal.accounts.roles import ROLE_PERMISSIONS, Permission, Role, permissions_for
from portal.accounts.tables import CompanyKind
from tests.factories import log_in, make_company, make_person


def test_every_role_grants_something_and_only_its_own() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert Permission.ORDER_PLACE in permissions_for([Role.BUYER])
    assert Permission.ORDER_PLACE not in permissions_for([Role.REQUESTER])
    assert Permission.ORDER_SUBMIT_FOR_APPROVAL in permissions_for([Role.REQUESTER])
    assert Permission.ORDER_APPROVE in permissions_for([Role.APPROVER])
    assert Permission.INVOICE_READ in permissions_for([Role.FINANCE])
    assert Permission.INVOICE_READ not in permissions_for([Role.BUYER])
    assert Permission.USERS_MANAGE not in permissions_for([Role.BUYER, Role.APPROVER, Role.FINANCE, Role.VIEWER])
    assert permissions_for([Role.BUYER, Role.FINANCE]) == permissions_for([Role.BUYER]) | permissions_for(
        [Role.FINANCE]
    )


CUSTOMER_PAGES = {"/company/users": Role.COMPANY_ADMIN, "/company/audit": Role.COMPANY_ADMIN}


@pytest.mark.parametrize(
    "role", [Role.BUYER, Role.REQUESTER, Role.APPROVER, Role.FINANCE, Role.VIEWER, Role.COMPANY_ADMIN]
)
async def test_guarded_pages_answer_only_the_roles_that_may_use_them(client: httpx.AsyncClient, role: Role) -> None:
    company = await make_company()
    person = await make_person(company, role)
    await log_in(client, person.email)
    home = await client.get("/")
    assert home.status_code == 200
    for path, allowed in CUSTOMER_PAGES.items():
        response = await client.get(path)
        assert response.status_code == (200 if role is allowed else 403), path
        assert (f'href="{path}"' in home.text) is (role is allowed), f"nav link to {path}"


@pytest.mark.parametrize(
    ("role", "section"),
    [
        (Role.BUYER, "purchasing"),
        (Role.REQUESTER, "purchasing"),
        (Role.APPROVER, "approvals"),
        (Role.FINANCE, "finance"),
        (Role.COMPANY_ADMIN, "team"),
    ],
)
async def test_each_customer_role_gets_its_own_home(client: httpx.AsyncClient, role: Role, section: str) -> None:
    company = await make_company()
    person = await make_person(company, role)
    await log_in(client, person.email)
    assert f'id="{section}"' in (await client.get("/")).text


@pytest.mark.parametrize(
    ("role", "users_page"), [(Role.SALES_REP, 403), (Role.BACK_OFFICE, 403), (Role.SELLER_ADMIN, 200)]
)
async def test_seller_staff_see_customers_and_only_the_seller_admin_manages_staff(
    client: httpx.AsyncClient, role: Role, users_page: int
) -> None:
    seller = await make_company("Hurtownia", kind=CompanyKind.SELLER)
    person = await make_person(seller, role)
    await log_in(client, person.email)
    assert 'id="customers"' in (await client.get("/")).text
    assert (await client.get("/company/users")).status_code == users_page


async def test_an_unknown_page_answers_a_404_page_and_an_htmx_fragment(client: httpx.AsyncClient) -> None:
    page = await client.get("/no-such-page")
    assert page.status_code == 404 and "<html" in page.text and "Page not found" in page.text
    fragment = await client.get("/no-such-page", headers={"HX-Request": "true"})
    assert fragment.status_code == 404 and "<html" not in fragment.text and "Page not found" in fragment.text
    assert fragment.headers["HX-Retarget"] == "#messages"
