"""Demo after-sales: BudMax's and ElektroPlus's shipments in every state with their tracking
histories, complaints in every state with photos and conversations, the demo carrier's API key,
and the carrier simulation that keeps the demo's deliveries moving. Everything goes through the
domain functions the pages and the JSON API use; only the times are moved into the past
afterwards, so the story reads like the last weeks. Idempotent."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from datetime import time as clock_time
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from io import BytesIO
from typing import Any
from uuid import uuid4

from jinja2 import Environment
from litestar.datastructures import UploadFile
from PIL import Image, ImageDraw, ImageFont

from portal import clock
from portal.accounts.login import load_scope
from portal.accounts.scope import Scope
from portal.accounts.tables import Company, CompanyKind, DeliveryAddress, User
from portal.aftersales.attachments import check_uploads, save_attachment
from portal.aftersales.complaints import ComplaintRequest, StatusChange, change_status, submit_complaint
from portal.aftersales.messages import complaint_thread, post_message
from portal.aftersales.shipments import (
    OPEN,
    ShipmentRequest,
    TrackingEvent,
    create_shipment,
    line_progress,
    record_event,
)
from portal.aftersales.tables import (
    Attachment,
    AttachmentPurpose,
    Complaint,
    ComplaintEvent,
    ComplaintPolicy,
    ComplaintReason,
    Message,
    Resolution,
    ReturnMethod,
    Shipment,
    ShipmentEvent,
    ShipmentStatus,
    WantedResolution,
)
from portal.catalog.tables import Product
from portal.config import load_settings
from portal.database import write_transaction
from portal.demo_erp import DEMO_ORDER_KEY
from portal.demo_orders import BUDMAX, ELEKTROPLUS
from portal.finance.tables import DocumentKind, Invoice
from portal.integration.api_keys import create_api_key
from portal.integration.scopes import Scope as ApiScope
from portal.integration.tables import ApiKey
from portal.jobs.mail import deliver_or_queue
from portal.jobs.registry import JobContext, job
from portal.mail import OutgoingMail, Postbox
from portal.ordering.cart import vat_amount
from portal.ordering.orders import order_number
from portal.ordering.tables import Order, OrderEvent, OrderLine, OrderStatus
from portal.pricing.tables import PriceList, PriceListEntry
from portal.storage import file_storage, storage_for, use_file_storage

log = logging.getLogger("portal.demo")

# The demo's integration key, with every scope: README's curl calls (a carrier's shipment events,
# an ERP's batches) use it.
DEMO_INTEGRATION = "demo-carrier"
DEMO_API_KEY = "pk_demo_carrier_2026"
OFFICE_EMAIL = "office@hurtownia.example"
# The simulation keeps at least this many of the demo's shipments on their way.
MIN_OPEN_SHIPMENTS = 4
# A shipment moves on once its newest event is this old: a few minutes from dispatch to door.
PACE = timedelta(seconds=40)
# Every seventh shipment finds nobody at the door once and is delivered the next attempt.
FAILS_ONCE_EVERY = 7
# The seller's framework order the simulation ships in parts (submission keys, numbered).
STANDING_KEY = "demo-standing-"
STANDING_PARTS = 40
_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_GROSZ = Decimal("0.01")
S = ShipmentStatus


# --- When things happened ------------------------------------------------------------------


@dataclass(frozen=True)
class When:
    """A moment of the story: `days` ago at a local clock time, or `hours` before the seed ran.
    Past days use clock times (deliveries at noon, not at 3 a.m.); today's events count hours,
    which keeps them in the past whenever the demo starts."""

    days: int = 0
    clock: str = ""
    hours: float = 0.0

    def moment(self, now: datetime) -> datetime:
        if self.clock:
            hour, minute = (int(part) for part in self.clock.split(":"))
            return clock.at(clock.business_day(now) - timedelta(days=self.days), clock_time(hour, minute))
        return now - timedelta(hours=self.hours)


def at(days: int, clock: str) -> When:
    return When(days=days, clock=clock)


def hours_ago(hours: float) -> When:
    return When(hours=hours)


# --- Carriers: parcel numbers and their networks ---------------------------------------------


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def _ups_check_digit(body: str) -> int:
    total = 0
    for position, character in enumerate(body):
        value = int(character) if character.isdigit() else (ord(character) - 63) % 10
        total += value * 2 if position % 2 else value
    return (10 - total % 10) % 10


def tracking_number(carrier: str, serial: int) -> str:
    """A parcel number in the carrier's own format; `serial` makes it unique, the rest is noise."""
    rng = random.Random(f"{carrier}:{serial}")
    if carrier == "inpost":
        return f"6{_digits(rng, 17)}{serial:06d}"
    if carrier == "dpd":
        return f"10006{_digits(rng, 2)}{serial:06d}U"
    if carrier == "dhl":
        return f"3{_digits(rng, 4)}{serial:06d}"
    if carrier == "gls":
        return f"5{_digits(rng, 4)}{serial:06d}"
    if carrier == "poczta_polska":
        return f"00659007734{_digits(rng, 3)}{serial:06d}"
    if carrier == "ups":
        body = f"V38W5268{_digits(rng, 1)}{serial:06d}"
        return f"1Z{body}{_ups_check_digit(body)}"
    if carrier == "fedex":
        return f"7{_digits(rng, 5)}{serial:06d}"
    return ""


ORIGIN = "Magazyn Hurtex, Warszawa, ul. Składowa 12"
# Carrier → (sorting hub, depot in the customer's city); own transport drives straight there.
NETWORKS: dict[str, tuple[str, str]] = {
    "inpost": ("Sortownia InPost Warszawa", "Oddział InPost {city}"),
    "dpd": ("Terminal DPD Stryków", "Oddział DPD {city}"),
    "dhl": ("Terminal DHL Błonie", "Terminal DHL {city}"),
    "gls": ("Hub GLS Głuchów", "Oddział GLS {city}"),
    "poczta_polska": ("Sortownia Warszawa (WER)", "Centrum Logistyczne Poczty Polskiej {city}"),
    "ups": ("UPS Hub Warszawa-Okęcie", "UPS {city}"),
    "fedex": ("FedEx Hub Stryków", "FedEx {city}"),
    "own": ("Trasa S7, samochód Hurtex WX 4821K", "{city}"),
}
ROUTES: dict[str, str] = {"Kraków": "Trasa S7 Warszawa–Kraków", "Poznań": "Autostrada A2, Łódź–Poznań"}


@dataclass(frozen=True)
class Stage:
    status: ShipmentStatus
    place: str
    note: str


def stages(carrier: str, city: str, street: str, receiver: str = "") -> list[Stage]:
    """The road of a parcel from the seller's warehouse to the customer's door."""
    hub, depot = NETWORKS.get(carrier, NETWORKS["dpd"])
    depot = depot.format(city=city)
    door = f"{city}, {street}"
    signed = f"Odebrał(a): {receiver}" if receiver else "Doręczono, podpis odbiorcy na skanerze kuriera"
    if carrier == "own":
        return [
            Stage(S.HANDED_TO_CARRIER, ORIGIN, "Załadunek na samochód Hurtex WX 4821K"),
            Stage(S.IN_TRANSIT, ROUTES.get(city, hub), "W drodze do klienta"),
            Stage(S.OUT_FOR_DELIVERY, depot, "Kierowca dzwoni 30 minut przed przyjazdem"),
            Stage(S.DELIVERED, door, signed),
        ]
    return [
        Stage(S.HANDED_TO_CARRIER, ORIGIN, "Przesyłka odebrana przez kuriera"),
        Stage(S.IN_TRANSIT, hub, "Sortowanie w terminalu"),
        Stage(S.IN_TRANSIT, depot, "Przyjęcie w oddziale doręczającym"),
        Stage(S.OUT_FOR_DELIVERY, depot, "Wydano kurierowi do doręczenia"),
        Stage(S.DELIVERED, door, signed),
    ]


