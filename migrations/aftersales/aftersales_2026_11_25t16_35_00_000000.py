"""Unique event ids per integration, one read mark per person and conversation; the carriers
with their tracking pages and the seller's first complaint deadlines."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from portal.database import composite_indexes_migration

ID = "2026-11-25T16:35:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "aftersales indexes and reference data"

CARRIERS = [
    ("inpost", "InPost", "https://inpost.pl/sledzenie-przesylek?number={tracking}"),
    ("dpd", "DPD", "https://tracktrace.dpd.com.pl/parcelDetails?p1={tracking}"),
    ("dhl", "DHL", "https://www.dhl.com/pl-pl/home/tracking.html?tracking-id={tracking}"),
    ("gls", "GLS", "https://gls-group.com/PL/pl/sledzenie-paczek?match={tracking}"),
    ("poczta_polska", "Poczta Polska", "https://emonitoring.poczta-polska.pl/?numer={tracking}"),
    ("ups", "UPS", "https://www.ups.com/track?loc=pl_PL&tracknum={tracking}"),
    ("fedex", "FedEx", "https://www.fedex.com/fedextrack/?trknbr={tracking}"),
    ("own", "Own transport", ""),
]
# Days after delivery a complaint may be filed, and hours the back office has to answer.
POLICIES = [
    ("damaged_in_transport", 7, 24),
    ("defective", 365, 72),
    ("wrong_product", 14, 48),
    ("missing_quantity", 7, 24),
    ("surplus", 14, 48),
    ("other", 30, 72),
]

_indexes = composite_indexes_migration(
    "aftersales",
    ID,
    DESCRIPTION,
    {
        "shipment_event_external_id": (
            "CREATE UNIQUE INDEX shipment_event_external_id ON shipment_event (source, external_id)"
        ),
        "thread_read_user_thread": "CREATE UNIQUE INDEX thread_read_user_thread ON thread_read (reader, thread)",
    },
)


async def forwards() -> MigrationManager:
    manager = await _indexes()

    async def reference_data() -> None:
        from portal.aftersales.tables import Carrier, ComplaintPolicy

        await Carrier.insert(*(Carrier(code=c, name=n, tracking_url=u) for c, n, u in CARRIERS))
        await ComplaintPolicy.insert(
            *(ComplaintPolicy(reason=r, filing_days=d, response_hours=h) for r, d, h in POLICIES)
        )

    manager.add_raw(reference_data)
    return manager
