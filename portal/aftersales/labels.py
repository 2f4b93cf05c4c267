"""Names of after-sales states as people read them, for templates and mails."""

from __future__ import annotations

from portal.aftersales.tables import ShipmentStatus
from portal.i18n import gettext as _


def shipment_status_label(status: str) -> str:
    labels = {
        ShipmentStatus.CREATED: _("Being prepared"),
        ShipmentStatus.HANDED_TO_CARRIER: _("Handed to the carrier"),
        ShipmentStatus.IN_TRANSIT: _("In transit"),
        ShipmentStatus.OUT_FOR_DELIVERY: _("Out for delivery"),
        ShipmentStatus.DELIVERED: _("Delivered"),
        ShipmentStatus.DELIVERY_FAILED: _("Delivery failed"),
        ShipmentStatus.RETURNED: _("Returned to the sender"),
    }
    return labels[ShipmentStatus(status)]