# --- The story: orders, shipments, complaints -------------------------------------------------


@dataclass(frozen=True)
class DemoOrder:
    key: str  # its submission key, so a second run finds it
    company: str
    placed_by: str
    placed: When
    po_number: str
    address: str  # the label of one of the company's delivery addresses
    lines: tuple[tuple[str, int], ...]
    note: str = ""
    free_of_charge: bool = False


@dataclass(frozen=True)
class Leg:
    status: ShipmentStatus
    when: When
    place: str
    note: str = ""


@dataclass(frozen=True)
class Photo:
    scene: str  # box, bag, label, document or tool
    caption: str
    filename: str


@dataclass(frozen=True)
class DemoShipment:
    key: str
    order: str
    carrier: str
    lines: tuple[tuple[str, int], ...]
    created: When
    # When each stage of the carrier's road was reached, as far as the parcel got.
    reached: tuple[When, ...] = ()
    # What happened after those: failed attempts, the way back.
    then: tuple[Leg, ...] = ()
    parcels: int = 1
    expected_days: int = 2
    receiver: str = ""
    proof_of_delivery: Photo | None = None


@dataclass(frozen=True)
class Act:
    """One step of a complaint after it was filed: the office moves it, or someone writes."""

    when: When
    change: StatusChange | None = None
    office_says: str = ""
    buyer_says: str = ""
    photo: Photo | None = None
    credit_note: bool = False  # link the customer's newest credit note to the resolution
    replacement_order: str = ""  # link this order (its key) to the resolution
    pickup_in_days: int = 0


@dataclass(frozen=True)
class DemoComplaint:
    shipment: str
    reason: ComplaintReason
    wanted: WantedResolution
    lines: tuple[tuple[str, int], ...]
    description: str
    filed: When
    photos: tuple[Photo, ...] = ()
    damage_report: str = ""
    acts: tuple[Act, ...] = ()


BUYERS = {BUDMAX: "buyer@budmax.example", ELEKTROPLUS: "buyer@elektroplus.example"}

# BudMax's invoiced and partly shipped orders of demo_orders.py (their submission keys), shipped here.
EARLIER_ORDERS = (f"{DEMO_ORDER_KEY}0", f"{DEMO_ORDER_KEY}1")

ORDERS = (
    DemoOrder(
        "demo-aftersales-bm-1",
        BUDMAX,
        "buyer@budmax.example",
        at(9, "08:15"),
        "BM/2026/1088",
        "Budowa: Osiedle Zielone",
        (("CHB-KBU-EPS", 40), ("HXP-KN-10-60", 1000), ("PRX-YDY-M-3X2.5", 200)),
        note="Rozładunek od strony ul. Nowohuckiej, brama nr 2.",
    ),
    DemoOrder(
        "demo-aftersales-bm-2",
        BUDMAX,
        "buyer@budmax.example",
        at(8, "11:40"),
        "BM/2026/1095",
        "Magazyn główny",
        (("ELK-S1-B10", 48), ("ELK-S1-B20", 24), ("ELK-RN-2X12", 4), ("ELK-PUS-P60", 300)),
    ),
    DemoOrder(
        "demo-aftersales-bm-3",
        BUDMAX,
        "buyer@budmax.example",
        at(5, "09:05"),
        "BM/2026/1108",
        "Budowa: Hala Podgórze",
        (("CHB-KBU-EPS", 24), ("KS-ZN-M12X100", 200), ("VLT-WKU-2X2AH", 2)),
        note="Dostawa własnym transportem z HDS — paleta na strop.",
    ),
    DemoOrder(
        "demo-aftersales-bm-4",
        BUDMAX,
        "buyer@budmax.example",
        at(3, "13:20"),
        "BM/2026/1114",
        "Magazyn główny",
        (("ELK-PUS-H100", 40), ("PRX-YDY-M-3X1.5", 300), ("VLT-DAL-50M", 2)),
    ),
    DemoOrder(
        "demo-aftersales-bm-5",
        BUDMAX,
        "buyer@budmax.example",
        at(12, "14:30"),
        "BM/2026/1079",
        "Budowa: Hala Podgórze",
        (("CHB-KBU-EPS", 30), ("ELK-PUS-H80", 50)),
    ),
    DemoOrder(
        "demo-aftersales-bm-replacement",
        BUDMAX,
        "buyer@budmax.example",
        at(2, "10:00"),
        "WYMIANA REKLAMACYJNA",
        "Budowa: Hala Podgórze",
        (("VLT-WKU-2X2AH", 1),),
        note="Wymiana reklamacyjna: wiertarko-wkrętarka udarowa 2× 2,0 Ah zamiast wydanej omyłkowo wersji SOLO.",
        free_of_charge=True,
    ),
    # ElektroPlus is close to its credit limit: its orders stay small.
    DemoOrder(
        "demo-aftersales-ep-1",
        ELEKTROPLUS,
        "buyer@elektroplus.example",
        at(7, "09:50"),
        "EP/2026/0412",
        "Centrala",
        (("ELK-RN-3X12", 2), ("ELK-S1-B16", 40)),
    ),
    DemoOrder(
        "demo-aftersales-ep-2",
        ELEKTROPLUS,
        "buyer@elektroplus.example",
        at(3, "15:10"),
        "EP/2026/0420",
        "Centrala",
        (("PRX-YDY-M-3X1.5", 50),),
    ),
    # The framework order the carrier simulation ships part by part.
    DemoOrder(
        f"{STANDING_KEY}1",
        BUDMAX,
        "admin@budmax.example",
        at(20, "09:00"),
        "BM/2026/RAMOWA-01",
        "Budowa: Osiedle Zielone",
        (("DIN933-M8X40-88ZN", 20000), ("HXP-KN-8-50", 40000), ("KS-ZN-M10X90", 2000)),
        note="Umowa ramowa: dostawy sukcesywne na Osiedle Zielone według harmonogramu budowy.",
    ),
)

SIGNED_NOTE = Photo("document", "WZ podpisana przez kierownika budowy", "wz-podpisana.jpg")

