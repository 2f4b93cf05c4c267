"""What the seller's ERP sends of the accounts capability's data, keyed by the ERP's codes: the
customer companies with their terms, addresses, credit limit, sales rep, customer group and
assortment; and each customer's administrators, invited by email."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import partial
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from portal.accounts.companies import postal_code_problem, vat_id_problem
from portal.accounts.login import normalize_email
from portal.accounts.members import appoint_administrator, dismiss_administrator, parse_email
from portal.accounts.nip import is_valid_nip, normalize_nip, normalize_vat_id
from portal.accounts.scope_cache import forget_scope
from portal.accounts.tables import (
    Company,
    CompanyKind,
    CompanyStatus,
    DeliveryAddress,
    Locale,
    Membership,
    PaymentMethod,
)
from portal.catalog.assortment import RuleByCode, replace_assortment
from portal.catalog.tables import AssortmentEffect
from portal.database import after_commit
from portal.errors import Conflict, Invalid
from portal.finance.credit import set_credit_limit
from portal.i18n import gettext as _
from portal.integration.resources import Applied, ErpItem, Rejected, Resource
from portal.integration.scopes import Scope
from portal.pricing.memberships import customer_group_id, place_in_group

MAX_DELIVERY_ADDRESSES = 200
MAX_ASSORTMENT_RULES = 1000


class _Part(BaseModel):
    """A part of an item (an address, a rule): as strict as the item itself."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


def _refusal(message: str) -> PydanticCustomError:
    # A custom error carries the message as it is, without pydantic's "Value error, " in front.
    return PydanticCustomError("invalid", message)


def _postal_code(postal_code: str, info: ValidationInfo, country_field: str) -> str:
    country = info.data.get(country_field)
    if country is not None and (problem := postal_code_problem(country, postal_code)):
        raise _refusal(problem)
    return postal_code


class CustomerDeliveryAddress(_Part):
    code: str = Field(
        min_length=1,
        max_length=40,
        description="The address's code in the ERP, unique within the customer. Orders and recurring "
        "schedules keep pointing at an address by this code when the list is sent again.",
    )
    label: str = Field(min_length=1, max_length=100, description="What buyers choose it by, e.g. `Magazyn Wola`.")
    street: str = Field(min_length=1, max_length=200, description="Street and number.")
    country: str = Field(default="PL", pattern=r"^[A-Z]{2}$", description="ISO 3166 country code.")
    postal_code: str = Field(min_length=1, max_length=10, description="Postal code; a Polish one is written 00-950.")
    city: str = Field(min_length=1, max_length=100, description="City.")
    is_default: bool = Field(default=False, description="The address checkout offers first; exactly one is.")

    @field_validator("postal_code")
    @classmethod
    def _postal_code_of_country(cls, postal_code: str, info: ValidationInfo) -> str:
        return _postal_code(postal_code, info, "country")


class AssortmentRuleItem(_Part):
    effect: AssortmentEffect = Field(
        description="`include`: with any include rule the customer sees only what include rules name. "
        "`exclude`: never shown, whatever includes it."
    )
    category: str | None = Field(
        default=None, min_length=1, max_length=40, description="A category's code: the rule covers its subtree."
    )
    product_group: str | None = Field(default=None, min_length=1, max_length=40, description="A product group's code.")
    sku: str | None = Field(default=None, min_length=1, max_length=40, description="One product's SKU.")

    @model_validator(mode="after")
    def _one_target(self) -> AssortmentRuleItem:
        if sum(target is not None for target in (self.category, self.product_group, self.sku)) != 1:
            raise _refusal(_("A rule names exactly one of a category, a product group or a SKU."))
        return self


