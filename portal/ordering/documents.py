"""Orders as the seller's ERP reads them: customer by its ERP code, lines with SKU, quantity, unit
price and where the price came from, VAT, addresses, PO number, requested date and notes. The
same document is an order event's payload and the answer of `GET /api/v1/orders/<number>`; who
approved it is added by the integration, which may read approvals."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from portal.accounts.tables import Company
from portal.ordering.tables import Order, OrderLine

GROSZ = Decimal("0.01")
# Unit prices are kept to four places (a screw costs 0,0328 zł).
UNIT_PRICE_PLACES = Decimal("0.0001")


def _money(value: Any, places: Decimal = GROSZ) -> str:
    """A decimal amount as a JSON string with a fixed number of places, whichever database it
    came from, so no reader turns it into a float."""
    return str(Decimal(str(value)).quantize(places))


async def order_documents(order_ids: Collection[int]) -> dict[int, dict[str, Any]]:
    """The documents of these orders by order id, in three statements however many they are;
    ids of orders that do not exist are left out."""
    if not order_ids:
        return {}
    orders = await Order.select(
        Order.id,
        Order.number,
        Order.status,
        Order.created_at,
        Order.po_number,
        Order.requested_delivery_on,
        Order.note,
        Order.currency,
        Order.payment_method,
        Order.payment_days,
        Order.delivery_label,
        Order.delivery_street,
        Order.delivery_postal_code,
        Order.delivery_city,
        Order.net_total,
        Order.vat_total,
        Order.gross_total,
        Order.company,
        Order.placed_by.name.as_alias("placed_by_name"),
        Order.placed_by.email.as_alias("placed_by_email"),
    ).where(Order.id.is_in(list(order_ids)))
    companies = {
        row["id"]: row
        for row in await Company.select(
            Company.id,
            Company.code,
            Company.name,
            Company.nip,
            Company.vat_id,
            Company.billing_street,
            Company.billing_postal_code,
            Company.billing_city,
            Company.billing_country,
        ).where(Company.id.is_in(list({order["company"] for order in orders} or {0})))
    }
    lines: dict[int, list[dict[str, Any]]] = {order["id"]: [] for order in orders}
    for line in (
        await OrderLine.select(
            OrderLine.order,
            OrderLine.sku,
            OrderLine.name,
            OrderLine.unit,
            OrderLine.quantity,
            OrderLine.unit_price,
            OrderLine.line_net,
            OrderLine.vat_rate,
            OrderLine.price_source,
            OrderLine.note,
        )
        .where(OrderLine.order.is_in(list(lines) or [0]))
        .order_by(OrderLine.id)
    ):
        shown = lines[line["order"]]
        shown.append(
            {
                "line": len(shown) + 1,
                "sku": line["sku"],
                "name": line["name"],
                "quantity": line["quantity"],
                "unit": line["unit"],
                "unit_price": _money(line["unit_price"], UNIT_PRICE_PLACES),
                "price_source": line["price_source"],
                "vat_rate": line["vat_rate"],
                "net": _money(line["line_net"]),
                "note": line["note"],
            }
        )
    return {order["id"]: _document(order, companies[order["company"]], lines[order["id"]]) for order in orders}


def _document(order: dict[str, Any], company: dict[str, Any], lines: list[dict[str, Any]]) -> dict[str, Any]:
    requested = order["requested_delivery_on"]
    return {
        "number": order["number"],
        "status": order["status"],
        "placed_at": order["created_at"].isoformat(),
        "customer": {
            "erp_code": company["code"],
            "name": company["name"],
            "nip": company["nip"],
            "vat_id": company["vat_id"],
            "billing_address": {
                "street": company["billing_street"],
                "postal_code": company["billing_postal_code"],
                "city": company["billing_city"],
                "country": company["billing_country"],
            },
        },
        "placed_by": {"name": order["placed_by_name"], "email": order["placed_by_email"]},
        "po_number": order["po_number"],
        "requested_delivery_on": requested.isoformat() if requested else None,
        "note": order["note"],
        "delivery_address": {
            "label": order["delivery_label"],
            "street": order["delivery_street"],
            "postal_code": order["delivery_postal_code"],
            "city": order["delivery_city"],
        },
        "payment": {"method": order["payment_method"], "days": order["payment_days"]},
        "currency": order["currency"],
        "lines": lines,
        "totals": {
            "net": _money(order["net_total"]),
            "vat": _money(order["vat_total"]),
            "gross": _money(order["gross_total"]),
        },
    }


async def order_id_by_number(number: str) -> int | None:
    row = await Order.select(Order.id).where(Order.number == number).first()
    return None if row is None else int(row["id"])
