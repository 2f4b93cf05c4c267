"""Build the world a test needs in one line each; what a test does not care about is random."""

from __future__ import annotations

import random
import re
import uuid
from dataclasses import dataclass

import httpx

from portal.accounts.companies import Address, NewCompany, create_company
from portal.accounts.login import load_scope
from portal.accounts.passwords import hash_password
from portal.accounts.roles import Role
from portal.accounts.scope import Scope
from portal.accounts.tables import CompanyKind, Membership, User

PASSWORD = "correct horse battery"
_PASSWORD_HASH = hash_password(PASSWORD)
_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def random_nip() -> str:
    while True:
        digits = [random.randint(0, 9) for _ in range(9)]
        checksum = sum(d * w for d, w in zip(digits, _NIP_WEIGHTS, strict=True)) % 11
        if checksum != 10 and digits[0] != 0:
            return "".join(map(str, digits)) + str(checksum)


async def make_company(name: str | None = None, kind: CompanyKind = CompanyKind.CUSTOMER, **fields: object) -> int:
    company = NewCompany(
        name=name or f"Firma {uuid.uuid4().hex[:6]} Sp. z o.o.",
        nip=random_nip(),
        kind=kind,
        billing=Address("ul. Testowa 1", "00-950", "Warszawa"),
        delivery_addresses=(Address("ul. Magazynowa 2", "00-951", "Warszawa", label="Magazyn", is_default=True),),
    )
    return await create_company(NewCompany(**{**company.__dict__, **fields}))


@dataclass(frozen=True)
class Person:
    user_id: int
    email: str
    company_id: int
    membership_id: int

    async def scope(self) -> Scope:
        scope = await load_scope(self.user_id, self.company_id, "127.0.0.1")
        assert scope is not None
        return scope


async def make_person(
    company_id: int,
    *roles: Role,
    email: str | None = None,
    order_limit_minor: int | None = None,
    locale: str = "en",
    active: bool = True,
) -> Person:
    email = email or f"{uuid.uuid4().hex[:10]}@example.com"
    existing = await User.select(User.id).where(User.email == email).first()
    if existing is None:
        existing = (
            await User.insert(
                User(email=email, name=f"Person {email[:4]}", locale=locale, password_hash=_PASSWORD_HASH)
            ).returning(User.id)
        )[0]
    membership = await Membership.insert(
        Membership(
            user=existing["id"],
            company=company_id,
            roles=[r.value for r in roles],
            order_limit_minor=order_limit_minor,
            is_active=active,
        )
    ).returning(Membership.id)
    return Person(existing["id"], email, company_id, membership[0]["id"])


def csrf_token(html: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


async def form_token(client: httpx.AsyncClient, path: str = "/login") -> str:
    response = await client.get(path)
    return csrf_token(response.text)


async def post_form(
    client: httpx.AsyncClient, path: str, data: dict[str, object], token_from: str = "/login", **kwargs: object
) -> httpx.Response:
    token = await form_token(client, token_from)
    return await client.post(path, data={**data, "_csrf_token": token}, **kwargs)  # type: ignore[arg-type]


async def log_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    response = await post_form(client, "/login", {"email": email, "password": password})
    return response