class CustomerItem(ErpItem):
    """A customer company. Lists (delivery addresses, assortment) are replaced as a whole."""

    code: str = Field(min_length=1, max_length=40, description="The customer's code in the ERP.")
    name: str = Field(min_length=1, max_length=200, description="The company's registered name.")
    nip: str = Field(
        min_length=10,
        max_length=20,
        description="Polish tax id (NIP), checked by its checksum; written 5260250995, 526-025-09-95 or "
        "PL5260250995. One customer per NIP.",
    )
    vat_id: str = Field(
        default="",
        max_length=20,
        description="EU VAT number: a member state's prefix and its national format (PL and the NIP for "
        "a Polish company); empty when the customer has none.",
    )
    billing_street: str = Field(min_length=1, max_length=200, description="Billing address: street and number.")
    billing_country: str = Field(
        default="PL", pattern=r"^[A-Z]{2}$", description="Billing address: ISO 3166 country code."
    )
    billing_postal_code: str = Field(
        min_length=1, max_length=10, description="Billing address: postal code; a Polish one is written 00-950."
    )
    billing_city: str = Field(min_length=1, max_length=100, description="Billing address: city.")
    delivery_addresses: list[CustomerDeliveryAddress] = Field(
        default_factory=list,
        max_length=MAX_DELIVERY_ADDRESSES,
        description="Where the customer's orders may go; exactly one is the default when there are any. "
        "Addresses not sent again are no longer offered, while orders placed to them keep them.",
    )
    payment_method: PaymentMethod = Field(
        default=PaymentMethod.TRANSFER, description="`transfer` (on credit, with payment terms) or `prepayment`."
    )
    payment_days: int = Field(default=14, ge=0, le=365, description="Payment terms in days after the invoice.")
    currency: str = Field(
        default="PLN", pattern=r"^[A-Z]{3}$", description="ISO 4217 currency of its prices and credit."
    )
    credit_limit: Decimal | None = Field(
        default=None,
        ge=0,
        max_digits=14,
        decimal_places=2,
        description="Trade credit limit in the customer's currency; none for no limit. The open balance "
        "is the finance documents' business.",
    )
    sales_rep: str | None = Field(
        default=None,
        max_length=254,
        description="Email of the seller's employee who looks after the customer; they must have an account.",
    )
    customer_group: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="Code of the customer group whose price lists and discounts apply to the customer.",
    )
    assortment: list[AssortmentRuleItem] = Field(
        default_factory=list,
        max_length=MAX_ASSORTMENT_RULES,
        description="Which products the customer sees; none: the whole catalog.",
    )
    status: CompanyStatus = Field(
        default=CompanyStatus.ACTIVE,
        description="`blocked`: its people still sign in, see orders and pay invoices, but cannot order.",
    )

    @field_validator("nip")
    @classmethod
    def _nip_checksum(cls, nip: str) -> str:
        if not is_valid_nip(nip):
            raise _refusal(_("This NIP is not valid: check its ten digits."))
        return normalize_nip(nip)

    @field_validator("vat_id")
    @classmethod
    def _vat_id_shape(cls, vat_id: str, info: ValidationInfo) -> str:
        # Without a valid NIP the NIP's own error says what is wrong.
        if "nip" in info.data and (problem := vat_id_problem(vat_id, info.data["nip"])):
            raise _refusal(problem)
        return normalize_vat_id(vat_id)

    @field_validator("billing_postal_code")
    @classmethod
    def _billing_postal_code(cls, postal_code: str, info: ValidationInfo) -> str:
        return _postal_code(postal_code, info, "billing_country")

    @field_validator("delivery_addresses")
    @classmethod
    def _one_default_and_distinct_codes(cls, addresses: list[CustomerDeliveryAddress]) -> list[CustomerDeliveryAddress]:
        codes = [address.code for address in addresses]
        if len(set(codes)) != len(codes):
            raise _refusal(_("Each delivery address has a code of its own."))
        if addresses and sum(address.is_default for address in addresses) != 1:
            raise _refusal(_("Exactly one delivery address is the default."))
        return addresses

    @field_validator("sales_rep")
    @classmethod
    def _sales_rep_email(cls, email: str | None) -> str | None:
        return None if email is None else normalize_email(email)


