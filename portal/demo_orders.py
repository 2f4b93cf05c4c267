"""Demo order history: BudMax's past orders in several states, one waiting for its approver, a
rejected one, an approval level and a shared shopping list; and what BudMax and ElektroPlus bought
before the portal, from `demo_data/purchase-history.jsonl`. Idempotent."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from portal import clock
from portal.accounts.tables import Company, DeliveryAddress, User
from portal.approvals.tables import ApprovalLevel, ApprovalState, ApprovalStep
from portal.catalog.tables import Product
from portal.database import write_transaction
from portal.demo_erp import DEMO_DATA, DEMO_ORDER_KEY
from portal.ordering.cart import vat_amount
from portal.ordering.orders import order_number
from portal.ordering.tables import (
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    PurchasedProduct,
    ShoppingList,
    ShoppingListLine,
)
from portal.pricing.tables import PriceList, PriceListEntry

log = logging.getLogger("portal.demo")
# The customers' codes in the ERP (portal/demo_data/customers.jsonl).
BUDMAX, ELEKTROPLUS = "BUDMAX", "ELEKTROPLUS"
GROSZ = Decimal("0.01")
PURCHASE_HISTORY = DEMO_DATA / "purchase-history.jsonl"


@dataclass(frozen=True)
class DemoOrder:
    placed_by: str
    days_ago: int
    po_number: str
    lines: tuple[tuple[str, int], ...]
    # The statuses it went through, in order; the last is where it stands.
    history: tuple[OrderStatus, ...]
    decided_by: str = ""
    note: str = ""


ORDERS = (
    DemoOrder(
        "buyer@budmax.example",
        41,
        "BM/2026/0981",
        (("DIN933-M8X40-88ZN", 2000), ("KS-ZN-M10X90", 100), ("VLT-WKA-2X2AH", 2)),
        (
            OrderStatus.SENT_TO_SELLER,
            OrderStatus.CONFIRMED,
            OrderStatus.IN_FULFILMENT,
            OrderStatus.SHIPPED,
            OrderStatus.DELIVERED,
            OrderStatus.INVOICED,
        ),
    ),
    DemoOrder(
        "buyer@budmax.example",
        6,
        "BM/2026/1102",
        (("DIN933-M8X40-88ZN", 1000), ("ELK-S1-B16", 24)),
        (OrderStatus.SENT_TO_SELLER, OrderStatus.CONFIRMED, OrderStatus.IN_FULFILMENT, OrderStatus.PARTLY_SHIPPED),
    ),
    DemoOrder(
        "requester@budmax.example",
        1,
        "BM/2026/1120",
        (("VLT-WKA-2X2AH", 4), ("KS-ZN-M10X90", 200)),
        (OrderStatus.AWAITING_APPROVAL,),
        note="Hala Podgórze, etap 2",
    ),
    DemoOrder(
        "requester@budmax.example",
        12,
        "BM/2026/1044",
        (("VLT-WKA-2X2AH", 10),),
        (OrderStatus.AWAITING_APPROVAL, OrderStatus.REJECTED),
        decided_by="approver@budmax.example",
        note="Za dużo wkrętarek na jedną budowę: zamów 4.",
    ),
)


async def _base_prices(skus: set[str]) -> dict[str, tuple[int, str, str, str, Decimal]]:
    """SKU → (product id, name, unit, VAT rate, base unit price at quantity 1)."""
    products = await Product.select(Product.id, Product.sku, Product.name_pl, Product.unit, Product.vat_rate).where(
        Product.sku.is_in(list(skus))
    )
    base = await PriceList.select(PriceList.id).where(PriceList.is_base == True).order_by(PriceList.id).first()  # noqa: E712
    assert base is not None, "the demo catalog comes first"
    entries = await PriceListEntry.select(PriceListEntry.product, PriceListEntry.unit_price).where(
        (PriceListEntry.price_list == base["id"])
        & (PriceListEntry.min_quantity == 1)
        & PriceListEntry.product.is_in([p["id"] for p in products])
    )
    prices = {entry["product"]: Decimal(str(entry["unit_price"])) for entry in entries}
    return {p["sku"]: (p["id"], p["name_pl"], p["unit"], p["vat_rate"], prices[p["id"]]) for p in products}


async def seed_orders() -> None:
    companies = {
        row["code"]: row["id"]
        for row in await Company.select(Company.id, Company.code).where(Company.code.is_in([BUDMAX, ELEKTROPLUS]))
    }
    if await Order.exists().where(Order.company == companies[BUDMAX]):
        return
    users = {row["email"]: row["id"] for row in await User.select(User.id, User.email)}
    catalog = await _base_prices({sku for order in ORDERS for sku, _ in order.lines})
    address = await DeliveryAddress.select().where(DeliveryAddress.company == companies[BUDMAX]).first()
    assert address is not None
    now = clock.now()
    async with write_transaction(Order._meta.db):
        for index, demo in enumerate(ORDERS):
            placed_at = now - timedelta(days=demo.days_ago)
            lines = [(catalog[sku], quantity) for sku, quantity in demo.lines]
            net_by_rate: dict[str, Decimal] = {}
            for (_, _, _, rate, price), quantity in lines:
                line_net = (price * quantity).quantize(GROSZ, rounding=ROUND_HALF_UP)
                net_by_rate[rate] = net_by_rate.get(rate, Decimal("0.00")) + line_net
            net = sum(net_by_rate.values(), Decimal("0.00"))
            vat = sum((vat_amount(amount, rate) for rate, amount in net_by_rate.items()), Decimal("0.00"))
            created = await Order.insert(
                Order(
                    number=f"demo-{index}",
                    company=companies[BUDMAX],
                    placed_by=users[demo.placed_by],
                    status=demo.history[-1],
                    po_number=demo.po_number,
                    delivery_label=address["label"],
                    delivery_street=address["street"],
                    delivery_postal_code=address["postal_code"],
                    delivery_city=address["city"],
                    payment_method="transfer",
                    payment_days=30,
                    note=demo.note if not demo.decided_by else "",
                    currency="PLN",
                    net_total=net,
                    vat_total=vat,
                    gross_total=net + vat,
                    submission_key=f"{DEMO_ORDER_KEY}{index}",
                    created_at=placed_at,
                )
            ).returning(Order.id)
            order_id = created[0]["id"]
            await Order.update({Order.number: order_number(order_id, clock.business_day(placed_at))}).where(
                Order.id == order_id
            )
            await OrderLine.insert(
                *(
                    OrderLine(
                        order=order_id,
                        product=product_id,
                        sku=sku,
                        name=name,
                        unit=unit,
                        quantity=quantity,
                        unit_price=price,
                        line_net=(price * quantity).quantize(GROSZ, rounding=ROUND_HALF_UP),
                        vat_rate=rate,
                        price_source="cennik Cennik podstawowy 2026",
                    )
                    for ((product_id, name, unit, rate, price), quantity), (sku, _) in zip(
                        lines, demo.lines, strict=True
                    )
                )
            )
            for step, status in enumerate(demo.history):
                decided = status is OrderStatus.REJECTED
                await OrderEvent.insert(
                    OrderEvent(
                        order=order_id,
                        status=status,
                        actor=users[demo.decided_by] if decided else (users[demo.placed_by] if step == 0 else None),
                        note=demo.note if decided else "",
                        created_at=placed_at + timedelta(days=step, hours=2 * step),
                    )
                )
            if OrderStatus.AWAITING_APPROVAL in demo.history:
                rejected = demo.history[-1] is OrderStatus.REJECTED
                await ApprovalStep.insert(
                    ApprovalStep(
                        order=order_id,
                        position=1,
                        state=ApprovalState.REJECTED if rejected else ApprovalState.PENDING,
                        decided_by=users[demo.decided_by] if rejected else None,
                        decided_at=placed_at + timedelta(hours=3) if rejected else None,
                        reason=demo.note if rejected else "",
                        requested_at=placed_at,
                    )
                )
        await ApprovalLevel.insert(ApprovalLevel(company=companies[BUDMAX], above_net=Decimal("50000.00")))
        shared = await ShoppingList.insert(
            ShoppingList(
                company=companies[BUDMAX],
                owner=users["buyer@budmax.example"],
                name="Osiedle Zielone — co tydzień",
                shared=True,
            )
        ).returning(ShoppingList.id)
        await ShoppingListLine.insert(
            *(
                ShoppingListLine(shopping_list=shared[0]["id"], product=catalog[sku][0], quantity=quantity)
                for sku, quantity in (("DIN933-M8X40-88ZN", 1000), ("KS-ZN-M10X90", 100), ("ELK-S1-B16", 12))
            )
        )
    log.info("demo orders ready: %d orders, an approval level and a shared list", len(ORDERS))


async def seed_purchase_history() -> None:
    """What the customers bought before (the portal's own record of it, the grid's "bought
    before"), each line naming the customer's ERP code, the SKU and how long ago."""
    if await PurchasedProduct.exists():
        return
    lines = [json.loads(line) for line in PURCHASE_HISTORY.read_text(encoding="utf-8").splitlines() if line.strip()]
    companies = {
        row["code"]: row["id"]
        for row in await Company.select(Company.id, Company.code).where(
            Company.code.is_in(sorted({line["customer"] for line in lines}))
        )
    }
    products = {
        row["sku"]: row["id"]
        for row in await Product.select(Product.id, Product.sku).where(
            Product.sku.is_in(sorted({line["sku"] for line in lines}))
        )
    }
    now = clock.now()
    await PurchasedProduct.insert(
        *(
            PurchasedProduct(
                company=companies[line["customer"]],
                product=products[line["sku"]],
                times_ordered=line["times_ordered"],
                last_quantity=line["last_quantity"],
                last_ordered_at=now - timedelta(days=line["days_ago"], hours=line["hours_ago"]),
            )
            for line in lines
        )
    )
