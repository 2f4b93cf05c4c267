"""Tables of the accounts capability: companies, users, memberships, emailed links, audit log."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSON,
    Array,
    BigInt,
    Boolean,
    ForeignKey,
    Integer,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class CompanyKind(StrEnum):
    CUSTOMER = "customer"
    SELLER = "seller"


class CompanyStatus(StrEnum):
    ACTIVE = "active"
    BLOCKED = "blocked"


class PaymentMethod(StrEnum):
    PREPAYMENT = "prepayment"
    TRANSFER = "transfer"


class Locale(StrEnum):
    PL = "pl"
    EN = "en"


class User(Table, tablename="portal_user"):
    id = Serial(primary_key=True)
    # Stored lower-cased, so the unique index makes addresses unique without regard to case.
    email = Varchar(length=254, unique=True, index=True)
    name = Varchar(length=200)
    locale = Varchar(length=2, choices=Locale, default=Locale.PL)
    # Empty for SSO-only users, who cannot log in with a password.
    password_hash = Varchar(length=200, default="", secret=True)
    is_active = Boolean(default=True)
    last_login_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Company(Table):
    id = Serial(primary_key=True)
    kind = Varchar(length=10, choices=CompanyKind, default=CompanyKind.CUSTOMER)
    # The customer's code in the seller's ERP: how every integration names it. None for the
    # seller itself and for customers the ERP has not sent. Unique by a migration's index
    # (SQLite cannot add a unique column).
    code = Varchar(length=40, null=True, default=None)
    name = Varchar(length=200)
    nip = Varchar(length=10, unique=True)
    vat_id = Varchar(length=20, default="")
    billing_street = Varchar(length=200)
    billing_postal_code = Varchar(length=10)
    billing_city = Varchar(length=100)
    billing_country = Varchar(length=2, default="PL")
    payment_method = Varchar(length=12, choices=PaymentMethod, default=PaymentMethod.TRANSFER)
    payment_days = Integer(default=14)
    currency = Varchar(length=3, default="PLN")
    status = Varchar(length=10, choices=CompanyStatus, default=CompanyStatus.ACTIVE)
    sales_rep = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null)
    # Where the company wants a copy of every order confirmation (its purchasing mailbox); "" none.
    order_email = Varchar(length=254, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class DeliveryAddress(Table):
    id = Serial(primary_key=True)
    company = ForeignKey(Company, null=False, index=True)
    # The address's code in the seller's ERP, unique per company by a migration's index; None
    # for addresses the ERP has not sent.
    code = Varchar(length=40, null=True, default=None)
    label = Varchar(length=100)
    street = Varchar(length=200)
    postal_code = Varchar(length=10)
    city = Varchar(length=100)
    country = Varchar(length=2, default="PL")
    is_default = Boolean(default=False)
    # An address the ERP no longer sends: kept, because orders and recurring schedules point
    # at it, but no longer offered for new orders.
    is_active = Boolean(default=True)


class Membership(Table):
    """A user in a company with roles; unique per (user, company) by a migration's raw index."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, null=False, index=True)
    company = ForeignKey(Company, null=False, index=True)
    roles = Array(Varchar(length=20), default=list)
    # Spending limits in minor units (grosz) of the company's currency; NULL means no limit.
    order_limit_minor = BigInt(null=True, default=None)
    monthly_limit_minor = BigInt(null=True, default=None)
    is_active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Invitation(Table):
    id = Serial(primary_key=True)
    company = ForeignKey(Company, null=False, index=True)
    email = Varchar(length=254)
    roles = Array(Varchar(length=20), default=list)
    order_limit_minor = BigInt(null=True, default=None)
    monthly_limit_minor = BigInt(null=True, default=None)
    invited_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null)
    # Who the seller's ERP says is invited, to greet them and write in their language; empty
    # for invitations made in the portal (the mail goes out in the inviter's language).
    name = Varchar(length=200, default="")
    locale = Varchar(length=2, default="")
    # The invitation's mail is still to be sent: set for invitations written inside a larger
    # transaction (an ERP batch), whose mail a job sends once they are committed. Its link's
    # lifetime starts then, so `expires_at` is set by that job.
    mail_due = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class PasswordReset(Table):
    id = Serial(primary_key=True)
    user = ForeignKey(User, null=False, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class AuditEntry(Table):
    id = Serial(primary_key=True)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null)
    # The real person when a seller acts on a customer's behalf (impersonation).
    acting_as = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null)
    company = ForeignKey(Company, null=True, default=None, index=True, on_delete=OnDelete.set_null)
    action = Varchar(length=60)
    object_type = Varchar(length=40, default="")
    object_id = Varchar(length=40, default="")
    details = JSON(default={})
    ip_address = Varchar(length=45, default="")


class SsoConnection(Table):
    """A company's OpenID Connect provider: its users sign in there instead of with a password.
    The client secret is kept encrypted with the key from the settings."""

    id = Serial(primary_key=True)
    company = ForeignKey(Company, null=False, unique=True, on_delete=OnDelete.cascade)
    issuer = Varchar(length=300)
    client_id = Varchar(length=200)
    client_secret_encrypted = Varchar(length=2000, default="", secret=True)
    # First-time users get a user and membership with `default_role`; otherwise an admin invites them.
    auto_create = Boolean(default=False)
    default_role = Varchar(length=20, default="buyer")
    # The ID token's claim listing the person's groups or roles, and which portal roles each
    # of its values grants: {"Zakupy": ["buyer"], "Księgowość": ["finance"]}.
    roles_claim = Varchar(length=60, default="groups")
    role_mapping = JSON(default={})
    # Members may not use passwords at all.
    require_sso = Boolean(default=False)
    enabled = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class SsoDomain(Table):
    """An email domain a connection claims; one company per domain. The claim routes logins to
    the company's provider only once it is proven (a DNS TXT record) or approved by the seller's
    administrator: until then anyone could claim anyone's domain."""

    id = Serial(primary_key=True)
    connection = ForeignKey(SsoConnection, null=False, index=True, on_delete=OnDelete.cascade)
    domain = Varchar(length=253, unique=True)
    # pending, verified (DNS proof) or approved (by the seller's administrator).
    status = Varchar(length=12, default="pending")
    decided_at = Timestamptz(null=True, default=None)


class SsoIdentity(Table):
    """Who a user is at a provider (the ID token's `sub`), so a changed email still finds them;
    unique per connection and subject (a migration's index)."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, null=False, index=True, on_delete=OnDelete.cascade)
    connection = ForeignKey(SsoConnection, null=False, on_delete=OnDelete.cascade)
    subject = Varchar(length=255)
    last_login_at = Timestamptz(null=True, default=None)
