"""Demo finance: two years of invoices, credit notes and payments of the demo customers, as the
ERP would report them. BudMax has overdue invoices, ElektroPlus is close to its credit limit,
Agromet buys little and pays in advance. Deterministic for a given day and idempotent."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from portal import clock
from portal.accounts.tables import Company
from portal.database import write_transaction
from portal.finance.tables import (
    CreditAccount,
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
)
from portal.ordering.cart import vat_amount
from portal.ordering.tables import Order, OrderLine, OrderStatus
from portal.pricing.tables import PriceList, PriceListEntry

log = logging.getLogger("portal.demo")
BUDMAX, ELEKTROPLUS, AGROMET = "6771004565", "7792007894", "5260001111"
GROSZ = Decimal("0.01")
ZERO = Decimal("0.00")
# ElektroPlus owes this much of its 60 000 zł limit: its buyer meets the credit check.
ELEKTROPLUS_OWES = Decimal("57200.00")


@dataclass(frozen=True)
class Customer:
    nip: str
    invoices_per_month: int
    lines: tuple[int, int]
    quantity_scale: int
    payment_days: int
    po_prefix: str


CUSTOMERS = (
    Customer(BUDMAX, 5, (3, 9), 40, 30, "BM"),
    Customer(ELEKTROPLUS, 3, (2, 7), 150, 21, "EP"),
    Customer(AGROMET, 1, (1, 3), 3, 0, ""),
)


@dataclass(frozen=True)
class CatalogItem:
    sku: str
    name: str
    unit: str
    vat_rate: str
    price: Decimal


@dataclass
class DemoLine:
    item: CatalogItem
    quantity: int
    discount: Decimal

    @property
    def net(self) -> Decimal:
        gross_price = self.item.price * self.quantity * (100 - self.discount) / 100
        return gross_price.quantize(GROSZ, rounding=ROUND_HALF_UP)


@dataclass
class DemoDocument:
    company_id: int
    kind: DocumentKind
    issued_on: date
    due_on: date
    payment_method: str
    lines: list[DemoLine]
    po_number: str = ""
    order_id: int | None = None
    number: str = ""
    corrects: DemoDocument | None = None
    # Negative for a credit note: it gives money back.
    sign: int = 1
    paid: Decimal = ZERO
    payments: list[tuple[date, Decimal]] = field(default_factory=list)

    @property
    def net_by_rate(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for line in self.lines:
            totals[line.item.vat_rate] = totals.get(line.item.vat_rate, ZERO) + line.net
        return totals

    @property
    def net(self) -> Decimal:
        return self.sign * sum(self.net_by_rate.values(), ZERO)

    @property
    def vat(self) -> Decimal:
        return self.sign * sum((vat_amount(net, rate) for rate, net in self.net_by_rate.items()), ZERO)

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat

    @property
    def outstanding(self) -> Decimal:
        return self.gross - self.paid

    def pay(self, on: date, amount: Decimal) -> None:
        self.paid += amount
        self.payments.append((on, amount))


async def _catalog() -> list[CatalogItem]:
    """Products at their base price, a fixed spread over the catalog, reduced VAT among them."""
    base = await PriceList.select(PriceList.id).where(PriceList.is_base == True).order_by(PriceList.id).first()  # noqa: E712
    assert base is not None, "the demo catalog comes first"
    rows = (
        await PriceListEntry.select(
            PriceListEntry.unit_price,
            PriceListEntry.product.sku.as_alias("sku"),
            PriceListEntry.product.name_pl.as_alias("name"),
            PriceListEntry.product.unit.as_alias("unit"),
            PriceListEntry.product.vat_rate.as_alias("vat_rate"),
        )
        .where((PriceListEntry.price_list == base["id"]) & (PriceListEntry.min_quantity == 1))
        .order_by(PriceListEntry.product)
    )
    items = [
        CatalogItem(row["sku"], row["name"], row["unit"], row["vat_rate"], Decimal(str(row["unit_price"])))
        for row in rows
        if row["vat_rate"] in ("23", "8")
    ]
    standard = [item for item in items if item.vat_rate == "23"]
    reduced = [item for item in items if item.vat_rate == "8"]
    step = max(len(standard) // 60, 1)
    return standard[::step][:60] + reduced[:8]


def _month_start(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _lines(rng: random.Random, catalog: list[CatalogItem], customer: Customer) -> list[DemoLine]:
    count = rng.randint(*customer.lines)
    chosen = rng.sample(catalog, count)
    return [
        DemoLine(
            item,
            max(1, int(customer.quantity_scale * rng.choice((1, 2, 5, 10)) / max(float(item.price), 1) ** 0.5)),
            rng.choice((ZERO, ZERO, Decimal("3"), Decimal("5"))),
        )
        for item in chosen
    ]


def _invoices(
    rng: random.Random, catalog: list[CatalogItem], customer: Customer, company_id: int, today: date
) -> list[DemoDocument]:
    documents: list[DemoDocument] = []
    for back in range(23, -1, -1):
        month = _month_start(today, back)
        for index in range(customer.invoices_per_month):
            issued = month + timedelta(days=min(3 + index * 6 + rng.randint(0, 4), 27))
            if issued > today:
                continue
            documents.append(
                DemoDocument(
                    company_id=company_id,
                    kind=DocumentKind.INVOICE,
                    issued_on=issued,
                    due_on=issued + timedelta(days=customer.payment_days),
                    payment_method="transfer" if customer.payment_days else "prepayment",
                    lines=_lines(rng, catalog, customer),
                    po_number=f"{customer.po_prefix}/{issued.year}/{rng.randint(100, 999):04d}"
                    if customer.po_prefix and rng.random() < 0.7
                    else "",
                )
            )
    return documents


def _credit_note(rng: random.Random, invoice: DemoDocument, after_days: int) -> DemoDocument:
    """A correction giving back part of one line of `invoice` (a return or a price complaint)."""
    line = rng.choice(invoice.lines)
    returned = DemoLine(line.item, max(1, line.quantity // rng.choice((2, 3, 4))), line.discount)
    issued = invoice.issued_on + timedelta(days=after_days)
    return DemoDocument(
        company_id=invoice.company_id,
        kind=DocumentKind.CREDIT_NOTE,
        issued_on=issued,
        due_on=issued + timedelta(days=14),
        payment_method="transfer",
        lines=[returned],
        po_number=invoice.po_number,
        corrects=invoice,
        sign=-1,
    )


def _settle_history(rng: random.Random, documents: list[DemoDocument], customer: Customer, today: date) -> None:
    """Payments as this customer makes them: on time mostly, some late, a few partial; BudMax
    leaves some recent invoices unpaid past their due date."""
    for document in documents:
        if document.kind is not DocumentKind.INVOICE:
            continue
        if customer.nip == AGROMET:
            # Paid in advance: the money arrives before the invoice is issued.
            if document.issued_on < today - timedelta(days=3):
                document.pay(document.issued_on - timedelta(days=1), document.gross)
            continue
        age = (today - document.issued_on).days
        if customer.nip == BUDMAX and 45 <= age <= 160 and rng.random() < 0.45:
            # Overdue: nothing or a part paid.
            if rng.random() < 0.4:
                part = (document.gross * Decimal(rng.choice(("0.3", "0.5")))).quantize(GROSZ)
                document.pay(document.due_on + timedelta(days=rng.randint(1, 10)), part)
            continue
        if customer.nip == ELEKTROPLUS and age <= 40:
            continue
        paid_on = document.due_on + timedelta(days=rng.choice((-5, -2, 0, 0, 1, 3, 12)))
        if paid_on >= today:
            continue
        if rng.random() < 0.08 and age < 300:
            half = (document.gross / 2).quantize(GROSZ)
            document.pay(paid_on, half)
            if paid_on + timedelta(days=20) < today:
                document.pay(paid_on + timedelta(days=20), document.gross - half)
        else:
            document.pay(paid_on, document.gross)


def _numbered(documents: list[DemoDocument]) -> None:
    """The seller's numbering: one series per kind and month over all customers, by issue date."""
    counters: dict[tuple[str, int, int], int] = {}
    for document in sorted(documents, key=lambda d: (d.issued_on, d.company_id, d.kind)):
        prefix = "FV" if document.kind is DocumentKind.INVOICE else "KOR"
        key = (prefix, document.issued_on.year, document.issued_on.month)
        counters[key] = counters.get(key, 0) + 1
        document.number = f"{prefix}/{document.issued_on.year}/{document.issued_on.month:02d}/{counters[key]:04d}"