SHIPMENTS = (
    DemoShipment(
        "bm-invoiced-dpd",
        "demo-order-0",
        "dpd",
        (("DIN933-M8X40-88ZN", 2000), ("KS-ZN-M10X90", 100), ("VLT-WKA-2X2AH", 2)),
        at(40, "11:30"),
        (at(40, "15:10"), at(40, "23:45"), at(39, "05:20"), at(39, "07:55"), at(39, "11:25")),
        parcels=2,
        expected_days=1,
        receiver="Piotr Nowicki",
    ),
    DemoShipment(
        "bm-1102-gls",
        "demo-order-1",
        "gls",
        (("DIN933-M8X40-88ZN", 1000), ("ELK-S1-B16", 12)),
        at(5, "10:40"),
        (at(5, "14:30"), at(5, "22:10"), at(4, "06:05"), at(4, "08:20"), at(4, "12:40")),
        receiver="Piotr Nowicki",
    ),
    DemoShipment(
        "bm-1102-inpost",
        "demo-order-1",
        "inpost",
        (("ELK-S1-B16", 12),),
        at(1, "09:00"),
        (at(1, "11:40"), at(1, "17:30"), hours_ago(2)),
    ),
    DemoShipment(
        "bm-1088-dpd",
        "demo-aftersales-bm-1",
        "dpd",
        (("CHB-KBU-EPS", 40), ("HXP-KN-10-60", 1000)),
        at(4, "09:30"),
        (at(4, "15:00"), at(4, "23:30"), at(3, "05:45"), at(3, "08:10"), at(3, "11:20")),
        parcels=3,
        receiver="Tomasz Wójcik",
    ),
    DemoShipment(
        "bm-1088-poczta",
        "demo-aftersales-bm-1",
        "poczta_polska",
        (("PRX-YDY-M-3X2.5", 200),),
        at(3, "10:15"),
        (at(3, "16:00"), at(3, "22:00"), at(2, "07:30"), at(1, "08:30")),
        then=(
            Leg(
                S.DELIVERY_FAILED,
                at(1, "13:10"),
                "Kraków, ul. Nowohucka 1",
                "Adresat nieobecny — budowa zamknięta. Ponowne doręczenie w następnym dniu roboczym.",
            ),
        ),
        expected_days=2,
    ),
    DemoShipment(
        "bm-1095-dhl",
        "demo-aftersales-bm-2",
        "dhl",
        (("ELK-S1-B10", 48), ("ELK-S1-B20", 24), ("ELK-RN-2X12", 4), ("ELK-PUS-P60", 300)),
        at(7, "09:10"),
        (at(7, "14:45"), at(7, "22:30"), at(6, "06:10"), at(6, "08:00"), at(6, "10:50")),
        parcels=2,
        receiver="Piotr Nowicki",
    ),
    DemoShipment(
        "bm-1108-own",
        "demo-aftersales-bm-3",
        "own",
        (("CHB-KBU-EPS", 24), ("KS-ZN-M12X100", 200), ("VLT-WKU-2X2AH", 2)),
        at(4, "15:00"),
        (at(3, "06:30"), at(3, "09:00"), at(3, "12:40"), at(3, "13:15")),
        expected_days=1,
        receiver="Tomasz Wójcik, kierownik budowy",
        proof_of_delivery=SIGNED_NOTE,
    ),
    DemoShipment(
        "bm-replacement-own",
        "demo-aftersales-bm-replacement",
        "own",
        (("VLT-WKU-2X2AH", 1),),
        at(2, "12:00"),
        (at(1, "07:00"), at(1, "09:30"), at(1, "13:10"), at(1, "13:40")),
        expected_days=1,
        receiver="Tomasz Wójcik, kierownik budowy",
        proof_of_delivery=SIGNED_NOTE,
    ),
    DemoShipment(
        "bm-1114-ups",
        "demo-aftersales-bm-4",
        "ups",
        (("ELK-PUS-H100", 40),),
        hours_ago(4),
        (hours_ago(2),),
        expected_days=1,
    ),
    DemoShipment(
        "bm-1114-dhl",
        "demo-aftersales-bm-4",
        "dhl",
        (("PRX-YDY-M-3X1.5", 300),),
        at(1, "10:20"),
        (at(1, "15:00"), at(1, "17:40"), hours_ago(3), hours_ago(1.5)),
        parcels=2,
        expected_days=1,
    ),
    DemoShipment("bm-1114-fedex", "demo-aftersales-bm-4", "fedex", (("VLT-DAL-50M", 2),), hours_ago(1)),
    DemoShipment(
        "bm-1079-dhl-returned",
        "demo-aftersales-bm-5",
        "dhl",
        (("CHB-KBU-EPS", 30), ("ELK-PUS-H80", 50)),
        at(11, "09:00"),
        (at(11, "14:00"), at(11, "22:00"), at(10, "06:00"), at(10, "08:15")),
        then=(
            Leg(
                S.DELIVERY_FAILED,
                at(10, "15:30"),
                "Kraków, ul. Wielicka 250",
                "Budowa zamknięta, brak kontaktu telefonicznego z odbiorcą",
            ),
            Leg(S.OUT_FOR_DELIVERY, at(9, "08:05"), "Terminal DHL Kraków", "Druga próba doręczenia"),
            Leg(
                S.DELIVERY_FAILED,
                at(9, "12:50"),
                "Kraków, ul. Wielicka 250",
                "Odbiorca odmówił przyjęcia — magazyn budowy przeniesiony",
            ),
            Leg(S.IN_TRANSIT, at(8, "07:00"), "Terminal DHL Błonie", "Zwrot do nadawcy"),
            Leg(S.RETURNED, at(6, "11:00"), ORIGIN, "Zwrot do nadawcy po dwóch nieudanych próbach doręczenia"),
        ),
        parcels=2,
    ),
    DemoShipment(
        "bm-1079-gls-again",
        "demo-aftersales-bm-5",
        "gls",
        (("CHB-KBU-EPS", 30), ("ELK-PUS-H80", 50)),
        at(1, "08:30"),
        (at(1, "14:00"), at(1, "17:50"), hours_ago(2.5)),
        parcels=2,
    ),
    DemoShipment(
        "ep-0412-dpd",
        "demo-aftersales-ep-1",
        "dpd",
        (("ELK-RN-3X12", 2), ("ELK-S1-B16", 40)),
        at(5, "10:00"),
        (at(5, "15:30"), at(5, "23:10"), at(4, "05:50"), at(4, "08:05"), at(4, "11:40")),
        receiver="Paweł Szymański",
    ),
    DemoShipment(
        "ep-0420-poczta",
        "demo-aftersales-ep-2",
        "poczta_polska",
        (("PRX-YDY-M-3X1.5", 50),),
        at(2, "12:00"),
        (at(2, "16:10"), at(2, "22:40"), at(1, "06:30"), hours_ago(2)),
    ),
)

ASK_LABEL = (
    "Prosimy o zdjęcie etykiety z opakowania zbiorczego — potrzebujemy numeru partii, żeby sprawdzić, "
    "czy pomyłka powstała u producenta, czy przy kompletacji."
)