async def upsert_customer(item: CustomerItem) -> Applied:
    known = await Company.select(Company.id, Company.name, Company.currency).where(Company.code == item.code).first()
    if known is None:
        # A customer made in the portal before the ERP sent it (no code yet) is the same company
        # when its NIP is: it takes the code instead of failing as a duplicate.
        known = (
            await Company.select(Company.id, Company.name, Company.currency)
            .where((Company.nip == item.nip) & Company.code.is_null() & (Company.kind == CompanyKind.CUSTOMER))
            .first()
        )
    company_id: int | None = None if known is None else known["id"]
    holder = (
        await Company.select(Company.code, Company.kind)
        .where((Company.nip == item.nip) & (Company.id != (company_id or 0)))
        .first()
    )
    if holder is not None:
        raise Rejected("nip", _nip_taken(holder))
    sales_rep_id = None if item.sales_rep is None else await _seller_staff_id(item.sales_rep)
    if item.sales_rep is not None and sales_rep_id is None:
        raise Rejected("sales_rep", _("No employee of the seller has the email %(email)s.") % {"email": item.sales_rep})
    group_id = None if item.customer_group is None else await customer_group_id(item.customer_group)
    if item.customer_group is not None and group_id is None:
        raise Rejected("customer_group", _("No customer group has the code %(code)s.") % {"code": item.customer_group})

    values: dict[Any, Any] = {
        Company.code: item.code,
        Company.name: item.name,
        Company.nip: item.nip,
        Company.vat_id: item.vat_id,
        Company.billing_street: item.billing_street,
        Company.billing_postal_code: item.billing_postal_code,
        Company.billing_city: item.billing_city,
        Company.billing_country: item.billing_country,
        Company.payment_method: item.payment_method,
        Company.payment_days: item.payment_days,
        Company.currency: item.currency,
        Company.status: item.status,
        Company.sales_rep: sales_rep_id,
    }
    if known is None:
        rows = await Company.insert(
            Company(kind=CompanyKind.CUSTOMER, **{column._meta.name: value for column, value in values.items()})
        ).returning(Company.id)
        company_id = int(rows[0]["id"])
    else:
        assert company_id is not None
        await Company.update(values).where(Company.id == company_id)
        if (known["name"], known["currency"]) != (item.name, item.currency):
            # The cached scope of each of its people names the company and its currency.
            await _forget_scopes_of(company_id)
    await _replace_delivery_addresses(company_id, item.delivery_addresses)
    await set_credit_limit(company_id, item.credit_limit, item.currency)
    await place_in_group(company_id, group_id)
    try:
        await replace_assortment(
            company_id,
            [RuleByCode(rule.effect, rule.category, rule.product_group, rule.sku) for rule in item.assortment],
        )
    except Invalid as refused:
        where, reason = next(iter(refused.errors.items()))
        raise Rejected(f"assortment/{where}", reason) from refused
    # Nothing else keeps what changed here: PDFs are kept by a fingerprint of the data they show,
    # and prices, credit, assortment and who sees the customer are read per request.
    return Applied.CREATED if known is None else Applied.UPDATED


def _nip_taken(holder: dict[str, Any]) -> str:
    if holder["kind"] == CompanyKind.SELLER:
        return _("This is the seller's own NIP.")
    if holder["code"] is None:
        return _("A company made in the portal without an ERP code has this NIP already.")
    return _("Customer %(code)s has this NIP already.") % {"code": holder["code"]}


async def _seller_staff_id(email: str) -> int | None:
    row = (
        await Membership.select(Membership.user)
        .where(
            (Membership.user.email == email)
            & (Membership.company.kind == CompanyKind.SELLER)
            & Membership.is_active.eq(True)
            & (Membership.user.is_active == True)  # noqa: E712 - Piccolo turns == into SQL
        )
        .first()
    )
    return None if row is None else int(row["user"])


async def _forget_scopes_of(company_id: int) -> None:
    user_ids = await Membership.select(Membership.user).where(Membership.company == company_id).output(as_list=True)
    for user_id in sorted(set(user_ids)):
        await after_commit(partial(forget_scope, user_id))


async def _replace_delivery_addresses(company_id: int, addresses: Iterable[CustomerDeliveryAddress]) -> None:
    """Addresses are matched by their code: a sent one is updated (and offered again), a new one
    added, and one not sent is no longer offered; none is deleted, since orders and recurring
    schedules point at them."""
    current = await DeliveryAddress.select().where(DeliveryAddress.company == company_id)
    by_code = {row["code"]: row for row in current if row["code"] is not None}
    sent: set[str] = set()
    for address in addresses:
        sent.add(address.code)
        wanted: dict[str, Any] = {
            "label": address.label,
            "street": address.street,
            "postal_code": address.postal_code,
            "city": address.city,
            "country": address.country,
            "is_default": address.is_default,
            "is_active": True,
        }
        row = by_code.get(address.code)
        if row is None:
            await DeliveryAddress.insert(DeliveryAddress(company=company_id, code=address.code, **wanted))
        elif any(row[name] != value for name, value in wanted.items()):
            await DeliveryAddress.update(**wanted).where(DeliveryAddress.id == row["id"])
    gone = [row["id"] for row in current if row["is_active"] and row["code"] not in sent]
    if gone:
        await DeliveryAddress.update({DeliveryAddress.is_active: False, DeliveryAddress.is_default: False}).where(
            DeliveryAddress.id.is_in(gone)
        )


