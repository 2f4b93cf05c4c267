"""Paying open invoices in one bank transfer: the seller's account, a title naming the invoices,
the total, and the transfer as a QR code in the Polish banks' format (ZBP, "QR kod do płatności")
that banking apps read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import segno

from portal.accounts.scope import Scope
from portal.errors import Invalid
from portal.finance.credit import OWED_KINDS
from portal.finance.tables import Invoice, live_invoices
from portal.i18n import gettext as _

# The ZBP format has six digits for the amount in grosz: 9 999,99 zł at most.
QR_AMOUNT_LIMIT = Decimal("9999.99")
QR_NAME_LENGTH = 20
QR_TITLE_LENGTH = 32
# A transfer title in Polish clearing (Elixir) holds four lines of 35 characters.
TITLE_LENGTH = 140


@dataclass(frozen=True)
class Payee:
    name: str
    nip: str
    account: str

    @property
    def account_digits(self) -> str:
        """The 26 digits of a Polish account number, without the country code."""
        return re.sub(r"\D", "", self.account)[-26:]


@dataclass(frozen=True)
class ChosenInvoice:
    id: int
    number: str
    outstanding: Decimal
    currency: str


@dataclass(frozen=True)
class PaymentOrder:
    payee: Payee
    invoices: list[ChosenInvoice]
    total: Decimal
    currency: str
    title: str

    @property
    def amount_in_qr(self) -> bool:
        return self.total <= QR_AMOUNT_LIMIT

    @property
    def qr_payload(self) -> str:
        """NIP | country | account | amount in grosz | name | title | three reserved fields."""
        grosz = int(self.total * 100) if self.amount_in_qr else 0
        fields = [
            re.sub(r"\D", "", self.payee.nip),
            "PL",
            self.payee.account_digits,
            f"{grosz:06d}",
            _clean(self.payee.name)[:QR_NAME_LENGTH],
            _clean(self.title)[:QR_TITLE_LENGTH],
            "",
            "",
            "",
        ]
        return "|".join(fields)

    def qr_svg(self) -> str:
        """The QR code as an inline SVG element, black on white whatever the page's colours,
        so a phone's camera reads it."""
        code = segno.make(self.qr_payload, error="m", micro=False)
        return str(code.svg_inline(scale=5, dark="#000", light="#fff", title=_("Payment QR code")))


def _clean(text: str) -> str:
    # The separator may not appear inside a field.
    return text.replace("|", "/").strip()


async def payment_order(caller: Scope, invoice_ids: list[int], payee: Payee) -> PaymentOrder:
    """One transfer for the chosen documents of the caller's company that are still open; a
    credit note chosen with them is deducted. Others' ids and paid documents are left out."""
    rows = (
        await Invoice.select(Invoice.id, Invoice.number, Invoice.outstanding, Invoice.currency)
        .where(
            (Invoice.company == caller.company_id)
            & Invoice.id.is_in(invoice_ids or [0])
            & Invoice.kind.is_in(list(OWED_KINDS))
            & (Invoice.outstanding != 0)
            & live_invoices()
        )
        .order_by(Invoice.issued_on)
        .order_by(Invoice.id)
    )
    chosen = [
        ChosenInvoice(row["id"], row["number"], Decimal(str(row["outstanding"])), row["currency"]) for row in rows
    ]
    total = sum((invoice.outstanding for invoice in chosen), Decimal("0.00"))
    if not chosen or total <= 0:
        raise Invalid({"invoice": _("Choose at least one open invoice to pay.")})
    currencies = {invoice.currency for invoice in chosen}
    if len(currencies) > 1:
        raise Invalid({"invoice": _("Invoices in different currencies are paid in separate transfers.")})
    title = " ".join(invoice.number for invoice in chosen)
    return PaymentOrder(payee, chosen, total, currencies.pop(), title[:TITLE_LENGTH])