COMPLAINTS = (
    DemoComplaint(
        "bm-1088-dpd",
        ComplaintReason.DAMAGED_IN_TRANSPORT,
        WantedResolution.CREDIT_NOTE,
        (("CHB-KBU-EPS", 2),),
        "Dwa worki kleju pękły w transporcie — zaprawa wysypała się na paletę, worki nie nadają się do użycia. "
        "Szkodę zgłosiliśmy kierowcy DPD przy odbiorze i spisaliśmy protokół szkody.",
        at(2, "08:40"),
        photos=(
            Photo("bag", "Pęknięty worek — paleta 2/3", "worek-pekniety-1.jpg"),
            Photo("bag", "Drugi worek, rozdarcie od spodu", "worek-pekniety-2.jpg"),
        ),
        damage_report="PS/DPD/2026/11/004417",
        acts=(
            Act(
                at(2, "08:55"),
                buyer_says="Worki stoją osobno na palecie. Czy mamy je zutylizować, "
                "czy odbierzecie je przy następnej dostawie?",
            ),
        ),
    ),
    DemoComplaint(
        "bm-1088-dpd",
        ComplaintReason.WRONG_PRODUCT,
        WantedResolution.REPLACEMENT,
        (("HXP-KN-10-60", 200),),
        "Kołki 8x50 zamiast 10x60: w dwóch opakowaniach po 100 szt. oznaczonych 10×60 są kołki 8×50. "
        "Etykieta na kartonie się zgadza, zawartość nie.",
        at(3, "16:30"),
        photos=(Photo("box", "Karton 10×60 — w środku kołki 8×50", "kolki-karton.jpg"),),
        acts=(
            Act(at(2, "09:10"), StatusChange("under_review", note="Sprawdzamy partię kołków na magazynie.")),
            Act(at(2, "09:25"), StatusChange("more_information", note=ASK_LABEL)),
            Act(
                at(1, "10:05"),
                buyer_says="Zdjęcie etykiety w załączniku — partia 2026-41-0873. Na etykiecie 10×60, w środku 8×50.",
                photo=Photo("label", "Etykieta: HXP-KN-10-60, partia 2026-41-0873", "etykieta-partia.jpg"),
            ),
            Act(
                at(1, "11:30"),
                office_says="Dziękujemy, przekazaliśmy zgłoszenie do kontroli kompletacji. "
                "Odpowiemy najpóźniej jutro do południa.",
            ),
        ),
    ),
    DemoComplaint(
        "bm-1102-gls",
        ComplaintReason.MISSING_QUANTITY,
        WantedResolution.REPLACEMENT,
        (("DIN933-M8X40-88ZN", 200),),
        "W dostawie brakuje 200 szt. śrub M8×40 — zamiast 1000 przyszło 800 (4 kartony po 200 zamiast 5). "
        "Kartony były zaklejone fabrycznie.",
        at(3, "09:30"),
        photos=(Photo("box", "4 kartony śrub M8×40 zamiast 5", "sruby-kartony.jpg"),),
        acts=(
            Act(at(3, "09:45"), buyer_says="Dodam, że kierowca GLS nie chciał czekać na przeliczenie kartonów."),
            Act(at(3, "13:00"), StatusChange("under_review", note="Sprawdzamy wagę przesyłki w systemie GLS.")),
            Act(
                at(2, "10:15"),
                StatusChange(
                    "more_information",
                    note="Według GLS paczka ważyła 26 kg, czyli tyle, ile 1000 szt. Prosimy o zdjęcie "
                    "listu przewozowego z podpisem kierowcy i o informację, czy któryś karton był otwierany.",
                ),
            ),
        ),
    ),
    DemoComplaint(
        "bm-1095-dhl",
        ComplaintReason.DEFECTIVE,
        WantedResolution.REPLACEMENT,
        (("ELK-S1-B20", 2),),
        "Dwa wyłączniki B20 nie załączają się — dźwignia nie zostaje w pozycji ON. "
        "Sprawdzone w dwóch rozdzielnicach, bez obciążenia.",
        at(5, "08:20"),
        photos=(Photo("tool", "Wyłącznik B20 — dźwignia wraca do OFF", "wylacznik-b20.jpg"),),
        acts=(
            Act(at(5, "12:00"), StatusChange("under_review", note="Konsultujemy z producentem Elektra.")),
            Act(
                at(1, "14:30"),
                StatusChange(
                    "accepted",
                    return_method=ReturnMethod.PICKUP,
                    note="Kurier DPD odbierze oba wyłączniki z Magazynu głównego w godzinach 9–15. "
                    "Prosimy zapakować je w karton z opisem numeru reklamacji.",
                ),
                pickup_in_days=1,
            ),
            Act(at(1, "15:10"), buyer_says="Paczka będzie czekać na portierni, kontakt: 600 123 456."),
        ),
    ),
    DemoComplaint(
        "bm-invoiced-dpd",
        ComplaintReason.DEFECTIVE,
        WantedResolution.REPAIR,
        (("VLT-WKA-2X2AH", 1),),
        "Wiertarko-wkrętarka po trzech tygodniach pracy nie ładuje akumulatorów — dioda ładowarki miga "
        "na czerwono przy obu akumulatorach. Urządzenie używane zgodnie z instrukcją.",
        at(12, "09:00"),
        photos=(Photo("tool", "Ładowarka Voltar — dioda błędu", "ladowarka-blad.jpg"),),
        acts=(
            Act(at(12, "11:30"), StatusChange("under_review", note="Zgłoszenie przekazane do serwisu Voltar.")),
            Act(
                at(11, "10:00"),
                StatusChange(
                    "accepted",
                    return_method=ReturnMethod.INSTRUCTIONS,
                    return_instructions="Prosimy odesłać wkrętarkę z ładowarką i oboma akumulatorami w walizce "
                    "na adres: Hurtex, Dział Reklamacji, ul. Składowa 12, 02-495 Warszawa, z numerem "
                    "reklamacji na kartonie. Wysyłkę kurierem DPD pokrywamy my.",
                ),
            ),
            Act(
                at(11, "10:40"),
                buyer_says="Czy możemy dostać urządzenie zastępcze na czas naprawy? "
                "Ekipa na Osiedlu Zielonym nie ma czym pracować.",
            ),
            Act(
                at(11, "12:15"),
                office_says="Tak — wkrętarka zastępcza pojedzie jutro rano naszym transportem, "
                "będzie na budowie do 12:00.",
            ),
            Act(
                at(6, "09:30"),
                StatusChange("goods_received", note="Wkrętarka dotarła; serwis Voltar ocenia ją w ciągu 14 dni."),
            ),
        ),
    ),
    DemoComplaint(
        "bm-1108-own",
        ComplaintReason.DAMAGED_IN_TRANSPORT,
        WantedResolution.CREDIT_NOTE,
        (("CHB-KBU-EPS", 3),),
        "Trzy worki zaprawy zawilgocone — folia na palecie była rozdarta, worki są zbrylone.",
        at(2, "07:50"),
        photos=(
            Photo("bag", "Zbrylone worki zaprawy", "zaprawa-zawilgocona.jpg"),
            Photo("box", "Rozdarta folia na palecie", "paleta-folia.jpg"),
        ),
        damage_report="Protokół szkody HX/2026/0117 spisany z kierowcą Hurtex",
        acts=(
            Act(at(2, "09:00"), StatusChange("under_review")),
            Act(
                at(2, "11:20"),
                StatusChange(
                    "accepted",
                    return_method=ReturnMethod.INSTRUCTIONS,
                    return_instructions="Prosimy nie odsyłać zawilgoconych worków — zutylizujcie je na budowie. "
                    "Wystawimy fakturę korygującą.",
                ),
            ),
            Act(
                at(1, "12:00"),
                StatusChange("resolved", resolution=Resolution.CREDIT_NOTE_ISSUED, note="Wystawiono korektę"),
                credit_note=True,
            ),
            Act(at(1, "12:05"), office_says="Faktura korygująca jest już widoczna w zakładce Finanse."),
        ),
    ),
    DemoComplaint(
        "bm-1095-dhl",
        ComplaintReason.OTHER,
        WantedResolution.REPLACEMENT,
        (("ELK-RN-2X12", 1),),
        "Drzwiczki jednej rozdzielnicy mają inny odcień bieli niż w poprzedniej dostawie (kremowe zamiast "
        "białych) — na jednej ścianie widać różnicę.",
        at(5, "09:00"),
        photos=(Photo("box", "Dwie rozdzielnice obok siebie — różny odcień", "rozdzielnice-odcien.jpg"),),
        acts=(
            Act(at(5, "12:10"), StatusChange("under_review")),
            Act(at(4, "10:00"), office_says="Poprosiliśmy producenta o kartę koloru tej partii."),
            Act(
                at(3, "14:00"),
                StatusChange(
                    "rejected",
                    note="Odcień RAL 9010 jest zgodny z kartą katalogową, producent zmienił dostawcę tworzywa "
                    "w tym roku; towar jest pełnowartościowy. Możemy przyjąć zwrot w ramach dobrej woli "
                    "w ciągu 14 dni.",
                ),
            ),
        ),
    ),
    DemoComplaint(
        "bm-1108-own",
        ComplaintReason.WRONG_PRODUCT,
        WantedResolution.REPLACEMENT,
        (("VLT-WKU-2X2AH", 1),),
        "Zamiast wiertarko-wkrętarki udarowej z dwoma akumulatorami 2,0 Ah przyszła wersja SOLO, "
        "bez akumulatorów i ładowarki.",
        at(3, "16:00"),
        photos=(Photo("tool", "Wersja SOLO — brak akumulatorów w walizce", "wkretarka-solo.jpg"),),
        acts=(
            Act(at(3, "16:30"), StatusChange("under_review")),
            Act(
                at(2, "08:30"),
                StatusChange(
                    "accepted",
                    return_method=ReturnMethod.INSTRUCTIONS,
                    return_instructions="Nasz kierowca zabierze wersję SOLO przy dostawie wymiany.",
                ),
            ),
            Act(at(1, "14:00"), StatusChange("goods_received", note="Kierowca odebrał wersję SOLO z budowy.")),
            Act(
                at(1, "14:10"),
                StatusChange("resolved", resolution=Resolution.REPLACEMENT_SHIPPED, note="Wymiana dostarczona."),
                replacement_order="demo-aftersales-bm-replacement",
            ),
            Act(at(1, "16:00"), StatusChange("closed")),
        ),
    ),
    DemoComplaint(
        "ep-0412-dpd",
        ComplaintReason.DAMAGED_IN_TRANSPORT,
        WantedResolution.REPLACEMENT,
        (("ELK-RN-3X12", 1),),
        "Pęknięta obudowa jednej rozdzielnicy 3×12 — karton był zgnieciony w narożniku.",
        hours_ago(2),
        photos=(Photo("box", "Zgnieciony narożnik kartonu", "rozdzielnica-karton.jpg"),),
        damage_report="PS/DPD/2026/11/004532",
    ),
    DemoComplaint(
        "ep-0412-dpd",
        ComplaintReason.WRONG_PRODUCT,
        WantedResolution.REPLACEMENT,
        (("ELK-S1-B16", 10),),
        "Zamiast wyłączników B16 w jednym opakowaniu było 10 szt. C16.",
        at(3, "10:00"),
        photos=(Photo("label", "Opakowanie B16 — w środku C16", "wylaczniki-c16.jpg"),),
        acts=(
            Act(at(3, "13:30"), StatusChange("under_review")),
            Act(at(2, "09:00"), buyer_says="Potrzebujemy B16 do piątku, montaż rozdzielnic w poniedziałek."),
            Act(at(2, "11:00"), office_says="Rezerwujemy 10 szt. B16; wyślemy je razem z najbliższą dostawą."),
        ),
    ),
)