async def delete_customer(key: dict[str, str]) -> bool:
    """Blocks the customer: its people still sign in and see their orders and invoices, but
    cannot order (checkout and approvals refuse a blocked company). Its status is read per
    request, so nothing cached needs forgetting."""
    blocked = (
        await Company.update({Company.status: CompanyStatus.BLOCKED})
        .where(Company.code == key["code"])
        .returning(Company.id)
    )
    return bool(blocked)


class CustomerAdministratorItem(ErpItem):
    """A customer's administrator: invited by email, or given the role when already a member."""

    customer: str = Field(min_length=1, max_length=40, description="The customer's code in the ERP.")
    email: str = Field(
        min_length=3,
        max_length=254,
        description="The person's email. Someone new gets an invitation to the customer by email; a member "
        "becomes an administrator without one.",
    )
    name: str = Field(min_length=1, max_length=200, description="The person's name, offered when they accept.")
    locale: Locale = Field(default=Locale.PL, description="The language of the invitation: `pl` or `en`.")

    @field_validator("email")
    @classmethod
    def _valid_email(cls, email: str) -> str:
        try:
            return parse_email(email)
        except Invalid as refused:
            raise _refusal(refused.message) from refused


async def _customer_id(code: str) -> int | None:
    row = await Company.select(Company.id).where(Company.code == code).first()
    return None if row is None else int(row["id"])


async def upsert_administrator(item: CustomerAdministratorItem) -> Applied:
    company_id = await _customer_id(item.customer)
    if company_id is None:
        raise Rejected("customer", _("No customer has the code %(code)s.") % {"code": item.customer})
    try:
        appointed = await appoint_administrator(company_id, item.email, item.name, item.locale)
    except Invalid as refused:
        raise Rejected("email", refused.message) from refused
    return Applied.CREATED if appointed else Applied.UPDATED


async def delete_administrator(key: dict[str, str]) -> bool:
    """Revokes their pending invitation or takes the role away (see `dismiss_administrator`);
    refused when members would be left without an administrator."""
    company_id = await _customer_id(key["customer"])
    if company_id is None:
        return False
    try:
        return await dismiss_administrator(company_id, key["email"])
    except Conflict as refused:
        raise Rejected("email", refused.message) from refused


RESOURCES: list[Resource[Any]] = [
    Resource(
        name="customers",
        scope=Scope.CUSTOMERS,
        item_type=CustomerItem,
        key_fields=("code",),
        upsert=upsert_customer,
        delete=delete_customer,
        summary="Customer companies: NIP, EU VAT number, addresses, payment terms, credit limit, sales rep, "
        "customer group and assortment. Deleting blocks the customer from ordering.",
        example={
            "code": "K-0042",
            "name": "Budmax Sp. z o.o.",
            "nip": "677-100-45-65",
            "vat_id": "PL6771004565",
            "billing_street": "ul. Budowlana 12",
            "billing_postal_code": "30-001",
            "billing_city": "Kraków",
            "delivery_addresses": [
                {
                    "code": "MAG-1",
                    "label": "Magazyn główny",
                    "street": "ul. Składowa 3",
                    "postal_code": "30-002",
                    "city": "Kraków",
                    "is_default": True,
                }
            ],
            "payment_method": "transfer",
            "payment_days": 30,
            "currency": "PLN",
            "credit_limit": "150000.00",
            "sales_rep": "anna.nowak@hurtex.pl",
            "customer_group": "BUDOWNICTWO",
            "assortment": [{"effect": "exclude", "category": "CHEMIA"}],
            "status": "active",
        },
    ),
    Resource(
        name="customer-administrators",
        scope=Scope.CUSTOMERS,
        item_type=CustomerAdministratorItem,
        key_fields=("customer", "email"),
        upsert=upsert_administrator,
        delete=delete_administrator,
        summary="A customer's administrators: a new person is invited by email, a member gets the role. "
        "Deleting revokes the invitation or takes the role away; the last administrator of a company "
        "with members stays.",
        example={"customer": "K-0042", "email": "jan.kowalski@budmax.pl", "name": "Jan Kowalski", "locale": "pl"},
    ),
]
