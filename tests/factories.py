"""Build the world a test needs in one line each; what a test does not care about is random."""

from __future__ import annotations

import random
import re
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import httpx

from portal.accounts.companies import Address, NewCompany, create_company
from portal.accounts.login import load_scope
from portal.accounts.passwords import hash_password_sync
from portal.accounts.roles import Role
from portal.accounts.scope import Scope
from portal.accounts.scope_cache import forget_scope
from portal.accounts.tables import CompanyKind, Membership, User
from portal.catalog import search_text_for
from portal.catalog.tables import Category, Product, ProductGroup
from portal.pricing.tables import (
    ContractPrice,
    CustomerGroup,
    CustomerGroupMember,
    DiscountRule,
    PriceList,
    PriceListAssignment,
    PriceListEntry,
)

PASSWORD = "correct horse battery"
_PASSWORD_HASH = hash_password_sync(PASSWORD)
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
    monthly_limit_minor: int | None = None,
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
            monthly_limit_minor=monthly_limit_minor,
            is_active=active,
        )
    ).returning(Membership.id)
    # Straight into the database, like any other write to memberships: the cached scope goes.
    await forget_scope(existing["id"])
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


async def make_category(name: str | None = None, parent_id: int | None = None) -> int:
    code = f"cat-{uuid.uuid4().hex[:8]}"
    parent_path = "/"
    if parent_id is not None:
        parent = await Category.select(Category.path).where(Category.id == parent_id).first()
        assert parent is not None
        parent_path = parent["path"]
    name = name or f"Category {code}"
    rows = await Category.insert(Category(code=code, parent=parent_id, path="", name_pl=name, name_en=name)).returning(
        Category.id
    )
    category_id = rows[0]["id"]
    await Category.update({Category.path: f"{parent_path}{category_id}/"}).where(Category.id == category_id)
    return category_id


async def make_product_group(name: str | None = None) -> int:
    code = f"grp-{uuid.uuid4().hex[:8]}"
    rows = await ProductGroup.insert(ProductGroup(code=code, name_pl=name or code, name_en=name or code)).returning(
        ProductGroup.id
    )
    return rows[0]["id"]


async def make_product(name: str | None = None, *, category_id: int | None = None, **fields: Any) -> int:
    """An active product; `fields` override any column (sku, ean, vat_rate, order_multiple…)."""
    sku = str(fields.pop("sku", f"SKU-{uuid.uuid4().hex[:8].upper()}"))
    name = name or f"Product {sku}"
    ean = str(fields.pop("ean", ""))
    name_pl = str(fields.pop("name_pl", name))
    product = Product(
        sku=sku,
        ean=ean,
        name_pl=name_pl,
        name_en=name,
        category=category_id or await make_category(),
        search_text=search_text_for(sku, ean, name_pl, name),
        **fields,
    )
    rows = await Product.insert(product).returning(Product.id)
    return rows[0]["id"]


# Pricing: lists, tiers, assignments, customer groups, contracts and discounts; prices as strings.


async def make_customer_group(*company_ids: int, name: str | None = None) -> int:
    """A customer group with these companies as members."""

    code = f"cg-{uuid.uuid4().hex[:8]}"
    rows = await CustomerGroup.insert(CustomerGroup(code=code, name=name or code)).returning(CustomerGroup.id)
    group_id = rows[0]["id"]
    if company_ids:
        await CustomerGroupMember.insert(
            *(CustomerGroupMember(group=group_id, company=company_id) for company_id in company_ids)
        )
    return group_id


async def make_price_list(
    name: str | None = None,
    *,
    prices: dict[int, str] | None = None,
    currency: str = "PLN",
    is_base: bool = False,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> int:
    """A price list with one price from quantity 1 for each product in `prices` (id → price)."""

    code = f"pl-{uuid.uuid4().hex[:8]}"
    rows = await PriceList.insert(
        PriceList(
            code=code,
            name=name or f"Price list {code}",
            currency=currency,
            is_base=is_base,
            valid_from=valid_from,
            valid_to=valid_to,
        )
    ).returning(PriceList.id)
    price_list_id = rows[0]["id"]
    for product_id, unit_price in (prices or {}).items():
        await add_list_prices(price_list_id, product_id, {1: unit_price})
    return price_list_id


async def add_list_prices(price_list_id: int, product_id: int, tiers: dict[int, str]) -> None:
    """Tiers of one product on one list: {min_quantity: unit price}."""

    await PriceListEntry.insert(
        *(
            PriceListEntry(
                price_list=price_list_id, product=product_id, min_quantity=min_quantity, unit_price=Decimal(unit_price)
            )
            for min_quantity, unit_price in tiers.items()
        )
    )


async def assign_price_list(
    price_list_id: int, *, company_id: int | None = None, customer_group_id: int | None = None, priority: int = 100
) -> None:

    await PriceListAssignment.insert(
        PriceListAssignment(
            price_list=price_list_id, company=company_id, customer_group=customer_group_id, priority=priority
        )
    )


async def make_contract_price(
    company_id: int,
    product_id: int,
    unit_price: str,
    *,
    min_quantity: int = 1,
    reference: str | None = None,
    currency: str = "PLN",
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> None:

    await ContractPrice.insert(
        ContractPrice(
            company=company_id,
            product=product_id,
            contract_reference=reference or f"K/{uuid.uuid4().hex[:6].upper()}",
            currency=currency,
            min_quantity=min_quantity,
            unit_price=Decimal(unit_price),
            valid_from=valid_from,
            valid_to=valid_to,
        )
    )


async def make_discount_rule(
    percent: str,
    *,
    company_id: int | None = None,
    customer_group_id: int | None = None,
    product_id: int | None = None,
    product_group_id: int | None = None,
    min_quantity: int = 1,
    valid_from: date | None = None,
    valid_to: date | None = None,
    name: str | None = None,
) -> int:
    """A percentage off list prices for a company or a customer group; no product and no product
    group means everything."""

    rows = await DiscountRule.insert(
        DiscountRule(
            name=name or f"{percent}% off",
            company=company_id,
            customer_group=customer_group_id,
            product=product_id,
            product_group=product_group_id,
            percent=Decimal(percent),
            min_quantity=min_quantity,
            valid_from=valid_from,
            valid_to=valid_to,
        )
    ).returning(DiscountRule.id)
    return rows[0]["id"]


async def make_priced_product(price: str = "10.00", name: str | None = None, **fields: Any) -> int:
    """A product with a price from quantity 1 on a base list of its own."""
    product = await make_product(name, **fields)
    await make_price_list(is_base=True, prices={product: price})
    return product
