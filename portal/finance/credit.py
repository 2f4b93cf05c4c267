"""Trade credit at checkout: available credit = limit − open balance − orders not yet invoiced."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from portal.accounts.scope import Scope
from portal.finance.tables import CreditAccount, DocumentKind, Invoice
from portal.i18n import format_money
from portal.i18n import gettext as _
from portal.ordering.tables import Order, OrderStatus

# Orders the seller will invoice but has not yet: they use credit already.
UNINVOICED = (
    OrderStatus.AWAITING_APPROVAL,
    OrderStatus.APPROVED,
    OrderStatus.SENT_TO_SELLER,
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


async def invoiced_balance(company_id: int | None) -> Decimal | None:
    """What the company's invoices less its credit notes leave to pay; None while the portal
    holds no invoices of the company (then the ERP's reported balance stands)."""
    rows = await Invoice.select(Invoice.outstanding).where(
        (Invoice.company == company_id) & Invoice.kind.is_in(list(OWED_KINDS))
    )
    if not rows:
        return None
    # SUM over a Numeric is a float in SQLite: add Decimals here instead.
    return sum((Decimal(str(row["outstanding"])) for row in rows), Decimal("0.00"))


async def uninvoiced_orders(company_id: int | None) -> Decimal:
    """Gross of orders the seller will invoice but has not yet: an order an invoice names is invoiced."""
    invoiced = Invoice.select(Invoice.order).where((Invoice.company == company_id) & Invoice.order.is_not_null())
    open_orders = await Order.select(Order.gross_total).where(
        (Order.company == company_id) & Order.status.is_in(list(UNINVOICED)) & Order.id.not_in(invoiced)
    )
    return sum((Decimal(str(row["gross_total"])) for row in open_orders), Decimal("0.00"))


async def credit_status(caller: Scope) -> CreditStatus:
    account = await CreditAccount.select().where(CreditAccount.company == caller.company_id).first()
    uninvoiced = await uninvoiced_orders(caller.company_id)
    balance = await invoiced_balance(caller.company_id)
    if account is None:
        return CreditStatus(caller.currency, None, balance or Decimal("0.00"), uninvoiced)
    return CreditStatus(
        currency=account["currency"],
        limit=Decimal(str(account["credit_limit"])),
        open_balance=Decimal(str(account["open_balance"])) if balance is None else balance,
        uninvoiced=uninvoiced,
    )