# --- Photos ---------------------------------------------------------------------------------


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size)


@cache
def _concrete_floor() -> Image.Image:
    """Grey noise around a mid grey, made once: Pillow's noise takes a while."""
    return Image.effect_noise((640, 480), 12).point(lambda value: value + 20).convert("RGB")


def photo_jpeg(photo: Photo, taken: datetime) -> bytes:
    """A 640×480 snapshot of the scene, as a phone on a building site would take it."""
    rng = random.Random(photo.filename)
    image = _concrete_floor().copy()
    draw = ImageDraw.Draw(image)
    # The pallet everything stands on.
    draw.rectangle((60, 372, 580, 410), fill=(171, 128, 78))
    for x in range(60, 580, 74):
        draw.rectangle((x, 410, x + 34, 440), fill=(150, 110, 64))
    draw.line((60, 391, 580, 391), fill=(120, 86, 50), width=2)
    if photo.scene == "bag":
        draw.rounded_rectangle((150, 150, 490, 372), radius=26, fill=(226, 214, 186), outline=(160, 150, 120), width=3)
        draw.text((200, 190), "ZAPRAWA KLEJOWA", font=_font(26), fill=(40, 90, 150))
        draw.text((270, 230), "25 kg", font=_font(30), fill=(40, 90, 150))
        tear = [(300, 300), (330, 262), (352, 296), (388, 270), (402, 330), (336, 352)]
        draw.polygon(tear, fill=(80, 76, 70))
        draw.ellipse((330, 340, 560, 395), fill=(205, 203, 196))
    elif photo.scene == "label":
        draw.rectangle((110, 90, 530, 360), fill=(246, 246, 240), outline=(90, 90, 90), width=2)
        draw.text((135, 110), photo.caption.split(":")[0][:28], font=_font(24), fill=(20, 20, 20))
        draw.text((135, 150), photo.caption.split(":")[-1].strip()[:34], font=_font(20), fill=(20, 20, 20))
        x = 140
        while x < 500:
            width = rng.choice((2, 2, 3, 5))
            draw.rectangle((x, 220, x + width, 320), fill=(10, 10, 10))
            x += width + rng.choice((2, 3, 4))
    elif photo.scene == "document":
        draw.polygon([(150, 70), (500, 90), (480, 400), (130, 380)], fill=(250, 250, 246))
        draw.text((185, 100), "WZ — dowód wydania", font=_font(24), fill=(30, 30, 30))
        for row in range(8):
            draw.line((180, 150 + row * 24, 440, 154 + row * 24), fill=(150, 150, 150), width=2)
        draw.line([(300, 345), (330, 325), (350, 350), (385, 320), (420, 342)], fill=(20, 40, 140), width=3)
    elif photo.scene == "tool":
        draw.rounded_rectangle((170, 170, 470, 372), radius=14, fill=(36, 36, 38))
        draw.rounded_rectangle((210, 120, 430, 250), radius=30, fill=(232, 112, 24))
        draw.rectangle((290, 250, 350, 372), fill=(60, 60, 62))
        draw.ellipse((392, 180, 414, 202), fill=(230, 30, 30))
    else:
        # A cardboard box seen from a corner, its side split open.
        draw.polygon([(140, 170), (220, 110), (550, 110), (470, 170)], fill=(201, 161, 110))
        draw.polygon([(470, 170), (550, 110), (550, 312), (470, 372)], fill=(150, 110, 68))
        draw.rectangle((140, 170, 470, 372), fill=(182, 138, 88))
        draw.polygon([(290, 170), (330, 110), (370, 110), (330, 170)], fill=(214, 198, 160))
        draw.rectangle((330, 200, 440, 250), fill=(245, 245, 240))
        for row in range(3):
            draw.line((340, 212 + row * 12, 430, 212 + row * 12), fill=(90, 90, 90), width=2)
        crack = [(250, 170), (262, 205), (248, 236), (276, 270), (266, 305), (298, 338), (292, 372)]
        draw.line(crack, fill=(58, 38, 22), width=6)
        draw.polygon([(440, 170), (470, 170), (470, 215), (452, 196)], fill=(120, 84, 50))
    draw.rectangle((0, 430, 640, 480), fill=(20, 20, 20))
    draw.text((16, 442), photo.caption, font=_font(20), fill=(250, 250, 250))
    stamp = taken.astimezone(clock.BUSINESS_ZONE).strftime("%Y-%m-%d %H:%M")
    draw.text((470, 14), stamp, font=_font(18), fill=(255, 196, 0))
    output = BytesIO()
    image.save(output, format="JPEG", quality=82)
    return output.getvalue()


def _upload(photo: Photo, taken: datetime) -> UploadFile:
    return UploadFile("image/jpeg", photo.filename, photo_jpeg(photo, taken))


