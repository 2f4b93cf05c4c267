"""The printed papers of a shipment: the delivery note (WZ, wydanie zewnętrzne) that travels with
the goods and is signed on hand-over, and the packing list the warehouse ticks off; as PDFs in the
reader's language, rendered once per version of their data."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from functools import cache

from jinja2 import Environment

from portal.accounts.customer_scope import customers_seen_by
from portal.accounts.scope import Scope
from portal.aftersales.tables import Parcel, Shipment, ShipmentLine
from portal.config import Settings
from portal.errors import NotFound
from portal.i18n import current_locale, use_locale
from portal.i18n import gettext as _
from portal.pdf import fingerprint, render_pdf, stored_pdf
from portal.web.templating import build_environment


@dataclass(frozen=True)
class Party:
    name: str
    nip: str


@dataclass(frozen=True)
class DeliveryAddress:
    label: str
    street: str
    postal_code: str
    city: str


@dataclass(frozen=True)
class ShippedLine:
    position: int
    sku: str
    name: str
    unit: str
    quantity: int


@dataclass(frozen=True)
class ShipmentDocument:
    id: int
    number: str
    order_number: str
    po_number: str
    dispatched_on: date | None
    expected_on: date | None
    carrier: str
    seller: Party
    customer: Party
    delivery: DeliveryAddress
    tracking_numbers: tuple[str, ...]
    lines: tuple[ShippedLine, ...]

    @property
    def parcel_count(self) -> int:
        return len(self.tracking_numbers)


async def shipment_document(caller: Scope, shipment_id: int, settings: Settings) -> ShipmentDocument:
    """A shipment with everything its papers show, if the caller sees its customer; any other
    shipment is not found."""
    condition = (Shipment.id == shipment_id) & customers_seen_by(caller, Shipment.company)
    shipment = (
        await Shipment.select(
            Shipment.id,
            Shipment.number,
            Shipment.dispatched_on,
            Shipment.expected_on,
            Shipment.order.number.as_alias("order_number"),
            Shipment.order.po_number.as_alias("po_number"),
            Shipment.order.delivery_label.as_alias("delivery_label"),
            Shipment.order.delivery_street.as_alias("delivery_street"),
            Shipment.order.delivery_postal_code.as_alias("delivery_postal_code"),
            Shipment.order.delivery_city.as_alias("delivery_city"),
            Shipment.company.name.as_alias("company_name"),
            Shipment.company.nip.as_alias("company_nip"),
            Shipment.carrier.name.as_alias("carrier_name"),
        )
        .where(condition)
        .first()
    )
    if shipment is None:
        raise NotFound(_("This shipment does not exist."))
    parcels = await Parcel.select(Parcel.tracking_number).where(Parcel.shipment == shipment_id).order_by(Parcel.id)
    # Lines follow the order's own sequence, so the WZ reads like the order it partly delivers.
    lines = (
        await ShipmentLine.select(
            ShipmentLine.order_line.sku.as_alias("sku"),
            ShipmentLine.order_line.name.as_alias("name"),
            ShipmentLine.order_line.unit.as_alias("unit"),
            ShipmentLine.quantity,
        )
        .where(ShipmentLine.shipment == shipment_id)
        .order_by(ShipmentLine.order_line.id)
    )
    return ShipmentDocument(
        id=shipment["id"],
        number=shipment["number"],
        order_number=shipment["order_number"],
        po_number=shipment["po_number"],
        dispatched_on=shipment["dispatched_on"],
        expected_on=shipment["expected_on"],
        carrier=shipment["carrier_name"],
        seller=Party(settings.seller_name, settings.seller_nip),
        customer=Party(shipment["company_name"], shipment["company_nip"]),
        delivery=DeliveryAddress(
            shipment["delivery_label"],
            shipment["delivery_street"],
            shipment["delivery_postal_code"],
            shipment["delivery_city"],
        ),
        tracking_numbers=tuple(parcel["tracking_number"] for parcel in parcels),
        lines=tuple(
            ShippedLine(position, line["sku"], line["name"], line["unit"], line["quantity"])
            for position, line in enumerate(lines, 1)
        ),
    )


@cache
def _environment() -> Environment:
    # Callers pass no Jinja environment; a stored PDF outlives template edits anyway (its
    # fingerprint is its data), so reloading templates would buy nothing here.
    return build_environment(auto_reload=False)


async def _shipment_pdf(
    document_type: str, template: str, caller: Scope, shipment_id: int, locale: str, settings: Settings
) -> bytes:
    with use_locale(locale):
        document = await shipment_document(caller, shipment_id, settings)

        async def render() -> bytes:
            return await render_pdf(_environment().get_template(template).render(document=document))

        return await stored_pdf(document_type, document.id, current_locale(), fingerprint(asdict(document)), render)


async def delivery_note_pdf(caller: Scope, shipment_id: int, locale: str, settings: Settings) -> bytes:
    """The WZ in `locale`, with boxes for the signatures of who issued and who received the goods."""
    return await _shipment_pdf(
        "delivery_note", "aftersales/delivery_note_pdf.html", caller, shipment_id, locale, settings
    )


async def packing_list_pdf(caller: Scope, shipment_id: int, locale: str, settings: Settings) -> bytes:
    """The packing list in `locale`, with a box per line for the warehouse to tick."""
    return await _shipment_pdf(
        "packing_list", "aftersales/packing_list_pdf.html", caller, shipment_id, locale, settings
    )
