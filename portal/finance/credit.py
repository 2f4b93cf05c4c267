"""Trade credit at checkout: available credit = limit − open balance − orders not yet invoiced."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from portal.accounts.scope import Scope
from portal.finance.tables import CreditAccount
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


async def credit_status(caller: Scope) -> CreditStatus:
    account = await CreditAccount.select().where(CreditAccount.company == caller.company_id).first()
    open_orders = await Order.select(Order.gross_total).where(
        (Order.company == caller.company_id) & Order.status.is_in(list(UNINVOICED))
    )
    uninvoiced = sum((Decimal(str(row["gross_total"])) for row in open_orders), Decimal("0.00"))
    if account is None:
        return CreditStatus(caller.currency, None, Decimal("0.00"), uninvoiced)
    return CreditStatus(
        currency=account["currency"],
        limit=Decimal(str(account["credit_limit"])),
        open_balance=Decimal(str(account["open_balance"])),
        uninvoiced=uninvoiced,
    )