async def _invoiced_order(company_id: int) -> DemoDocument | None:
    """BudMax's invoiced demo order, invoiced with its own lines."""
    order = (
        await Order.select(Order.id, Order.po_number, Order.created_at)
        .where((Order.company == company_id) & (Order.status == OrderStatus.INVOICED))
        .first()
    )
    if order is None:
        return None
    lines = await OrderLine.select(
        OrderLine.sku, OrderLine.name, OrderLine.unit, OrderLine.vat_rate, OrderLine.unit_price, OrderLine.quantity
    ).where(OrderLine.order == order["id"])
    issued = clock.business_day(order["created_at"]) + timedelta(days=5)
    return DemoDocument(
        company_id=company_id,
        kind=DocumentKind.INVOICE,
        issued_on=issued,
        due_on=issued + timedelta(days=30),
        payment_method="transfer",
        lines=[
            DemoLine(
                CatalogItem(row["sku"], row["name"], row["unit"], row["vat_rate"], Decimal(str(row["unit_price"]))),
                int(row["quantity"]),
                ZERO,
            )
            for row in lines
        ],
        po_number=order["po_number"],
        order_id=order["id"],
    )


async def seed_finance() -> None:
    companies = {
        row["nip"]: row["id"]
        for row in await Company.select(Company.id, Company.nip).where(
            Company.nip.is_in([customer.nip for customer in CUSTOMERS])
        )
    }
    if await Invoice.exists().where(Invoice.company.is_in(list(companies.values()))):
        return
    today = clock.today()
    catalog = await _catalog()
    rng = random.Random(2026)
    documents: list[DemoDocument] = []
    for customer in CUSTOMERS:
        company_id = companies[customer.nip]
        invoices = _invoices(rng, catalog, customer, company_id, today)
        if customer.nip == BUDMAX:
            ordered = await _invoiced_order(company_id)
            if ordered is not None and ordered.issued_on <= today:
                invoices.append(ordered)
        notes = []
        if customer.nip != AGROMET:
            notes = [_credit_note(rng, invoice, rng.randint(5, 20)) for invoice in invoices[2::9]]
            notes = [note for note in notes if note.issued_on <= today]
        _settle_history(rng, invoices, customer, today)
        if customer.nip == ELEKTROPLUS:
            # Whatever the day, enough is unpaid to owe the story's amount even if no note is set off.
            _leave_unpaid(invoices, ELEKTROPLUS_OWES - sum((note.gross for note in notes), ZERO))
        for note in notes:
            if note.issued_on < today - timedelta(days=45):
                _set_off(note, invoices)
        if customer.nip == ELEKTROPLUS:
            _owe_exactly(invoices + notes, ELEKTROPLUS_OWES, today)
        documents += invoices + notes
    _numbered(documents)
    async with write_transaction(Invoice._meta.db):
        await _store(documents, companies)
    log.info("demo finance ready: %d invoices and credit notes", len(documents))