# --- Seeding ---------------------------------------------------------------------------------


class _Unsent:
    async def send(self, mail: OutgoingMail) -> None:
        return None


class _Untold(Postbox):
    """The seed records what happened weeks ago: nobody is told about it now, so the messages
    the domain functions hand back are not even written."""

    def __init__(self) -> None:
        super().__init__(Environment(), _Unsent(), "http://127.0.0.1:8000")

    def compose(self, template: str, to: str, locale: str, **context: Any) -> OutgoingMail:
        return OutgoingMail(to=to, subject=template, text="", html="")


@dataclass
class _World:
    now: datetime
    office: Scope
    buyers: dict[int, Scope]  # company id → its buyer
    users: dict[str, int]
    companies: dict[str, int]
    postbox: Postbox
    orders: dict[str, int] = field(default_factory=dict)
    lines: dict[tuple[str, str], int] = field(default_factory=dict)
    cities: dict[str, tuple[str, str]] = field(default_factory=dict)
    order_companies: dict[str, int] = field(default_factory=dict)
    shipments: dict[str, int] = field(default_factory=dict)
    response_hours: dict[str, int] = field(default_factory=dict)


def _bind_file_storage() -> None:
    try:
        file_storage()
    except RuntimeError:
        # `portal demo` seeds before create_app binds the storage: the same settings it serves with.
        use_file_storage(storage_for(load_settings()))


async def seed_aftersales() -> None:
    """Shipments, complaints and the demo carrier's key, unless they are there already."""
    _bind_file_storage()
    async with write_transaction(Shipment._meta.db):
        if not await ApiKey.exists().where(ApiKey.name == DEMO_INTEGRATION):
            await create_api_key(DEMO_INTEGRATION, ApiScope, key=DEMO_API_KEY)
        if await Order.exists().where(Order.submission_key == ORDERS[0].key):
            return
        started = time.perf_counter()
        world = await _world()
        for key in EARLIER_ORDERS:
            await _find_order(world, key)
        for order in ORDERS:
            await _place_order(world, order)
        for serial, shipment in enumerate(SHIPMENTS, start=101):
            await _ship(world, shipment, serial)
        await _backdate_shipping(world)
        for complaint in COMPLAINTS:
            await _file_complaint(world, complaint)
    log.info(
        "demo after-sales ready: %d shipments, %d complaints, in %.1f s",
        len(SHIPMENTS),
        len(COMPLAINTS),
        time.perf_counter() - started,
    )


async def _office_scope() -> Scope | None:
    office = await User.select(User.id).where(User.email == OFFICE_EMAIL).first()
    seller = await Company.select(Company.id).where(Company.kind == CompanyKind.SELLER).order_by(Company.id).first()
    if office is None or seller is None:
        return None
    return await load_scope(office["id"], seller["id"], "127.0.0.1")


async def _world() -> _World:
    office = await _office_scope()
    assert office is not None, "the demo's people come first"
    companies = {
        row["code"]: row["id"]
        for row in await Company.select(Company.id, Company.code).where(Company.code.is_in([BUDMAX, ELEKTROPLUS]))
    }
    users = {row["email"]: row["id"] for row in await User.select(User.id, User.email)}
    buyers = {}
    for code, email in BUYERS.items():
        buyer = await load_scope(users[email], companies[code], "127.0.0.1")
        assert buyer is not None
        buyers[companies[code]] = buyer
    policies = await ComplaintPolicy.select(ComplaintPolicy.reason, ComplaintPolicy.response_hours)
    return _World(
        now=clock.now(),
        office=office,
        buyers=buyers,
        users=users,
        companies=companies,
        postbox=_Untold(),
        response_hours={row["reason"]: row["response_hours"] for row in policies},
    )


async def _base_prices(skus: Sequence[str]) -> dict[str, dict[str, Any]]:
    """SKU → product id, name, unit, VAT rate and the base list's unit price at quantity 1."""
    products = await Product.select(Product.id, Product.sku, Product.name_pl, Product.unit, Product.vat_rate).where(
        Product.sku.is_in(list(skus))
    )
    base = (
        await PriceList.select(PriceList.id)
        .where((PriceList.is_base == True) & (PriceList.currency == "PLN"))  # noqa: E712
        .order_by(PriceList.id)
        .first()
    )
    assert base is not None, "the demo catalog comes first"
    entries = await PriceListEntry.select(PriceListEntry.product, PriceListEntry.unit_price).where(
        (PriceListEntry.price_list == base["id"])
        & (PriceListEntry.min_quantity == 1)
        & PriceListEntry.product.is_in([product["id"] for product in products])
    )
    prices = {entry["product"]: Decimal(str(entry["unit_price"])) for entry in entries}
    return {product["sku"]: {**product, "price": prices[product["id"]]} for product in products}


async def _place_order(world: _World, demo: DemoOrder, placed_at: datetime | None = None) -> int:
    """The order as a buyer placed it and the seller confirmed it."""
    await _insert_confirmed_order(world, demo, placed_at or demo.placed.moment(world.now))
    return await _find_order(world, demo.key)


async def _find_order(world: _World, key: str) -> int:
    """The order of that submission key, its lines, address and company noted in `world`."""
    order = (
        await Order.select(Order.id, Order.company, Order.delivery_city, Order.delivery_street)
        .where(Order.submission_key == key)
        .first()
    )
    assert order is not None, key
    order_id = int(order["id"])
    world.orders[key] = order_id
    world.cities[key] = (order["delivery_city"], order["delivery_street"])
    world.order_companies[key] = order["company"]
    for line in await OrderLine.select(OrderLine.id, OrderLine.sku).where(OrderLine.order == order_id):
        world.lines[(key, line["sku"])] = line["id"]
    return order_id


async def _insert_confirmed_order(world: _World, demo: DemoOrder, placed_at: datetime) -> int:
    catalog = await _base_prices([sku for sku, _ in demo.lines])
    address = (
        await DeliveryAddress.select()
        .where((DeliveryAddress.company == world.companies[demo.company]) & (DeliveryAddress.label == demo.address))
        .first()
    )
    assert address is not None, demo.address
    priced = []
    net_by_rate: dict[str, Decimal] = {}
    for sku, quantity in demo.lines:
        product = catalog[sku]
        price = Decimal("0.0000") if demo.free_of_charge else product["price"]
        line_net = (price * quantity).quantize(_GROSZ, rounding=ROUND_HALF_UP)
        net_by_rate[product["vat_rate"]] = net_by_rate.get(product["vat_rate"], Decimal("0.00")) + line_net
        priced.append((product, quantity, price, line_net))
    net = sum(net_by_rate.values(), Decimal("0.00"))
    vat = sum((vat_amount(amount, rate) for rate, amount in net_by_rate.items()), Decimal("0.00"))
    placed_by = world.users[demo.placed_by]
    created = await Order.insert(
        Order(
            # The number comes from the id, known only after the insert.
            number=f"new-{uuid4().hex[:16]}",
            company=world.companies[demo.company],
            placed_by=placed_by,
            status=OrderStatus.CONFIRMED,
            po_number=demo.po_number,
            delivery_label=address["label"],
            delivery_street=address["street"],
            delivery_postal_code=address["postal_code"],
            delivery_city=address["city"],
            payment_method="transfer",
            payment_days=30 if demo.company == BUDMAX else 14,
            note=demo.note,
            currency="PLN",
            net_total=net,
            vat_total=vat,
            gross_total=net + vat,
            submission_key=demo.key,
            created_at=placed_at,
        )
    ).returning(Order.id)
    order_id = int(created[0]["id"])
    local_day = clock.business_day(placed_at)
    await Order.update({Order.number: order_number(order_id, local_day)}).where(Order.id == order_id)
    await OrderLine.insert(
        *(
            OrderLine(
                order=order_id,
                product=product["id"],
                sku=product["sku"],
                name=product["name_pl"],
                unit=product["unit"],
                quantity=quantity,
                unit_price=price,
                line_net=line_net,
                vat_rate=product["vat_rate"],
                price_source="wymiana reklamacyjna" if demo.free_of_charge else "cennik Cennik podstawowy 2026",
            )
            for product, quantity, price, line_net in priced
        )
    )
    await OrderEvent.insert(
        OrderEvent(order=order_id, status=OrderStatus.SENT_TO_SELLER, actor=placed_by, created_at=placed_at),
        OrderEvent(
            order=order_id,
            status=OrderStatus.CONFIRMED,
            actor=world.office.user_id,
            created_at=placed_at + timedelta(hours=1, minutes=40),
        ),
    )
    return order_id


