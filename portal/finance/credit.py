"""Trade credit at checkout: available credit = limit − open balance − orders not yet invoiced."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from piccolo.querystring import QueryString

from portal import clock
from portal.accounts.scope import Scope
from portal.finance.tables import CreditAccount, DocumentKind
from portal.i18n import format_money
from portal.i18n import gettext as _
from portal.ordering.tables import OrderStatus

# Orders the seller will invoice but has not yet: they use credit already.
UNINVOICED = (
    OrderStatus.AWAITING_APPROVAL,
    OrderStatus.APPROVED,
    OrderStatus.SENT_TO_SELLER,
    OrderStatus.SENT_TO_ERP,
    OrderStatus.AWAITING_CONSENT,
    OrderStatus.CONFIRMED,
    OrderStatus.IN_FULFILMENT,
    OrderStatus.PARTLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
)


@dataclass(frozen=True)
class CreditStatus:
    currency: str
    # None: the seller set no limit for this company.
    limit: Decimal | None
    open_balance: Decimal
    uninvoiced: Decimal

    @property
    def available(self) -> Decimal | None:
        return None if self.limit is None else self.limit - self.open_balance - self.uninvoiced

    def allows(self, gross: Decimal) -> bool:
        return self.available is None or gross <= self.available

    def refusal(self, gross: Decimal) -> str:
        return _(
            "This order (%(gross)s gross) is over your available credit of %(available)s. "
            "Pay in advance, pay open invoices first, or ask your sales rep to raise the limit."
        ) % {
            "gross": format_money(gross, self.currency),
            "available": format_money(max(self.available or Decimal(0), Decimal(0)), self.currency),
        }


# Documents that count towards what the company owes; a proforma asks for money it does not owe.
OWED_KINDS = (DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE)
CENT = Decimal("0.01")


def credit_figures(company_id: int | None) -> QueryString:
    """One row: the credit account (NULLs without one), what the company's invoices less its credit
    notes leave to pay with how many there are, and the gross of orders not yet invoiced. A SELECT
    of its own, so checkout can join it to the other facts of a submission in one statement.
    Documents the ERP deleted count for nothing, and invoice no order."""
    owed = ", ".join("{}" for _ in OWED_KINDS)
    uninvoiced = ", ".join("{}" for _ in UNINVOICED)
    live = "i.deleted = {}"
    return QueryString(
        "SELECT ca.currency AS credit_currency, ca.credit_limit, ca.open_balance,"
        f" (SELECT SUM(i.outstanding) FROM invoice i WHERE i.company = {{}} AND i.kind IN ({owed}) AND {live})"
        " AS invoiced,"
        f" (SELECT COUNT(*) FROM invoice i WHERE i.company = {{}} AND i.kind IN ({owed}) AND {live})"
        " AS owed_documents,"
        " (SELECT SUM(o.gross_total) FROM customer_order o WHERE o.company = {}"
        f" AND o.status IN ({uninvoiced}) AND o.id NOT IN"
        f' (SELECT i."order" FROM invoice i WHERE i.company = {{}} AND i."order" IS NOT NULL AND {live}))'
        " AS uninvoiced"
        " FROM (SELECT 1 AS one) AS base LEFT JOIN credit_account ca ON ca.company = {}",
        company_id,
        *OWED_KINDS,
        False,
        company_id,
        *OWED_KINDS,
        False,
        company_id,
        *UNINVOICED,
        company_id,
        False,
        company_id,
    )


def _amount(value: object) -> Decimal:
    # SUM over a Numeric is a float in SQLite: to the grosz it is the exact sum of the amounts.
    return Decimal(str(value)).quantize(CENT) if value is not None else Decimal("0.00")


def credit_from(row: Mapping[str, Any], currency: str) -> CreditStatus:
    """The credit status from a row of `credit_figures`; `currency` when the seller set no limit.
    Without invoices in the portal the ERP's reported open balance stands."""
    balance = _amount(row["invoiced"]) if row["owed_documents"] else None
    uninvoiced = _amount(row["uninvoiced"])
    if row["credit_limit"] is None:
        return CreditStatus(currency, None, balance or Decimal("0.00"), uninvoiced)
    return CreditStatus(
        currency=row["credit_currency"],
        limit=Decimal(str(row["credit_limit"])),
        open_balance=Decimal(str(row["open_balance"])) if balance is None else balance,
        uninvoiced=uninvoiced,
    )


async def credit_status(caller: Scope) -> CreditStatus:
    """Limit, open balance and uninvoiced orders in one statement."""
    rows = await CreditAccount.raw("{}", credit_figures(caller.company_id))
    return credit_from(rows[0], caller.currency)


async def set_credit_limit(company_id: int, limit: Decimal | None, currency: str) -> bool:
    """The seller's credit limit for the company, in its currency; None: no limit (the account
    goes, as "no account" means no limit). The open balance stays as the ERP or finance reported
    it; a new account starts from the documents held. Answers whether anything changed.
    Credit is computed per request (`credit_figures`): nothing cached to forget."""
    account = (
        await CreditAccount.select(CreditAccount.credit_limit, CreditAccount.currency)
        .where(CreditAccount.company == company_id)
        .first()
    )
    if limit is None:
        if account is None:
            return False
        await CreditAccount.delete().where(CreditAccount.company == company_id)
        return True
    if account is None:
        await CreditAccount.insert(
            CreditAccount(company=company_id, currency=currency, credit_limit=limit, open_balance=Decimal("0.00"))
        )
        # A new account reports what the company's documents already leave to pay.
        await refresh_open_balance([company_id])
        return True
    if Decimal(str(account["credit_limit"])) == limit and account["currency"] == currency:
        return False
    await CreditAccount.update(
        {CreditAccount.credit_limit: limit, CreditAccount.currency: currency, CreditAccount.updated_at: clock.now()}
    ).where(CreditAccount.company == company_id)
    return True


async def refresh_open_balance(company_ids: Iterable[int]) -> None:
    """Make each company's credit account report what its documents leave to pay, as the ERP's
    own balance would after the same documents: the credit check reads the documents while there
    are any, and this figure once the last of them is deleted. No account: no limit to report to."""
    for company_id in dict.fromkeys(company_ids):
        rows = await CreditAccount.raw("{}", credit_figures(company_id))
        await CreditAccount.update(
            {CreditAccount.open_balance: _amount(rows[0]["invoiced"]), CreditAccount.updated_at: clock.now()}
        ).where(CreditAccount.company == company_id)