def _set_off(note: DemoDocument, invoices: list[DemoDocument]) -> None:
    """The customer deducts an old credit note from its next transfer after the note."""
    later = sorted(
        (paid_on, amount) for invoice in invoices for paid_on, amount in invoice.payments if paid_on >= note.issued_on
    )
    for paid_on, amount in later:
        if amount > -note.gross:
            note.pay(paid_on, note.gross)
            return


def _leave_unpaid(invoices: list[DemoDocument], owed: Decimal) -> None:
    """The newest invoices stay unpaid until the company owes at least `owed`: early in a month,
    when the last weeks hold few invoices, older ones wait for their money too."""
    for document in sorted(invoices, key=lambda d: d.issued_on, reverse=True):
        if sum((d.outstanding for d in invoices), ZERO) >= owed:
            return
        document.paid = ZERO
        document.payments.clear()


def _owe_exactly(documents: list[DemoDocument], owed: Decimal, today: date) -> None:
    """Part-pay the oldest open invoices so the company owes exactly `owed` (it must owe more)."""
    excess = sum((d.outstanding for d in documents), ZERO) - owed
    for document in sorted(documents, key=lambda d: d.issued_on):
        if excess <= 0:
            break
        if document.kind is DocumentKind.INVOICE and document.outstanding > 0:
            part = min(excess, document.outstanding)
            document.pay(min(document.issued_on + timedelta(days=7), today), part)
            excess -= part


