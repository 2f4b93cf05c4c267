"""The demo tells the same story whatever day it is started: ElektroPlus near its credit limit,
BudMax with overdue invoices and a contract in force, parcels on their way that arrive soon,
nothing that happened in the future. `make test` runs this module with the clock at a month end,
New Year's night, the night the clocks change and a year ahead (`--clock-at`)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from portal import clock
from portal.accounts.roles import Role
from portal.accounts.tables import Company
from portal.aftersales.tables import Shipment, ShipmentEvent, ShipmentStatus
from portal.catalog.tables import Product
from portal.demo import seed_demo
from portal.finance.balances import finance_overview
from portal.finance.credit import credit_status
from portal.finance.tables import Invoice
from portal.ordering.tables import Order
from portal.pricing import resolve_prices
from tests.factories import make_person

pytestmark = pytest.mark.usefixtures("db")

BUDMAX, ELEKTROPLUS = "6771004565", "7792007894"
# portal/demo_data/contract-prices.jsonl: BudMax buys this bolt on its contract of the year.
CONTRACT_BOLT = "DIN933-M8X40-88ZN"


async def _company(nip: str) -> int:
    row = await Company.select(Company.id).where(Company.nip == nip).first()
    assert row is not None
    return int(row["id"])


async def test_demo_story_holds_whatever_the_date() -> None:
    await seed_demo()
    today, now = clock.today(), clock.now()
    budmax, elektroplus = await _company(BUDMAX), await _company(ELEKTROPLUS)

    elektro_buyer = await make_person(elektroplus, Role.BUYER)
    credit = await credit_status(await elektro_buyer.scope())
    assert credit.open_balance == Decimal("57200.00")
    assert credit.available is not None and Decimal(0) < credit.available < Decimal("5000")

    budmax_finance = await make_person(budmax, Role.FINANCE)
    overview = await finance_overview(await budmax_finance.scope(), today)
    assert overview.overdue_total > 0
    assert not await Invoice.exists().where(Invoice.issued_on > today)

    budmax_buyer = await make_person(budmax, Role.BUYER)
    bolt = await Product.select(Product.id).where(Product.sku == CONTRACT_BOLT).first()
    assert bolt is not None
    quote = (await resolve_prices(await budmax_buyer.scope(), {bolt["id"]: 1}))[bolt["id"]]
    assert (quote.source_name, quote.base_unit_price) == (f"UMOWA/{today.year}/014", Decimal("0.2800"))

    assert not await Order.exists().where(Order.created_at > now)
    assert not await ShipmentEvent.exists().where(ShipmentEvent.occurred_at > now)
    on_their_way = await Shipment.select(Shipment.expected_on).where(
        (Shipment.company == budmax)
        & Shipment.status.is_in([ShipmentStatus.IN_TRANSIT, ShipmentStatus.OUT_FOR_DELIVERY])
    )
    assert on_their_way
    assert any(today <= row["expected_on"] <= today + timedelta(days=1) for row in on_their_way), on_their_way
