"""Companies: the customer accounts with their tax ids, addresses and terms, and who sees which."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from piccolo.query.functions.aggregate import Count

from portal.accounts.customer_scope import customers_seen_by
from portal.accounts.nip import is_valid_eu_vat_id, is_valid_nip, normalize_nip, normalize_vat_id
from portal.accounts.roles import Permission
from portal.accounts.scope import Scope
from portal.accounts.tables import Company, CompanyKind, CompanyStatus, DeliveryAddress, Membership, PaymentMethod
from portal.errors import Invalid, NotAllowed, NotFound
from portal.i18n import gettext as _

_POSTAL_CODE_PL = re.compile(r"^\d{2}-\d{3}$")


@dataclass(frozen=True)
class Address:
    street: str
    postal_code: str
    city: str
    country: str = "PL"
    label: str = ""
    is_default: bool = False
    id: int | None = None


@dataclass(frozen=True)
class NewCompany:
    name: str
    nip: str
    billing: Address
    vat_id: str = ""
    kind: CompanyKind = CompanyKind.CUSTOMER
    payment_method: PaymentMethod = PaymentMethod.TRANSFER
    payment_days: int = 14
    currency: str = "PLN"
    sales_rep_id: int | None = None
    delivery_addresses: tuple[Address, ...] = field(default_factory=tuple)


def postal_code_problem(country: str, postal_code: str) -> str:
    """Why the postal code cannot be one of the country's, or "" (only Polish ones are checked)."""
    if country == "PL" and not _POSTAL_CODE_PL.match(postal_code):
        return _("A Polish postal code looks like 00-950.")
    return ""


def address_problems(address: Address) -> dict[str, str]:
    """What is wrong with an address, by the name of its field."""
    problems: dict[str, str] = {}
    if not address.street.strip() or not address.city.strip():
        problems["street"] = _("Enter the street and the city.")
    if postal_problem := postal_code_problem(address.country, address.postal_code):
        problems["postal_code"] = postal_problem
    return problems


def _check_address(address: Address, prefix: str, errors: dict[str, str]) -> None:
    errors.update({f"{prefix}{name}": problem for name, problem in address_problems(address).items()})


def vat_id_problem(vat_id: str, nip: str) -> str:
    """Why an EU VAT number cannot be the company's, or "" when it can (or is empty): a Polish
    company's is PL and its own NIP."""
    vat_id = normalize_vat_id(vat_id)
    if not vat_id:
        return ""
    if not is_valid_eu_vat_id(vat_id):
        return _("An EU VAT number starts with the country code, e.g. PL5260250995.")
    if vat_id.startswith("PL") and vat_id[2:] != normalize_nip(nip):
        return _("A Polish EU VAT number is PL followed by the company's NIP.")
    return ""


def validate_new_company(company: NewCompany) -> NewCompany:
    errors: dict[str, str] = {}
    if not company.name.strip():
        errors["name"] = _("Enter the company's name.")
    if not is_valid_nip(company.nip):
        errors["nip"] = _("This NIP is not valid: check its ten digits.")
    if vat_problem := vat_id_problem(company.vat_id, company.nip):
        errors["vat_id"] = vat_problem
    if company.payment_days < 0 or company.payment_days > 365:
        errors["payment_days"] = _("Payment terms are between 0 and 365 days.")
    _check_address(company.billing, "billing_", errors)
    for index, address in enumerate(company.delivery_addresses):
        _check_address(address, f"delivery_{index}_", errors)
    if errors:
        raise Invalid(errors)
    return company


async def create_company(company: NewCompany) -> int:
    validate_new_company(company)
    nip = normalize_nip(company.nip)
    if await Company.exists().where(Company.nip == nip):
        raise Invalid({"nip": _("A company with this NIP already exists.")})
    async with Company._meta.db.transaction():
        rows = await Company.insert(
            Company(
                kind=company.kind,
                name=company.name.strip(),
                nip=nip,
                vat_id=normalize_vat_id(company.vat_id),
                billing_street=company.billing.street,
                billing_postal_code=company.billing.postal_code,
                billing_city=company.billing.city,
                billing_country=company.billing.country,
                payment_method=company.payment_method,
                payment_days=company.payment_days,
                currency=company.currency,
                sales_rep=company.sales_rep_id,
            )
        ).returning(Company.id)
        company_id = int(rows[0]["id"])
        if company.delivery_addresses:
            await DeliveryAddress.insert(
                *[
                    DeliveryAddress(
                        company=company_id,
                        label=a.label,
                        street=a.street,
                        postal_code=a.postal_code,
                        city=a.city,
                        country=a.country,
                        is_default=a.is_default,
                    )
                    for a in company.delivery_addresses
                ]
            )
    return company_id