async def _store(documents: list[DemoDocument], companies: dict[str, int]) -> None:
    await Invoice.insert(
        *(
            Invoice(
                company=d.company_id,
                kind=d.kind,
                number=d.number,
                issued_on=d.issued_on,
                sold_on=d.issued_on,
                due_on=d.due_on,
                payment_method=d.payment_method,
                status=_status(d),
                order=d.order_id,
                po_number=d.po_number,
                split_payment=d.gross > Decimal("15000.00"),
                net_total=d.net,
                vat_total=d.vat,
                gross_total=d.gross,
                outstanding=d.outstanding,
            )
            for d in documents
        )
    )
    ids = {row["number"]: row["id"] for row in await Invoice.select(Invoice.id, Invoice.number)}
    for document in documents:
        if document.corrects is not None:
            await Invoice.update({Invoice.corrects: ids[document.corrects.number]}).where(
                Invoice.id == ids[document.number]
            )
    await InvoiceLine.insert(
        *(
            InvoiceLine(
                invoice=ids[d.number],
                position=position,
                name=line.item.name,
                sku=line.item.sku,
                unit=line.item.unit,
                quantity=Decimal(d.sign * line.quantity),
                unit_net_price=line.item.price,
                discount_percent=line.discount,
                net_value=d.sign * line.net,
                vat_rate=line.item.vat_rate,
            )
            for d in documents
            for position, line in enumerate(d.lines, start=1)
        )
    )
    # One bank transfer per company and day pays everything paid that day.
    transfers: dict[tuple[int, date], list[tuple[DemoDocument, Decimal]]] = {}
    for document in documents:
        for paid_on, amount in document.payments:
            transfers.setdefault((document.company_id, paid_on), []).append((document, amount))
    await Payment.insert(
        *(
            Payment(
                company=company_id,
                paid_on=paid_on,
                amount=sum((amount for _, amount in parts), ZERO),
                reference=f"Przelew {paid_on:%Y%m%d}-{company_id}: " + ", ".join(d.number for d, _ in parts)[:100],
            )
            for (company_id, paid_on), parts in transfers.items()
        )
    )
    payment_ids = {
        (row["company"], row["paid_on"]): row["id"]
        for row in await Payment.select(Payment.id, Payment.company, Payment.paid_on).where(
            Payment.company.is_in(list(companies.values()))
        )
    }
    await PaymentAllocation.insert(
        *(
            PaymentAllocation(payment=payment_ids[key], invoice=ids[document.number], amount=amount)
            for key, parts in transfers.items()
            for document, amount in parts
        )
    )
    # The ERP's reported balance agrees with the documents.
    for customer in CUSTOMERS:
        owed = sum(
            (d.outstanding for d in documents if d.company_id == companies[customer.nip]),
            ZERO,
        )
        await CreditAccount.update({CreditAccount.open_balance: owed}).where(
            CreditAccount.company == companies[customer.nip]
        )


def _status(document: DemoDocument) -> InvoiceStatus:
    if document.outstanding == 0:
        return InvoiceStatus.PAID
    return InvoiceStatus.OPEN if document.paid == 0 else InvoiceStatus.PARTLY_PAID