async def _backdate_shipping(world: _World) -> None:
    """The seed's tracking events reached us when they happened, and each status the orders
    took on meanwhile dates from the tracking event that moved it: the one of its order recorded
    last before it. One pass at the end rather than a few statements per event."""
    events = await (
        ShipmentEvent.select(
            ShipmentEvent.shipment.order.as_alias("order"), ShipmentEvent.occurred_at, ShipmentEvent.created_at
        )
        .where(ShipmentEvent.created_at >= world.now)
        .order_by(ShipmentEvent.created_at)
    )
    changes = await OrderEvent.select(OrderEvent.id, OrderEvent.order, OrderEvent.created_at).where(
        OrderEvent.created_at >= world.now
    )
    for change in changes:
        cause = [e for e in events if e["order"] == change["order"] and e["created_at"] <= change["created_at"]][-1]
        await OrderEvent.update({OrderEvent.created_at: cause["occurred_at"]}).where(OrderEvent.id == change["id"])
    await ShipmentEvent.update({ShipmentEvent.created_at: ShipmentEvent.occurred_at}).where(
        ShipmentEvent.created_at >= world.now
    )


async def _ship(world: _World, demo: DemoShipment, serial: int) -> None:
    order_id = world.orders[demo.order]
    created_at = demo.created.moment(world.now)
    dispatched_on = clock.business_day(created_at)
    numbers = [tracking_number(demo.carrier, serial * 10 + parcel) for parcel in range(demo.parcels)]
    shipment_id = await create_shipment(
        world.office,
        order_id,
        ShipmentRequest(
            carrier=demo.carrier,
            tracking_numbers=[number for number in numbers if number],
            quantities={world.lines[(demo.order, sku)]: quantity for sku, quantity in demo.lines},
            dispatched_on=dispatched_on,
            expected_on=dispatched_on + timedelta(days=demo.expected_days),
        ),
    )
    world.shipments[demo.key] = shipment_id
    await ShipmentEvent.update({ShipmentEvent.occurred_at: created_at}).where(ShipmentEvent.shipment == shipment_id)
    await Shipment.update({Shipment.created_at: created_at, Shipment.latest_event_at: created_at}).where(
        Shipment.id == shipment_id
    )

    city, street = world.cities[demo.order]
    road = stages(demo.carrier, city, street, demo.receiver)
    legs = [Leg(stage.status, when, stage.place, stage.note) for stage, when in zip(road, demo.reached, strict=False)]
    own = demo.carrier == "own"
    for number, leg in enumerate([*legs, *demo.then]):
        moment = leg.when.moment(world.now)
        await record_event(
            shipment_id,
            TrackingEvent(
                leg.status,
                moment,
                leg.place,
                leg.note,
                source="office" if own else DEMO_INTEGRATION,
                external_id=None if own else f"seed-{demo.key}-{number}",
            ),
            world.postbox,
            recorded_by=world.office.user_id if own else None,
        )
    if demo.proof_of_delivery is not None and demo.reached:
        delivered_at = demo.reached[-1].moment(world.now)
        files = await check_uploads([_upload(demo.proof_of_delivery, delivered_at)], "files", _MAX_UPLOAD_BYTES)
        for file in files:
            await save_attachment(
                file,
                company_id=world.order_companies[demo.order],
                purpose=AttachmentPurpose.PROOF_OF_DELIVERY,
                uploaded_by=world.office.user_id,
                shipment_id=shipment_id,
            )
        await Attachment.update({Attachment.created_at: delivered_at}).where(Attachment.shipment == shipment_id)


async def _file_complaint(world: _World, demo: DemoComplaint) -> None:
    shipment = next(shipment for shipment in SHIPMENTS if shipment.key == demo.shipment)
    company = world.order_companies[shipment.order]
    buyer = world.buyers[company]
    filed_at = demo.filed.moment(world.now)
    filed = await submit_complaint(
        buyer,
        ComplaintRequest(
            order_id=world.orders[shipment.order],
            reason=demo.reason,
            wanted_resolution=demo.wanted,
            description=demo.description,
            quantities={world.lines[(shipment.order, sku)]: str(quantity) for sku, quantity in demo.lines},
            damage_report_number=demo.damage_report,
            shipment_id=world.shipments[demo.shipment],
        ),
        [_upload(photo, filed_at) for photo in demo.photos],
        [],
        world.postbox,
        max_upload_bytes=_MAX_UPLOAD_BYTES,
    )
    complaint_id = filed.complaint_id
    await Complaint.update({Complaint.created_at: filed_at}).where(Complaint.id == complaint_id)
    await Attachment.update({Attachment.created_at: filed_at}).where(Attachment.complaint == complaint_id)
    due = await _backdate_complaint(world, complaint_id, demo.reason, filed_at, None)
    thread = await complaint_thread(world.office, complaint_id)
    for act in demo.acts:
        moment = act.when.moment(world.now)
        if act.change is not None:
            change = act.change
            if act.credit_note:
                credit_note = await _newest_credit_note(company)
                change = replace(change, credit_note_id=str(credit_note[0]), note=f"{change.note} {credit_note[1]}.")
            if act.replacement_order:
                change = replace(change, replacement_order_id=str(world.orders[act.replacement_order]))
            if act.pickup_in_days:
                pickup = clock.business_day(world.now) + timedelta(days=act.pickup_in_days)
                change = replace(change, pickup_on=pickup.isoformat())
            await change_status(
                world.office, complaint_id, change, [], world.postbox, max_upload_bytes=_MAX_UPLOAD_BYTES
            )
        if act.office_says or act.buyer_says:
            author = world.office if act.office_says else buyer
            files = [_upload(act.photo, moment)] if act.photo else []
            posted = await post_message(
                author,
                thread,
                act.office_says or act.buyer_says,
                files,
                world.postbox,
                max_upload_bytes=_MAX_UPLOAD_BYTES,
            )
            await Message.update({Message.created_at: moment}).where(Message.id == posted.message_id)
            await Attachment.update({Attachment.created_at: moment}).where(Attachment.message == posted.message_id)
        due = await _backdate_complaint(world, complaint_id, demo.reason, moment, due)