def blocked_from_ordering() -> str:
    """What a customer the seller blocked (or the ERP deleted) is told where it would order: its
    people still sign in, see their orders and pay their invoices, but order nothing."""
    return _("This account is blocked by the seller, so it cannot order. Contact your sales rep.")


@dataclass(frozen=True)
class CompanyProfile:
    id: int
    name: str
    nip: str
    vat_id: str
    kind: str
    status: str
    billing: Address
    payment_method: str
    payment_days: int
    currency: str
    sales_rep_name: str
    sales_rep_email: str
    delivery_addresses: tuple[Address, ...]
    # Gets a copy of every order confirmation; "" none.
    order_email: str = ""

    @property
    def blocked(self) -> bool:
        return self.status == CompanyStatus.BLOCKED


async def company_profile(caller: Scope) -> CompanyProfile:
    if caller.company_id is None:
        raise NotFound(_("No company chosen."))
    row = (
        await Company.select(
            *Company.all_columns(),
            Company.sales_rep.name.as_alias("sales_rep_name"),
            Company.sales_rep.email.as_alias("sales_rep_email"),
        )
        .where(Company.id == caller.company_id)
        .first()
    )
    if row is None:
        raise NotFound(_("No company chosen."))
    addresses = (
        await DeliveryAddress.select()
        .where((DeliveryAddress.company == caller.company_id) & DeliveryAddress.is_active.eq(True))
        .order_by(DeliveryAddress.is_default, ascending=False)
        .order_by(DeliveryAddress.label)
    )
    return CompanyProfile(
        id=row["id"],
        name=row["name"],
        nip=row["nip"],
        vat_id=row["vat_id"],
        kind=row["kind"],
        status=row["status"],
        billing=Address(row["billing_street"], row["billing_postal_code"], row["billing_city"], row["billing_country"]),
        payment_method=row["payment_method"],
        payment_days=row["payment_days"],
        currency=row["currency"],
        sales_rep_name=row["sales_rep_name"] or "",
        sales_rep_email=row["sales_rep_email"] or "",
        delivery_addresses=tuple(
            Address(a["street"], a["postal_code"], a["city"], a["country"], a["label"], a["is_default"], a["id"])
            for a in addresses
        ),
        order_email=row["order_email"],
    )


@dataclass(frozen=True)
class CustomerRow:
    id: int
    name: str
    nip: str
    city: str
    status: str
    sales_rep_name: str
    member_count: int


async def customers_for(caller: Scope) -> list[CustomerRow]:
    """A sales rep's own customers; back office and seller admins see every customer."""
    if not caller.is_seller or not caller.can(Permission.CUSTOMERS_VIEW):
        raise NotAllowed(_("Only the seller's staff see customers."))
    query = Company.select(
        Company.id,
        Company.name,
        Company.nip,
        Company.billing_city.as_alias("city"),
        Company.status,
        Company.sales_rep.name.as_alias("sales_rep_name"),
    ).where((Company.kind == CompanyKind.CUSTOMER) & customers_seen_by(caller, Company.id))
    companies = await query.order_by(Company.name)
    ids = [company["id"] for company in companies]
    counts = (
        await Membership.select(Membership.company, Count(Membership.id, alias="n"))
        .where(Membership.is_active.eq(True) & Membership.company.is_in(ids))
        .group_by(Membership.company)
        if ids
        else []
    )
    members = {row["company"]: row["n"] for row in counts}
    return [
        CustomerRow(**{**c, "sales_rep_name": c["sales_rep_name"] or "", "member_count": members.get(c["id"], 0)})
        for c in companies
    ]
