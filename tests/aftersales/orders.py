"""Orders the seller has confirmed, ready to ship and complain about, or still waiting for its answer."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from portal.ordering.tables import Order, OrderLine, OrderStatus
from tests.factories import make_product


@dataclass(frozen=True)
class ConfirmedOrder:
    id: int
    number: str
    line_ids: list[int]


async def make_confirmed_order(
    company_id: int,
    placed_by: int,
    quantities: list[int],
    *,
    po_number: str = "PO-1",
    number: str | None = None,
    status: OrderStatus = OrderStatus.CONFIRMED,
) -> ConfirmedOrder:
    """An order of one new product per quantity, at 10.00 zł a piece (confirmed, unless `status`
    says where else it stands)."""
    net = Decimal(10 * sum(quantities))
    rows = await Order.insert(
        Order(
            number=number or f"ZAM/2026/T{company_id:03d}{placed_by:03d}{sum(quantities):04d}",
            company=company_id,
            placed_by=placed_by,
            status=status,
            po_number=po_number,
            delivery_street="ul. Składowa 1",
            delivery_postal_code="00-001",
            delivery_city="Warszawa",
            payment_method="transfer",
            net_total=net,
            vat_total=net * Decimal("0.23"),
            gross_total=net * Decimal("1.23"),
            submission_key=f"key-{company_id}-{placed_by}-{number or sum(quantities)}",
        )
    ).returning(Order.id, Order.number)
    order_id = rows[0]["id"]
    line_ids = []
    for quantity in quantities:
        product = await make_product()
        line = await OrderLine.insert(
            OrderLine(
                order=order_id,
                product=product,
                sku=f"SKU-{product}",
                name=f"Produkt {product}",
                unit="szt",
                quantity=quantity,
                unit_price=Decimal("10.0000"),
                line_net=Decimal(10 * quantity),
                vat_rate="23",
            )
        ).returning(OrderLine.id)
        line_ids.append(line[0]["id"])
    return ConfirmedOrder(order_id, rows[0]["number"], line_ids)
