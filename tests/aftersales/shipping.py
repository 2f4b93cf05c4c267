"""A seller's back office and a customer's buyer with a confirmed order, ready to ship."""

from __future__ import annotations

from dataclasses import dataclass

from portal.accounts.roles import Role
from portal.accounts.scope import Scope
from portal.accounts.tables import CompanyKind
from portal.aftersales.shipments import ShipmentRequest, create_shipment
from tests.aftersales.orders import ConfirmedOrder, make_confirmed_order
from tests.factories import Person, make_company, make_person


@dataclass(frozen=True)
class Shop:
    office: Person
    buyer: Person
    order: ConfirmedOrder

    async def office_scope(self) -> Scope:
        return await self.office.scope()


async def make_shop(quantities: list[int] | None = None) -> Shop:
    seller = await make_company("Hurtownia Testowa", kind=CompanyKind.SELLER)
    office = await make_person(seller, Role.BACK_OFFICE, email=f"office-{seller}@hurtownia.example")
    customer = await make_company("Klient Testowy Sp. z o.o.")
    buyer = await make_person(customer, Role.BUYER, email=f"buyer-{customer}@klient.example")
    order = await make_confirmed_order(customer, buyer.user_id, quantities or [10, 4], po_number="PO-77")
    return Shop(office, buyer, order)


async def ship(shop: Shop, quantities: dict[int, int], *tracking: str, carrier: str = "dpd") -> int:
    return await create_shipment(
        await shop.office_scope(),
        shop.order.id,
        ShipmentRequest(carrier, list(tracking), quantities, None, None),
    )
