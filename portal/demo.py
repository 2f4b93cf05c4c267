"""The demo data set: a wholesaler and its customers with every persona. What the seller's ERP
owns (catalog, stock, customers, prices, invoices and payments) comes from data files through the
importer (`portal/demo_erp.py`); what the portal owns (the seller, people and their roles, orders,
shipments, complaints) is seeded here and by its neighbours, finding customers by their ERP code.
Idempotent: running it again finds what is there and adds only what is missing."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from portal.accounts.companies import Address, NewCompany, create_company
from portal.accounts.passwords import hash_password
from portal.accounts.roles import Role
from portal.accounts.tables import Company, CompanyKind, Membership, User
from portal.demo_aftersales import seed_aftersales
from portal.demo_erp import seed_erp_data, seed_erp_finance
from portal.demo_orders import seed_orders, seed_purchase_history
from portal.integration.api_keys import create_api_key
from portal.integration.scopes import Scope as ApiScope
from portal.integration.tables import ApiKey

DEMO_PASSWORD = "portal-demo"
# The key of the demo's simulated ERP (`portal demo --erp-sim` runs `portal erp-sim` with it):
# what an ERP needs to take orders and answer them, ship and invoice.
DEMO_ERP_INTEGRATION = "demo-erp"
DEMO_ERP_KEY = "pk_demo_erp_2026"
DEMO_ERP_SCOPES = (ApiScope.EVENTS, ApiScope.ORDERS, ApiScope.SHIPMENTS, ApiScope.FINANCE)
log = logging.getLogger("portal.demo")


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    locale: str = "pl"


SELLER_NIP = "5250001233"
# The seller is the portal's own company; its customers come from the ERP's data files.
SELLER = NewCompany(
    kind=CompanyKind.SELLER,
    name="Hurtownia Budowlano-Elektryczna Hurtex Sp. z o.o.",
    nip=SELLER_NIP,
    vat_id="PL5250001233",
    billing=Address("ul. Składowa 12", "02-495", "Warszawa"),
)

USERS = [
    DemoUser("rep@hurtownia.example", "Katarzyna Wiśniewska"),
    DemoUser("office@hurtownia.example", "Marek Zieliński"),
    DemoUser("admin@hurtownia.example", "Ewa Lewandowska"),
    DemoUser("admin@budmax.example", "Anna Kowalczyk"),
    DemoUser("buyer@budmax.example", "Piotr Nowicki"),
    DemoUser("requester@budmax.example", "Tomasz Wójcik", locale="en"),
    DemoUser("approver@budmax.example", "Barbara Kamińska"),
    DemoUser("finance@budmax.example", "Joanna Mazur"),
    DemoUser("multi@budmax.example", "Michał Krawczyk"),
    DemoUser("admin@elektroplus.example", "Agnieszka Dąbrowska"),
    DemoUser("buyer@elektroplus.example", "Paweł Szymański"),
    DemoUser("finance@elektroplus.example", "Magdalena Woźniak", locale="en"),
    DemoUser("buyer@agromet.example", "Jan Nowak"),
]

Person = tuple[str, tuple[Role, ...], int | None, int | None]
# (email, roles, limit per order, limit per month) — limits in grosz. The seller's staff come
# first: the ERP's customers name their sales rep.
SELLER_STAFF: list[Person] = [
    ("rep@hurtownia.example", (Role.SALES_REP,), None, None),
    ("office@hurtownia.example", (Role.BACK_OFFICE,), None, None),
    ("admin@hurtownia.example", (Role.SELLER_ADMIN,), None, None),
]
# The customers' people, by the customer's ERP code.
CUSTOMER_PEOPLE: dict[str, list[Person]] = {
    "BUDMAX": [
        ("admin@budmax.example", (Role.COMPANY_ADMIN,), None, None),
        ("buyer@budmax.example", (Role.BUYER,), 20_000_00, 100_000_00),
        ("requester@budmax.example", (Role.REQUESTER,), 5_000_00, 20_000_00),
        ("approver@budmax.example", (Role.APPROVER,), None, None),
        ("finance@budmax.example", (Role.FINANCE,), None, None),
        ("multi@budmax.example", (Role.BUYER,), 10_000_00, 50_000_00),
    ],
    "ELEKTROPLUS": [
        ("multi@budmax.example", (Role.BUYER, Role.APPROVER), None, None),
        ("admin@elektroplus.example", (Role.COMPANY_ADMIN,), None, None),
        ("buyer@elektroplus.example", (Role.BUYER,), 15_000_00, 60_000_00),
        ("finance@elektroplus.example", (Role.FINANCE,), None, None),
    ],
    "AGROMET": [("buyer@agromet.example", (Role.COMPANY_ADMIN, Role.BUYER), None, None)],
}


async def seed_demo() -> None:
    password_hash = await hash_password(DEMO_PASSWORD)
    user_ids: dict[str, int] = {}
    for user in USERS:
        existing = await User.select(User.id).where(User.email == user.email).first()
        if existing is None:
            rows = await User.insert(
                User(email=user.email, name=user.name, locale=user.locale, password_hash=password_hash)
            ).returning(User.id)
            existing = rows[0]
        user_ids[user.email] = existing["id"]

    seller = await Company.select(Company.id).where(Company.nip == SELLER_NIP).first()
    seller_id = seller["id"] if seller else await create_company(SELLER)
    await _add_memberships(user_ids, seller_id, SELLER_STAFF)
    await seed_erp_data()
    customers = {
        row["code"]: row["id"]
        for row in await Company.select(Company.id, Company.code).where(Company.code.is_in(list(CUSTOMER_PEOPLE)))
    }
    for code, people in CUSTOMER_PEOPLE.items():
        await _add_memberships(user_ids, customers[code], people)
    log.info("demo data ready: %d customers, %d users", len(customers), len(user_ids))
    await seed_purchase_history()
    await seed_orders()
    await seed_erp_finance()
    await seed_aftersales()
    if not await ApiKey.exists().where(ApiKey.name == DEMO_ERP_INTEGRATION):
        await create_api_key(DEMO_ERP_INTEGRATION, DEMO_ERP_SCOPES, key=DEMO_ERP_KEY)


async def _add_memberships(user_ids: dict[str, int], company_id: int, people: list[Person]) -> None:
    for email, roles, order_limit, monthly_limit in people:
        already = await Membership.exists().where(
            (Membership.user == user_ids[email]) & (Membership.company == company_id)
        )
        if not already:
            await Membership.insert(
                Membership(
                    user=user_ids[email],
                    company=company_id,
                    roles=[role.value for role in roles],
                    order_limit_minor=order_limit,
                    monthly_limit_minor=monthly_limit,
                )
            )