async def _backdate_complaint(
    world: _World, complaint_id: int, reason: str, moment: datetime, due_before: datetime | None
) -> datetime | None:
    """The timeline entries the domain just wrote happened at `moment`; an answer the seller came
    to owe then is due counted from then. Answers when the answer is due now."""
    await ComplaintEvent.update({ComplaintEvent.created_at: moment}).where(
        (ComplaintEvent.complaint == complaint_id) & (ComplaintEvent.created_at >= world.now)
    )
    row = (
        await Complaint.select(Complaint.updated_at, Complaint.response_due_at)
        .where(Complaint.id == complaint_id)
        .first()
    )
    assert row is not None
    values: dict[Any, Any] = {}
    if row["updated_at"] >= world.now:
        values[Complaint.updated_at] = moment
    due = row["response_due_at"]
    if due is not None and due != due_before:
        due = moment + timedelta(hours=world.response_hours[reason])
        values[Complaint.response_due_at] = due
    if values:
        await Complaint.update(values).where(Complaint.id == complaint_id)
    return due


async def _newest_credit_note(company_id: int) -> tuple[int, str]:
    row = (
        await Invoice.select(Invoice.id, Invoice.number)
        .where((Invoice.company == company_id) & (Invoice.kind == DocumentKind.CREDIT_NOTE))
        .order_by(Invoice.issued_on, ascending=False)
        .first()
    )
    assert row is not None, "the demo finance has credit notes"
    return int(row["id"]), str(row["number"])


# --- The carrier simulation ----------------------------------------------------------------


@dataclass(frozen=True)
class NextEvent:
    status: ShipmentStatus
    place: str
    note: str


def next_event(carrier: str, city: str, street: str, history: Sequence[str], shipment_id: int) -> NextEvent | None:
    """What the carrier reports next for a shipment whose events so far are `history`, oldest
    first; None once it is delivered or back with the seller."""
    road = stages(carrier, city, street)
    status = history[-1] if history else S.CREATED
    if status in (S.DELIVERED, S.RETURNED):
        return None
    out_for_delivery = next(stage for stage in road if stage.status == S.OUT_FOR_DELIVERY)
    if status == S.DELIVERY_FAILED:
        return NextEvent(S.OUT_FOR_DELIVERY, out_for_delivery.place, "Ponowna próba doręczenia")
    if status == S.OUT_FOR_DELIVERY and shipment_id % FAILS_ONCE_EVERY == 0 and S.DELIVERY_FAILED not in history:
        return NextEvent(
            S.DELIVERY_FAILED, f"{city}, {street}", "Odbiorca nieobecny — kolejna próba w następnym kursie"
        )
    # The stage after the one it stands at; in transit it is scanned once at each stop on the road.
    statuses = [stage.status for stage in road]
    if status == S.CREATED:
        following = 0
    elif status == S.IN_TRANSIT:
        following = statuses.index(S.IN_TRANSIT) + min(history.count(S.IN_TRANSIT), statuses.count(S.IN_TRANSIT))
    else:
        following = statuses.index(ShipmentStatus(status)) + 1
    stage = road[min(following, len(road) - 1)]
    return NextEvent(stage.status, stage.place, stage.note)


@dataclass(frozen=True)
class SimulationRound:
    moved: dict[int, str]
    created: list[int]
    mails: list[OutgoingMail]


async def advance_demo_shipments(postbox: Postbox, now: datetime) -> SimulationRound:
    """One round of the demo's carriers: each open shipment whose last event is older than PACE
    gets its next event through `record_event`, as from the carrier's API; then new parts of
    the framework order go out until MIN_OPEN_SHIPMENTS are on their way."""
    office = await _office_scope()
    if office is None:
        return SimulationRound({}, [], [])
    rows = await (
        Shipment.select(
            Shipment.id,
            Shipment.status,
            Shipment.latest_event_at,
            Shipment.carrier.code.as_alias("carrier"),
            Shipment.order.delivery_city.as_alias("city"),
            Shipment.order.delivery_street.as_alias("street"),
        )
        .where(Shipment.status.is_in(list(OPEN)))
        .order_by(Shipment.id)
    )
    histories: dict[int, list[str]] = {row["id"]: [] for row in rows}
    if rows:
        for event in (
            await ShipmentEvent.select(ShipmentEvent.shipment, ShipmentEvent.status)
            .where(ShipmentEvent.shipment.is_in(list(histories)))
            .order_by(ShipmentEvent.occurred_at)
            .order_by(ShipmentEvent.id)
        ):
            histories[event["shipment"]].append(event["status"])
    moved: dict[int, str] = {}
    mails: list[OutgoingMail] = []
    still_open = 0
    for row in rows:
        history = histories[row["id"]]
        latest = row["latest_event_at"]
        step = next_event(row["carrier"], row["city"], row["street"], history, row["id"])
        if step is None or (latest is not None and now - latest < PACE):
            still_open += 1
            continue
        outcome = await record_event(
            row["id"],
            TrackingEvent(step.status, now, step.place, step.note, DEMO_INTEGRATION, f"sim-{row['id']}-{len(history)}"),
            postbox,
        )
        moved[row["id"]] = outcome.status
        mails.extend(outcome.mails)
        still_open += outcome.status not in (S.DELIVERED, S.RETURNED)
    created = []
    for _ in range(max(0, MIN_OPEN_SHIPMENTS - still_open)):
        created.append(await _ship_next_part(office, now))
    return SimulationRound(moved, created, mails)


async def _ship_next_part(office: Scope, now: datetime) -> int:
    """The next part of the framework order; a new framework order when the last is all on its way."""
    standing = await (
        Order.select(Order.id)
        .where(
            Order.submission_key.like(f"{STANDING_KEY}%")
            & Order.status.is_in([OrderStatus.CONFIRMED, OrderStatus.IN_FULFILMENT, OrderStatus.PARTLY_SHIPPED])
        )
        .order_by(Order.id)
    )
    for candidate in standing:
        order_id = int(candidate["id"])
        lines = [line for line in await line_progress(order_id) if line.to_ship]
        if lines:
            break
    else:
        count = await Order.count().where(Order.submission_key.like(f"{STANDING_KEY}%"))
        framework = next(order for order in ORDERS if order.key.startswith(STANDING_KEY))
        order_id = await _place_order(
            await _world(),
            replace(framework, key=f"{STANDING_KEY}{count + 1}", po_number=f"BM/2026/RAMOWA-{count + 1:02d}"),
            placed_at=now - timedelta(hours=2),
        )
        lines = await line_progress(order_id)
    parts = await Shipment.count().where(Shipment.order == order_id)
    line = lines[parts % len(lines)]
    carriers = tuple(NETWORKS)
    carrier = carriers[parts % len(carriers)]
    newest = await Shipment.select(Shipment.id).order_by(Shipment.id, ascending=False).first()
    serial = 200_000 + (newest["id"] if newest else 0) + 1
    today = clock.business_day(now)
    return await create_shipment(
        office,
        order_id,
        ShipmentRequest(
            carrier=carrier,
            tracking_numbers=[tracking_number(carrier, serial)] if carrier != "own" else [],
            quantities={line.order_line_id: min(line.to_ship, -(-line.ordered // STANDING_PARTS))},
            dispatched_on=today,
            expected_on=today + timedelta(days=1),
        ),
    )


@job(cron="* * * * * */20", demo_only=True, timeout=30)
async def simulate_demo_carriers(ctx: JobContext) -> None:
    """Every 20 seconds in the demo: the carriers report, and the deliveries page moves."""
    postbox = ctx["postbox"]
    result = await advance_demo_shipments(postbox, clock.now())
    await deliver_or_queue(postbox, result.mails)
    if result.moved or result.created:
        log.info("demo carriers: %d events, %d new shipments", len(result.moved), len(result.created))
