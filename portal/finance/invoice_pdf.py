"""Invoice PDFs: a Polish VAT invoice (or corrective invoice, or proforma) with the fields art.
106e of the VAT act requires, in the reader's language, rendered once per version of its data;
and many of them in one ZIP."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jinja2 import Environment
from num2words import num2words

from portal import clock
from portal.accounts.scope import Scope
from portal.accounts.tables import Company
from portal.config import Settings
from portal.errors import Invalid, NotFound
from portal.finance.invoices import document_filename
from portal.finance.tables import Invoice, InvoiceLine, live_invoices
from portal.i18n import current_locale, use_locale
from portal.i18n import gettext as _
from portal.pdf import fingerprint, render_pdf, stored_pdf

MAX_ZIP_DOCUMENTS = 200
GROSZ = Decimal("0.01")


@dataclass(frozen=True)
class Party:
    name: str
    nip: str
    street: str
    postal_code: str
    city: str


@dataclass(frozen=True)
class RateTotal:
    rate: str
    net: Decimal
    vat: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


@dataclass(frozen=True)
class InvoiceDocument:
    invoice: dict[str, Any]
    lines: list[dict[str, Any]]
    seller: Party
    buyer: Party
    corrected_number: str
    by_rate: list[RateTotal]
    bank_account: str

    @property
    def gross(self) -> Decimal:
        return Decimal(str(self.invoice["gross_total"]))

    def amount_in_words(self) -> str:
        """ "one thousand two hundred … złoty 34/100", in the reader's language."""
        whole = int(abs(self.gross))
        grosze = int((abs(self.gross) - whole) * 100)
        words = num2words(whole, lang=current_locale())
        currency = self.invoice["currency"]
        sign = _("minus") + " " if self.gross < 0 else ""
        return f"{sign}{words} {currency} {grosze:02d}/100"


@dataclass(frozen=True)
class Seller:
    """The seller as its settings describe it, the one source of its name on every document: a
    fresh install holds no company record of the seller (its ERP loads customers and documents),
    and the demo's record must not disagree with what the pay page and delivery notes print."""

    party: Party
    bank_account: str

    @classmethod
    def of(cls, settings: Settings) -> Seller:
        party = Party(
            settings.seller_name,
            settings.seller_nip,
            settings.seller_street,
            settings.seller_postal_code,
            settings.seller_city,
        )
        return cls(party, settings.seller_bank_account)


async def _buyer(company_id: int) -> Party:
    row = (
        await Company.select(
            Company.name, Company.nip, Company.billing_street, Company.billing_postal_code, Company.billing_city
        )
        .where(Company.id == company_id)
        .first()
    )
    assert row is not None, "an invoice's company exists: companies are never deleted"
    return Party(row["name"], row["nip"], row["billing_street"], row["billing_postal_code"], row["billing_city"])


def vat_of(net: Decimal, rate: str) -> Decimal:
    return (net * Decimal(rate) / 100).quantize(GROSZ, rounding=ROUND_HALF_UP) if rate.isdigit() else Decimal("0.00")


async def invoice_document(company_id: int | None, invoice_id: int, seller: Seller) -> InvoiceDocument:
    """An invoice of the given company with everything its PDF shows; another company's is not found."""
    invoice = (
        await Invoice.select()
        .where((Invoice.id == invoice_id) & (Invoice.company == company_id) & live_invoices())
        .first()
    )
    if invoice is None:
        raise NotFound(_("This invoice does not exist."))
    lines = await InvoiceLine.select().where(InvoiceLine.invoice == invoice_id).order_by(InvoiceLine.position)
    buyer = await _buyer(invoice["company"])
    corrected = (
        await Invoice.select(Invoice.number).where(Invoice.id == invoice["corrects"]).first()
        if invoice["corrects"]
        else None
    )
    net_by_rate: dict[str, Decimal] = {}
    for line in lines:
        net_by_rate[line["vat_rate"]] = net_by_rate.get(line["vat_rate"], Decimal("0.00")) + Decimal(
            str(line["net_value"])
        )
    return InvoiceDocument(
        invoice=invoice,
        lines=lines,
        seller=seller.party,
        buyer=buyer,
        corrected_number=corrected["number"] if corrected else "",
        by_rate=[RateTotal(rate, net, vat_of(net, rate)) for rate, net in sorted(net_by_rate.items())],
        bank_account=seller.bank_account,
    )


async def invoice_pdf(env: Environment, document: InvoiceDocument) -> bytes:
    """The PDF in the current language, rendered only when its data changed since last time."""
    locale = current_locale()
    # Everything the template prints, the parties included: an imported change of any of it
    # (a line, a total, the buyer's address, the corrected invoice) renders the PDF anew.
    data = {
        "invoice": document.invoice,
        "lines": document.lines,
        "seller": asdict(document.seller),
        "buyer": asdict(document.buyer),
        "corrected_number": document.corrected_number,
        "bank": document.bank_account,
    }

    async def render() -> bytes:
        with use_locale(locale):
            html = env.get_template("finance/invoice_pdf.html").render(document=document, today=clock.today())
        return await render_pdf(html)

    return await stored_pdf("invoice", int(document.invoice["id"]), locale, fingerprint(data), render)


def pdf_filename(number: str) -> str:
    return document_filename(number, "pdf")


async def invoices_zip(env: Environment, caller: Scope, invoice_ids: Sequence[int], seller: Seller) -> bytes:
    """One ZIP holding exactly the chosen invoices' PDFs."""
    chosen = list(dict.fromkeys(invoice_ids))
    if not chosen:
        raise Invalid({"invoices": _("Choose at least one invoice.")})
    if len(chosen) > MAX_ZIP_DOCUMENTS:
        raise Invalid({"invoices": _("Choose at most 200 invoices at once.")})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for invoice_id in chosen:
            document = await invoice_document(caller.company_id, invoice_id, seller)
            archive.writestr(pdf_filename(document.invoice["number"]), await invoice_pdf(env, document))
    return buffer.getvalue()
