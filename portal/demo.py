"""The demo data set: a wholesaler and its customers with every persona. Idempotent: running
it again finds what is there and adds only what is missing."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from portal.accounts.companies import Address, NewCompany, create_company
from portal.accounts.passwords import hash_password
from portal.accounts.roles import Role
from portal.accounts.tables import Company, CompanyKind, Membership, PaymentMethod, User
from portal.demo_aftersales import seed_aftersales
from portal.demo_catalog import seed_catalog
from portal.demo_finance import seed_finance
from portal.demo_orders import seed_orders

DEMO_PASSWORD = "portal-demo"
log = logging.getLogger("portal.demo")


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    locale: str = "pl"


SELLER_NIP = "5250001233"
COMPANIES: dict[str, NewCompany] = {
    SELLER_NIP: NewCompany(
        kind=CompanyKind.SELLER,
        name="Hurtownia Budowlano-Elektryczna Hurtex Sp. z o.o.",
        nip=SELLER_NIP,
        vat_id="PL5250001233",
        billing=Address("ul. Składowa 12", "02-495", "Warszawa"),
    ),
    "6771004565": NewCompany(
        name="BudMax Sp. z o.o.",
        nip="677-100-45-65",
        vat_id="PL6771004565",
        billing=Address("ul. Zakopiańska 58", "30-418", "Kraków"),
        payment_method=PaymentMethod.TRANSFER,
        payment_days=30,
        delivery_addresses=(
            Address("ul. Zakopiańska 58", "30-418", "Kraków", label="Magazyn główny", is_default=True),
            Address("ul. Nowohucka 1", "31-580", "Kraków", label="Budowa: Osiedle Zielone"),
            Address("ul. Wielicka 250", "30-663", "Kraków", label="Budowa: Hala Podgórze"),
        ),
    ),
    "7792007894": NewCompany(
        name="ElektroPlus S.A.",
        nip="7792007894",
        vat_id="PL7792007894",
        billing=Address("ul. Głogowska 31", "60-702", "Poznań"),
        payment_method=PaymentMethod.TRANSFER,
        payment_days=14,
        delivery_addresses=(Address("ul. Głogowska 31", "60-702", "Poznań", label="Centrala", is_default=True),),
    ),
    "5260001111": NewCompany(
        name="Agromet Jan Nowak",
        nip="526 000 11 11",
        billing=Address("Rynek 7", "97-300", "Piotrków Trybunalski"),
        payment_method=PaymentMethod.PREPAYMENT,
        payment_days=0,
        delivery_addresses=(Address("Rynek 7", "97-300", "Piotrków Trybunalski", label="Sklep", is_default=True),),
    ),
}

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

# (email, company NIP, roles, limit per order, limit per month) — limits in grosz.
MEMBERSHIPS: list[tuple[str, str, tuple[Role, ...], int | None, int | None]] = [
    ("rep@hurtownia.example", SELLER_NIP, (Role.SALES_REP,), None, None),
    ("office@hurtownia.example", SELLER_NIP, (Role.BACK_OFFICE,), None, None),
    ("admin@hurtownia.example", SELLER_NIP, (Role.SELLER_ADMIN,), None, None),
    ("admin@budmax.example", "6771004565", (Role.COMPANY_ADMIN,), None, None),
    ("buyer@budmax.example", "6771004565", (Role.BUYER,), 20_000_00, 100_000_00),
    ("requester@budmax.example", "6771004565", (Role.REQUESTER,), 5_000_00, 20_000_00),
    ("approver@budmax.example", "6771004565", (Role.APPROVER,), None, None),
    ("finance@budmax.example", "6771004565", (Role.FINANCE,), None, None),
    ("multi@budmax.example", "6771004565", (Role.BUYER,), 10_000_00, 50_000_00),
    ("multi@budmax.example", "7792007894", (Role.BUYER, Role.APPROVER), None, None),
    ("admin@elektroplus.example", "7792007894", (Role.COMPANY_ADMIN,), None, None),
    ("buyer@elektroplus.example", "7792007894", (Role.BUYER,), 15_000_00, 60_000_00),
    ("finance@elektroplus.example", "7792007894", (Role.FINANCE,), None, None),
    ("buyer@agromet.example", "5260001111", (Role.COMPANY_ADMIN, Role.BUYER), None, None),
]

SALES_REP_OF = {"6771004565": "rep@hurtownia.example", "7792007894": "rep@hurtownia.example"}


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

    company_ids: dict[str, int] = {}
    for nip, company in COMPANIES.items():
        existing = await Company.select(Company.id).where(Company.nip == nip).first()
        rep = SALES_REP_OF.get(nip)
        company_ids[nip] = (
            existing["id"]
            if existing
            else await create_company(
                NewCompany(**{**company.__dict__, "sales_rep_id": user_ids[rep] if rep else None})
            )
        )

    for email, nip, roles, order_limit, monthly_limit in MEMBERSHIPS:
        already = await Membership.exists().where(
            (Membership.user == user_ids[email]) & (Membership.company == company_ids[nip])
        )
        if not already:
            await Membership.insert(
                Membership(
                    user=user_ids[email],
                    company=company_ids[nip],
                    roles=[role.value for role in roles],
                    order_limit_minor=order_limit,
                    monthly_limit_minor=monthly_limit,
                )
            )
    log.info("demo data ready: %d companies, %d users", len(company_ids), len(user_ids))
    await seed_catalog()
    await seed_orders()
    await seed_finance()
    await seed_aftersales()
