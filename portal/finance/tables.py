"""Tables of finance: each customer's credit account as the ERP reports it."""

from __future__ import annotations

from piccolo.columns import ForeignKey, Numeric, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.accounts.tables import Company


class CreditAccount(Table):
    """A company's trade credit; no row means the seller set no limit."""

    company = ForeignKey(Company, null=False, unique=True)
    currency = Varchar(length=3, default="PLN")
    credit_limit = Numeric(digits=(14, 2))
    # Invoiced and not yet paid.
    open_balance = Numeric(digits=(14, 2))
    updated_at = Timestamptz(default=TimestamptzNow())
