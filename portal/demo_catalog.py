"""The demo catalog of Hurtex: about 10,000 products (fasteners, tools, hydraulics and pneumatics,
electrical, plumbing, PPE, chemicals) with stock, documents, price lists, contracts, discounts,
customers' own part numbers, assortments and purchase history. `seed_catalog` writes it once, the
same every time (a fixed random seed), in one transaction, so a failed run leaves nothing behind."""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import random
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from piccolo.columns import Column
from piccolo.table import Table

from portal import clock
from portal.accounts.tables import Company
from portal.catalog import search_text_for
from portal.catalog.tables import (
    AssortmentEffect,
    AssortmentRule,
    Attribute,
    Category,
    CustomerPartNumber,
    DocumentKind,
    Product,
    ProductAttribute,
    ProductDocument,
    ProductFamily,
    ProductGroup,
    ProductRelation,
    ProductStatus,
    RelationKind,
    Stock,
    StoredFile,
    Unit,
    VatRate,
    Warehouse,
)
from portal.database import write_transaction
from portal.ordering.tables import PurchasedProduct
from portal.pricing.tables import (
    ContractPrice,
    CustomerGroup,
    CustomerGroupMember,
    DiscountRule,
    PriceList,
    PriceListAssignment,
    PriceListEntry,
)

log = logging.getLogger("portal.demo")

SEED = 2026
# The product whose presence means the catalog is already seeded.
SENTINEL_SKU = "DIN933-M8X40-88ZN"
# The demo's customers (`portal.demo.COMPANIES`), found by NIP: their ids differ per database.
BUDMAX_NIP = "6771004565"
ELEKTROPLUS_NIP = "7792007894"
AGROMET_NIP = "5260001111"

Attrs = tuple[tuple[str, str], ...]
Row = tuple[Any, ...]
# Volume breaks: (quantity in order multiples, share of the quantity-1 price).
Tiers = tuple[tuple[int, str], ...]

PRICE_STEP = Decimal("0.0001")
GROSZ = Decimal("0.01")


# --- What a product is made of ---------------------------------------------------------------


@dataclass(frozen=True)
class Packaging:
    unit: Unit = Unit.PIECE
    pack_size: int = 1
    min_order: int = 1
    multiple: int = 1


EACH = Packaging()


def packs_of(size: int, unit: Unit = Unit.PIECE) -> Packaging:
    """Sold in whole packs of `size` units: screws by the hundred, rolls of 100 m by the metre."""
    return Packaging(unit, size, size, size)


NO_TIERS: Tiers = ()
TOOL_TIERS: Tiers = ((10, "0.95"), (50, "0.90"))
FASTENER_TIERS: Tiers = ((10, "0.92"), (50, "0.85"))
CONSUMABLE_TIERS: Tiers = ((12, "0.95"), (60, "0.90"))
METRE_TIERS: Tiers = ((500, "0.96"), (1000, "0.92"))
ROLL_TIERS: Tiers = ((10, "0.95"),)


@dataclass(frozen=True)
class Variant:
    sku: str
    name_pl: str
    name_en: str
    price: Decimal
    attributes: Attrs
    # The size or option: the same key in another family of the same kind is a substitute.
    key: str
    # What accessories must fit, e.g. "M8:zn" for a zinc-plated M8 bolt.
    match: str = ""
    packaging: Packaging | None = None


@dataclass(frozen=True)
class Family:
    code: str
    # Families of one kind sell the same thing (grades of DIN 933, brands of a spanner).
    kind: str
    name_pl: str
    name_en: str
    category: str
    group: str
    about_pl: str
    about_en: str
    variants: tuple[Variant, ...]
    brand: str = "HXP"
    packaging: Packaging = EACH
    tiers: Tiers = TOOL_TIERS
    vat: VatRate = VatRate.STANDARD
    # Shown on the datasheet above the table of sizes, e.g. ("Norma", "DIN 933 / ISO 4017").
    facts: Attrs = ()


@dataclass(frozen=True)
class Brand:
    name: str
    # GS1 company prefix: 590 is Poland.
    ean_prefix: str
    price_factor: float


BRANDS = {
    "HXP": Brand("HX Pro", "5907771", 0.82),
    "STK": Brand("Stalkraft", "5903344", 1.0),
    "KWL": Brand("Kowal", "5906218", 1.18),
    "VLT": Brand("Voltar", "5902867", 1.2),
    "DNX": Brand("Dynamix", "5908450", 1.0),
    "PRX": Brand("Przewodex", "5904129", 1.0),
    "KBP": Brand("Kabelpol", "5904672", 1.04),
    "ELK": Brand("Elektra", "5909035", 1.0),
    "VTX": Brand("Voltix", "5905118", 1.12),
    "LMX": Brand("Lumex", "5905572", 1.0),
    "AQP": Brand("Aquapol", "5901690", 1.0),
    "TRM": Brand("Termix", "5907393", 1.1),
    "ARX": Brand("Aerix", "5903908", 1.0),
    "BZP": Brand("Bezpiecznik", "5908816", 1.0),
    "SFL": Brand("SafeLine", "5902043", 1.15),
    "CHB": Brand("Chemibud", "5902241", 1.0),
    "ADX": Brand("Adhexa", "5906657", 1.12),
}
# Unbranded goods (fasteners, fittings) carry the seller's own GS1 prefix.
HOUSE_PREFIX = "5907770"


@dataclass(frozen=True)
class Option:
    """One variant of a branded line: its label in the product name, its price before the
    brand's factor, and what sets it apart."""

    label: str
    price: float
    attributes: Attrs = ()
    label_en: str = ""
    key: str = ""
    match: str = ""
    packaging: Packaging | None = None


@dataclass(frozen=True)
class Line:
    """A product line sold under one or more brands: each brand is a family of `options`. What follows
    a comma in a name ("Ostrza łamane, 10 szt.") goes after the brand and the option."""

    code: str
    category: str
    group: str
    name_pl: str
    name_en: str
    about_pl: str
    about_en: str
    options: tuple[Option, ...]
    brands: tuple[str, ...] = ("HXP",)
    packaging: Packaging = EACH
    tiers: Tiers = TOOL_TIERS
    attributes: Attrs = ()
    vat: VatRate = VatRate.STANDARD


def sku_part(text: str) -> str:
    """`text` as SKU characters: "3×1,5" → "3X1.5", "Ø 20 mm" → "20MM"."""
    plain = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    plain = plain.replace("×", "X").replace(",", ".").replace("/", "-").upper()
    return "".join(char for char in plain if char.isascii() and (char.isalnum() or char in ".-"))


def english_decimals(text: str) -> str:
    """Polish decimal commas as points: "3×1,5 mm²" → "3×1.5 mm²"."""
    return "".join(
        "."
        if char == "," and 0 < index < len(text) - 1 and text[index - 1].isdigit() and text[index + 1].isdigit()
        else char
        for index, char in enumerate(text)
    )


def pl_number(value: float) -> str:
    """2.5 → "2,5", 4.0 → "4"."""
    return f"{value:g}".replace(".", ",")


def opt(label: str, price: float, *attributes: tuple[str, str], **extra: Any) -> Option:
    return Option(label, price, tuple(attributes), **extra)


def sizes(
    attribute: str, rows: Iterable[tuple[str, float]], unit: str = "", matched: bool = False, **extra: Any
) -> tuple[Option, ...]:
    """Options differing in one attribute: ("6×7", 14.9) → "6×7 mm" with size 6×7. `matched`: accessories
    must have the same value (a pipe's fittings its diameter)."""
    return tuple(
        Option(f"{value}{unit}", price, ((attribute, value),), match=value if matched else "", **extra)
        for value, price in rows
    )


def unit_price(value: float) -> Decimal:
    """A list price as a wholesaler writes it: four decimals under 10 zł, grosze above."""
    step = PRICE_STEP if value < 10 else GROSZ
    return Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP)


def scaled(price: Decimal, factor: str | Decimal) -> Decimal:
    return (price * Decimal(factor)).quantize(PRICE_STEP, rounding=ROUND_HALF_UP)


def ean13(first_twelve: str) -> str:
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(first_twelve))
    return first_twelve + str((10 - total % 10) % 10)


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean13(code[:12]) == code


# --- Categories, groups, attributes, warehouses ----------------------------------------------


@dataclass(frozen=True)
class CategoryNode:
    code: str
    name_pl: str
    name_en: str
    children: tuple[CategoryNode, ...] = ()


def node(code: str, name_pl: str, name_en: str, *children: CategoryNode) -> CategoryNode:
    return CategoryNode(code, name_pl, name_en, children)


CATEGORIES = (
    node(
        "zlaczne",
        "Elementy złączne",
        "Fasteners",
        node("sruby", "Śruby metryczne", "Bolts and machine screws"),
        node("nakretki", "Nakrętki", "Nuts"),
        node("podkladki", "Podkładki", "Washers"),
        node("prety", "Pręty gwintowane", "Threaded rods"),
        node(
            "wkrety",
            "Wkręty",
            "Screws",
            node("wkrety-drewno", "Wkręty do drewna", "Wood screws"),
            node("wkrety-blacha", "Wkręty do blach i dachowe", "Sheet-metal and roofing screws"),
            node("wkrety-gk", "Wkręty do płyt g-k", "Drywall screws"),
        ),
        node("kotwy", "Kotwy i kołki", "Anchors and plugs"),
        node("nity", "Nity, zawleczki i pierścienie", "Rivets, pins and circlips"),
        node("zlacza-ciesielskie", "Złącza ciesielskie", "Timber connectors"),
        node("lancuchy", "Łańcuchy, liny i osprzęt", "Chains, wire ropes and rigging"),
    ),
    node(
        "narzedzia",
        "Narzędzia ręczne",
        "Hand tools",
        node("klucze", "Klucze i nasadki", "Spanners and sockets"),
        node("wkretaki", "Wkrętaki", "Screwdrivers"),
        node("szczypce", "Szczypce i nożyce", "Pliers and cutters"),
        node("mlotki", "Młotki", "Hammers"),
        node("pomiar", "Narzędzia pomiarowe", "Measuring tools"),
        node("narzedzia-budowlane", "Narzędzia budowlane", "Construction hand tools"),
    ),
    node(
        "elektronarzedzia",
        "Elektronarzędzia i osprzęt",
        "Power tools and accessories",
        node("akumulatorowe", "Elektronarzędzia akumulatorowe", "Cordless power tools"),
        node("sieciowe", "Elektronarzędzia sieciowe", "Corded power tools"),
        node("akumulatory", "Akumulatory i ładowarki", "Batteries and chargers"),
        node("wiertla", "Wiertła i koronki", "Drill bits and hole saws"),
        node("tarcze", "Tarcze i materiały ścierne", "Discs and abrasives"),
        node("bity", "Bity i brzeszczoty", "Bits and blades"),
    ),
    node(
        "hydraulika",
        "Hydraulika siłowa i pneumatyka",
        "Hydraulics and pneumatics",
        node("weze-hydrauliczne", "Węże hydrauliczne", "Hydraulic hoses"),
        node("zakucia", "Zakucia i złączki hydrauliczne", "Hydraulic fittings"),
        node("szybkozlacza", "Szybkozłącza i zawory hydrauliczne", "Hydraulic couplings and valves"),
        node(
            "pneumatyka",
            "Pneumatyka",
            "Pneumatics",
            node("weze-pneumatyczne", "Węże pneumatyczne", "Pneumatic tubing"),
            node("zlaczki-pneumatyczne", "Złączki i szybkozłącza pneumatyczne", "Pneumatic fittings and couplers"),
            node("silowniki", "Siłowniki i przygotowanie powietrza", "Cylinders and air preparation"),
        ),
    ),
    node(
        "elektryka",
        "Instalacje elektryczne",
        "Electrical installation",
        node(
            "kable",
            "Kable i przewody",
            "Cables and wires",
            node("przewody-instalacyjne", "Przewody instalacyjne", "Installation wires"),
            node("kable-energetyczne", "Kable energetyczne", "Power cables"),
            node("przewody-gietkie", "Przewody giętkie", "Flexible cords"),
        ),
        node("aparatura", "Aparatura modułowa", "Modular devices"),
        node("rozdzielnice", "Rozdzielnice", "Distribution boards"),
        node("osprzet", "Osprzęt instalacyjny", "Wiring accessories"),
        node("zlacza-przemyslowe", "Złącza i dławnice", "Connectors and cable glands"),
        node("oswietlenie", "Oświetlenie", "Lighting"),
        node("prowadzenie-kabli", "Rury, korytka i opaski", "Conduits, trays and ties"),
    ),
    node(
        "instalacje",
        "Instalacje sanitarne",
        "Plumbing",
        node("pp-r", "Rury i kształtki PP-R", "PP-R pipes and fittings"),
        node("wielowarstwowe", "Rury wielowarstwowe", "Multilayer pipes"),
        node("pe", "Rury i złączki PE", "PE pipes and fittings"),
        node("armatura", "Armatura i złączki mosiężne", "Valves and brass fittings"),
        node("kanalizacja", "Kanalizacja", "Drainage"),
        node("nawadnianie", "Nawadnianie", "Irrigation"),
    ),
    node(
        "bhp",
        "Odzież i ochrona BHP",
        "PPE and workwear",
        node("rekawice", "Rękawice", "Gloves"),
        node("obuwie", "Obuwie robocze", "Safety footwear"),
        node("odziez", "Odzież robocza", "Workwear"),
        node("ochrona-glowy", "Ochrona głowy, oczu i słuchu", "Head, eye and hearing protection"),
        node("ochrona-oddechu", "Ochrona dróg oddechowych i asekuracja", "Respiratory and fall protection"),
    ),
    node(
        "chemia",
        "Chemia budowlana i warsztatowa",
        "Construction and workshop chemicals",
        node("pianki", "Pianki montażowe", "Expanding foams"),
        node("uszczelniacze", "Silikony i uszczelniacze", "Sealants"),
        node("kleje", "Kleje i kotwy chemiczne", "Adhesives and chemical anchors"),
        node("smary-oleje", "Smary i oleje", "Greases and oils"),
        node("spraye", "Spraye techniczne i farby", "Technical sprays and paints"),
        node("tasmy", "Taśmy", "Tapes"),
    ),
    node("uslugi", "Usługi, publikacje i opakowania", "Services, publications and returnables"),
)

# (code, Polish, English)
PRODUCT_GROUPS = (
    ("ZL-STAL", "Złączne stalowe", "Steel fasteners"),
    ("ZL-NIERDZ", "Złączne nierdzewne A2/A4", "Stainless fasteners A2/A4"),
    ("WKRETY-KOTWY", "Wkręty, kotwy i okucia", "Screws, anchors and hardware"),
    ("NARZ-RECZNE", "Narzędzia ręczne", "Hand tools"),
    ("ELEKTRONARZ", "Elektronarzędzia", "Power tools"),
    ("OSPRZET-EL", "Osprzęt do elektronarzędzi", "Power tool accessories"),
    ("HYDRAULIKA", "Hydraulika siłowa", "Hydraulics"),
    ("PNEUMATYKA", "Pneumatyka", "Pneumatics"),
    ("KABLE", "Kable i przewody", "Cables and wires"),
    ("APARATURA", "Aparatura i osprzęt elektryczny", "Electrical devices and accessories"),
    ("OSWIETLENIE", "Oświetlenie", "Lighting"),
    ("INSTALACJE", "Instalacje wodne i kanalizacyjne", "Water and drainage"),
    ("NAWADNIANIE", "Nawadnianie i rolnictwo", "Irrigation and agriculture"),
    ("BHP", "Ochrona osobista BHP", "Personal protective equipment"),
    ("CHEMIA", "Chemia budowlana i warsztatowa", "Construction chemicals"),
    ("USLUGI", "Usługi i publikacje", "Services and publications"),
)

# (code, Polish, English, shown in the grid's filters)
ATTRIBUTES = (
    ("brand", "Marka", "Brand", True),
    ("standard", "Norma", "Standard", True),
    ("thread", "Gwint", "Thread", True),
    ("diameter", "Średnica (mm)", "Diameter (mm)", True),
    ("length", "Długość (mm)", "Length (mm)", True),
    ("strength", "Klasa wytrzymałości", "Strength class", True),
    ("material", "Materiał", "Material", True),
    ("finish", "Powłoka", "Finish", True),
    ("size", "Rozmiar", "Size", True),
    ("dn", "Średnica nominalna DN", "Nominal size DN", True),
    ("pressure", "Ciśnienie robocze (bar)", "Working pressure (bar)", True),
    ("connection", "Przyłącze", "Connection", True),
    ("cross_section", "Przekrój (mm²)", "Cross-section (mm²)", True),
    ("voltage", "Napięcie (V)", "Voltage (V)", True),
    ("current", "Prąd znamionowy (A)", "Rated current (A)", True),
    ("curve", "Charakterystyka", "Trip curve", True),
    ("poles", "Liczba biegunów", "Poles", True),
    ("colour", "Kolor", "Colour", True),
    ("colour_temperature", "Barwa światła (K)", "Colour temperature (K)", True),
    ("protection", "Klasa ochrony", "Protection class", True),
    ("power", "Moc (W)", "Power (W)", False),
    ("capacity", "Pojemność", "Capacity", False),
    ("grit", "Gradacja", "Grit", True),
)

# (code, name, city)
WAREHOUSES = (
    ("WAW", "Magazyn centralny Warszawa", "Warszawa"),
    ("KRK", "Oddział Kraków", "Kraków"),
    ("POZ", "Oddział Poznań", "Poznań"),
)


# --- Fasteners: standards × grades × sizes ---------------------------------------------------
# The product tables below keep a hand-made layout (`fmt: off`): a row per option or per line
# reads better than the formatter's one value per line.


@dataclass(frozen=True)
class Grade:
    code: str
    label_pl: str
    label_en: str
    strength: str
    material_pl: str
    material_en: str
    finish_pl: str
    finish_en: str
    # What nuts and washers of a bolt must match: zn, black, hdg, a2, a4.
    finish_class: str
    price_factor: float
    group: str = "ZL-STAL"
    smallest: int = 0
    largest: int = 99


def _stainless(code: str, strength: str, largest: int = 99) -> Grade:
    if code == "A2":
        return Grade(
            "A2",
            "A2 nierdzewna",
            "A2 stainless",
            strength,
            "stal nierdzewna A2",
            "stainless steel A2",
            "bez powłoki",
            "plain",
            "a2",
            2.9,
            "ZL-NIERDZ",
            largest=largest,
        )
    return Grade(
        "A4",
        "A4 kwasoodporna",
        "A4 acid-resistant",
        strength,
        "stal kwasoodporna A4",
        "acid-resistant steel A4",
        "bez powłoki",
        "plain",
        "a4",
        4.4,
        "ZL-NIERDZ",
        largest=largest,
    )


def _steel(code: str, label: str, strength: str, finish: str, factor: float, smallest: int = 0) -> Grade:
    finishes = {
        "zn": ("ocynk", "zinc plated", "ocynk galwaniczny", "electro-zinc plated"),
        "flake": ("ocynk płatkowy", "zinc flake", "ocynk płatkowy", "zinc flake coated"),
        "black": ("czarna", "plain", "bez powłoki (czernione)", "plain (black oxide)"),
        "hdg": ("ocynk ogniowy", "hot-dip galvanised", "ocynk ogniowy", "hot-dip galvanised"),
    }
    short_pl, short_en, finish_pl, finish_en = finishes[finish]
    return Grade(
        code,
        f"{label} {short_pl}".strip(),
        f"{label} {short_en}".strip(),
        strength,
        "stal",
        "steel",
        finish_pl,
        finish_en,
        "zn" if finish == "flake" else finish,
        factor,
        smallest=smallest,
    )


BOLT_GRADES = {
    grade.code: grade
    for grade in (
        _steel("88ZN", "8.8", "8.8", "zn", 1.0),
        _steel("88", "8.8", "8.8", "black", 0.85),
        _steel("109", "10.9", "10.9", "black", 1.05),
        _steel("109ZN", "10.9", "10.9", "flake", 1.5),
        _steel("129", "12.9", "12.9", "black", 1.2),
        _steel("46ZN", "4.6", "4.6", "zn", 0.8),
        _steel("48ZN", "4.8", "4.8", "zn", 0.8),
        _steel("HDG", "8.8", "8.8", "hdg", 1.6, smallest=8),
        _stainless("A2", "A2-70"),
        _stainless("A4", "A4-70", largest=20),
    )
}
NUT_GRADES = {
    grade.code: grade
    for grade in (
        _steel("8ZN", "kl. 8", "8", "zn", 1.0),
        _steel("8", "kl. 8", "8", "black", 0.85),
        _steel("10ZN", "kl. 10", "10", "zn", 1.3),
        _steel("8HDG", "kl. 8", "8", "hdg", 1.6, smallest=8),
        _stainless("A2", "A2-70"),
        _stainless("A4", "A4-70"),
    )
}
WASHER_GRADES = {
    grade.code: grade
    for grade in (
        _steel("ZN", "", "", "zn", 1.0),
        _steel("OG", "", "", "hdg", 1.7, smallest=8),
        _stainless("A2", ""),
        _stainless("A4", ""),
    )
}


@dataclass(frozen=True)
class Standard:
    """A DIN/ISO part made in several grades and sizes. The piece price follows the steel in it:
    `cost` × d² × (length + `head` × d), times the grade's factor."""

    code: str
    norm: str
    name_pl: str
    short_pl: str
    name_en: str
    short_en: str
    category: str
    grades: tuple[Grade, ...]
    # Thread → lengths in mm; nuts and washers come in threads only.
    sizes: Mapping[str, tuple[int, ...]]
    cost: float
    head: float
    about_pl: str
    about_en: str
    packaging: Packaging | None = None


def _lengths(*rows: tuple[str, tuple[int, ...]]) -> dict[str, tuple[int, ...]]:
    return dict(rows)


def _threads(*names: str) -> dict[str, tuple[int, ...]]:
    return {name: () for name in names}


THREADS = ("M3", "M4", "M5", "M6", "M8", "M10", "M12", "M14", "M16", "M18", "M20", "M22", "M24", "M27", "M30")


def _thread_range(first: str, last: str) -> tuple[str, ...]:
    return THREADS[THREADS.index(first) : THREADS.index(last) + 1]


HEX_BOLT_LENGTHS = _lengths(
    ("M4", (8, 10, 12, 16, 20, 25, 30, 35, 40)),
    ("M5", (10, 12, 16, 20, 25, 30, 35, 40, 45, 50)),
    ("M6", (10, 12, 16, 20, 25, 30, 35, 40, 45, 50, 55, 60, 70, 80)),
    ("M8", (12, 16, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 80, 90, 100)),
    ("M10", (16, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 80, 90, 100, 120)),
    ("M12", (20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 80, 90, 100, 120, 140, 150)),
    ("M14", (30, 35, 40, 45, 50, 60, 70, 80, 90, 100)),
    ("M16", (30, 35, 40, 45, 50, 55, 60, 65, 70, 80, 90, 100, 120, 140, 150)),
    ("M20", (40, 45, 50, 60, 70, 80, 90, 100, 120, 140, 150)),
    ("M24", (50, 60, 70, 80, 90, 100, 120, 140, 150)),
)
PARTIAL_THREAD_LENGTHS = _lengths(
    ("M6", (40, 45, 50, 55, 60, 70, 80, 90, 100)),
    ("M8", (40, 45, 50, 55, 60, 65, 70, 75, 80, 90, 100, 110, 120, 130, 140, 150, 160)),
    ("M10", (45, 50, 55, 60, 65, 70, 75, 80, 90, 100, 110, 120, 130, 140, 150, 160, 180, 200)),
    ("M12", (50, 55, 60, 65, 70, 75, 80, 90, 100, 110, 120, 130, 140, 150, 160, 180, 200)),
    ("M16", (60, 65, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 180, 200)),
    ("M20", (70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 180, 200)),
    ("M24", (80, 90, 100, 110, 120, 130, 140, 150, 160, 180, 200, 220, 240)),
)
SOCKET_CAP_LENGTHS = _lengths(
    ("M3", (6, 8, 10, 12, 16, 20, 25, 30)),
    ("M4", (6, 8, 10, 12, 16, 20, 25, 30, 35, 40)),
    ("M5", (8, 10, 12, 16, 20, 25, 30, 35, 40, 45, 50)),
    ("M6", (8, 10, 12, 16, 20, 25, 30, 35, 40, 45, 50, 55, 60, 70, 80)),
    ("M8", (10, 12, 16, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 80, 90, 100)),
    ("M10", (16, 20, 25, 30, 35, 40, 45, 50, 55, 60, 70, 80, 90, 100)),
    ("M12", (20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100)),
    ("M16", (30, 35, 40, 50, 60, 70, 80, 90, 100)),
    ("M20", (40, 50, 60, 70, 80, 100)),
)
SMALL_SCREW_LENGTHS = _lengths(
    ("M3", (6, 8, 10, 12, 16, 20, 25, 30, 40)),
    ("M4", (6, 8, 10, 12, 16, 20, 25, 30, 35, 40, 50)),
    ("M5", (8, 10, 12, 16, 20, 25, 30, 35, 40, 50, 60)),
    ("M6", (10, 12, 16, 20, 25, 30, 35, 40, 50, 60, 70, 80)),
)
BUTTON_HEAD_LENGTHS = _lengths(
    ("M3", (6, 8, 10, 12, 16)),
    ("M4", (6, 8, 10, 12, 16, 20, 25, 30)),
    ("M5", (8, 10, 12, 16, 20, 25, 30)),
    ("M6", (10, 12, 16, 20, 25, 30, 35, 40)),
    ("M8", (12, 16, 20, 25, 30, 35, 40)),
    ("M10", (16, 20, 25, 30, 40)),
)
COUNTERSUNK_SOCKET_LENGTHS = _lengths(
    ("M3", (8, 10, 12, 16, 20)),
    ("M4", (8, 10, 12, 16, 20, 25, 30)),
    ("M5", (10, 12, 16, 20, 25, 30, 35)),
    ("M6", (12, 16, 20, 25, 30, 35, 40, 50)),
    ("M8", (16, 20, 25, 30, 35, 40, 50, 60)),
    ("M10", (20, 25, 30, 40, 50, 60)),
    ("M12", (25, 30, 40, 50, 60)),
)
CARRIAGE_BOLT_LENGTHS = _lengths(
    ("M5", (20, 25, 30, 40, 50, 60)),
    ("M6", (20, 25, 30, 35, 40, 50, 60, 70, 80, 100)),
    ("M8", (25, 30, 40, 50, 60, 70, 80, 90, 100, 120, 140, 160)),
    ("M10", (30, 40, 50, 60, 70, 80, 100, 120, 140, 160, 180, 200)),
    ("M12", (40, 50, 60, 80, 100, 120, 140, 160, 180, 200)),
)
ROD_LENGTHS = {thread: (1000, 2000, 3000) for thread in _thread_range("M4", "M30")}

B = BOLT_GRADES
N = NUT_GRADES
W = WASHER_GRADES

# fmt: off
FASTENER_STANDARDS = (
    Standard(
        "DIN933", "DIN 933 / ISO 4017", "Śruba z łbem sześciokątnym, gwint na całej długości", "Śruba sześciokątna",
        "Hex head bolt, fully threaded", "Hex bolt", "sruby",
        (B["88ZN"], B["88"], B["109"], B["109ZN"], B["HDG"], B["A2"], B["A4"]), HEX_BOLT_LENGTHS, 1.1e-4, 0.7,
        "Śruba z łbem sześciokątnym z gwintem na całej długości trzpienia, do połączeń konstrukcyjnych i maszynowych.",
        "Hex head bolt threaded to the head, for structural and machine joints.",
    ),
    Standard(
        "DIN931", "DIN 931 / ISO 4014", "Śruba z łbem sześciokątnym, gwint częściowy", "Śruba sześciokątna",
        "Hex head bolt, partially threaded", "Hex bolt", "sruby",
        (B["88ZN"], B["88"], B["109"], B["109ZN"], B["HDG"], B["A2"], B["A4"]), PARTIAL_THREAD_LENGTHS, 1.05e-4, 0.7,
        "Śruba z łbem sześciokątnym z gładką częścią trzpienia, do połączeń przenoszących ścinanie.",
        "Hex head bolt with a plain shank section, for joints in shear.",
    ),
    Standard(
        "DIN912", "DIN 912 / ISO 4762", "Śruba z łbem walcowym z gniazdem sześciokątnym", "Śruba imbusowa",
        "Hexagon socket head cap screw", "Socket cap screw", "sruby",
        (B["129"], B["88ZN"], B["109ZN"], B["A2"], B["A4"]), SOCKET_CAP_LENGTHS, 1.4e-4, 1.0,
        "Śruba z łbem walcowym i gniazdem sześciokątnym (imbus), do budowy maszyn i oprzyrządowania.",
        "Cap screw with a hexagon socket, for machine building and tooling.",
    ),
    Standard(
        "ISO7380", "ISO 7380", "Śruba z łbem półkulistym z gniazdem sześciokątnym", "Śruba z łbem grzybkowym imbus",
        "Hexagon socket button head screw", "Button head screw", "sruby",
        (B["109"], B["109ZN"], B["A2"], B["A4"]), BUTTON_HEAD_LENGTHS, 1.6e-4, 0.6,
        "Śruba z niskim łbem półkulistym, do osłon, obudów i miejsc dostępnych dla rąk.",
        "Low round head screw for covers, housings and places within reach of hands.",
    ),
    Standard(
        "DIN603", "DIN 603", "Śruba zamkowa z łbem grzybkowym i kwadratowym podsięciem", "Śruba zamkowa",
        "Mushroom head square neck bolt", "Carriage bolt", "sruby",
        (B["46ZN"], B["HDG"], B["A2"], B["A4"]), CARRIAGE_BOLT_LENGTHS, 0.95e-4, 0.7,
        "Śruba zamkowa do drewna i konstrukcji rolniczych: kwadratowe podsięcie nie pozwala jej obracać.",
        "Carriage bolt for timber and farm structures: the square neck stops it turning.",
    ),
    Standard(
        "DIN7991", "DIN 7991 / ISO 10642", "Śruba z łbem stożkowym z gniazdem sześciokątnym",
        "Śruba imbusowa z łbem stożkowym", "Hexagon socket countersunk head screw", "Countersunk socket screw",
        "sruby", (B["109"], B["109ZN"], B["A2"], B["A4"]), COUNTERSUNK_SOCKET_LENGTHS, 1.5e-4, 0.5,
        "Śruba z łbem stożkowym 90° chowającym się w materiale, z gniazdem sześciokątnym.",
        "90° countersunk screw that sits flush, with a hexagon socket.",
    ),
    Standard(
        "DIN7985", "DIN 7985 / ISO 7045", "Śruba z łbem soczewkowym z gniazdem krzyżowym",
        "Śruba z łbem soczewkowym PH", "Pan head Phillips machine screw", "Pan head screw PH", "sruby",
        (B["48ZN"], B["A2"], B["A4"]), SMALL_SCREW_LENGTHS, 2.6e-4, 0.6,
        "Drobna śruba metryczna z łbem soczewkowym, do aparatury, obudów i okuć.",
        "Small metric screw with a pan head, for devices, housings and fittings.",
    ),
    Standard(
        "DIN965", "DIN 965 / ISO 7046", "Śruba z łbem stożkowym z gniazdem krzyżowym", "Śruba z łbem stożkowym PH",
        "Countersunk Phillips machine screw", "Countersunk screw PH", "sruby",
        (B["48ZN"], B["A2"], B["A4"]), SMALL_SCREW_LENGTHS, 2.5e-4, 0.4,
        "Drobna śruba metryczna z łbem stożkowym i gniazdem krzyżowym.",
        "Small metric countersunk screw with a Phillips recess.",
    ),
    Standard(
        "DIN84", "DIN 84 / ISO 1207", "Śruba z łbem walcowym z wpustem prostym", "Śruba z łbem walcowym",
        "Slotted cheese head screw", "Cheese head screw", "sruby",
        (B["48ZN"], B["A2"]), SMALL_SCREW_LENGTHS, 2.4e-4, 0.6,
        "Śruba z łbem walcowym i nacięciem pod wkrętak płaski.",
        "Cheese head screw with a slot for a flat screwdriver.",
    ),
    Standard(
        "DIN975", "DIN 975", "Pręt gwintowany", "Pręt gwintowany", "Threaded rod", "Threaded rod", "prety",
        (B["48ZN"], B["88ZN"], B["A2"], B["A4"]), ROD_LENGTHS, 0.75e-4, 0.0,
        "Pręt gwintowany na całej długości, do kotew chemicznych, podwieszeń i ściągów.",
        "Rod threaded along its length, for chemical anchors, suspensions and tie bars.",
        packaging=EACH,
    ),
    Standard(
        "DIN934", "DIN 934 / ISO 4032", "Nakrętka sześciokątna", "Nakrętka sześciokątna", "Hex nut", "Hex nut",
        "nakretki", (N["8ZN"], N["8"], N["10ZN"], N["8HDG"], N["A2"], N["A4"]), _threads(*THREADS), 1.7e-4, 0.8,
        "Nakrętka sześciokątna zwykła, gwint metryczny zwykły.", "Regular hex nut, coarse metric thread.",
    ),
    Standard(
        "DIN985", "DIN 985 / ISO 10511", "Nakrętka samozabezpieczająca z pierścieniem nylonowym",
        "Nakrętka samokontrująca", "Prevailing torque nut with nylon insert", "Nyloc nut", "nakretki",
        (N["8ZN"], N["10ZN"], N["A2"], N["A4"]), _threads(*_thread_range("M3", "M24")), 2.6e-4, 0.8,
        "Nakrętka z wkładką nylonową, która nie odkręca się pod wpływem drgań.",
        "Nut with a nylon insert that stays put under vibration.",
    ),
    Standard(
        "DIN1587", "DIN 1587", "Nakrętka kołpakowa", "Nakrętka kołpakowa", "Dome cap nut", "Cap nut", "nakretki",
        (N["8ZN"], N["A2"]), _threads(*_thread_range("M4", "M24")), 5.0e-4, 0.8,
        "Nakrętka z zamkniętym kołpakiem: osłania koniec śruby.", "Nut with a closed dome covering the bolt end.",
    ),
    Standard(
        "DIN6923", "DIN 6923", "Nakrętka z kołnierzem ząbkowanym", "Nakrętka kołnierzowa",
        "Hex flange nut, serrated", "Flange nut", "nakretki",
        (N["8ZN"], N["A2"]), _threads(*_thread_range("M5", "M16")), 2.8e-4, 0.8,
        "Nakrętka z kołnierzem ząbkowanym zastępującym podkładkę.", "Nut with a serrated flange instead of a washer.",
    ),
    Standard(
        "DIN439", "DIN 439 / ISO 4035", "Nakrętka sześciokątna niska", "Nakrętka niska", "Thin hex nut",
        "Thin hex nut", "nakretki", (N["8ZN"], N["A2"]), _threads(*_thread_range("M4", "M24")), 1.2e-4, 0.5,
        "Nakrętka niska, jako przeciwnakrętka lub tam, gdzie brak miejsca.",
        "Thin nut, as a lock nut or where space is short.",
    ),
    Standard(
        "DIN6334", "DIN 6334", "Nakrętka łącząca do prętów gwintowanych", "Nakrętka łącząca", "Coupling nut",
        "Coupling nut", "nakretki", (N["8ZN"], N["A2"]), _threads(*_thread_range("M6", "M16")), 6.0e-4, 1.5,
        "Długa nakrętka do łączenia prętów gwintowanych.", "Long nut joining threaded rods.",
    ),
    Standard(
        "DIN315", "DIN 315", "Nakrętka motylkowa", "Nakrętka motylkowa", "Wing nut", "Wing nut", "nakretki",
        (N["8ZN"], N["A2"]), _threads(*_thread_range("M4", "M12")), 5.5e-4, 1.0,
        "Nakrętka skrzydełkowa dokręcana ręką, bez klucza.", "Wing nut tightened by hand, without a spanner.",
    ),
    Standard(
        "DIN125", "DIN 125 / ISO 7089", "Podkładka płaska", "Podkładka płaska", "Flat washer", "Flat washer",
        "podkladki", (W["ZN"], W["OG"], W["A2"], W["A4"]), _threads(*THREADS), 1.6e-4, 0.2,
        "Podkładka płaska okrągła pod śruby i nakrętki.", "Round flat washer for bolts and nuts.",
    ),
    Standard(
        "DIN9021", "DIN 9021 / ISO 7093", "Podkładka poszerzana", "Podkładka poszerzana", "Large flat washer",
        "Large washer", "podkladki", (W["ZN"], W["A2"]), _threads(*_thread_range("M4", "M24")), 3.2e-4, 0.2,
        "Podkładka o powiększonej średnicy zewnętrznej, do miękkich materiałów.",
        "Washer with a larger outer diameter, for soft materials.",
    ),
    Standard(
        "DIN127", "DIN 127 B", "Podkładka sprężysta", "Podkładka sprężysta", "Spring lock washer", "Spring washer",
        "podkladki", (W["ZN"], W["A2"]), _threads(*_thread_range("M3", "M24")), 2.6e-4, 0.25,
        "Podkładka sprężysta przeciw luzowaniu się połączenia.", "Split spring washer against loosening.",
    ),
    Standard(
        "DIN440", "DIN 440 R", "Podkładka do konstrukcji drewnianych", "Podkładka do drewna", "Washer for timber",
        "Timber washer", "podkladki", (W["ZN"], W["OG"]), _threads(*_thread_range("M8", "M24")), 3.6e-4, 0.3,
        "Gruba podkładka o dużej średnicy do połączeń drewnianych.", "Thick, wide washer for timber joints.",
    ),
)
# fmt: on


def fastener_pack(price: float) -> int:
    """Pieces per box: the cheaper the piece, the more in a box."""
    for limit, pack in ((0.03, 1000), (0.08, 500), (0.25, 200), (0.8, 100), (2.5, 50), (6.0, 25)):
        if price < limit:
            return pack
    return 10


def _standard_families(standard: Standard, rng: random.Random) -> Iterator[Family]:
    norm_short = standard.norm.split(" / ")[0]
    for grade in standard.grades:
        variants = []
        for thread, lengths in standard.sizes.items():
            diameter = int(thread[1:])
            if not grade.smallest <= diameter <= grade.largest:
                continue
            for length in lengths or (0,):
                steel = diameter**2 * (length + standard.head * diameter)
                price = (0.012 + standard.cost * steel) * grade.price_factor * rng.uniform(0.96, 1.04)
                size_pl = f"{thread}×{length}" if length else thread
                key = f"{thread}X{length}" if length else thread
                attributes: list[tuple[str, str]] = [("standard", norm_short), ("thread", thread)]
                if length:
                    attributes.append(("length", str(length)))
                if grade.strength:
                    attributes.append(("strength", grade.strength))
                attributes += [("material", grade.material_pl), ("finish", grade.finish_pl)]
                pack = fastener_pack(price)
                variants.append(
                    Variant(
                        sku=f"{standard.code}-{key}-{grade.code}",
                        name_pl=f"{standard.short_pl} {norm_short} {size_pl} {grade.label_pl}",
                        name_en=f"{standard.short_en} {norm_short} {size_pl} {grade.label_en}",
                        price=unit_price(price),
                        attributes=tuple(attributes),
                        key=key,
                        match=f"{thread}:{grade.finish_class}",
                        packaging=standard.packaging or packs_of(pack),
                    )
                )
        yield Family(
            code=f"{standard.code}-{grade.code}",
            kind=standard.code,
            name_pl=f"{standard.name_pl} {norm_short} {grade.label_pl}",
            name_en=f"{standard.name_en} {norm_short} {grade.label_en}",
            category=standard.category,
            group=grade.group,
            about_pl=f"{standard.about_pl} Materiał: {grade.material_pl}; powłoka: {grade.finish_pl}.",
            about_en=f"{standard.about_en} Material: {grade.material_en}; finish: {grade.finish_en}.",
            variants=tuple(variants),
            brand="",
            tiers=NO_TIERS if standard.packaging else FASTENER_TIERS,
            facts=(
                ("Norma", standard.norm),
                ("Materiał", grade.material_pl),
                ("Powłoka", grade.finish_pl),
                *((("Klasa wytrzymałości", grade.strength),) if grade.strength else ()),
            ),
        )


@dataclass(frozen=True)
class ScrewType:
    """Wood, sheet-metal and drywall screws: diameter × length in a few finishes."""

    code: str
    name_pl: str
    name_en: str
    category: str
    # (code, Polish, English, price factor)
    finishes: tuple[tuple[str, str, str, float], ...]
    sizes: Mapping[float, tuple[float, ...]]
    cost: float
    standard: str = ""
    # Coach screws take the washers of a metric bolt of the same diameter.
    takes_washers: bool = False


WHITE_ZINC = ("ZNB", "ocynk biały", "white zinc", 1.0)
YELLOW_ZINC = ("ZNZ", "ocynk żółty", "yellow zinc", 1.05)
STAINLESS_A2 = ("A2", "nierdzewny A2", "stainless A2", 3.2)
STAINLESS_A4 = ("A4", "kwasoodporny A4", "acid-resistant A4", 4.6)
HOT_DIP = ("OG", "ocynk ogniowy", "hot-dip galvanised", 1.7)
PHOSPHATED = ("FOS", "fosfatowany", "phosphated", 0.9)
ROOF_COLOURS = tuple(
    (f"RAL{ral}", f"RAL {ral} {colour_pl}", f"RAL {ral} {colour_en}", 1.25)
    for ral, colour_pl, colour_en in (
        ("3009", "czerwony tlenkowy", "oxide red"),
        ("3011", "brązowo-czerwony", "brown red"),
        ("6020", "zielony chromowy", "chrome green"),
        ("7016", "grafitowy", "anthracite"),
        ("8017", "czekoladowy brąz", "chocolate brown"),
        ("9005", "czarny", "jet black"),
    )
)
WOOD_SCREW_SIZES = {
    3.0: (12, 16, 20, 25, 30, 35, 40),
    3.5: (16, 20, 25, 30, 35, 40, 45, 50),
    4.0: (16, 20, 25, 30, 35, 40, 45, 50, 60, 70),
    4.5: (30, 35, 40, 45, 50, 60, 70, 80),
    5.0: (30, 35, 40, 45, 50, 60, 70, 80, 90, 100),
    6.0: (40, 50, 60, 70, 80, 90, 100, 120, 140, 160),
}
SELF_DRILLING_SIZES = {
    4.2: (16, 19, 25, 32, 38),
    4.8: (19, 25, 32, 38, 45, 50),
    5.5: (19, 25, 32, 38, 50, 60, 70, 80, 100),
    6.3: (19, 25, 32, 38, 50, 70, 100),
}
TAPPING_SIZES = {
    2.9: (6.5, 9.5, 13, 16),
    3.5: (9.5, 13, 16, 19, 25),
    3.9: (9.5, 13, 16, 19, 25, 32),
    4.2: (13, 16, 19, 25, 32, 38),
    4.8: (16, 19, 25, 32, 38, 50),
    5.5: (19, 25, 32, 38, 50),
    6.3: (19, 25, 32, 38, 50),
}

# fmt: off
SCREW_TYPES = (
    ScrewType(
        "WKD-PZ", "Wkręt do drewna, łeb stożkowy, gniazdo PZ", "Wood screw, countersunk head, PZ drive",
        "wkrety-drewno", (WHITE_ZINC, YELLOW_ZINC, STAINLESS_A2), WOOD_SCREW_SIZES, 6.2e-5,
    ),
    ScrewType(
        "WKD-TX", "Wkręt do drewna, łeb stożkowy, gniazdo Torx", "Wood screw, countersunk head, Torx drive",
        "wkrety-drewno", (YELLOW_ZINC, STAINLESS_A2, STAINLESS_A4), WOOD_SCREW_SIZES, 7.0e-5,
    ),
    ScrewType(
        "WKK-TX", "Wkręt konstrukcyjny, łeb talerzowy, Torx", "Structural timber screw, washer head, Torx",
        "wkrety-drewno", (YELLOW_ZINC, HOT_DIP),
        {6.0: (60, 80, 100, 120, 140, 160, 180, 200, 240, 260, 300), 8.0: (80, 100, 120, 140, 160, 200, 240, 280,
         300, 340, 400), 10.0: (100, 120, 160, 200, 240, 280, 300, 340, 400)}, 6.5e-5,
    ),
    ScrewType(
        "WKT", "Wkręt tarasowy, łeb stożkowy, Torx", "Decking screw, countersunk head, Torx", "wkrety-drewno",
        (STAINLESS_A2, STAINLESS_A4), {5.0: (40, 45, 50, 60, 70, 80)}, 9.0e-5,
    ),
    ScrewType(
        "DIN571", "Wkręt do drewna z łbem sześciokątnym DIN 571", "Hex head coach screw DIN 571",
        "wkrety-drewno", (WHITE_ZINC, HOT_DIP, STAINLESS_A2),
        {6.0: (30, 40, 50, 60, 70, 80, 100, 120), 8.0: (40, 50, 60, 70, 80, 100, 120, 140, 160), 10.0: (50, 60, 80,
         100, 120, 140, 160, 180, 200), 12.0: (60, 80, 100, 120, 140, 160, 200)}, 8.0e-5,
        standard="DIN 571", takes_washers=True,
    ),
    ScrewType(
        "WGK-D", "Wkręt do płyt g-k do drewna, gwint rzadki", "Drywall screw for timber, coarse thread",
        "wkrety-gk", (PHOSPHATED,), {3.5: (25, 35, 45, 55), 3.9: (35, 45, 55), 4.2: (65, 75)}, 4.5e-5,
    ),
    ScrewType(
        "WGK-M", "Wkręt do płyt g-k do profili, gwint gęsty", "Drywall screw for metal studs, fine thread",
        "wkrety-gk", (PHOSPHATED,), {3.5: (25, 35, 45, 55), 3.9: (35, 45, 55)}, 4.5e-5,
    ),
    ScrewType(
        "WFA", "Wkręt farmerski z podkładką EPDM, łeb sześciokątny", "Roofing screw with EPDM washer, hex head",
        "wkrety-blacha", (WHITE_ZINC, *ROOF_COLOURS),
        {4.8: (20, 25, 35), 5.5: (19, 25, 35, 50, 60, 70, 80, 100), 6.3: (25, 38, 50, 70)}, 1.1e-4,
    ),
    ScrewType(
        "WSW", "Wkręt samowiercący z łbem sześciokątnym i kołnierzem", "Self-drilling screw, hex washer head",
        "wkrety-blacha", (WHITE_ZINC, STAINLESS_A2), SELF_DRILLING_SIZES, 9.0e-5, standard="DIN 7504 K",
    ),
    ScrewType(
        "DIN7981", "Blachowkręt z łbem soczewkowym PH", "Pan head tapping screw PH", "wkrety-blacha",
        (WHITE_ZINC, STAINLESS_A2), TAPPING_SIZES, 1.3e-4, standard="DIN 7981",
    ),
    ScrewType(
        "DIN7982", "Blachowkręt z łbem stożkowym PH", "Countersunk tapping screw PH", "wkrety-blacha",
        (WHITE_ZINC, STAINLESS_A2), TAPPING_SIZES, 1.3e-4, standard="DIN 7982",
    ),
    ScrewType(
        "DIN7976", "Blachowkręt z łbem sześciokątnym", "Hex head tapping screw", "wkrety-blacha",
        (WHITE_ZINC, STAINLESS_A2), TAPPING_SIZES, 1.4e-4, standard="DIN 7976",
    ),
)
# fmt: on


def _screw_families(screw: ScrewType, rng: random.Random) -> Iterator[Family]:
    for finish_code, finish_pl, finish_en, factor in screw.finishes:
        stainless = finish_code in {"A2", "A4"}
        variants = []
        for diameter, lengths in screw.sizes.items():
            for length in lengths:
                price = (0.008 + screw.cost * diameter**2 * length) * factor * rng.uniform(0.96, 1.04)
                size_en = f"{diameter:.1f}×{length:g}"
                size_pl = size_en.replace(".", ",")
                attributes: Attrs = (
                    *((("standard", screw.standard),) if screw.standard else ()),
                    ("diameter", pl_number(diameter)),
                    ("length", pl_number(length)),
                    ("material", "stal nierdzewna" if stainless else "stal"),
                    ("finish", finish_pl),
                )
                variants.append(
                    Variant(
                        sku=f"{screw.code}-{sku_part(size_en)}-{finish_code}",
                        name_pl=f"{screw.name_pl} {size_pl} {finish_pl}",
                        name_en=f"{screw.name_en} {size_en} {finish_en}",
                        price=unit_price(price),
                        attributes=attributes,
                        key=sku_part(size_en),
                        match=f"M{diameter:g}:{'hdg' if finish_code == 'OG' else 'zn'}" if screw.takes_washers else "",
                        packaging=packs_of(fastener_pack(price)),
                    )
                )
        yield Family(
            code=f"{screw.code}-{finish_code}",
            kind=screw.code,
            name_pl=f"{screw.name_pl} {finish_pl}",
            name_en=f"{screw.name_en} {finish_en}",
            category=screw.category,
            group="ZL-NIERDZ" if stainless else "WKRETY-KOTWY",
            about_pl=f"{screw.name_pl}, {finish_pl}. Sprzedawany w pełnych opakowaniach.",
            about_en=f"{screw.name_en}, {finish_en}. Sold in full boxes.",
            variants=tuple(variants),
            brand="",
            tiers=FASTENER_TIERS,
            facts=(("Wykończenie", finish_pl), *((("Norma", screw.standard),) if screw.standard else ())),
        )


# --- Branded lines: a family per brand, a variant per option ----------------------------------


def o(label_pl: str, label_en: str, price: float, *attributes: tuple[str, str], **extra: Any) -> Option:
    """An option whose label has words, so it needs its English too."""
    return Option(label_pl, price, tuple(attributes), label_en=label_en, **extra)


def _line_families(line: Line, rng: random.Random) -> Iterator[Family]:
    for brand_code in line.brands:
        brand = BRANDS.get(brand_code)
        brand_name = brand.name if brand else ""
        stem = f"{brand_code}-{line.code}" if brand_code else line.code
        name_pl, _, note_pl = line.name_pl.partition(", ")
        name_en, _, note_en = line.name_en.partition(", ")
        note_pl, note_en = f", {note_pl}" if note_pl else "", f", {note_en}" if note_en else ""
        variants = []
        for option in line.options:
            key = option.key or "-".join(sku_part(value) for _, value in option.attributes) or sku_part(option.label)
            price = option.price * (brand.price_factor if brand else 1.0) * rng.uniform(0.97, 1.03)
            label_en = option.label_en or english_decimals(option.label)
            variants.append(
                Variant(
                    sku=f"{stem}-{key}",
                    name_pl=" ".join(part for part in (name_pl, brand_name, option.label) if part) + note_pl,
                    name_en=" ".join(part for part in (name_en, brand_name, label_en) if part) + note_en,
                    price=unit_price(price),
                    attributes=(*((("brand", brand_name),) if brand else ()), *line.attributes, *option.attributes),
                    key=key,
                    match=option.match,
                    packaging=option.packaging,
                )
            )
        yield Family(
            code=stem,
            kind=line.code,
            name_pl=" ".join(part for part in (name_pl, brand_name) if part) + note_pl,
            name_en=" ".join(part for part in (name_en, brand_name) if part) + note_en,
            category=line.category,
            group=line.group,
            about_pl=line.about_pl,
            about_en=line.about_en,
            variants=tuple(variants),
            brand=brand_code,
            packaging=line.packaging,
            tiers=line.tiers,
            vat=line.vat,
        )


# fmt: off
INCH_KEYS = {
    '1/8"': "18", '1/4"': "14", '3/8"': "38", '1/2"': "12", '3/4"': "34", '1"': "1",
    '5/4"': "54", '6/4"': "64", '2"': "2",
}
# fmt: on
STEEL = ("material", "stal")
CRV = ("material", "stal Cr-V")
ZINC = ("finish", "ocynk galwaniczny")
HDG_FINISH = ("finish", "ocynk ogniowy")


def inch(size: str, price: float, *attributes: tuple[str, str], **extra: Any) -> Option:
    extra.setdefault("match", size)
    return Option(size, price, (("connection", size), *attributes), key=INCH_KEYS[size], **extra)


def by_inch(
    sizes: Sequence[str], prices: Sequence[float], *attributes: tuple[str, str], **extra: Any
) -> tuple[Option, ...]:
    return tuple(inch(size, price, *attributes, **extra) for size, price in zip(sizes, prices, strict=True))


BSP_SIZES = ('1/4"', '3/8"', '1/2"', '3/4"', '1"')
PIPE_SIZES = ('1/4"', '3/8"', '1/2"', '3/4"', '1"', '5/4"', '6/4"', '2"')
# A brass fitting's price against its 1/2" size.
PIPE_FACTORS = (0.6, 0.75, 1.0, 1.5, 2.4, 3.8, 5.0, 7.5)


def _anchor_lines() -> Iterator[Line]:
    # fmt: off
    through_bolts = [(8, (50, 75, 95, 115, 135, 160)), (10, (70, 90, 110, 130, 150, 180, 200)),
                     (12, (80, 100, 120, 150, 180, 220)), (16, (100, 125, 145, 175, 220, 250)), (20, (160, 200, 250))]
    for code, finish, factor, finish_pl, finish_en in (
        ("KS-ZN", ZINC, 1.0, "ocynk", "zinc plated"), ("KS-OG", HDG_FINISH, 1.6, "ocynk ogniowy", "hot-dip galvanised")
    ):
        yield Line(
            code, "kotwy", "WKRETY-KOTWY", f"Kotwa sworzniowa {finish_pl}", f"Through-bolt anchor {finish_en}",
            "Kotwa stalowa do betonu niezarysowanego, z nakrętką i podkładką; z europejską oceną techniczną ETA.",
            "Steel anchor for uncracked concrete with nut and washer; with a European Technical Assessment.",
            tuple(opt(f"M{d}×{length}", (0.25 + 0.00018 * d * d * length) * factor,
                      ("thread", f"M{d}"), ("length", str(length)), key=f"M{d}X{length}")
                  for d, lengths in through_bolts for length in lengths),
            brands=("",), packaging=Packaging(Unit.PIECE, 50, 10, 10), tiers=FASTENER_TIERS,
            attributes=(STEEL, finish),
        )
    yield Line(
        "KS-A4", "kotwy", "ZL-NIERDZ", "Kotwa sworzniowa A4", "Through-bolt anchor A4",
        "Kotwa ze stali kwasoodpornej A4 do betonu, na zewnątrz i w środowisku agresywnym.",
        "Acid-resistant A4 steel anchor for concrete, outdoors and in aggressive environments.",
        tuple(opt(f"M{d}×{length}", (0.25 + 0.00018 * d * d * length) * 4.2,
                  ("thread", f"M{d}"), ("length", str(length)), key=f"M{d}X{length}")
              for d, lengths in through_bolts[:4] for length in lengths[:4]),
        brands=("",), packaging=Packaging(Unit.PIECE, 25, 5, 5), tiers=FASTENER_TIERS,
        attributes=(("material", "stal kwasoodporna A4"),),
    )
    yield Line(
        "KT", "kotwy", "WKRETY-KOTWY", "Kotwa tulejowa ze śrubą", "Sleeve anchor with hex bolt",
        "Kotwa tulejowa do betonu i cegły pełnej.", "Sleeve anchor for concrete and solid brick.",
        tuple(opt(f"M{d}×{length}", 0.3 + 0.00022 * d * d * length, ("thread", f"M{d}"), ("length", str(length)))
              for d, lengths in ((6, (45, 65, 85)), (8, (60, 80, 100)), (10, (75, 100, 125)), (12, (100, 130)))
              for length in lengths),
        brands=("",), packaging=Packaging(Unit.PIECE, 50, 10, 10), tiers=FASTENER_TIERS, attributes=(STEEL, ZINC),
    )
    for brand in ("HXP", "KWL"):
        yield Line(
            "KN", "kotwy", "WKRETY-KOTWY", "Kołek rozporowy nylonowy uniwersalny", "Universal nylon wall plug",
            "Kołek do betonu, cegły pełnej i drążonej oraz płyt g-k.",
            "Plug for concrete, solid and hollow brick and plasterboard.",
            tuple(opt(f"{d}×{length}", 0.02 + 0.0004 * d * length, ("diameter", str(d)), ("length", str(length)))
                  for d, length in ((5, 25), (6, 30), (6, 40), (8, 40), (8, 50), (10, 50), (10, 60), (12, 60),
                                    (12, 70), (14, 70))),
            brands=(brand,), packaging=packs_of(100), tiers=FASTENER_TIERS, attributes=(("material", "poliamid PA6"),),
        )
    yield Line(
        "KR", "kotwy", "WKRETY-KOTWY", "Kołek ramowy z wkrętem", "Frame fixing with screw",
        "Kołek do mocowania ościeżnic, łat i konstrukcji przez otwór.",
        "Plug for fixing frames, battens and structures through the hole.",
        tuple(opt(f"{d}×{length}", 0.25 + 0.00045 * d * length, ("diameter", str(d)), ("length", str(length)))
              for d, lengths in ((8, (60, 80, 100, 120, 140, 160)), (10, (80, 100, 115, 135, 160, 200, 230)))
              for length in lengths),
        brands=("HXP", "KWL"), packaging=packs_of(50), tiers=FASTENER_TIERS,
    )
    yield Line(
        "KSM", "kotwy", "WKRETY-KOTWY", "Kołek szybkiego montażu (wbijany)", "Hammer-in fixing",
        "Kołek z wkrętem do wbijania, do szybkiego montażu listew i profili.",
        "Nail-in plug for fast fixing of battens and profiles.",
        tuple(opt(f"{d}×{length}", 0.06 + 0.0005 * d * length, ("diameter", str(d)), ("length", str(length)))
              for d, length in ((5, 30), (6, 40), (6, 60), (6, 80), (8, 60), (8, 80), (8, 100), (8, 120), (8, 140))),
        brands=("HXP",), packaging=packs_of(100), tiers=FASTENER_TIERS,
    )
    yield Line(
        "NIT", "nity", "WKRETY-KOTWY", "Nit zrywalny", "Blind rivet",
        "Nit jednostronny z łbem płaskim.", "Blind rivet with a dome head.",
        tuple(o(f"{pl_number(d)}×{length} {material_pl}", f"{d}×{length} {material_en}",
                (0.02 + 0.0006 * d * length) * factor, ("diameter", pl_number(d)), ("length", str(length)),
                ("material", material_pl), key=f"{d}X{length}-{code}", packaging=packs_of(500 if d < 5 else 250))
              for code, material_pl, material_en, factor in (("ALST", "aluminium/stal", "aluminium/steel", 1.0),
                                                            ("ALAL", "aluminium/aluminium", "aluminium/aluminium", 1.1),
                                                            ("A2", "stal nierdzewna A2", "stainless A2", 2.6))
              for d, lengths in ((3.2, (6, 8, 10, 12)), (4.0, (6, 8, 10, 12, 16, 20)), (4.8, (8, 10, 12, 16, 20, 25)),
                                 (6.4, (12, 16, 20, 25)))
              for length in lengths),
        brands=("",), tiers=FASTENER_TIERS,
    )
    yield Line(
        "NNT", "nity", "WKRETY-KOTWY", "Nitonakrętka z łbem płaskim", "Flat head rivet nut",
        "Nitonakrętka do gwintów w cienkich blachach i profilach.", "Rivet nut for threads in thin sheet and tubes.",
        tuple(o(f"{thread} {material_pl}", f"{thread} {material_en}", price * factor, ("thread", thread),
                ("material", material_pl), key=f"{thread}-{code}")
              for code, material_pl, material_en, factor in (("ZN", "stal ocynkowana", "zinc-plated steel", 1.0),
                                                            ("A2", "stal nierdzewna A2", "stainless A2", 2.4))
              for thread, price in (("M3", 0.09), ("M4", 0.11), ("M5", 0.14), ("M6", 0.19), ("M8", 0.29),
                                    ("M10", 0.45), ("M12", 0.69))),
        brands=("",), packaging=packs_of(100), tiers=FASTENER_TIERS,
    )
    yield Line(
        "DIN94", "nity", "ZL-STAL", "Zawleczka DIN 94 ocynk", "Split pin DIN 94 zinc plated",
        "Zawleczka do zabezpieczania sworzni i nakrętek koronowych.", "Split pin securing pins and castle nuts.",
        tuple(opt(f"{pl_number(d)}×{length}", 0.01 + 0.00012 * d * d * length, ("diameter", pl_number(d)),
                  ("length", str(length)), key=f"{d}X{length}")
              for d, lengths in ((1.6, (16, 20, 25)), (2.0, (20, 25, 32)), (2.5, (25, 32, 40)), (3.2, (25, 32, 40, 50)),
                                 (4.0, (32, 40, 50, 63)), (5.0, (40, 50, 63, 80)), (6.3, (50, 63, 80, 100)),
                                 (8.0, (63, 80, 100)))
              for length in lengths),
        brands=("",), packaging=packs_of(100), tiers=FASTENER_TIERS, attributes=(("standard", "DIN 94"), STEEL, ZINC),
    )
    yield Line(
        "DIN1481", "nity", "ZL-STAL", "Kołek sprężysty DIN 1481", "Spring pin DIN 1481",
        "Kołek sprężysty (rozcięty) ze stali sprężynowej.", "Slotted spring pin of spring steel.",
        tuple(opt(f"{d}×{length}", 0.02 + 0.0002 * d * d * length, ("diameter", str(d)), ("length", str(length)))
              for d, lengths in ((2, (10, 16, 20)), (3, (16, 20, 30)), (4, (20, 30, 40)), (5, (20, 30, 40, 50)),
                                 (6, (30, 40, 50, 60)), (8, (40, 50, 60, 80)), (10, (50, 60, 80, 100)))
              for length in lengths),
        brands=("",), packaging=packs_of(100), tiers=FASTENER_TIERS, attributes=(("standard", "DIN 1481"), STEEL),
    )
    for code, name_pl, name_en, standard in (
        ("DIN471", "Pierścień osadczy Segera na wałek", "External retaining ring (circlip)", "DIN 471"),
        ("DIN472", "Pierścień osadczy Segera do otworu", "Internal retaining ring (circlip)", "DIN 472"),
    ):
        yield Line(
            code, "nity", "ZL-STAL", name_pl, name_en,
            "Pierścień osadczy ze stali sprężynowej, czerniony.", "Spring steel retaining ring, black oxide.",
            sizes("diameter", ((str(d), 0.03 + 0.0009 * d * d) for d in
                               (8, 10, 12, 14, 15, 16, 17, 18, 20, 22, 24, 25, 28, 30, 32, 35, 40, 45, 50, 55, 60)),
                  " mm"),
            brands=("",), packaging=packs_of(50), tiers=FASTENER_TIERS, attributes=(("standard", standard), STEEL),
        )


def _rigging_lines() -> Iterator[Line]:
    # fmt: off
    angles = ((40, 40, 40), (50, 50, 35), (60, 60, 45), (70, 70, 55), (90, 90, 40), (90, 90, 65), (105, 105, 90))
    for code, name_pl, name_en, factor in (
        ("KP", "Kątownik ciesielski prosty", "Timber angle bracket", 1.0),
        ("KPW", "Kątownik ciesielski wzmocniony", "Reinforced timber angle bracket", 1.35),
    ):
        yield Line(
            code, "zlacza-ciesielskie", "WKRETY-KOTWY", name_pl, name_en,
            "Złącze ciesielskie z blachy ocynkowanej do połączeń drewno–drewno i drewno–beton.",
            "Galvanised steel connector for timber-to-timber and timber-to-concrete joints.",
            tuple(o(f"{a}×{b}×{c} mm {finish_pl}", f"{a}×{b}×{c} mm {finish_en}",
                    (0.35 + 0.00022 * a * b * c / 10) * factor * finish_factor, ("size", f"{a}×{b}×{c}"),
                    ("finish", finish_pl), key=f"{a}X{b}X{c}-{finish_code}")
                  for a, b, c in angles
                  for finish_code, finish_pl, finish_en, finish_factor in (("ZN", "ocynk", "zinc plated", 1.0),
                                                                           ("OG", "ocynk ogniowy", "hot-dip", 1.5))),
            brands=("",), packaging=packs_of(10), tiers=FASTENER_TIERS, attributes=(STEEL,),
        )
    yield Line(
        "ZB", "zlacza-ciesielskie", "WKRETY-KOTWY", "Wieszak belki (złącze belkowe)", "Joist hanger",
        "Złącze do opierania belek na belkach i ścianach.", "Hanger supporting joists on beams and walls.",
        tuple(opt(f"{w}×{h} mm", 2.2 + 0.0004 * w * h, ("size", f"{w}×{h}"))
              for w, h in ((40, 110), (45, 120), (50, 150), (60, 160), (80, 180), (100, 200), (120, 240))),
        brands=("",), packaging=packs_of(10), tiers=FASTENER_TIERS, attributes=(STEEL, ZINC),
    )
    yield Line(
        "PP", "zlacza-ciesielskie", "WKRETY-KOTWY", "Płytka perforowana", "Perforated nail plate",
        "Płytka do łączenia elementów drewnianych na styk.", "Plate joining timber members end to end.",
        tuple(opt(f"{w}×{h} mm", 0.6 + 0.00012 * w * h, ("size", f"{w}×{h}"))
              for w, h in ((40, 120), (60, 160), (80, 200), (100, 240), (120, 300))),
        brands=("",), packaging=packs_of(10), tiers=FASTENER_TIERS, attributes=(STEEL, ZINC),
    )
    yield Line(
        "LAN", "lancuchy", "WKRETY-KOTWY", "Łańcuch ogniwowy krótki DIN 766 ocynk", "Short link chain DIN 766 zinc",
        "Łańcuch techniczny krótkoogniwowy, sprzedaż na metry.", "Short link technical chain, sold by the metre.",
        sizes("diameter", ((str(d), 2.9 + 0.2 * d * d) for d in (3, 4, 5, 6, 8, 10, 13)), " mm"),
        brands=("",), packaging=Packaging(Unit.METRE, 1, 1, 1), tiers=METRE_TIERS,
    )
    yield Line(
        "LIN", "lancuchy", "WKRETY-KOTWY", "Lina stalowa ocynkowana 6×19", "Galvanised steel wire rope 6×19",
        "Lina stalowa z rdzeniem włóknistym, sprzedaż na metry.", "Fibre core steel wire rope, sold by the metre.",
        sizes("diameter", ((str(d), 0.9 + 0.09 * d * d) for d in (2, 3, 4, 5, 6, 8, 10, 12)), " mm"),
        brands=("",), packaging=Packaging(Unit.METRE, 1, 5, 1), tiers=METRE_TIERS,
    )
    for code, name_pl, name_en, base in (
        ("ZLN", "Zacisk do liny DIN 741", "Wire rope clip DIN 741", 0.9),
        ("KAU", "Kausza DIN 6899", "Wire rope thimble DIN 6899", 0.5),
        ("SZK", "Szekla prosta z sworzniem", "D shackle with screw pin", 1.4),
        ("KAR", "Karabińczyk strażacki", "Snap hook", 1.2),
    ):
        for finish_code, finish, factor in (("ZN", ZINC, 1.0), ("A4", ("material", "stal kwasoodporna A4"), 4.0)):
            yield Line(
                f"{code}-{finish_code}", "lancuchy", "ZL-NIERDZ" if finish_code == "A4" else "WKRETY-KOTWY",
                f"{name_pl}{' A4' if finish_code == 'A4' else ''}", f"{name_en}{' A4' if finish_code == 'A4' else ''}",
                "Osprzęt do lin i łańcuchów. Nie do podnoszenia ładunków nad ludźmi.",
                "Rope and chain fitting. Not for lifting loads over people.",
                sizes("diameter", ((str(d), base * factor + 0.08 * d * d * factor) for d in (3, 4, 5, 6, 8, 10, 12)),
                      " mm"),
                brands=("",), packaging=packs_of(10 if base < 1 else 5), tiers=FASTENER_TIERS, attributes=(finish,),
            )
    yield Line(
        "SRZ", "lancuchy", "WKRETY-KOTWY", "Śruba rzymska DIN 1480 ocynk", "Turnbuckle DIN 1480 zinc plated",
        "Napinacz do lin i odciągów.", "Tensioner for ropes and guys.",
        tuple(o(f"{thread} {ends_pl}", f"{thread} {ends_en}", 3.5 + 0.06 * int(thread[1:]) ** 2 * factor,
                ("thread", thread), key=f"{thread}-{ends_code}")
              for thread in ("M6", "M8", "M10", "M12", "M16", "M20")
              for ends_code, ends_pl, ends_en, factor in (("HO", "hak–oko", "hook–eye", 1.0),
                                                          ("OO", "oko–oko", "eye–eye", 1.05))),
        brands=("",), tiers=TOOL_TIERS, attributes=(("standard", "DIN 1480"), STEEL, ZINC),
    )


# --- Hand tools ---------------------------------------------------------------------------------

HAND = ("HXP", "STK", "KWL")
HAND2 = ("HXP", "STK")
HAND_ABOUT_PL = "Narzędzie ręczne ze stali chromowo-wanadowej, do pracy codziennej w warsztacie i na budowie."
HAND_ABOUT_EN = "Chrome vanadium hand tool for daily work in the workshop and on site."


def _hand(
    code: str,
    category: str,
    name_pl: str,
    name_en: str,
    options: tuple[Option, ...],
    brands: tuple[str, ...] = HAND,
    **extra: Any,
) -> Line:
    return Line(code, category, "NARZ-RECZNE", name_pl, name_en, HAND_ABOUT_PL, HAND_ABOUT_EN, options, brands, **extra)


def _hand_tool_lines() -> Iterator[Line]:
    # fmt: off
    pairs = ("6×7", "8×9", "10×11", "12×13", "13×15", "14×15", "16×17", "18×19", "19×22", "20×22", "21×23",
             "22×24", "24×27", "27×30", "30×32")
    yield _hand("KLP", "klucze", "Klucz płaski dwustronny", "Double open-end spanner",
                sizes("size", ((p, 8 + 0.85 * sum(map(int, p.split("×")))) for p in pairs), " mm"),
                attributes=(CRV,))
    yield _hand("KPO", "klucze", "Klucz płasko-oczkowy", "Combination spanner",
                sizes("size", ((str(s), 7 + 2.1 * s) for s in (*range(6, 23), 24, 27, 30, 32)), " mm"),
                attributes=(CRV,))
    yield _hand("KPG", "klucze", "Klucz płasko-oczkowy z grzechotką", "Ratcheting combination spanner",
                sizes("size", ((str(s), 24 + 2.4 * s) for s in (8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 22)), " mm"),
                ("STK", "KWL"), attributes=(CRV,))
    yield _hand("ZKP", "klucze", "Zestaw kluczy płasko-oczkowych", "Combination spanner set",
                (o("6–22 mm, 12 el.", "6–22 mm, 12 pcs", 119, key="12"),
                 o("8–19 mm, 8 el.", "8–19 mm, 8 pcs", 79, key="8"),
                 o("6–32 mm, 25 el.", "6–32 mm, 25 pcs", 349, key="25")), packaging=Packaging(Unit.SET))
    yield _hand("KOO", "klucze", "Klucz oczkowy odgięty", "Offset ring spanner",
                sizes("size", ((p, 12 + 0.95 * sum(map(int, p.split("×")))) for p in pairs[:10]), " mm"), HAND2,
                attributes=(CRV,))
    yield _hand("NAS12", "klucze", 'Nasadka sześciokątna 1/2"', 'Hex socket 1/2"',
                sizes("size", ((str(s), 6 + 0.55 * s) for s in (*range(10, 20), 21, 22, 24, 27, 30, 32)), " mm"),
                attributes=(CRV, ("connection", '1/2"')))
    yield _hand("NAS14", "klucze", 'Nasadka sześciokątna 1/4"', 'Hex socket 1/4"',
                sizes("size", ((pl_number(s), 4 + 0.5 * s) for s in (4, 5, 5.5, 6, 7, 8, 9, 10, 11, 12, 13, 14)),
                      " mm"),
                HAND2, attributes=(CRV, ("connection", '1/4"')))
    yield _hand("NASU", "klucze", 'Nasadka udarowa 1/2"', 'Impact socket 1/2"',
                sizes("size", ((str(s), 12 + 0.95 * s) for s in (10, 11, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27,
                                                                  30, 32)), " mm"),
                ("HXP", "KWL"), attributes=(("material", "stal Cr-Mo"), ("connection", '1/2"')))
    yield _hand("KIM", "klucze", "Klucz imbusowy długi", "Long hex key",
                sizes("size", ((pl_number(s), 2 + 1.6 * s) for s in (1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, 14, 17, 19)),
                      " mm"), HAND2, attributes=(CRV,))
    yield _hand("KTX", "klucze", "Klucz Torx długi", "Long Torx key",
                sizes("size", ((f"T{n}", 4 + 0.15 * n) for n in (10, 15, 20, 25, 27, 30, 40, 45, 50))), HAND2)
    yield _hand("WKP", "wkretaki", "Wkrętak płaski", "Flat screwdriver",
                sizes("size", (("3×75", 11), ("4×100", 13), ("5,5×125", 16), ("6,5×150", 19), ("8×150", 23),
                               ("10×200", 28)), " mm"))
    for tip in ("PH", "PZ"):
        yield _hand(f"WK{tip}", "wkretaki", f"Wkrętak krzyżowy {tip}", f"{tip} screwdriver",
                    sizes("size", ((f"{tip}0×60", 12), (f"{tip}1×80", 13), (f"{tip}2×100", 15), (f"{tip}2×150", 18),
                                   (f"{tip}3×150", 21))))
    yield _hand("WKVDE", "wkretaki", "Wkrętak izolowany VDE 1000 V", "VDE insulated screwdriver 1000 V",
                sizes("size", (("2,5×75", 24), ("3,5×100", 26), ("4×100", 27), ("5,5×125", 31), ("6,5×150", 35),
                               ("PH1×80", 29), ("PH2×100", 32), ("PZ1×80", 29), ("PZ2×100", 32))),
                ("STK", "KWL"), attributes=(("voltage", "1000"),))
    yield _hand("WKTX", "wkretaki", "Wkrętak Torx", "Torx screwdriver",
                sizes("size", ((f"T{n}", 13 + 0.2 * n) for n in (10, 15, 20, 25, 27, 30, 40))), HAND2)
    for code, name_pl, name_en, rows, brands in (
        ("SZK", "Szczypce uniwersalne (kombinerki)", "Combination pliers", ((160, 39), (180, 45), (200, 52)), HAND),
        ("SZB", "Szczypce tnące boczne", "Diagonal cutting pliers", ((140, 35), (160, 42), (180, 49)), HAND),
        ("SZW", "Szczypce półokrągłe wydłużone", "Long nose pliers", ((160, 38), (200, 45)), HAND),
        ("SZN", "Szczypce nastawne do rur", "Water pump pliers", ((180, 49), (250, 65), (300, 79)), HAND),
        ("SZZ", "Szczypce zaciskowe", "Locking pliers", ((175, 45), (250, 59)), HAND2),
        ("SZI", "Szczypce do ściągania izolacji", "Wire stripping pliers", ((160, 55), (180, 89)), HAND2),
        ("NZP", "Nożyce do prętów", "Bolt cutters", ((350, 69), (450, 89), (600, 119), (750, 149), (900, 189),
                                                     (1050, 229)), HAND2),
        ("KNA", "Klucz nastawny", "Adjustable wrench", ((150, 35), (200, 42), (250, 55), (300, 69), (375, 99),
                                                        (450, 149)), HAND),
        ("POZ", "Poziomica aluminiowa", "Aluminium spirit level", ((400, 39), (600, 49), (800, 59), (1000, 69),
                                                                   (1200, 79), (1500, 95), (2000, 129)), HAND),
        ("KAT", "Kątownik stolarski", "Try square", ((200, 19), (300, 25), (400, 32), (600, 45)), HAND2),
        ("PRZ", "Przecinak ślusarski", "Cold chisel", ((150, 15), (200, 19), (250, 24), (300, 29)), ("STK",)),
    ):
        category = {"SZ": "szczypce", "NZ": "szczypce", "KN": "klucze", "PR": "mlotki"}.get(code[:2], "pomiar")
        yield _hand(code, category, name_pl, name_en,
                    sizes("length", ((str(length), price) for length, price in rows), " mm"), brands)
    yield _hand("NZB", "szczypce", "Nożyce do blachy", "Tin snips",
                (o("proste", "straight cut", 49), o("lewe", "left cut", 52), o("prawe", "right cut", 52)), HAND2)
    for code, name_pl, name_en, weights, brands in (
        ("MLS", "Młotek ślusarski", "Machinist hammer", ((100, 18), (200, 22), (300, 26), (500, 32), (800, 39),
                                                         (1000, 45), (1500, 59), (2000, 69)), HAND),
        ("MLC", "Młotek ciesielski", "Claw hammer", ((450, 49), (600, 59)), HAND),
        ("MLG", "Młotek gumowy", "Rubber mallet", ((230, 19), (450, 25), (680, 32), (900, 39)), HAND2),
        ("MLD", "Młot dwuręczny", "Sledgehammer", ((3000, 79), (4000, 95), (5000, 109), (6000, 125), (8000, 159),
                                                   (10000, 189)), ("HXP", "KWL")),
    ):
        yield _hand(code, "mlotki", name_pl, name_en,
                    tuple(opt(f"{pl_number(grams / 1000)} kg" if grams >= 1000 else f"{grams} g", price,
                              ("size", f"{grams} g"), key=f"{grams}G") for grams, price in weights), brands)
    yield _hand("MRZ", "pomiar", "Miara zwijana", "Tape measure",
                sizes("size", (("3 m", 14), ("5 m", 22), ("8 m", 36), ("10 m", 45))))
    yield _hand("TMS", "pomiar", "Taśma miernicza z włókna szklanego", "Fibreglass measuring tape",
                sizes("size", (("20 m", 39), ("30 m", 49), ("50 m", 69))), HAND2)
    yield _hand("NOZ", "narzedzia-budowlane", "Nóż z ostrzem łamanym", "Snap-off knife",
                sizes("size", (("9", 12), ("18", 15), ("25", 22)), " mm"), HAND2)
    yield _hand("OST", "narzedzia-budowlane", "Ostrza łamane, 10 szt.", "Snap-off blades, 10 pcs",
                sizes("size", (("9", 6), ("18", 9), ("25", 15)), " mm"), HAND2,
                packaging=Packaging(Unit.PACK), tiers=CONSUMABLE_TIERS)
    yield _hand("KDR", "klucze", "Klucz do rur nastawny", "Pipe wrench",
                tuple(opt(size, price, ("connection", size), key=key)
                      for size, key, price in (('1"', "1", 49), ('1,5"', "15", 65), ('2"', "2", 89), ('3"', "3", 139))),
                HAND2)
    yield _hand("KDY", "klucze", "Klucz dynamometryczny", "Torque wrench",
                (opt('1/4" 5–25 Nm', 189, key="25NM"), opt('3/8" 20–110 Nm', 229, key="110NM"),
                 opt('1/2" 40–210 Nm', 279, key="210NM"), opt('1/2" 60–340 Nm', 349, key="340NM"),
                 opt('3/4" 140–980 Nm', 699, key="980NM")), ("STK", "KWL"))
    yield _hand("ZKN", "klucze", "Zestaw kluczy nasadowych", "Socket set",
                (o('1/4", 46 el.', '1/4", 46 pcs', 129, key="46"), o('1/2", 24 el.', '1/2", 24 pcs', 159, key="24"),
                 o('1/4" + 1/2", 94 el.', '1/4" + 1/2", 94 pcs', 349, key="94"),
                 o('1/4" + 3/8" + 1/2", 108 el.', '1/4" + 3/8" + 1/2", 108 pcs', 449, key="108"),
                 o('1/4" + 3/8" + 1/2", 216 el.', '1/4" + 3/8" + 1/2", 216 pcs', 699, key="216")),
                packaging=Packaging(Unit.SET))
    yield _hand("SCF", "narzedzia-budowlane", "Ścisk stolarski typu F", "F-clamp",
                sizes("size", (("50×150", 19), ("80×200", 29), ("80×300", 35), ("120×300", 49), ("120×500", 59),
                               ("120×800", 79), ("120×1000", 95)), " mm"), HAND2)
    yield _hand("PIL", "narzedzia-budowlane", "Pilnik ślusarski", "Engineer's file",
                (o("płaski 200 mm", "flat 200 mm", 19), o("płaski 250 mm", "flat 250 mm", 24),
                 o("półokrągły 200 mm", "half-round 200 mm", 22), o("półokrągły 250 mm", "half-round 250 mm", 27),
                 o("okrągły 200 mm", "round 200 mm", 19), o("trójkątny 200 mm", "three-square 200 mm", 21)),
                ("STK",))
    for code, name_pl, name_en, labelled in (
        ("KIE", "Kielnia murarska", "Bricklaying trowel", (("160 mm", 19), ("180 mm", 21), ("200 mm", 24),
                                                           ("220 mm", 27))),
        ("PAC", "Paca stalowa zębata", "Notched steel trowel", (("ząb 4 mm", 22), ("ząb 6 mm", 22), ("ząb 8 mm", 24),
                                                                ("ząb 10 mm", 24), ("ząb 12 mm", 26))),
        ("SZP", "Szpachelka stalowa", "Putty knife", (("40 mm", 7), ("60 mm", 8), ("80 mm", 9), ("100 mm", 10),
                                                      ("120 mm", 12), ("150 mm", 14))),
        ("LOM", "Łom stalowy", "Crowbar", (("600 mm", 39), ("900 mm", 55), ("1200 mm", 75))),
    ):
        yield _hand(code, "narzedzia-budowlane", name_pl, name_en,
                    tuple(Option(label, price, (("size", label),), label_en=label.replace("ząb", "notch"))
                          for label, price in labelled), ("HXP", "KWL"))
    yield Line(
        "MIE", "pomiar", "APARATURA", "Miernik elektryczny", "Electrical tester",
        "Przyrząd pomiarowy dla elektryków, kategoria pomiarowa CAT III/CAT IV.",
        "Measuring instrument for electricians, measurement category CAT III/CAT IV.",
        (o("multimetr cyfrowy", "digital multimeter", 129, key="MULTI"),
         o("miernik cęgowy AC/DC", "AC/DC clamp meter", 249, key="CEG"),
         o("tester napięcia dwubiegunowy", "two-pole voltage tester", 89, key="TEST"),
         o("wskaźnik napięcia bezdotykowy", "non-contact voltage detector", 49, key="BEZD"),
         o("miernik rezystancji izolacji 1 kV", "1 kV insulation tester", 1299, key="IZOL"),
         o("miernik impedancji pętli zwarcia", "loop impedance tester", 2499, key="PETLA")),
        brands=("VTX",),
    )
    yield Line(
        "DAL", "pomiar", "ELEKTRONARZ", "Dalmierz laserowy", "Laser distance meter",
        "Dalmierz z pomiarem powierzchni, objętości i funkcją Pitagorasa.",
        "Distance meter with area, volume and Pythagoras functions.",
        sizes("size", (("30 m", 149), ("50 m", 249), ("100 m", 449))), brands=("HXP", "VLT"),
    )
    yield Line(
        "LAS", "pomiar", "ELEKTRONARZ", "Laser krzyżowy", "Cross line laser",
        "Samopoziomujący laser liniowy do prac wykończeniowych i montażowych.",
        "Self-levelling line laser for fit-out and installation work.",
        (o("2 linie, czerwony", "2 lines, red", 299, key="2R"), o("3×360°, zielony", "3×360°, green", 1299, key="3G")),
        brands=("HXP", "VLT"),
    )


# --- Power tools and their accessories ---------------------------------------------------------

POWER = ("VLT", "DNX", "HXP")
POWER_ABOUT_PL = "Elektronarzędzie do pracy profesjonalnej. Gwarancja 24 miesiące, serwis w Polsce."
POWER_ABOUT_EN = "Professional power tool. 24-month warranty, serviced in Poland."
CORDLESS_ABOUT_PL = "Narzędzie akumulatorowe 18 V, zgodne ze wszystkimi akumulatorami 18 V tej marki."
CORDLESS_ABOUT_EN = "18 V cordless tool, fits every 18 V battery of the brand."


def kits(solo: float, match: str = "") -> tuple[Option, ...]:
    return (
        o("solo (bez akumulatora)", "body only", solo, key="SOLO", match=match),
        o("2× 2,0 Ah, ładowarka, walizka", "2× 2.0 Ah, charger, case", solo + 349, key="2X2AH", match=match),
        o("2× 5,0 Ah, ładowarka, walizka", "2× 5.0 Ah, charger, case", solo + 649, key="2X5AH", match=match),
    )


def _power_tool_lines() -> Iterator[Line]:
    # fmt: off
    cordless = (
        ("WKA", "Wiertarko-wkrętarka akumulatorowa 18 V", "Cordless drill driver 18 V", 349, ""),
        ("WKU", "Wiertarko-wkrętarka udarowa akumulatorowa 18 V", "Cordless combi drill 18 V", 429, ""),
        ("ZKU", "Zakrętarka udarowa akumulatorowa 18 V", "Cordless impact driver 18 V", 399, ""),
        ("KUA", 'Klucz udarowy akumulatorowy 1/2" 18 V', 'Cordless impact wrench 1/2" 18 V', 699, ""),
        ("MWA", "Młotowiertarka akumulatorowa SDS-plus 18 V", "Cordless SDS-plus rotary hammer 18 V", 799, ""),
        ("SKA", "Szlifierka kątowa akumulatorowa 125 mm 18 V", "Cordless angle grinder 125 mm 18 V", 449, "125"),
        ("PTA", "Pilarka tarczowa akumulatorowa 165 mm 18 V", "Cordless circular saw 165 mm 18 V", 599, "165"),
        ("PSA", "Pilarka szablasta akumulatorowa 18 V", "Cordless reciprocating saw 18 V", 549, ""),
        ("WYA", "Wyrzynarka akumulatorowa 18 V", "Cordless jigsaw 18 V", 499, ""),
        ("WGK", "Wkrętarka do płyt g-k akumulatorowa 18 V", "Cordless drywall screwdriver 18 V", 549, ""),
    )
    for code, name_pl, name_en, solo, match in cordless:
        yield Line(code, "akumulatorowe", "ELEKTRONARZ", name_pl, name_en, CORDLESS_ABOUT_PL, CORDLESS_ABOUT_EN,
                   kits(solo, match), POWER, attributes=(("voltage", "18"),))
    yield Line(
        "LPA", "akumulatorowe", "ELEKTRONARZ", "Lampa robocza LED akumulatorowa 18 V", "Cordless LED work light 18 V",
        CORDLESS_ABOUT_PL, CORDLESS_ABOUT_EN, (o("solo (bez akumulatora)", "body only", 149, key="SOLO"),), POWER,
        attributes=(("voltage", "18"),),
    )
    yield Line(
        "AKU", "akumulatory", "ELEKTRONARZ", "Akumulator Li-Ion 18 V", "Li-ion battery 18 V",
        "Akumulator z diodowym wskaźnikiem naładowania.", "Battery with an LED charge indicator.",
        tuple(opt(f"{pl_number(ah)} Ah", price, ("capacity", f"{pl_number(ah)} Ah"), key=f"{ah:g}AH")
              for ah, price in ((2.0, 249), (4.0, 399), (5.0, 479), (8.0, 699))),
        POWER, attributes=(("voltage", "18"),),
    )
    yield Line(
        "LAD", "akumulatory", "ELEKTRONARZ", "Ładowarka 18 V", "Charger 18 V",
        "Ładowarka do akumulatorów Li-Ion 18 V marki.", "Charger for the brand's 18 V Li-ion batteries.",
        (o("standardowa", "standard", 199, key="STD"), o("szybka", "rapid", 299, key="FAST")), POWER,
    )
    corded = (
        ("MWS", "Młotowiertarka SDS-plus", "SDS-plus rotary hammer",
         (o("800 W, 2,7 J", "800 W, 2.7 J", 449, ("power", "800"), key="800W"),
          o("1100 W, 4,0 J, uchwyt wymienny", "1100 W, 4.0 J, quick-change chuck", 649, ("power", "1100"),
            key="1100W"))),
        ("MSM", "Młot udarowo-obrotowy SDS-max", "SDS-max combi hammer",
         (opt("1500 W, 10 J", 1899, ("power", "1500")), opt("1700 W, 13 J", 2399, ("power", "1700")))),
        ("MWB", "Młot wyburzeniowy", "Demolition hammer",
         (opt("SDS-max 1500 W, 20 J", 2499, ("power", "1500")), opt("HEX 30 mm 2000 W, 45 J", 3999,
                                                                     ("power", "2000")))),
        ("SKS", "Szlifierka kątowa", "Angle grinder",
         (opt("125 mm 1200 W", 259, ("power", "1200"), key="125-1200W", match="125"),
          o("125 mm 1400 W, regulacja obrotów", "125 mm 1400 W, speed control", 339, ("power", "1400"),
            key="125-1400W", match="125"),
          opt("230 mm 2400 W", 449, ("power", "2400"), key="230-2400W", match="230"))),
        ("PTS", "Pilarka tarczowa", "Circular saw",
         (opt("190 mm 1400 W", 549, ("power", "1400"), key="190", match="190"),
          opt("210 mm 1600 W", 749, ("power", "1600"), key="210", match="210"))),
        ("PUK", "Pilarka ukośnica 216 mm", "Mitre saw 216 mm",
         (opt("1500 W", 1399, ("power", "1500"), match="216"),
          o("1800 W, z posuwem", "1800 W, sliding", 2199, ("power", "1800"), key="1800W", match="216"))),
        ("WYS", "Wyrzynarka", "Jigsaw", (opt("750 W", 399, ("power", "750")),)),
        ("PSS", "Pilarka szablasta", "Reciprocating saw", (opt("1200 W", 499, ("power", "1200")),)),
        ("SMS", "Szlifierka mimośrodowa 125 mm", "Random orbit sander 125 mm",
         (opt("400 W", 349, ("power", "400"), match="125"),)),
        ("ODK", "Odkurzacz przemysłowy 30 l", "Industrial vacuum cleaner 30 l",
         (o("klasa L", "class L", 999, key="L"), o("klasa M", "class M", 1699, key="M"))),
        ("MZS", "Mieszarka do zapraw", "Paddle mixer",
         (opt("1600 W", 699, ("power", "1600")), o("1800 W, dwubiegowa", "1800 W, two-speed", 999, ("power", "1800")))),
        ("BRU", "Bruzdownica 125 mm", "Wall chaser 125 mm", (opt("1700 W", 1299, ("power", "1700")),)),
        ("OPL", "Opalarka", "Heat gun", (opt("2000 W", 199, ("power", "2000")),)),
        ("WUS", "Wiertarka udarowa", "Impact drill", (opt("750 W", 249, ("power", "750")),)),
        ("STR", "Strug elektryczny 82 mm", "Electric planer 82 mm", (opt("850 W", 399, ("power", "850")),)),
        ("FRZ", "Frezarka górnowrzecionowa", "Plunge router", (opt("1200 W", 599, ("power", "1200")),)),
        ("SZS", "Szlifierka do ścian i sufitów 225 mm", "Drywall sander 225 mm",
         (opt("710 W", 1299, ("power", "710")),)),
    )
    for code, name_pl, name_en, options in corded:
        yield Line(code, "sieciowe", "ELEKTRONARZ", name_pl, name_en, POWER_ABOUT_PL, POWER_ABOUT_EN, options, POWER,
                   attributes=(("voltage", "230"),))


def _accessory(
    code: str,
    category: str,
    name_pl: str,
    name_en: str,
    options: tuple[Option, ...],
    brands: tuple[str, ...] = ("HXP", "VLT"),
    **extra: Any,
) -> Line:
    extra.setdefault("tiers", CONSUMABLE_TIERS)
    return Line(
        code,
        category,
        "OSPRZET-EL",
        name_pl,
        name_en,
        "Osprzęt eksploatacyjny do elektronarzędzi wszystkich marek.",
        "Consumable accessory for power tools of any brand.",
        options,
        brands,
        **extra,
    )


def _drill_pack(diameter: float) -> Packaging:
    return packs_of(10) if diameter <= 3 else packs_of(5) if diameter <= 6 else EACH


def _power_accessory_lines() -> Iterator[Line]:
    # fmt: off
    hss = [1 + step / 2 for step in range(25)]
    for code, name_pl, name_en, factor, brands in (
        ("WHSS", "Wiertło do metalu HSS-G DIN 338", "HSS-G twist drill DIN 338", 1.0, ("HXP", "VLT", "DNX")),
        ("WHSC", "Wiertło do metalu HSS-Co5 DIN 338", "HSS-Co5 cobalt twist drill DIN 338", 2.2, ("VLT", "DNX")),
        ("WTIN", "Wiertło do metalu HSS-TiN DIN 338", "HSS-TiN twist drill DIN 338", 1.4, ("HXP", "DNX")),
    ):
        yield _accessory(code, "wiertla", name_pl, name_en,
                         tuple(opt(f"{pl_number(d)} mm", (1.2 + 0.11 * d * d) * factor, ("diameter", pl_number(d)),
                                   key=f"{d:g}", packaging=_drill_pack(d)) for d in hss), brands)
    sds_plus = {5: (110, 160), 6: (110, 160, 210), 8: (110, 160, 210, 260, 310, 450, 600),
                10: (110, 160, 210, 260, 310, 450, 600), 12: (160, 210, 260, 310, 450, 600),
                14: (160, 210, 260, 450, 600),
                16: (160, 210, 260, 450, 600), 18: (200, 250, 450, 600), 20: (200, 250, 450, 600), 22: (250, 450),
                25: (250, 450, 600)}
    yield _accessory("WSDS", "wiertla", "Wiertło do betonu SDS-plus", "SDS-plus masonry drill bit",
                     tuple(opt(f"{d}×{length} mm", 6 + 0.005 * d * length, ("diameter", str(d)),
                               ("length", str(length))) for d, lengths in sds_plus.items() for length in lengths),
                     ("HXP", "VLT", "DNX"), attributes=(("connection", "SDS-plus"),))
    sds_max = {12: (340, 540), 14: (340, 540), 16: (340, 540, 920), 18: (340, 540), 20: (320, 520, 920),
               22: (320, 520, 920), 25: (320, 520, 920), 28: (370, 570), 32: (370, 570, 920), 40: (370, 570)}
    yield _accessory("WSDM", "wiertla", "Wiertło do betonu SDS-max", "SDS-max masonry drill bit",
                     tuple(opt(f"{d}×{length} mm", 25 + 0.012 * d * length, ("diameter", str(d)),
                               ("length", str(length))) for d, lengths in sds_max.items() for length in lengths),
                     ("VLT", "DNX"), attributes=(("connection", "SDS-max"),))
    cylindrical = {4: (75,), 5: (85,), 6: (100, 150, 200), 8: (120, 150, 200, 400), 10: (120, 150, 200, 400),
                   12: (150, 200, 400), 14: (150, 400), 16: (150, 400)}
    yield _accessory("WBC", "wiertla", "Wiertło do betonu z chwytem walcowym", "Masonry drill bit, round shank",
                     tuple(opt(f"{d}×{length} mm", 3 + 0.003 * d * length, ("diameter", str(d)),
                               ("length", str(length))) for d, lengths in cylindrical.items() for length in lengths),
                     ("HXP",))
    yield _accessory("WPL", "wiertla", "Wiertło do drewna płaskie", "Flat wood bit",
                     sizes("diameter", ((str(d), 6 + 0.3 * d) for d in (10, 12, 14, 16, 18, 20, 22, 24, 25, 26, 28, 30,
                                                                       32, 35, 38, 40)), " mm"), ("HXP", "DNX"))
    yield _accessory("WDK", "wiertla", "Wiertło do drewna kręte z centrującym ostrzem", "Brad point wood drill",
                     sizes("diameter", ((str(d), 4 + 0.09 * d * d) for d in (3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 18, 20)),
                           " mm"), ("HXP", "DNX"))
    for code, name_pl, name_en, factor in (
        ("GWM", "Gwintownik maszynowy HSS-E", "HSS-E machine tap", 1.0),
        ("NRZ", "Narzynka HSS", "HSS round die", 0.8),
    ):
        yield _accessory(code, "wiertla", name_pl, name_en,
                         tuple(opt(thread, (14 + 1.9 * int(thread[1:])) * factor, ("thread", thread))
                               for thread in ("M3", "M4", "M5", "M6", "M8", "M10", "M12", "M14", "M16", "M20")),
                         ("HXP", "STK"), tiers=TOOL_TIERS)
    yield _accessory("WPG", "wiertla", "Wiertło do płytek i szkła", "Tile and glass drill bit",
                     sizes("diameter", ((str(d), 12 + 1.5 * d) for d in (4, 5, 6, 8, 10, 12)), " mm"), ("HXP",))
    yield _accessory("KBM", "wiertla", "Otwornica bimetaliczna", "Bi-metal hole saw",
                     sizes("diameter", ((str(d), 18 + 0.6 * d) for d in (14, 16, 19, 20, 22, 25, 29, 32, 35, 38, 40, 44,
                                                                        51, 57, 64, 68, 76, 83, 89, 102, 114, 127,
                                                                        152)), " mm"))
    yield _accessory("KDP", "wiertla", "Koronka diamentowa do płytek", "Diamond core bit for tiles",
                     sizes("diameter", ((str(d), 25 + 1.2 * d) for d in (6, 8, 10, 12, 14, 20, 25, 35, 50, 68)), " mm"),
                     ("HXP",))
    discs = (("115×1,0", 1.9), ("115×1,6", 2.1), ("125×1,0", 2.2), ("125×1,2", 2.4), ("125×1,6", 2.6),
             ("125×2,5", 3.2), ("150×1,6", 3.9), ("180×1,6", 4.8), ("230×1,9", 6.3), ("230×3,0", 7.2))
    disc_pack = Packaging(Unit.PIECE, 25, 5, 5)
    yield _accessory("TCM", "tarcze", "Tarcza do cięcia metalu", "Metal cutting disc",
                     tuple(opt(f"{size} mm", price, ("size", size), match=size.split("×")[0], packaging=disc_pack)
                           for size, price in discs), ("HXP", "VLT", "DNX"))
    yield _accessory("TCI", "tarcze", "Tarcza do cięcia stali nierdzewnej INOX", "INOX cutting disc",
                     tuple(opt(f"{size} mm", price * 1.3, ("size", size), match=size.split("×")[0], packaging=disc_pack)
                           for size, price in discs if size in {"115×1,0", "125×1,0", "125×1,6", "230×1,9"}))
    yield _accessory("TLS", "tarcze", "Ściernica listkowa", "Flap disc",
                     tuple(opt(f"{d} mm P{grit}", 4.5 + d / 100 + (120 - grit) / 60, ("diameter", str(d)),
                               ("grit", f"P{grit}"), match=str(d), packaging=Packaging(Unit.PIECE, 10, 5, 5))
                           for d in (115, 125) for grit in (40, 60, 80, 120)))
    yield _accessory("TSZ", "tarcze", "Tarcza do szlifowania metalu", "Metal grinding disc",
                     (opt("125×6,0 mm", 6.5, ("size", "125×6,0"), match="125"),
                      opt("230×6,0 mm", 14.0, ("size", "230×6,0"), match="230")))
    diamond = (115, 125, 180, 230, 300, 350)
    yield _accessory("TDS", "tarcze", "Tarcza diamentowa segmentowa do betonu", "Segmented diamond blade",
                     sizes("diameter", ((str(d), 18 + 0.0023 * d * d) for d in diamond), " mm", matched=True),
                     tiers=TOOL_TIERS)
    yield _accessory("TDT", "tarcze", "Tarcza diamentowa turbo", "Turbo diamond blade",
                     sizes("diameter", ((str(d), 22 + 0.0026 * d * d) for d in diamond[:4]), " mm"), ("HXP",),
                     tiers=TOOL_TIERS)
    yield _accessory("TDP", "tarcze", "Tarcza diamentowa ciągła do płytek", "Continuous rim tile blade",
                     sizes("diameter", ((str(d), 25 + 0.0014 * d * d) for d in (115, 125, 180, 200, 230)), " mm"),
                     ("HXP",), tiers=TOOL_TIERS)
    tips = ("PH1", "PH2", "PH3", "PZ1", "PZ2", "PZ3", "T10", "T15", "T20", "T25", "T27", "T30", "T40", "SL5,5",
            "H4", "H5", "H6")
    yield _accessory("BIT", "bity", "Bit", "Screwdriver bit",
                     tuple(opt(f"{tip} {length} mm", 1.1 * length / 25, ("size", tip), ("length", str(length)),
                               packaging=packs_of(10 if length == 25 else 5)) for tip in tips for length in (25, 50)),
                     ("HXP", "VLT", "DNX"))
    yield _accessory("BITU", "bity", "Bit udarowy torsion", "Impact torsion bit",
                     tuple(opt(f"{tip} 50 mm", 4.5, ("size", tip), ("length", "50"), packaging=packs_of(5))
                           for tip in tips), ("VLT", "DNX"))
    yield _accessory("ZBT", "bity", "Zestaw bitów w kasecie", "Bit set in a case",
                     (o("10 el.", "10 pcs", 19, key="10"), o("32 el.", "32 pcs", 49, key="32"),
                      o("45 el.", "45 pcs", 79, key="45")), packaging=Packaging(Unit.SET), tiers=TOOL_TIERS)
    jig = ("T101B", "T101BR", "T111C", "T118A", "T127D", "T144D", "T244D", "T301CD", "T345XF")
    yield _accessory("BWY", "bity", "Brzeszczoty do wyrzynarki, 5 szt.", "Jigsaw blades, 5 pcs",
                     sizes("size", ((blade, 12 + 1.5 * index) for index, blade in enumerate(jig))),
                     packaging=Packaging(Unit.PACK))
    yield _accessory("BSZ", "bity", "Brzeszczoty do pilarki szablastej, 5 szt.", "Reciprocating saw blades, 5 pcs",
                     sizes("size", (("S922EF", 24), ("S922BF", 22), ("S1122EF", 32), ("S1122HF", 35),
                                    ("S1531L", 45))), packaging=Packaging(Unit.PACK))
    saw_blades = ((160, 24, 39), (160, 48, 55), (165, 24, 42), (165, 48, 59), (185, 24, 49), (185, 40, 59),
                  (190, 24, 52), (190, 48, 69), (210, 24, 59), (216, 48, 79), (216, 60, 89), (250, 40, 89),
                  (250, 60, 109), (305, 60, 139), (305, 96, 179))
    yield _accessory("TPI", "tarcze", "Tarcza do pilarki do drewna", "Circular saw blade for wood",
                     tuple(opt(f"{d} mm {teeth}Z", price, ("diameter", str(d)), label_en=f"{d} mm {teeth}T",
                               key=f"{d}-{teeth}Z", match=str(d)) for d, teeth, price in saw_blades),
                     tiers=TOOL_TIERS)
    yield _accessory("KSR", "tarcze", "Krążki ścierne na rzep, 8 otworów, 50 szt.",
                     "Hook and loop sanding discs, 50 pcs",
                     tuple(opt(f"{d} mm P{grit}", 22 + d / 15 + grit / 100, ("diameter", str(d)), ("grit", f"P{grit}"),
                               match=str(d))
                           for d in (125, 150) for grit in (40, 60, 80, 100, 120, 150, 180, 240, 320, 400)),
                     packaging=Packaging(Unit.PACK))
    yield _accessory("PSR", "tarcze", "Papier ścierny w rolce 115 mm × 50 m", "Abrasive paper roll 115 mm × 50 m",
                     sizes("grit", ((f"P{grit}", 69 - grit / 10) for grit in (40, 60, 80, 100, 120, 150, 180, 240))),
                     ("HXP",), packaging=Packaging(Unit.ROLL))


# --- Hydraulics and pneumatics -----------------------------------------------------------------

HYDRAULIC_ABOUT_PL = "Element hydrauliki siłowej do maszyn budowlanych, rolniczych i przemysłowych."
HYDRAULIC_ABOUT_EN = "Hydraulic power component for construction, farm and industrial machinery."
# DN, inch size, 1SN hose price per metre, working pressure in bar of 1SN, 2SN and 4SP (0: not made).
# fmt: off
HOSE_SIZES = (
    (5, '3/16"', 9.0, 250, 415, 0), (6, '1/4"', 10.0, 225, 400, 0), (8, '5/16"', 12.0, 215, 350, 0),
    (10, '3/8"', 14.0, 180, 330, 445), (12, '1/2"', 17.0, 160, 275, 415), (16, '5/8"', 22.0, 130, 250, 350),
    (20, '3/4"', 29.0, 105, 215, 350), (25, '1"', 39.0, 88, 165, 280), (31, '1 1/4"', 59.0, 63, 125, 210),
    (38, '1 1/2"', 79.0, 50, 90, 185), (51, '2"', 109.0, 40, 80, 165),
)
# fmt: on
# DN of a crimped hose → its DKOL (24° cone, light series) nut thread.
DKOL_THREADS = {6: "M14×1,5", 8: "M16×1,5", 10: "M18×1,5", 12: "M22×1,5", 16: "M26×1,5", 20: "M30×2", 25: "M36×2"}
BSP_BY_DN = {6: '1/4"', 8: '1/4"', 10: '3/8"', 12: '1/2"', 16: '5/8"', 20: '3/4"', 25: '1"'}
HOSE_METRE = Packaging(Unit.METRE, 1, 1, 1)
HOSE_TIERS: Tiers = ((50, "0.95"), (100, "0.90"))


def _hose(dn: int, pressure: int, price: float) -> Option:
    inch_size = next(size for size_dn, size, *_ in HOSE_SIZES if size_dn == dn)
    return opt(
        f"DN{dn} ({inch_size})", price, ("dn", str(dn)), ("pressure", str(pressure)), key=f"DN{dn}", match=str(dn)
    )


def _hydraulic_lines() -> Iterator[Line]:
    # fmt: off
    for code, standard, column, factor in (("WH1SN", "1SN", 3, 1.0), ("WH2SN", "2SN", 4, 1.35),
                                           ("WH4SP", "4SP", 5, 2.3)):
        yield Line(
            code, "weze-hydrauliczne", "HYDRAULIKA", f"Wąż hydrauliczny EN 853 {standard}" if standard != "4SP"
            else "Wąż hydrauliczny EN 856 4SP", f"Hydraulic hose {standard}",
            "Wąż hydrauliczny w oplocie stalowym, do oleju mineralnego, −40…+100 °C. Sprzedaż na metry.",
            "Steel reinforced hydraulic hose for mineral oil, −40…+100 °C. Sold by the metre.",
            tuple(_hose(row[0], int(row[column]), row[2] * factor) for row in HOSE_SIZES if row[column]),
            ("",), HOSE_METRE, HOSE_TIERS,
        )
    lengths = (500, 750, 1000, 1250, 1500, 2000, 2500, 3000, 4000, 5000)
    hose_price = {row[0]: row[2] for row in HOSE_SIZES}
    for code, name_pl, name_en, factor, ends in (
        ("PHZ1", "Przewód hydrauliczny zakuty 1SN, DKOL–DKOL", "Crimped hydraulic hose assembly 1SN, DKOL–DKOL", 1.0,
         "dkol"),
        ("PHZ2", "Przewód hydrauliczny zakuty 2SN, DKOL–DKOL", "Crimped hydraulic hose assembly 2SN, DKOL–DKOL",
         1.35, "dkol"),
        ("PHZ2K", "Przewód hydrauliczny zakuty 2SN, DKOL–DKOL 90°", "Crimped hose assembly 2SN, DKOL–DKOL 90°", 1.35,
         "elbow"),
        ("PHZ2B", "Przewód hydrauliczny zakuty 2SN, BSP–BSP (AGR)", "Crimped hose assembly 2SN, BSP male both ends",
         1.35, "bsp"),
    ):
        yield Line(
            code, "weze-hydrauliczne", "HYDRAULIKA", name_pl, name_en,
            "Przewód zakuty na zamówienie seryjne, próba ciśnieniowa każdego przewodu, długość od uszczelnienia do "
            "uszczelnienia.",
            "Crimped assembly tested for pressure one by one; length measured seal to seal.",
            tuple(opt(f"DN{dn} {BSP_BY_DN[dn] if ends == 'bsp' else thread} L={length} mm",
                      # The hose, two fittings (elbows cost more) and the crimping.
                      hose_price[dn] * factor * length / 1000 + 2 * (8 + 1.1 * dn) * (1.4 if ends == "elbow" else 1)
                      + 18,
                      ("dn", str(dn)), ("length", str(length)),
                      ("connection", BSP_BY_DN[dn] if ends == "bsp" else thread),
                      key=f"DN{dn}-L{length}", match=str(dn))
                  for dn, thread in DKOL_THREADS.items() for length in lengths),
            ("",), tiers=TOOL_TIERS,
        )
    for code, name_pl, name_en, factor in (
        ("ZDKOL", "Końcówka zakuwana DKOL (gwint wewnętrzny, stożek 24°)", "Crimp fitting DKOL (female, 24° cone)",
         1.0),
        ("ZDKOL90", "Końcówka zakuwana DKOL kolanko 90°", "Crimp fitting DKOL 90° elbow", 1.8),
        ("ZDKOS", "Końcówka zakuwana DKOS (seria ciężka)", "Crimp fitting DKOS (heavy series)", 1.3),
        ("ZAGR", "Końcówka zakuwana BSP męska (AGR)", "Crimp fitting BSP male", 0.9),
        ("ZDKR", "Końcówka zakuwana BSP żeńska (DKR)", "Crimp fitting BSP female", 1.1),
    ):
        yield Line(
            code, "zakucia", "HYDRAULIKA", name_pl, name_en, HYDRAULIC_ABOUT_PL, HYDRAULIC_ABOUT_EN,
            tuple(opt(f"DN{dn} {BSP_BY_DN[dn] if 'BSP' in name_pl else thread}", (6 + 0.9 * dn) * factor,
                      ("dn", str(dn)), ("connection", BSP_BY_DN[dn] if "BSP" in name_pl else thread), key=f"DN{dn}",
                      match=str(dn))
                  for dn, thread in DKOL_THREADS.items()),
            ("",), packaging=packs_of(5), tiers=CONSUMABLE_TIERS, attributes=(STEEL, ZINC),
        )
    bsp_prices = (6.9, 7.9, 9.9, 14.9, 22.9)
    for code, name_pl, name_en, factor in (
        ("NYH", "Nypel hydrauliczny BSP GZ–GZ", "Hydraulic nipple BSP male–male", 1.0),
        ("KLH", "Kolanko hydrauliczne 90° BSP GZ–GW", "Hydraulic 90° elbow BSP male–female", 1.8),
        ("TRH", "Trójnik hydrauliczny BSP GW", "Hydraulic tee BSP female", 2.2),
        ("KOH", "Korek hydrauliczny BSP z podkładką", "Hydraulic plug BSP with seal", 0.8),
    ):
        yield Line(code, "zakucia", "HYDRAULIKA", name_pl, name_en, HYDRAULIC_ABOUT_PL, HYDRAULIC_ABOUT_EN,
                   by_inch(BSP_SIZES, [price * factor for price in bsp_prices]), ("",), tiers=CONSUMABLE_TIERS,
                   attributes=(STEEL, ZINC))
    tube_sizes = ("6L", "8L", "10L", "12L", "15L", "18L", "22L")
    for code, name_pl, name_en, base, packaging in (
        ("ZPL", "Złączka prosta DIN 2353", "Straight compression coupling DIN 2353", 9.9, EACH),
        ("ZKL", "Kolanko DIN 2353", "Compression elbow DIN 2353", 15.9, EACH),
        ("ZTL", "Trójnik DIN 2353", "Compression tee DIN 2353", 20.9, EACH),
        ("NKL", "Nakrętka DIN 3870", "Compression nut DIN 3870", 3.5, packs_of(10)),
        ("PZL", "Pierścień zacinający DIN 3861", "Cutting ring DIN 3861", 2.5, packs_of(10)),
    ):
        yield Line(code, "zakucia", "HYDRAULIKA", name_pl, name_en, HYDRAULIC_ABOUT_PL, HYDRAULIC_ABOUT_EN,
                   tuple(opt(f"{size} (rura Ø{size[:-1]})", base * (1 + index * 0.22), ("size", size),
                             label_en=f"{size} (tube Ø{size[:-1]})") for index, size in enumerate(tube_sizes)),
                   ("",), packaging=packaging, tiers=CONSUMABLE_TIERS)
    yield Line(
        "USIT", "zakucia", "HYDRAULIKA", "Podkładka zespolona USIT", "Bonded seal (Dowty)",
        HYDRAULIC_ABOUT_PL, HYDRAULIC_ABOUT_EN,
        tuple(opt(size, 0.6 + index * 0.18, ("connection", size), key=INCH_KEYS.get(size) or sku_part(size))
              for index, size in enumerate(('1/8"', '1/4"', '3/8"', '1/2"', '3/4"', '1"', "M10", "M12", "M14", "M16",
                                            "M18", "M20", "M22", "M26"))),
        ("",), packaging=packs_of(10), tiers=CONSUMABLE_TIERS,
    )
    yield Line(
        "PCU", "zakucia", "HYDRAULIKA", "Podkładka miedziana uszczelniająca", "Copper sealing washer",
        HYDRAULIC_ABOUT_PL, HYDRAULIC_ABOUT_EN,
        sizes("thread", ((f"M{d}", 0.15 + 0.01 * d) for d in (8, 10, 12, 14, 16, 18, 20, 22, 24, 27, 30))),
        ("",), packaging=packs_of(50), tiers=CONSUMABLE_TIERS, attributes=(("material", "miedź"),),
    )
    for code, name_pl, name_en, prices in (
        ("SZAW", "Szybkozłącze hydrauliczne ISO A – wtyczka", "ISO A hydraulic coupling – male", (19, 24, 29, 45, 69)),
        ("SZAG", "Szybkozłącze hydrauliczne ISO A – gniazdo", "ISO A hydraulic coupling – female",
         (35, 42, 49, 79, 119)),
        ("SFFW", "Szybkozłącze płaskie FF – wtyczka", "Flat face coupling – male", (0, 59, 69, 99, 0)),
        ("SFFG", "Szybkozłącze płaskie FF – gniazdo", "Flat face coupling – female", (0, 89, 109, 159, 0)),
    ):
        yield Line(
            code, "szybkozlacza", "HYDRAULIKA", name_pl, name_en,
            "Szybkozłącze do maszyn rolniczych i budowlanych, gwint wewnętrzny BSP.",
            "Quick coupling for farm and construction machinery, BSP female thread.",
            tuple(inch(size, price) for size, price in zip(BSP_SIZES, prices, strict=True) if price),
            ("",), tiers=TOOL_TIERS,
        )
    for code, name_pl, name_en, factor in (
        ("ZKH2", "Zawór kulowy wysokociśnieniowy 2-drogowy BSP", "High-pressure 2-way ball valve BSP", 1.0),
        ("ZKH3", "Zawór kulowy wysokociśnieniowy 3-drogowy BSP", "High-pressure 3-way ball valve BSP", 1.6),
    ):
        yield Line(code, "szybkozlacza", "HYDRAULIKA", name_pl, name_en, HYDRAULIC_ABOUT_PL, HYDRAULIC_ABOUT_EN,
                   by_inch(BSP_SIZES, [price * factor for price in (69, 79, 99, 139, 199)], ("pressure", "350")),
                   ("",))


PNEUMATIC_ABOUT_PL = "Element instalacji sprężonego powietrza, ciśnienie robocze do 10 bar."
PNEUMATIC_ABOUT_EN = "Compressed air component, working pressure up to 10 bar."
# Tube outer × inner diameter and price per metre of PU tube.
PNEUMATIC_TUBES = (
    ("4×2,5", 1.9),
    ("6×4", 2.6),
    ("8×5", 3.6),
    ("10×6,5", 5.2),
    ("12×8", 7.1),
    ("14×10", 9.5),
    ("16×12", 11.9),
)
# fmt: off
COLOURS_EN = {
    "niebieski": "blue", "czarny": "black", "przezroczysty": "clear", "czerwony": "red", "naturalny": "natural",
    "biały": "white", "kremowy": "cream", "srebrny": "silver", "szary": "grey", "żółty": "yellow",
    "pomarańczowy": "orange", "zielony": "green", "brązowy": "brown", "żółto-zielony": "green-yellow",
    "beżowy": "beige", "grafitowy": "anthracite", "ceglasty": "terracotta", "manhattan": "manhattan",
    "jaśmin": "jasmine", "bezbarwny": "transparent", "granatowy": "navy",
}
# fmt: on


def coloured(label: str, colour: str, price: float, *attributes: tuple[str, str], **extra: Any) -> Option:
    """An option that is a size in a colour: "8×5 mm, niebieski"."""
    return Option(
        f"{label}, {colour}".lstrip(", "),
        price,
        (*attributes, ("colour", colour)),
        label_en=f"{english_decimals(label)}, {COLOURS_EN[colour]}".lstrip(", "),
        **extra,
    )


def _pneumatic_lines() -> Iterator[Line]:
    # fmt: off
    yield Line(
        "WPU", "weze-pneumatyczne", "PNEUMATYKA", "Wąż poliuretanowy PU 98 ShA", "Polyurethane tube PU 98 ShA",
        "Elastyczny wąż do złączek wtykowych, sprzedaż na metry (min. 5 m).",
        "Flexible tube for push-in fittings, sold by the metre (5 m minimum).",
        tuple(coloured(f"{size} mm", colour, price, ("size", size), key=f"{sku_part(size)}-{sku_part(colour)[:3]}",
                       match=size.split("×")[0])
              for size, price in PNEUMATIC_TUBES for colour in ("niebieski", "czarny", "przezroczysty", "czerwony")),
        ("ARX",), Packaging(Unit.METRE, 1, 5, 1), METRE_TIERS,
    )
    yield Line(
        "WPA", "weze-pneumatyczne", "PNEUMATYKA", "Wąż poliamidowy PA 12", "Polyamide tube PA 12",
        "Sztywny wąż do instalacji stałych, sprzedaż na metry (min. 5 m).",
        "Rigid tube for fixed lines, sold by the metre (5 m minimum).",
        tuple(coloured(f"{size} mm", colour, price * 1.2, ("size", size),
                       key=f"{sku_part(size)}-{sku_part(colour)[:3]}",
                       match=size.split("×")[0])
              for size, price in PNEUMATIC_TUBES if size != "14×10" for colour in ("czarny", "naturalny")),
        ("ARX",), Packaging(Unit.METRE, 1, 5, 1), METRE_TIERS,
    )
    yield Line(
        "WPV", "weze-pneumatyczne", "PNEUMATYKA", "Wąż PVC zbrojony do sprężonego powietrza, 50 m",
        "Reinforced PVC air hose, 50 m", PNEUMATIC_ABOUT_PL, PNEUMATIC_ABOUT_EN,
        sizes("size", (("6×11", 119), ("8×14", 149), ("10×16", 189), ("13×19", 259)), " mm"),
        ("HXP",), Packaging(Unit.ROLL), ROLL_TIERS,
    )
    yield Line(
        "WSP", "weze-pneumatyczne", "PNEUMATYKA", "Wąż spiralny PU z szybkozłączami", "Coiled PU hose with couplers",
        PNEUMATIC_ABOUT_PL, PNEUMATIC_ABOUT_EN,
        tuple(opt(f"{size} mm, {length} m", price, ("size", size), ("length", str(length * 1000)))
              for size, base in (("6×8", 39), ("8×12", 55)) for length, price in ((5, base), (10, base * 1.5),
                                                                                  (15, base * 2))),
        ("HXP",),
    )
    threaded = ((4, "M5"), (4, '1/8"'), (6, '1/8"'), (6, '1/4"'), (8, '1/8"'), (8, '1/4"'), (8, '3/8"'), (10, '1/4"'),
                (10, '3/8"'), (10, '1/2"'), (12, '1/4"'), (12, '3/8"'), (12, '1/2"'), (14, '1/2"'), (16, '1/2"'))
    tubes = (4, 6, 8, 10, 12, 14, 16)
    for code, name_pl, name_en, factor, with_thread in (
        ("ZWG", "Złączka wtykowa prosta z gwintem zewnętrznym", "Straight push-in fitting, male thread", 1.0, True),
        ("ZWK", "Złączka wtykowa kolanowa z gwintem zewnętrznym", "Elbow push-in fitting, male thread", 1.35, True),
        ("ZWP", "Złączka wtykowa prosta wąż–wąż", "Straight push-in union", 1.0, False),
        ("ZWL", "Złączka wtykowa kolanowa wąż–wąż", "Elbow push-in union", 1.3, False),
        ("ZWT", "Trójnik wtykowy", "Push-in union tee", 1.7, False),
        ("ZWZ", "Zaślepka do złączek wtykowych", "Blanking plug for push-in fittings", 0.5, False),
    ):
        if with_thread:
            options = tuple(opt(f"Ø{tube} – {thread}", (3.9 + 0.35 * tube) * factor, ("diameter", str(tube)),
                                ("connection", thread), key=f"{tube}-{INCH_KEYS.get(thread, thread)}", match=str(tube))
                            for tube, thread in threaded)
        else:
            options = tuple(opt(f"Ø{tube}", (3.5 + 0.4 * tube) * factor, ("diameter", str(tube)), match=str(tube))
                            for tube in tubes)
        yield Line(code, "zlaczki-pneumatyczne", "PNEUMATYKA", name_pl, name_en, PNEUMATIC_ABOUT_PL, PNEUMATIC_ABOUT_EN,
                   options, ("ARX", "HXP"), packaging=packs_of(10) if code == "ZWZ" else EACH,
                   tiers=CONSUMABLE_TIERS)
    coupler_ends = (
        ("GW14", 'GW 1/4"', 'female 1/4"'), ("GW38", 'GW 3/8"', 'female 3/8"'), ("GW12", 'GW 1/2"', 'female 1/2"'),
        ("GZ14", 'GZ 1/4"', 'male 1/4"'), ("GZ38", 'GZ 3/8"', 'male 3/8"'), ("GZ12", 'GZ 1/2"', 'male 1/2"'),
        ("W6", "na wąż 6 mm", "hose tail 6 mm"), ("W8", "na wąż 8 mm", "hose tail 8 mm"),
        ("W10", "na wąż 10 mm", "hose tail 10 mm"),
    )
    for code, name_pl, name_en, price in (
        ("SPEG", "Szybkozłącze pneumatyczne EURO (DN 7,2) – gniazdo", "EURO air coupler (DN 7.2) – socket", 11.9),
        ("SPEW", "Szybkozłącze pneumatyczne EURO (DN 7,2) – wtyk", "EURO air coupler (DN 7.2) – plug", 4.5),
        ("SPOG", "Szybkozłącze pneumatyczne ORION – gniazdo", "ORION air coupler – socket", 12.9),
        ("SPOW", "Szybkozłącze pneumatyczne ORION – wtyk", "ORION air coupler – plug", 4.9),
    ):
        yield Line(code, "zlaczki-pneumatyczne", "PNEUMATYKA", name_pl, name_en, PNEUMATIC_ABOUT_PL, PNEUMATIC_ABOUT_EN,
                   tuple(o(label_pl, label_en, price * (1 + index * 0.06), ("connection", label_pl), key=key)
                         for index, (key, label_pl, label_en) in enumerate(coupler_ends)),
                   ("ARX", "HXP"), tiers=CONSUMABLE_TIERS)
    for code, name_pl, name_en, factor in (
        ("FRP", "Filtroreduktor z manometrem", "Filter regulator with gauge", 1.0),
        ("FRL", "Zespół przygotowania powietrza FRL", "FRL air preparation unit", 1.7),
        ("RCP", "Reduktor ciśnienia z manometrem", "Pressure regulator with gauge", 0.8),
    ):
        yield Line(code, "silowniki", "PNEUMATYKA", name_pl, name_en, PNEUMATIC_ABOUT_PL, PNEUMATIC_ABOUT_EN,
                   by_inch(('1/4"', '3/8"', '1/2"', '3/4"'), [price * factor for price in (89, 109, 139, 219)]),
                   ("ARX",))
    yield Line(
        "SIL", "silowniki", "PNEUMATYKA", "Siłownik pneumatyczny ISO 15552", "Pneumatic cylinder ISO 15552",
        "Siłownik dwustronnego działania z amortyzacją i magnesem na tłoku.",
        "Double-acting cylinder with cushioning and a magnetic piston.",
        tuple(opt(f"Ø{bore}×{stroke} mm", 180 + bore * 2.2 + stroke * 0.35 * bore / 40, ("diameter", str(bore)),
                  ("length", str(stroke)), key=f"{bore}X{stroke}")
              for bore in (32, 40, 50, 63, 80, 100) for stroke in (25, 50, 100, 160, 200, 250, 320, 400, 500)),
        ("ARX",),
    )
    yield Line(
        "MAN", "silowniki", "PNEUMATYKA", "Manometr Ø63 mm", "Pressure gauge Ø63 mm",
        "Manometr tarczowy klasy 1,6, przyłącze 1/4\".", "Dial gauge, accuracy class 1.6, 1/4\" connection.",
        tuple(o(f"0–{top} bar, {kind_pl}", f"0–{top} bar, {kind_en}", price, ("pressure", str(top)),
                key=f"{top}-{kind_code}")
              for top in (10, 16, 25, 40, 100, 250, 400)
              for kind_code, kind_pl, kind_en, price in (("R", "radialny", "bottom entry", 19),
                                                         ("A", "osiowy", "back entry", 21),
                                                         ("G", "glicerynowy", "glycerine filled", 39))),
        ("",),
    )


# --- Electrical ------------------------------------------------------------------------------------

ELECTRICAL_ABOUT_PL = "Aparatura zgodna z PN-EN, oznakowanie CE, do instalacji mieszkaniowych i przemysłowych."
ELECTRICAL_ABOUT_EN = "Equipment to EN standards, CE marked, for residential and industrial installations."


@dataclass(frozen=True)
class CableType:
    code: str
    name_pl: str
    name_en: str
    category: str
    sections: tuple[str, ...]
    # Price per metre: base + copper (cores × mm²) × 0.55 zł × copper factor.
    base: float
    copper: float
    voltage: str
    forms: tuple[str, ...]
    brands: tuple[str, ...]
    colours: tuple[str, ...] = ()


# Sold by the metre or as a coil: (code, Polish, English, metres; 0 for by the metre).
CABLE_FORMS = {
    "M": ("na metry", "by the metre", 0),
    "R100": ("krążek 100 m", "100 m coil", 100),
    "R50": ("krążek 50 m", "50 m coil", 50),
}
# fmt: off
CABLE_TYPES = (
    CableType("YDY", "Przewód YDY 450/750 V okrągły", "YDY 450/750 V round installation cable", "przewody-instalacyjne",
              ("2×1", "2×1,5", "2×2,5", "3×1", "3×1,5", "3×2,5", "3×4", "3×6", "4×1,5", "4×2,5", "4×4", "5×1,5",
               "5×2,5", "5×4", "5×6", "5×10"), 1.0, 1.0, "450/750", ("M", "R100"), ("PRX", "KBP")),
    CableType("YDYP", "Przewód YDYp 450/750 V płaski", "YDYp 450/750 V flat installation cable",
              "przewody-instalacyjne",
              ("2×1,5", "2×2,5", "3×1,5", "3×2,5", "3×4", "4×1,5", "4×2,5", "5×1,5", "5×2,5"), 0.9, 1.0, "450/750",
              ("M", "R100"), ("PRX", "KBP", "HXP")),
    CableType("OMY", "Przewód OMY 300/300 V", "OMY 300/300 V light flexible cord", "przewody-gietkie",
              ("2×0,5", "2×0,75", "2×1", "3×0,75", "3×1", "3×1,5"), 0.6, 1.1, "300/300", ("M", "R100"), ("PRX", "KBP")),
    CableType("OWY", "Przewód OWY (H05VV-F) 300/500 V", "OWY (H05VV-F) 300/500 V flexible cord", "przewody-gietkie",
              ("2×1", "2×1,5", "3×1", "3×1,5", "3×2,5", "4×1,5", "5×1,5", "5×2,5"), 0.9, 1.1, "300/500",
              ("M", "R100"), ("PRX", "KBP")),
    CableType("ONPD", "Przewód gumowy H07RN-F (OnPD) 450/750 V", "H07RN-F rubber cable 450/750 V", "przewody-gietkie",
              ("3×1,5", "3×2,5", "4×1,5", "4×2,5", "5×1,5", "5×2,5", "5×4", "5×6"), 2.2, 1.3, "450/750",
              ("M", "R50"), ("PRX",)),
    CableType("YKY", "Kabel YKY 0,6/1 kV", "YKY 0.6/1 kV power cable", "kable-energetyczne",
              ("3×1,5", "3×2,5", "3×4", "4×10", "4×16", "4×25", "4×35", "5×2,5", "5×4", "5×6", "5×10", "5×16"), 2.5,
              1.0, "600/1000", ("M",), ("PRX", "KBP")),
    CableType("YAKXS", "Kabel YAKXS 0,6/1 kV aluminiowy", "YAKXS 0.6/1 kV aluminium power cable", "kable-energetyczne",
              ("4×25", "4×35", "4×50", "4×70", "4×95", "4×120"), 4.0, 0.3, "600/1000", ("M",), ("PRX",)),
    CableType("LGY", "Przewód LgY (H07V-K) 450/750 V", "LgY (H07V-K) 450/750 V flexible single-core wire",
              "przewody-instalacyjne", ("1×1", "1×1,5", "1×2,5", "1×4", "1×6", "1×10", "1×16", "1×25"), 0.15, 1.15,
              "450/750", ("M", "R100"), ("PRX",), ("czarny", "niebieski", "brązowy", "żółto-zielony", "szary")),
    CableType("DY", "Przewód DY (H07V-U) 450/750 V", "DY (H07V-U) 450/750 V solid single-core wire",
              "przewody-instalacyjne", ("1×1,5", "1×2,5", "1×4", "1×6"), 0.12, 1.0, "450/750", ("R100",), ("PRX",),
              ("czarny", "niebieski", "brązowy", "żółto-zielony")),
    CableType("YTKSY", "Przewód telekomunikacyjny YTKSY", "YTKSY telecom cable", "przewody-instalacyjne",
              ("1×2×0,5", "2×2×0,5", "3×2×0,5", "5×2×0,5", "10×2×0,5"), 0.5, 0.9, "300", ("M", "R100"), ("KBP",)),
)
# fmt: on


def _copper(section: str) -> float:
    numbers = [float(part.replace(",", ".")) for part in section.split("×")]
    return numbers[0] * numbers[-1] * (numbers[1] if len(numbers) == 3 else 1)


def _cable_lines() -> Iterator[Line]:
    # fmt: off
    for cable in CABLE_TYPES:
        for form in cable.forms:
            form_pl, form_en, metres = CABLE_FORMS[form]
            options = []
            for section in cable.sections:
                per_metre = cable.base + _copper(section) * 0.55 * cable.copper
                for colour in cable.colours or ("",):
                    attributes = [("cross_section", section)]
                    label = f"{section} mm²"
                    key = sku_part(section)
                    if colour:
                        attributes.append(("colour", colour))
                        label = f"{label} {colour}"
                        key = f"{key}-{sku_part(colour)[:3]}"
                    options.append(
                        Option(
                            label, per_metre * metres * 0.93 if metres else per_metre, tuple(attributes), key=key,
                            label_en=f"{english_decimals(section)} mm²{' ' + COLOURS_EN[colour] if colour else ''}",
                        )
                    )
            yield Line(
                f"{cable.code}-{form}", cable.category, "KABLE", f"{cable.name_pl}, {form_pl}",
                f"{cable.name_en}, {form_en}",
                f"Przewód miedziany, izolacja PVC, napięcie znamionowe {cable.voltage} V. "
                f"{'Sprzedaż na metry.' if not metres else f'Krążek {metres} m.'}",
                f"Copper conductor, PVC insulation, rated voltage {cable.voltage} V. "
                f"{'Sold by the metre.' if not metres else f'{metres} m coil.'}",
                tuple(options), cable.brands,
                packaging=Packaging(Unit.ROLL) if metres else Packaging(Unit.METRE),
                tiers=ROLL_TIERS if metres else METRE_TIERS,
                attributes=(("voltage", cable.voltage), ("material", "miedź" if cable.copper > 0.5 else "aluminium")),
            )
    yield Line(
        "UTP", "przewody-instalacyjne", "KABLE", "Kabel teleinformatyczny, karton 305 m", "Data cable, 305 m box",
        "Kabel skrętkowy do sieci komputerowych.", "Twisted pair cable for computer networks.",
        (opt("U/UTP kat. 5e", 299, key="UTP5E"), opt("U/UTP kat. 6", 449, key="UTP6"),
         opt("F/UTP kat. 6", 599, key="FTP6")), ("KBP",), Packaging(Unit.ROLL), ROLL_TIERS,
    )


def _modular_device_lines() -> Iterator[Line]:
    # fmt: off
    currents = (6, 10, 13, 16, 20, 25, 32, 40, 50, 63)
    for poles, factor in (("1", 1.0), ("3", 3.3)):
        yield Line(
            f"S{poles}", "aparatura", "APARATURA", f"Wyłącznik nadprądowy {poles}P 6 kA",
            f"Miniature circuit breaker {poles}P 6 kA", ELECTRICAL_ABOUT_PL, ELECTRICAL_ABOUT_EN,
            tuple(opt(f"{curve}{current}", (8 + 0.25 * current) * factor * curve_factor,
                      ("curve", curve), ("current", str(current)), key=f"{curve}{current}")
                  for curve, curve_factor in (("B", 1.0), ("C", 1.05), ("D", 1.6)) for current in currents),
            ("ELK", "VTX", "HXP"), tiers=CONSUMABLE_TIERS, attributes=(("poles", poles),),
        )
    for kind, kind_factor in (("AC", 1.0), ("A", 1.25)):
        for poles, ratings in (("2", ((25, 30), (40, 30), (63, 30))),
                               ("4", ((25, 30), (40, 30), (63, 30), (40, 300), (63, 300)))):
            yield Line(
                f"RCD{poles}{kind}", "aparatura", "APARATURA", f"Wyłącznik różnicowoprądowy {poles}P typ {kind}",
                f"Residual current device {poles}P type {kind}", ELECTRICAL_ABOUT_PL, ELECTRICAL_ABOUT_EN,
                tuple(opt(f"{current} A {sensitivity} mA", (49 + 1.1 * current) * (1.6 if poles == "4" else 1)
                          * kind_factor, ("current", str(current)), key=f"{current}A-{sensitivity}MA")
                      for current, sensitivity in ratings),
                ("ELK", "VTX", "HXP"), attributes=(("poles", poles),),
            )
    yield Line(
        "RCBO", "aparatura", "APARATURA", "Wyłącznik różnicowo-nadprądowy 1P+N 30 mA typ AC",
        "RCBO 1P+N 30 mA type AC", ELECTRICAL_ABOUT_PL, ELECTRICAL_ABOUT_EN,
        tuple(opt(f"{curve}{current}", 89 + current + (6 if curve == "C" else 0), ("curve", curve),
                  ("current", str(current)), key=f"{curve}{current}")
              for curve in ("B", "C") for current in (6, 10, 13, 16, 20, 25, 32)),
        ("ELK", "VTX", "HXP"), attributes=(("poles", "1+N"),),
    )
    yield Line(
        "ROZL", "aparatura", "APARATURA", "Rozłącznik izolacyjny modułowy", "Modular switch disconnector",
        ELECTRICAL_ABOUT_PL, ELECTRICAL_ABOUT_EN,
        tuple(opt(f"{poles}P {current} A", (22 + 0.18 * current) * (2.6 if poles == 3 else 1), ("poles", str(poles)),
                  ("current", str(current)))
              for poles in (1, 3) for current in (32, 40, 63, 80, 100, 125)),
        ("ELK",),
    )
    yield Line(
        "SPD", "aparatura", "APARATURA", "Ogranicznik przepięć", "Surge protective device",
        ELECTRICAL_ABOUT_PL, ELECTRICAL_ABOUT_EN,
        (opt("T1+T2 3P", 699, key="T12-3P"), opt("T1+T2 4P", 899, key="T12-4P"), opt("T2 1P", 149, key="T2-1P"),
         opt("T2 1+N", 279, key="T2-1N"), opt("T2 3P", 389, key="T2-3P"), opt("T2 3+N", 499, key="T2-3N")),
        ("ELK",),
    )
    yield Line(
        "STM", "aparatura", "APARATURA", "Stycznik modułowy 230 V AC", "Modular contactor 230 V AC",
        ELECTRICAL_ABOUT_PL, ELECTRICAL_ABOUT_EN,
        (opt("20 A 2Z", 79, ("current", "20")), opt("25 A 4Z", 119, ("current", "25")),
         opt("40 A 4Z", 179, ("current", "40")), opt("63 A 4Z", 249, ("current", "63"))),
        ("ELK",),
    )
    for code, name_pl, name_en, rows in (
        ("RN", "Rozdzielnica natynkowa IP40", "Surface distribution board IP40",
         (("1×8", 49), ("1×12", 59), ("2×12", 119), ("3×12", 179), ("4×12", 259))),
        ("RP", "Rozdzielnica podtynkowa IP30, drzwi białe", "Flush distribution board IP30, white door",
         (("1×12", 89), ("2×12", 149), ("3×12", 229), ("4×12", 329))),
        ("RH", "Rozdzielnica hermetyczna IP65", "Weatherproof distribution board IP65",
         (("1×4", 59), ("1×8", 89), ("1×12", 119), ("2×12", 229), ("3×12", 349))),
    ):
        yield Line(code, "rozdzielnice", "APARATURA", name_pl, name_en, ELECTRICAL_ABOUT_PL, ELECTRICAL_ABOUT_EN,
                   tuple(opt(f"{size} mod.", price, ("size", size),
                             label_en=f"{size} modules") for size, price in rows),
                   ("ELK", "VTX"))


WIRING_ITEMS = (
    ("GN1", "Gniazdo pojedyncze z uziemieniem", "Single socket outlet with earth", 14.5),
    ("GN2", "Gniazdo podwójne z uziemieniem", "Double socket outlet with earth", 24.9),
    ("LJ", "Łącznik jednobiegunowy", "One-way switch", 13.9),
    ("LS", "Łącznik świecznikowy", "Two-circuit switch", 16.9),
    ("LSCH", "Łącznik schodowy", "Two-way switch", 15.9),
    ("LK", "Łącznik krzyżowy", "Intermediate switch", 24.9),
    ("PD", "Przycisk dzwonkowy", "Bell push", 15.9),
    ("RJ45", "Gniazdo komputerowe RJ45 kat. 6", "RJ45 data outlet cat. 6", 34.9),
    ("TV", "Gniazdo RTV-SAT", "TV-SAT outlet", 29.9),
    ("R1", "Ramka pojedyncza", "Single frame", 4.9),
    ("R2", "Ramka podwójna", "Double frame", 9.9),
    ("R3", "Ramka potrójna", "Triple frame", 14.9),
)
WIRING_COLOURS = (("biały", 1.0), ("kremowy", 1.1), ("czarny", 1.3), ("srebrny", 1.35))


def _wiring_lines() -> Iterator[Line]:
    # fmt: off
    for series, brand in (("Nova", "ELK"), ("Forma", "VTX")):
        for code, name_pl, name_en, price in WIRING_ITEMS:
            yield Line(
                f"{series[:2].upper()}-{code}", "osprzet", "APARATURA", f"{name_pl}, seria {series}",
                f"{name_en}, {series} series", "Osprzęt podtynkowy, montaż na puszce Ø60 mm, zaciski bezśrubowe.",
                "Flush wiring accessory for Ø60 mm boxes, screwless terminals.",
                tuple(coloured("", colour, price * factor,
                               key=sku_part(colour)[:3]) for colour, factor in WIRING_COLOURS),
                (brand,), tiers=CONSUMABLE_TIERS,
            )
    yield Line(
        "HERM", "osprzet", "APARATURA", "Osprzęt natynkowy hermetyczny IP44", "Surface weatherproof accessory IP44",
        "Osprzęt do pomieszczeń wilgotnych, garaży i budynków gospodarczych.",
        "For damp rooms, garages and farm buildings.",
        tuple(Option(f"{label_pl}, {colour}", price, (("colour", colour),),
                     label_en=f"{label_en}, {COLOURS_EN[colour]}",
                     key=f"{key}-{sku_part(colour)[:3]}")
              for key, label_pl, label_en, price in (
                  ("GN1", "gniazdo pojedyncze z uziemieniem", "single socket outlet with earth", 19.9),
                  ("GN2", "gniazdo podwójne z uziemieniem", "double socket outlet with earth", 32.9),
                  ("LJ", "łącznik jednobiegunowy", "one-way switch", 17.9),
                  ("LS", "łącznik świecznikowy", "two-circuit switch", 21.9),
                  ("LSCH", "łącznik schodowy", "two-way switch", 19.9),
                  ("LK", "łącznik krzyżowy", "intermediate switch", 29.9))
              for colour in ("szary", "biały")),
        ("ELK",), tiers=CONSUMABLE_TIERS,
    )
    yield Line(
        "PUS", "osprzet", "APARATURA", "Puszka instalacyjna", "Installation box", ELECTRICAL_ABOUT_PL,
        ELECTRICAL_ABOUT_EN,
        (o("podtynkowa Ø60 płytka", "flush Ø60 shallow", 0.79, key="P60"),
         o("podtynkowa Ø60 głęboka", "flush Ø60 deep", 1.19, key="P60G"),
         o("podtynkowa Ø60 z wkrętami", "flush Ø60 with screws", 1.29, key="P60W"),
         o("do płyt g-k Ø60", "cavity wall Ø60", 1.49, key="GK60"),
         o("do płyt g-k podwójna", "cavity wall double", 3.9, key="GK2"),
         o("natynkowa hermetyczna 80×80 IP55", "surface IP55 80×80", 4.9, key="H80"),
         o("natynkowa hermetyczna 100×100 IP55", "surface IP55 100×100", 6.9, key="H100"),
         o("natynkowa hermetyczna 150×110 IP55", "surface IP55 150×110", 12.9, key="H150")),
        ("ELK", "VTX"), Packaging(Unit.PIECE, 50, 10, 10), CONSUMABLE_TIERS,
    )
    yield Line(
        "ZLD", "osprzet", "APARATURA", "Złączka dźwigniowa uniwersalna 0,2–4 mm²",
        "Lever wire connector 0.2–4 mm²", ELECTRICAL_ABOUT_PL, ELECTRICAL_ABOUT_EN,
        (o("2-torowa", "2-way", 0.89, key="2"), o("3-torowa", "3-way", 1.19, key="3"),
         o("5-torowa", "5-way", 1.79, key="5")),
        ("ELK", "HXP"), packs_of(50), CONSUMABLE_TIERS,
    )
    yield Line(
        "ZLW", "osprzet", "APARATURA", "Złączka wciskana 0,5–2,5 mm²", "Push-in wire connector 0.5–2.5 mm²",
        ELECTRICAL_ABOUT_PL, ELECTRICAL_ABOUT_EN,
        tuple(o(f"{n}-torowa", f"{n}-way", 0.25 + 0.07 * n, key=str(n)) for n in (2, 3, 4, 5, 8)),
        ("ELK", "HXP"), packs_of(100), CONSUMABLE_TIERS,
    )
    for code, name_pl, name_en, factor in (
        ("WPP", "Wtyczka przemysłowa", "Industrial plug", 1.0),
        ("GPP", "Gniazdo przenośne przemysłowe", "Industrial connector", 1.2),
        ("GSP", "Gniazdo stałe natynkowe przemysłowe", "Industrial surface socket", 1.3),
    ):
        yield Line(
            code, "zlacza-przemyslowe", "APARATURA", name_pl, name_en, ELECTRICAL_ABOUT_PL, ELECTRICAL_ABOUT_EN,
            tuple(opt(f"{current} A {poles}P {voltage} V {ip}", (14 + 0.45 * current + poles) * factor
                      * (1.5 if ip == "IP67" else 1), ("current", str(current)), ("poles", str(poles)),
                      ("voltage", str(voltage)), ("protection", ip), key=f"{current}A{poles}P-{ip}")
                  for current, poles, voltage in ((16, 3, 230), (16, 4, 400), (16, 5, 400), (32, 4, 400), (32, 5, 400),
                                                  (63, 5, 400))
                  for ip in ("IP44", "IP67")),
            ("ELK",),
        )
    yield Line(
        "DLM", "zlacza-przemyslowe", "APARATURA", "Dławnica kablowa metryczna IP68", "Metric cable gland IP68",
        ELECTRICAL_ABOUT_PL, ELECTRICAL_ABOUT_EN,
        tuple(coloured(thread, colour, 0.6 + 0.04 * int(thread[1:]), ("thread", thread),
                       key=f"{thread}-{sku_part(colour)[:3]}")
              for thread in ("M12", "M16", "M20", "M25", "M32", "M40", "M50", "M63") for colour in ("szary", "czarny")),
        ("HXP",), packs_of(10), CONSUMABLE_TIERS,
    )
    yield Line(
        "KTU", "zlacza-przemyslowe", "APARATURA", "Końcówka tulejkowa izolowana", "Insulated bootlace ferrule",
        ELECTRICAL_ABOUT_PL, ELECTRICAL_ABOUT_EN,
        sizes("cross_section", ((section, 0.03 + 0.006 * float(section.replace(",", "."))) for section in
                                ("0,5", "0,75", "1", "1,5", "2,5", "4", "6", "10", "16")), " mm²"),
        ("HXP",), packs_of(100), CONSUMABLE_TIERS,
    )
    yield Line(
        "KOC", "zlacza-przemyslowe", "APARATURA", "Końcówka oczkowa miedziana cynowana", "Tinned copper cable lug",
        ELECTRICAL_ABOUT_PL, ELECTRICAL_ABOUT_EN,
        tuple(opt(f"{section} mm² {thread}", 0.6 + 0.05 * section, ("cross_section", str(section)), ("thread", thread))
              for section, thread in ((6, "M6"), (10, "M6"), (10, "M8"), (16, "M8"), (25, "M8"), (25, "M10"),
                                      (35, "M10"), (50, "M10"), (70, "M12"))),
        ("HXP",), packs_of(10), CONSUMABLE_TIERS,
    )


def _cable_management_lines() -> Iterator[Line]:
    # fmt: off
    yield Line(
        "RKP", "prowadzenie-kabli", "APARATURA", "Rura karbowana PVC (peszel) szara", "Corrugated PVC conduit, grey",
        "Rura elektroinstalacyjna giętka, samogasnąca, do układania pod tynkiem.",
        "Flexible self-extinguishing conduit for concealed wiring.",
        tuple(o(f"Ø{d} mm, krążek {metres} m", f"Ø{d} mm, {metres} m coil", price, ("diameter", str(d)), key=str(d))
              for d, metres, price in ((16, 50, 29), (18, 50, 32), (20, 50, 36), (22, 50, 42), (25, 50, 49),
                                       (28, 50, 59), (32, 25, 45), (37, 25, 62), (47, 25, 89))),
        ("HXP",), Packaging(Unit.ROLL), ROLL_TIERS,
    )
    yield Line(
        "RSZ", "prowadzenie-kabli", "APARATURA", "Rura instalacyjna sztywna PVC, odcinki 3 m",
        "Rigid PVC conduit, 3 m lengths", "Rura sztywna do instalacji natynkowych.",
        "Rigid conduit for surface wiring.",
        sizes("diameter", ((str(d), 0.9 + 0.12 * d) for d in (16, 18, 20, 22, 28, 37, 47)), " mm"),
        ("HXP",), packs_of(3, Unit.METRE), METRE_TIERS,
    )
    yield Line(
        "RDV", "prowadzenie-kabli", "APARATURA", "Rura osłonowa dwuścienna karbowana, krążek 50 m",
        "Twin-wall corrugated duct, 50 m coil", "Rura do układania kabli w ziemi.",
        "Duct for cables laid in the ground.",
        sizes("diameter", ((str(d), 60 + 0.022 * d * d) for d in (40, 50, 75, 110, 160)), " mm"),
        ("HXP",), Packaging(Unit.ROLL), ROLL_TIERS,
    )
    for code, height, widths in (("KKP60", 60, (50, 100, 150, 200, 300, 400, 500, 600)),
                                 ("KKP42", 42, (50, 100, 150, 200, 300))):
        yield Line(
            code, "prowadzenie-kabli", "APARATURA", f"Korytko kablowe perforowane wys. {height} mm, ocynk",
            f"Perforated cable tray, {height} mm high, galvanised", "Korytko w odcinkach 3 m, sprzedaż na metry.",
            "Tray in 3 m lengths, sold by the metre.",
            sizes("size", ((f"{width}×{height}", 12 + 0.11 * width) for width in widths), " mm"),
            ("HXP",), packs_of(3, Unit.METRE), METRE_TIERS, attributes=(STEEL, ("finish", "ocynk Sendzimira")),
        )
    yield Line(
        "LIS", "prowadzenie-kabli", "APARATURA", "Listwa elektroinstalacyjna PVC, odcinki 2 m",
        "PVC trunking, 2 m lengths", "Listwa z pokrywą zatrzaskową.", "Trunking with a snap-on lid.",
        tuple(coloured(f"{size} mm", colour, 1.2 + 0.0018 * int(size.split("×")[0]) * int(size.split("×")[1]),
                       ("size", size), key=f"{sku_part(size)}-{sku_part(colour)[:3]}")
              for size in ("12×12", "15×15", "20×20", "25×25", "40×25", "40×40", "60×40") for colour in ("biały",
                                                                                                         "brązowy")),
        ("HXP",), packs_of(2, Unit.METRE), METRE_TIERS,
    )
    ties = (("2,5×100", 0.04), ("2,5×150", 0.05), ("2,5×200", 0.07), ("3,6×140", 0.07), ("3,6×200", 0.09),
            ("3,6×300", 0.14), ("4,8×200", 0.15), ("4,8×300", 0.22), ("4,8×370", 0.29), ("7,6×300", 0.39),
            ("7,6×450", 0.55), ("9×780", 1.29))
    yield Line(
        "OPK", "prowadzenie-kabli", "APARATURA", "Opaska kablowa", "Cable tie", "Opaska z poliamidu PA66.",
        "Polyamide PA66 cable tie.",
        tuple(coloured(f"{size} mm", colour, price, ("size", size), key=f"{sku_part(size)}-{sku_part(colour)[:3]}")
              for size, price in ties for colour in ("czarny", "biały")),
        ("HXP", "ELK"), packs_of(100), CONSUMABLE_TIERS,
    )
    yield Line(
        "PRB", "osprzet", "APARATURA", "Przedłużacz bębnowy", "Cable reel extension",
        "Przedłużacz na bębnie z zabezpieczeniem termicznym, 4 gniazda.", "Cable reel with thermal cut-out, 4 sockets.",
        (opt("25 m 3×1,5 mm²", 149, key="25-1.5"), opt("40 m 3×1,5 mm²", 199, key="40-1.5"),
         opt("25 m 3×2,5 mm²", 229, key="25-2.5"), opt("50 m 3×2,5 mm²", 349, key="50-2.5")),
        ("HXP", "ELK"),
    )
    yield Line(
        "LZS", "osprzet", "APARATURA", "Listwa zasilająca z uziemieniem", "Power strip with earth",
        ELECTRICAL_ABOUT_PL, ELECTRICAL_ABOUT_EN,
        (o("3 gniazda, 1,5 m", "3 sockets, 1.5 m", 19, key="3-1.5"),
         o("3 gniazda, 3 m", "3 sockets, 3 m", 24, key="3-3"),
         o("5 gniazd, 1,5 m", "5 sockets, 1.5 m", 25, key="5-1.5"), o("5 gniazd, 3 m", "5 sockets, 3 m", 32, key="5-3"),
         o("5 gniazd, 5 m", "5 sockets, 5 m", 39, key="5-5"),
         o("6 gniazd z wyłącznikiem, 3 m", "6 sockets with switch, 3 m", 45, key="6-3")),
        ("HXP", "ELK"),
    )


def _lighting_lines() -> Iterator[Line]:
    # fmt: off
    def light(watts: int, kelvin: int, price: float, prefix: str = "") -> Option:
        return opt(f"{prefix}{watts} W {kelvin} K", price, ("power", str(watts)), ("colour_temperature", str(kelvin)),
                   key=f"{sku_part(prefix)}{watts}W-{kelvin}K")

    about_pl = "Oprawa LED o trwałości 30 000 h, gwarancja 3 lata."
    about_en = "LED luminaire rated for 30,000 h, 3-year warranty."
    for code, name_pl, name_en, options in (
        ("NAS", "Naświetlacz LED IP65", "LED floodlight IP65",
         tuple(light(w, k, p) for w, p in ((10, 29), (20, 39), (30, 49), (50, 69), (100, 139), (150, 219), (200, 289))
               for k in (4000, 6500))),
        ("PAN", "Panel LED podtynkowy", "Recessed LED panel",
         tuple(light(w, k, p, f"{size} cm ") for size, w, p in (("60×60", 36, 89), ("60×60", 40, 99),
                                                                ("30×120", 40, 119))
               for k in (3000, 4000))),
        ("OHL", "Oprawa hermetyczna LED IP65", "Weatherproof LED batten IP65",
         tuple(light(w, k, p, f"{length} cm ") for length, w, p in ((60, 18, 49), (120, 36, 69), (150, 48, 89))
               for k in (4000, 6500))),
        ("E27", "Żarówka LED E27", "LED bulb E27",
         tuple(light(w, k, p) for w, p in ((5, 5.9), (7, 6.9), (9, 7.9), (11, 8.9), (13, 10.9), (15, 13.9))
               for k in (2700, 4000))),
        ("GU10", "Żarówka LED GU10", "LED bulb GU10",
         tuple(light(w, k, p) for w, p in ((3, 4.9), (5, 6.9), (7, 8.9)) for k in (3000, 4000))),
        ("E14", "Żarówka LED E14 świeczka", "LED candle bulb E14",
         tuple(light(w, k, p) for w, p in ((4, 6.5), (6, 7.9)) for k in (2700, 4000))),
        ("TLED", "Taśma LED, rolka 5 m", "LED strip, 5 m reel",
         tuple(light(w, k, p, f"{volts} V ") for volts, w, p in ((12, 24, 49), (24, 48, 89))
              for k in (3000, 4000, 6500))),
        ("OAW", "Oprawa awaryjna LED", "LED emergency luminaire",
         (o("1 h, z piktogramem", "1 h, with pictogram", 89, key="1H-P"),
          o("3 h, z piktogramem", "3 h, with pictogram", 119, key="3H-P"),
          o("1 h, oświetlenie ewakuacyjne", "1 h, escape lighting", 99, key="1H-E"),
          o("3 h, oświetlenie ewakuacyjne", "3 h, escape lighting", 129, key="3H-E"))),
    ):
        yield Line(code, "oswietlenie", "OSWIETLENIE", name_pl, name_en, about_pl, about_en, options,
                   ("LMX", "HXP", "VTX"),
                   tiers=CONSUMABLE_TIERS)


# --- Plumbing -----------------------------------------------------------------------------------

PLUMBING_ABOUT_PL = "Do instalacji wody zimnej i ciepłej oraz ogrzewania; atest higieniczny PZH."
PLUMBING_ABOUT_EN = "For hot and cold water and heating; hygiene certificate for drinking water."
PPR_DIAMETERS = (16, 20, 25, 32, 40, 50, 63, 75, 90, 110)
# A PP-R fitting's diameter → the thread of its threaded version.
PPR_THREADS = {20: '1/2"', 25: '3/4"', 32: '1"', 40: '5/4"'}


def _plumbing_lines() -> Iterator[Line]:
    # fmt: off
    brands = ("AQP", "TRM", "HXP")
    for code, name_pl, name_en, factor, pressure in (
        ("PPR16", "Rura PP-R PN16", "PP-R pipe PN16", 1.0, "16"),
        ("PPR20", "Rura PP-R PN20", "PP-R pipe PN20", 1.25, "20"),
        ("PPRAL", "Rura PP-R stabilizowana aluminium PN20", "PP-R pipe, aluminium stabilised PN20", 2.1, "20"),
        ("PPRGF", "Rura PP-R z włóknem szklanym PN20", "PP-R pipe, glass fibre PN20", 1.6, "20"),
    ):
        yield Line(
            code, "pp-r", "INSTALACJE", f"{name_pl}, sztangi 4 m", f"{name_en}, 4 m bars", PLUMBING_ABOUT_PL,
            PLUMBING_ABOUT_EN,
            sizes("diameter", ((str(d), 0.35 + 0.0056 * d * d * factor) for d in PPR_DIAMETERS), " mm", matched=True),
            brands, packs_of(4, Unit.METRE), METRE_TIERS, (("material", "PP-R"), ("pressure", pressure)),
        )
    plain = (
        ("K90", "Kolano PP-R 90°", "PP-R elbow 90°", 0.59), ("K45", "Kolano PP-R 45°", "PP-R elbow 45°", 0.65),
        ("TR", "Trójnik PP-R", "PP-R tee", 0.79), ("MUF", "Mufa PP-R", "PP-R coupling", 0.39),
        ("ZAS", "Zaślepka PP-R", "PP-R end cap", 0.49), ("OBJ", "Uchwyt rurowy PP-R", "PP-R pipe clip", 0.39),
    )
    for code, name_pl, name_en, price in plain:
        yield Line(code, "pp-r", "INSTALACJE", name_pl, name_en, PLUMBING_ABOUT_PL, PLUMBING_ABOUT_EN,
                   sizes("diameter", ((str(d), price * (d / 20) ** 1.8) for d in PPR_DIAMETERS[:7]), " mm",
                         matched=True),
                   brands, packs_of(10), CONSUMABLE_TIERS, (("material", "PP-R"),))
    for code, name_pl, name_en, price in (
        ("KGW", "Kolano PP-R z gwintem wewnętrznym", "PP-R elbow, female thread", 9.9),
        ("ZGZ", "Złączka PP-R z gwintem zewnętrznym", "PP-R adaptor, male thread", 11.9),
        ("ZGW", "Złączka PP-R z gwintem wewnętrznym", "PP-R adaptor, female thread", 9.5),
    ):
        yield Line(code, "pp-r", "INSTALACJE", name_pl, name_en, PLUMBING_ABOUT_PL, PLUMBING_ABOUT_EN,
                   tuple(opt(f"{d} mm × {thread}", price * (d / 20) ** 1.5, ("diameter", str(d)),
                             ("connection", thread), key=f"{d}-{INCH_KEYS[thread]}")
                         for d, thread in PPR_THREADS.items()),
                   brands, tiers=CONSUMABLE_TIERS, attributes=(("material", "PP-R/mosiądz"),))
    yield Line("ZKPP", "pp-r", "INSTALACJE", "Zawór kulowy PP-R", "PP-R ball valve", PLUMBING_ABOUT_PL,
               PLUMBING_ABOUT_EN,
               sizes("diameter", ((str(d), 24.9 * (d / 20) ** 1.6) for d in (20, 25, 32, 40, 50, 63)),
                                        " mm"), brands, attributes=(("material", "PP-R"),))
    multilayer = (("16×2", 3.9), ("20×2", 5.9), ("25×2,5", 9.9), ("26×3", 10.9), ("32×3", 16.9))
    yield Line(
        "PEX", "wielowarstwowe", "INSTALACJE", "Rura wielowarstwowa PE-RT/AL/PE-RT", "Multilayer pipe PE-RT/AL/PE-RT",
        PLUMBING_ABOUT_PL, PLUMBING_ABOUT_EN,
        tuple(o(f"{size} mm, {form_pl}", f"{english_decimals(size)} mm, {form_en}", price * factor, ("size", size),
                key=f"{sku_part(size)}-{form_code}", match=size, packaging=packaging)
              for size, price in multilayer
              for form_code, form_pl, form_en, factor, packaging in (
                  ("Z", "ze zwoju", "from the coil", 1.0, Packaging(Unit.METRE)),
                  ("S", "sztangi 5 m", "5 m bars", 1.08, packs_of(5, Unit.METRE)))),
        brands, tiers=METRE_TIERS,
    )
    for code, name_pl, name_en, price in (
        ("PK", "Kolano zaprasowywane", "Press elbow", 12.9), ("PT", "Trójnik zaprasowywany", "Press tee", 17.9),
        ("PM", "Złączka prosta zaprasowywana", "Press coupling", 9.9),
        ("PGZ", "Złączka zaprasowywana z gwintem zewnętrznym", "Press adaptor, male thread", 10.9),
        ("PGW", "Złączka zaprasowywana z gwintem wewnętrznym", "Press adaptor, female thread", 11.9),
        ("PKS", "Kolano ścienne zaprasowywane", "Press wall plate elbow", 16.9),
    ):
        yield Line(code, "wielowarstwowe", "INSTALACJE", name_pl, name_en,
                   "Kształtka mosiężna zaprasowywana, profil TH.", "Brass press fitting, TH profile.",
                   tuple(opt(f"{size} mm", price * (1 + index * 0.3), ("size", size), match=size)
                         for index, (size, _) in enumerate(multilayer)), brands, tiers=CONSUMABLE_TIERS)
    yield Line(
        "PE100", "pe", "INSTALACJE", "Rura PE100 SDR11 PN16 do wody", "PE100 SDR11 PN16 water pipe",
        "Rura ciśnieniowa do wody pitnej, ze zwoju, sprzedaż na metry.",
        "Pressure pipe for drinking water, from the coil, sold by the metre.",
        sizes("diameter", ((str(d), 0.5 + 0.0046 * d * d) for d in (20, 25, 32, 40, 50, 63, 75, 90, 110)), " mm",
              matched=True),
        ("AQP",), Packaging(Unit.METRE), METRE_TIERS, (("material", "PE100"), ("pressure", "16")),
    )
    for code, name_pl, name_en, price in (
        ("ZZK", "Kolano zaciskowe do rur PE", "Compression elbow for PE pipe", 9.9),
        ("ZZT", "Trójnik zaciskowy do rur PE", "Compression tee for PE pipe", 12.9),
        ("ZZM", "Złączka zaciskowa prosta do rur PE", "Compression coupling for PE pipe", 8.9),
        ("ZZGZ", "Złączka zaciskowa do rur PE z gwintem zewnętrznym", "Compression adaptor for PE, male thread", 6.9),
        ("ZZGW", "Złączka zaciskowa do rur PE z gwintem wewnętrznym", "Compression adaptor for PE, female thread", 7.5),
        ("ZZZ", "Zaślepka zaciskowa do rur PE", "Compression end cap for PE pipe", 5.9),
    ):
        yield Line(code, "pe", "INSTALACJE", name_pl, name_en, "Złączka z polipropylenu PN16.",
                   "Polypropylene fitting PN16.",
                   sizes("diameter", ((str(d), price * (d / 20) ** 1.4) for d in (20, 25, 32, 40, 50, 63)), " mm",
                         matched=True),
                   ("AQP",), tiers=CONSUMABLE_TIERS)
    # Irrigation for farms: the 8 % VAT rate of agricultural goods.
    yield Line(
        "PELD", "nawadnianie", "NAWADNIANIE", "Rura PE-LD do nawadniania PN4, zwój 100 m",
        "PE-LD irrigation pipe PN4, 100 m coil", "Rura do systemów nawadniania upraw.", "Pipe for crop irrigation.",
        sizes("diameter", ((str(d), 40 + 0.06 * d * d) for d in (16, 20, 25, 32, 40, 50)), " mm"),
        ("AQP",), Packaging(Unit.ROLL), ROLL_TIERS, vat=VatRate.REDUCED,
    )
    yield Line(
        "LKR", "nawadnianie", "NAWADNIANIE", "Linia kroplująca 16 mm, 2 l/h", "Drip line 16 mm, 2 l/h",
        "Linia z kompensacją ciśnienia do upraw polowych, sadów i szklarni.",
        "Pressure-compensated drip line for fields, orchards and greenhouses.",
        tuple(o(f"emiter co {spacing} cm, zwój {metres} m", f"emitter every {spacing} cm, {metres} m coil",
                metres * (0.62 - spacing / 200), key=f"{spacing}-{metres}")
              for spacing in (20, 30, 33, 50) for metres in (100, 500)),
        ("AQP",), Packaging(Unit.ROLL), ROLL_TIERS, vat=VatRate.REDUCED,
    )
    yield Line(
        "TKR", "nawadnianie", "NAWADNIANIE", "Taśma kroplująca 16 mm", "Drip tape 16 mm",
        "Taśma jednosezonowa do upraw warzyw.", "Single-season tape for vegetable crops.",
        tuple(o(f"{mil} mil, emiter co {spacing} cm, {metres} m", f"{mil} mil, emitter every {spacing} cm, {metres} m",
                metres * (0.12 + mil / 100), key=f"{mil}-{spacing}-{metres}")
              for mil, spacing, metres in ((6, 20, 500), (6, 20, 1000), (6, 30, 1000), (8, 20, 1000), (8, 30, 1000),
                                           (8, 30, 2000))),
        ("AQP",), Packaging(Unit.ROLL), ROLL_TIERS, vat=VatRate.REDUCED,
    )
    yield Line(
        "ZKR", "nawadnianie", "NAWADNIANIE", "Złączki do linii kroplującej 16 mm, 10 szt.",
        "Drip line fittings 16 mm, 10 pcs", "Złączki do szybkiego montażu linii.", "Fittings for fast line assembly.",
        (o("prosta", "straight", 9.9), o("trójnik", "tee", 12.9), o("kolano", "elbow", 11.9),
         o("zaślepka", "end plug", 7.9),
         o("starter do rury PE", "PE pipe starter", 14.9)),
        ("AQP",), Packaging(Unit.PACK), CONSUMABLE_TIERS, vat=VatRate.REDUCED,
    )
    yield Line(
        "FNW", "nawadnianie", "NAWADNIANIE", "Filtr siatkowy do nawadniania", "Irrigation screen filter",
        "Filtr 120 mesh chroniący emitery przed zapchaniem.", "120 mesh filter keeping emitters clear.",
        by_inch(('3/4"', '1"', '5/4"', '2"'), (39, 49, 79, 149)), ("AQP",), vat=VatRate.REDUCED,
    )
    for code, name_pl, name_en, factor, sizes_taken, brand_set in (
        ("ZKD", "Zawór kulowy mosiężny GW-GW z dźwignią", "Brass ball valve F-F, lever", 1.0, PIPE_SIZES, brands),
        ("ZKM", "Zawór kulowy mosiężny GW-GZ z motylkiem", "Brass ball valve F-M, butterfly", 1.0, PIPE_SIZES[:5],
         brands),
        ("ZKS", "Zawór kulowy mosiężny ze śrubunkiem", "Brass ball valve with union", 1.3, PIPE_SIZES[2:5], brands),
        ("ZKG", "Zawór kulowy do gazu, żółta dźwignia", "Gas ball valve, yellow lever", 1.15, PIPE_SIZES[2:5], brands),
        ("ZKO", "Zawór kulowy ze spustem", "Ball valve with drain", 1.25, PIPE_SIZES[2:5], brands),
        ("ZZG", "Zawór zwrotny mosiężny grzybkowy", "Brass spring check valve", 0.9, PIPE_SIZES[2:], ("AQP",)),
        ("ZZKL", "Zawór zwrotny klapowy", "Swing check valve", 1.4, PIPE_SIZES[2:], ("AQP",)),
        ("FSO", "Filtr siatkowy skośny (osadnik)", "Y-strainer", 1.1, PIPE_SIZES[2:], ("AQP",)),
        ("RCW", "Reduktor ciśnienia wody z manometrem", "Water pressure reducer with gauge", 5.5, PIPE_SIZES[2:5],
         ("AQP",)),
    ):
        prices = [17 * factor * PIPE_FACTORS[PIPE_SIZES.index(size)] for size in sizes_taken]
        yield Line(code, "armatura", "INSTALACJE", name_pl, name_en, PLUMBING_ABOUT_PL, PLUMBING_ABOUT_EN,
                   by_inch(sizes_taken, prices), brand_set, attributes=(("material", "mosiądz"),))
    for code, name_pl, name_en, price in (
        ("NYP", "Nypel mosiężny", "Brass hex nipple", 3.9), ("MUF", "Mufa mosiężna", "Brass socket", 4.5),
        ("KGW", "Kolano mosiężne GW-GW", "Brass elbow F-F", 6.9),
        ("KGZ", "Kolano mosiężne GW-GZ", "Brass elbow F-M", 6.5),
        ("TRJ", "Trójnik mosiężny GW", "Brass tee, female", 8.9), ("KOR", "Korek mosiężny GZ", "Brass plug, male", 3.5),
        ("ZSL", "Zaślepka mosiężna GW", "Brass cap, female", 3.9),
        ("SRB", "Śrubunek prosty GW-GZ", "Straight union F-M", 14.9),
    ):
        yield Line(f"M{code}", "armatura", "INSTALACJE", name_pl, name_en, PLUMBING_ABOUT_PL, PLUMBING_ABOUT_EN,
                   by_inch(PIPE_SIZES, [price * factor for factor in PIPE_FACTORS]), ("",),
                   tiers=CONSUMABLE_TIERS, attributes=(("material", "mosiądz"),))
    for code, name_pl, name_en, factor in (
        ("KZ4", "Rura kanalizacyjna zewnętrzna PVC-U lita SN4", "Outdoor PVC-U sewer pipe SN4", 1.0),
        ("KZ8", "Rura kanalizacyjna zewnętrzna PVC-U lita SN8", "Outdoor PVC-U sewer pipe SN8", 1.35),
    ):
        yield Line(
            code, "kanalizacja", "INSTALACJE", name_pl, name_en, "Rura kielichowa z uszczelką, kolor pomarańczowy.",
            "Socketed pipe with seal, orange.",
            tuple(opt(f"Ø{d}×{length} m", (4 + 0.00042 * d * d * length) * factor, ("diameter", str(d)),
                      ("length", str(length * 1000)), key=f"{d}X{length}M")
                  for d in (110, 160, 200, 250, 315) for length in (1, 2, 3, 6)),
            ("",), attributes=(("material", "PVC-U"),),
        )
    yield Line(
        "KZK", "kanalizacja", "INSTALACJE", "Kształtka kanalizacyjna zewnętrzna PVC-U", "Outdoor PVC-U sewer fitting",
        "Kształtka kielichowa z uszczelką.", "Socketed fitting with seal.",
        tuple(o(f"{kind_pl} Ø{d}", f"{kind_en} Ø{d}", price * (d / 110) ** 2, ("diameter", str(d)), key=f"{key}-{d}")
              for key, kind_pl, kind_en, price in (("K15", "kolano 15°", "bend 15°", 8.9), ("K30", "kolano 30°",
                                                   "bend 30°", 8.9), ("K45", "kolano 45°", "bend 45°", 9.5),
                                                   ("K87", "kolano 87°", "bend 87°", 10.9), ("T45", "trójnik 45°",
                                                   "branch 45°", 18.9), ("MUF", "nasuwka", "slip coupler", 9.9),
                                                   ("KOR", "korek", "end cap", 6.9))
              for d in (110, 160, 200)),
        ("",), attributes=(("material", "PVC-U"),),
    )
    yield Line(
        "KW", "kanalizacja", "INSTALACJE", "Rura kanalizacyjna wewnętrzna PP", "Indoor PP drain pipe",
        "Rura kielichowa HT do kanalizacji wewnętrznej, kolor szary.", "Socketed HT pipe for indoor drainage, grey.",
        tuple(opt(f"Ø{d}×{pl_number(length)} m", 2.5 + 0.0011 * d * d * length, ("diameter", str(d)),
                  ("length", str(int(length * 1000))), key=f"{d}X{length:g}M")
              for d in (32, 40, 50, 75, 110) for length in (0.25, 0.5, 1.0, 2.0, 3.0)),
        ("",), attributes=(("material", "PP"),),
    )
    yield Line(
        "KWK", "kanalizacja", "INSTALACJE", "Kształtka kanalizacyjna wewnętrzna PP", "Indoor PP drain fitting",
        "Kształtka kielichowa HT z uszczelką.", "Socketed HT fitting with seal.",
        tuple(o(f"{kind_pl} Ø{d}", f"{kind_en} Ø{d}", price * (d / 50) ** 1.6, ("diameter", str(d)), key=f"{key}-{d}")
              for key, kind_pl, kind_en, price in (("K15", "kolano 15°", "bend 15°", 2.5), ("K30", "kolano 30°",
                                                   "bend 30°", 2.5), ("K45", "kolano 45°", "bend 45°", 2.6),
                                                   ("K67", "kolano 67°", "bend 67°", 2.7), ("K87", "kolano 87°",
                                                   "bend 87°", 2.8), ("T45", "trójnik 45°", "branch 45°", 4.9),
                                                   ("T87", "trójnik 87°", "branch 87°", 4.9), ("MUF", "mufa", "coupler",
                                                   2.9), ("KOR", "korek", "end cap", 1.9), ("CZ", "czyszczak",
                                                   "access pipe", 9.9))
              for d in (32, 40, 50, 75, 110)),
        ("",), packs_of(5), CONSUMABLE_TIERS, (("material", "PP"),),
    )
    yield Line(
        "BAT", "armatura", "INSTALACJE", "Bateria", "Mixer tap", "Bateria z głowicą ceramiczną, chrom.",
        "Ceramic cartridge mixer, chrome.",
        (o("umywalkowa stojąca", "basin mixer", 149, key="UMY"),
         o("zlewozmywakowa stojąca", "sink mixer", 169, key="ZLEW"),
         o("natryskowa ścienna", "wall shower mixer", 189, key="NATR"), o("wannowa ścienna", "wall bath mixer", 219,
                                                                           key="WANNA"),
         o("natryskowa termostatyczna", "thermostatic shower mixer", 399, key="TERMO")),
        brands,
    )


# --- PPE and workwear ----------------------------------------------------------------------------

GLOVE_SIZES = ("7", "8", "9", "10", "11")
SHOE_SIZES = tuple(str(size) for size in range(38, 49))
CLOTHES_SIZES = ("S", "M", "L", "XL", "XXL", "3XL")


def _sized(sizes_taken: Sequence[str], price: float) -> tuple[Option, ...]:
    return tuple(Option(f"rozm. {size}", price, (("size", size),), label_en=f"size {size}") for size in sizes_taken)


def _ppe_lines() -> Iterator[Line]:
    # fmt: off
    gloves = (
        ("RNT", "Rękawice powlekane nitrylem", "Nitrile coated gloves", 3.9, "EN 388 4121X"),
        ("RPU", "Rękawice powlekane poliuretanem", "Polyurethane coated gloves", 2.9, "EN 388 4131X"),
        ("RLX", "Rękawice murarskie powlekane lateksem", "Latex coated builder's gloves", 3.5, "EN 388 2242X"),
        ("RSK", "Rękawice skórzane wzmacniane", "Reinforced leather gloves", 8.9, "EN 388 3122X"),
        ("RZM", "Rękawice zimowe ocieplane", "Insulated winter gloves", 7.9, "EN 388, EN 511"),
        ("RCUT", "Rękawice antyprzecięciowe poziom C", "Cut resistant gloves level C", 12.9, "EN 388 4X42C"),
        ("RMN", "Rękawice montażowe z mikropianką nitrylową", "Nitrile micro-foam assembly gloves", 5.9,
         "EN 388 4131X"),
    )
    for code, name_pl, name_en, price, norm in gloves:
        yield Line(code, "rekawice", "BHP", name_pl, name_en, f"Rękawice ochronne kat. II, {norm}. Cena za parę.",
                   f"Category II protective gloves, {norm}. Price per pair.", _sized(GLOVE_SIZES, price),
                   ("BZP", "SFL", "HXP"), packs_of(12), CONSUMABLE_TIERS, (("standard", norm),))
    yield Line(
        "RSP", "rekawice", "BHP", "Rękawice spawalnicze skórzane", "Leather welding gloves",
        "Rękawice spawalnicze typu A, EN 12477. Cena za parę.", "Type A welding gloves, EN 12477. Price per pair.",
        _sized(("10", "11"), 19.9), ("BZP", "SFL"), packs_of(6), CONSUMABLE_TIERS,
    )
    yield Line(
        "RJN", "rekawice", "BHP", "Rękawice nitrylowe jednorazowe, 100 szt.", "Disposable nitrile gloves, 100 pcs",
        "Rękawice bezpudrowe, EN 374, EN 455.", "Powder-free gloves, EN 374, EN 455.",
        _sized(("S", "M", "L", "XL"), 29.9), ("BZP", "SFL", "HXP"), Packaging(Unit.PACK), CONSUMABLE_TIERS,
    )
    for code, name_pl, name_en, price, protection in (
        ("OBP", "Półbuty robocze S1P SRC", "Safety shoes S1P SRC", 159, "S1P"),
        ("OBT", "Trzewiki robocze S3 SRC", "Safety boots S3 SRC", 199, "S3"),
        ("OBZ", "Trzewiki robocze zimowe S3 CI SRC", "Winter safety boots S3 CI SRC", 249, "S3"),
        ("OBK", "Kalosze robocze PVC S5", "PVC safety wellingtons S5", 119, "S5"),
        ("OBS", "Sandały robocze S1 SRC", "Safety sandals S1 SRC", 139, "S1"),
    ):
        yield Line(code, "obuwie", "BHP", name_pl, name_en, "Obuwie bezpieczne z podnoskiem, EN ISO 20345.",
                   "Safety footwear with toe cap, EN ISO 20345.", _sized(SHOE_SIZES, price), ("BZP", "SFL", "HXP"),
                   attributes=(("protection", protection),))
    for code, name_pl, name_en, price, colours in (
        ("SPD", "Spodnie robocze do pasa", "Work trousers", 89, ("szary", "granatowy")),
        ("OGR", "Ogrodniczki robocze", "Work bib and brace", 109, ("szary", "granatowy")),
        ("BLZ", "Bluza robocza", "Work jacket", 99, ("szary",)),
        ("KSS", "Kurtka softshell", "Softshell jacket", 159, ("czarny",)),
        ("KZO", "Kurtka zimowa ocieplana", "Insulated winter jacket", 219, ("granatowy",)),
        ("KMO", "Kamizelka ostrzegawcza EN ISO 20471", "High-visibility vest EN ISO 20471", 9.9,
         ("żółty", "pomarańczowy")),
        ("TSH", "Koszulka T-shirt bawełniana", "Cotton T-shirt", 19.9, ("szary", "czarny")),
        ("PLR", "Polar roboczy", "Work fleece", 69, ("granatowy",)),
    ):
        yield Line(
            code, "odziez", "BHP", name_pl, name_en, "Odzież robocza z tkaniny mieszanej, wzmocnienia w miejscach "
            "narażonych na przetarcie.", "Workwear of blended fabric, reinforced where it wears.",
            tuple(Option(f"{colour}, rozm. {size}", price, (("colour", colour), ("size", size)),
                         label_en=f"{COLOURS_EN[colour]}, size {size}", key=f"{sku_part(colour)[:3]}-{size}")
                  for colour in colours for size in CLOTHES_SIZES),
            ("BZP", "HXP", "SFL"),
        )
    helmet_colours = ("biały", "żółty", "niebieski", "czerwony", "pomarańczowy", "zielony")
    for code, name_pl, name_en, price in (
        ("KAS", "Kask ochronny", "Safety helmet", 29),
        ("KASW", "Kask ochronny wentylowany", "Ventilated safety helmet", 39),
        ("KASM", "Kask ochronny z paskiem podbródkowym", "Safety helmet with chin strap", 49),
    ):
        yield Line(code, "ochrona-glowy", "BHP", name_pl, name_en, "Kask przemysłowy EN 397.",
                   "Industrial helmet EN 397.",
                   tuple(coloured("", colour, price, key=sku_part(colour)[:3]) for colour in helmet_colours),
                   ("BZP",), tiers=CONSUMABLE_TIERS)
    for code, name_pl, name_en, options, brands in (
        ("OKL", "Okulary ochronne", "Safety glasses",
         (o("bezbarwne", "clear", 9.9), o("przyciemniane", "tinted", 11.9), o("żółte", "yellow", 11.9)),
         ("BZP", "SFL")),
        ("GOG", "Gogle ochronne", "Safety goggles",
         (o("wentylacja bezpośrednia", "direct vent", 14.9), o("wentylacja pośrednia", "indirect vent", 19.9)),
         ("BZP",)),
        ("PRZ", "Przyłbica ochronna z osłoną poliwęglanową", "Face shield with polycarbonate visor",
         (o("standardowa", "standard", 29), o("do szlifowania", "for grinding", 39)), ("BZP",)),
        ("NAU", "Nauszniki przeciwhałasowe", "Ear defenders",
         (opt("SNR 27 dB", 49, key="27"), opt("SNR 30 dB", 69, key="30"), opt("SNR 33 dB", 89, key="33")),
         ("BZP", "SFL")),
        ("NAH", "Nauszniki nahełmowe", "Helmet-mounted ear defenders",
         (opt("SNR 28 dB", 59, key="28"), opt("SNR 31 dB", 79, key="31")), ("BZP",)),
    ):
        yield Line(code, "ochrona-glowy", "BHP", name_pl, name_en, "Środek ochrony indywidualnej kat. II.",
                   "Category II personal protective equipment.", options, brands, tiers=CONSUMABLE_TIERS)
    yield Line(
        "ZAT", "ochrona-glowy", "BHP", "Zatyczki do uszu, 200 par", "Ear plugs, 200 pairs",
        "Zatyczki piankowe SNR 37 dB.",
        "Foam ear plugs SNR 37 dB.",
        (o("bez sznurka", "uncorded", 69, key="BS"), o("ze sznurkiem", "corded", 129, key="ZS")),
        ("BZP",), Packaging(Unit.PACK),
    )
    yield Line(
        "PMF", "ochrona-oddechu", "BHP", "Półmaska filtrująca, 20 szt.", "Filtering half mask, 20 pcs",
        "Półmaska jednorazowa EN 149.", "Disposable half mask EN 149.",
        (o("FFP1 bez zaworu", "FFP1 without valve", 39, key="FFP1"), o("FFP1 z zaworem", "FFP1 with valve", 59,
                                                                        key="FFP1V"),
         o("FFP2 bez zaworu", "FFP2 without valve", 59, key="FFP2"),
         o("FFP2 z zaworem", "FFP2 with valve", 89, key="FFP2V"),
         o("FFP3 z zaworem", "FFP3 with valve", 149, key="FFP3V")),
        ("BZP", "SFL"), Packaging(Unit.PACK), CONSUMABLE_TIERS,
    )
    yield Line(
        "PMW", "ochrona-oddechu", "BHP", "Półmaska wielokrotnego użytku i pochłaniacze",
        "Reusable half mask and filters",
        "Półmaska EN 140 z pochłaniaczami EN 14387.", "Half mask EN 140 with filters EN 14387.",
        (o("półmaska rozm. M", "half mask size M", 69, key="M"), o("półmaska rozm. L", "half mask size L", 69, key="L"),
         o("pochłaniacz A1, para", "A1 filter, pair", 39, key="A1"), o("pochłaniacz A2, para", "A2 filter, pair", 49,
                                                                       key="A2"),
         o("pochłaniacz ABEK1, para", "ABEK1 filter, pair", 69, key="ABEK1"), o("filtr P3, para", "P3 filter, pair", 35,
                                                                                key="P3")),
        ("SFL",), tiers=CONSUMABLE_TIERS,
    )
    yield Line(
        "ASK", "ochrona-oddechu", "BHP", "Sprzęt chroniący przed upadkiem z wysokości", "Fall protection equipment",
        "Sprzęt zgodny z EN 361 / EN 355 / EN 360.", "Equipment to EN 361 / EN 355 / EN 360.",
        (o("szelki bezpieczeństwa 2-punktowe", "2-point safety harness", 149, key="SZ2"),
         o("szelki bezpieczeństwa 5-punktowe", "5-point safety harness", 279, key="SZ5"),
         o("linka z amortyzatorem 1,5 m", "1.5 m lanyard with energy absorber", 119, key="L15"),
         o("linka z amortyzatorem 2 m", "2 m lanyard with energy absorber", 129, key="L2"),
         o("urządzenie samohamowne 6 m", "6 m self-retracting lifeline", 449, key="U6"),
         o("urządzenie samohamowne 10 m", "10 m self-retracting lifeline", 599, key="U10")),
        ("SFL",),
    )
    yield Line(
        "APT", "ochrona-oddechu", "BHP", "Apteczka pierwszej pomocy", "First aid kit",
        "Apteczka z wyposażeniem wg normy DIN.", "First aid kit stocked to the DIN standard.",
        (opt("DIN 13157", 89, key="13157"), opt("DIN 13169", 149, key="13169"),
         o("walizkowa DIN 13169 z uchwytem ściennym", "case DIN 13169 with wall bracket", 219, key="W13169")),
        ("BZP",),
    )


# --- Chemicals --------------------------------------------------------------------------------------

CHEMISTRY = ("CHB", "ADX", "HXP")
SILICONE_COLOURS = ("biały", "bezbarwny", "szary", "czarny", "beżowy", "manhattan", "jaśmin")


def _chemical(
    code: str,
    category: str,
    name_pl: str,
    name_en: str,
    about_pl: str,
    about_en: str,
    options: tuple[Option, ...],
    brands: tuple[str, ...] = CHEMISTRY,
    **extra: Any,
) -> Line:
    extra.setdefault("tiers", CONSUMABLE_TIERS)
    return Line(code, category, "CHEMIA", name_pl, name_en, about_pl, about_en, options, brands, **extra)


def _chemical_lines() -> Iterator[Line]:
    # fmt: off
    foam_pl = "Jednoskładnikowa pianka poliuretanowa do osadzania okien i drzwi. Aerozol skrajnie łatwopalny."
    foam_en = "One-component polyurethane foam for fitting windows and doors. Extremely flammable aerosol."
    for code, name_pl, name_en, options in (
        ("PMW", "Pianka montażowa wężykowa", "Hand-held expanding foam",
         (opt("500 ml", 14.9, ("capacity", "500 ml")), opt("750 ml", 17.9, ("capacity", "750 ml")))),
        ("PMP", "Pianka montażowa pistoletowa", "Gun-grade expanding foam",
         (opt("750 ml", 24.9, ("capacity", "750 ml")), opt("870 ml", 28.9, ("capacity", "870 ml")))),
        ("PMZ", "Pianka montażowa pistoletowa zimowa do −10 °C", "Winter gun-grade foam to −10 °C",
         (opt("750 ml", 27.9, ("capacity", "750 ml")), opt("870 ml", 31.9, ("capacity", "870 ml")))),
        ("PMN", "Pianka niskoprężna do okien", "Low-expansion window foam",
         (opt("750 ml", 29.9, ("capacity", "750 ml")),)),
        ("PMO", "Pianka ogniochronna B1", "Fire-rated foam B1", (opt("750 ml", 39.9, ("capacity", "750 ml")),)),
        ("CZP", "Czyścik do pianki PU", "PU foam cleaner", (opt("500 ml", 14.9, ("capacity", "500 ml")),)),
    ):
        yield _chemical(code, "pianki", name_pl, name_en, foam_pl, foam_en, options,
                        packaging=Packaging(Unit.PIECE, 12))
    yield _chemical(
        "PIS", "pianki", "Pistolet do pianki montażowej", "Foam applicator gun", "Pistolet z regulacją wydatku.",
        "Gun with flow control.", (o("standardowy", "standard", 39, key="STD"), o("profesjonalny, teflon",
                                                                                "professional, PTFE", 89, key="PRO")),
        ("HXP",), tiers=TOOL_TIERS,
    )
    sealant_pl = "Uszczelniacz w kartuszu 280 ml, do spoin wewnątrz i na zewnątrz."
    sealant_en = "Sealant in a 280 ml cartridge, for joints indoors and out."
    for code, name_pl, name_en, price, colours, brands in (
        ("SIS", "Silikon sanitarny", "Sanitary silicone", 14.9, SILICONE_COLOURS, ("CHB", "ADX")),
        ("SIN", "Silikon neutralny", "Neutral cure silicone", 17.9, SILICONE_COLOURS, ("CHB", "ADX")),
        ("SID", "Silikon dekarski", "Roofing silicone", 19.9, ("bezbarwny", "czarny", "brązowy", "ceglasty",
                                                               "grafitowy", "szary"), ("CHB",)),
        ("SIW", "Silikon wysokotemperaturowy", "High-temperature silicone", 22.9, ("czerwony", "czarny"), ("CHB",)),
        ("AKR", "Akryl szpachlowy", "Decorator's acrylic", 7.9, ("biały", "szary"), ("CHB", "ADX")),
        ("MSP", "Uszczelniacz hybrydowy MS polimer", "MS polymer hybrid sealant", 29.9, ("biały", "szary", "czarny",
                                                                                       "brązowy"), ("CHB", "ADX")),
    ):
        yield _chemical(code, "uszczelniacze", name_pl, name_en, sealant_pl, sealant_en,
                        tuple(coloured("", colour, price, key=sku_part(colour)[:4]) for colour in colours), brands,
                        packaging=Packaging(Unit.PIECE, 12))
    yield _chemical(
        "WYC", "uszczelniacze", "Wyciskacz do kartuszy", "Caulking gun", "Wyciskacz do kartuszy 280–310 ml.",
        "Gun for 280–310 ml cartridges.",
        (o("szkieletowy", "skeleton", 14.9, key="SZK"), o("pełny", "half-barrel", 24.9, key="PEL"),
         o("profesjonalny 600 ml", "professional 600 ml", 59, key="600")), ("HXP",), tiers=TOOL_TIERS,
    )
    yield _chemical(
        "KMT", "kleje", "Klej montażowy", "Construction adhesive", "Klej montażowy w kartuszu 290 ml.",
        "Construction adhesive in a 290 ml cartridge.",
        (o("uniwersalny", "general purpose", 19.9, key="UNI"), o("do luster", "for mirrors", 24.9, key="LUS"),
         o("hybrydowy", "hybrid", 34.9, key="HYB"), o("rozpuszczalnikowy", "solvent based", 16.9, key="ROZ")),
        packaging=Packaging(Unit.PIECE, 12),
    )
    yield _chemical(
        "KLJ", "kleje", "Klej specjalny", "Special adhesive", "Klej do zastosowań warsztatowych i instalacyjnych.",
        "Adhesive for workshop and installation work.",
        (o("do rur PVC 250 ml", "for PVC pipes 250 ml", 19.9, key="PVC250"),
         o("do rur PVC 500 ml", "for PVC pipes 500 ml", 32.9, key="PVC500"),
         o("cyjanoakrylowy 20 g", "cyanoacrylate 20 g", 9.9, key="CYJ20"),
         o("cyjanoakrylowy 50 g", "cyanoacrylate 50 g", 19.9, key="CYJ50"),
         o("epoksydowy 2K 24 ml", "2K epoxy 24 ml", 19.9, key="EPO24")),
        ("ADX",),
    )
    yield _chemical(
        "KBU", "kleje", "Zaprawa klejowa, worek 25 kg", "Adhesive mortar, 25 kg bag", "Zaprawa cementowa.",
        "Cement-based mortar.",
        (o("do styropianu", "for EPS insulation", 42.9, key="EPS"),
         o("do płytek C2TE", "tile adhesive C2TE", 59, key="C2TE")),
        ("CHB",),
    )
    anchor_pl = "Zaprawa do kotwienia prętów i śrub w betonie i murze, z europejską oceną techniczną."
    anchor_en = "Injection mortar for rods and bolts in concrete and masonry, with a European Technical Assessment."
    for code, name_pl, name_en, options in (
        ("KCP", "Kotwa chemiczna poliestrowa", "Polyester chemical anchor",
         (opt("300 ml", 34.9, ("capacity", "300 ml")), opt("410 ml", 44.9, ("capacity", "410 ml")))),
        ("KCW", "Kotwa chemiczna winyloestrowa", "Vinylester chemical anchor",
         (opt("300 ml", 49.9, ("capacity", "300 ml")), opt("410 ml", 59.9, ("capacity", "410 ml")))),
        ("KCE", "Kotwa chemiczna epoksydowa", "Epoxy chemical anchor",
         (opt("385 ml", 99, ("capacity", "385 ml")), opt("585 ml", 139, ("capacity", "585 ml")))),
        ("KCZ", "Kotwa chemiczna winyloestrowa zimowa", "Winter vinylester chemical anchor",
         (opt("300 ml", 59, ("capacity", "300 ml")),)),
    ):
        yield _chemical(code, "kleje", name_pl, name_en, anchor_pl, anchor_en, options, ("CHB", "ADX"),
                        packaging=Packaging(Unit.PIECE, 12))
    yield _chemical(
        "TSK", "kleje", "Tuleja siatkowa do kotew chemicznych", "Mesh sleeve for chemical anchors",
        "Tuleja do kotwienia w murze z pustakami.", "Sleeve for anchoring in hollow masonry.",
        sizes("size", (("12×50", 0.9), ("16×85", 1.4), ("16×130", 1.9), ("20×85", 2.2)), " mm"), ("CHB",),
        packaging=packs_of(10),
    )
    grease_pl = "Smar plastyczny do łożysk i przegubów maszyn budowlanych i rolniczych."
    grease_en = "Grease for bearings and joints of construction and farm machinery."
    for code, name_pl, name_en, per_kg in (
        ("SLT", "Smar łożyskowy ŁT-43", "Bearing grease LT-43", 18.9),
        ("SEP", "Smar litowy EP-2", "Lithium grease EP-2", 21.9),
        ("SGR", "Smar grafitowy", "Graphite grease", 16.9),
        ("SMR", "Smar do maszyn rolniczych", "Farm machinery grease", 19.9),
    ):
        yield _chemical(
            code, "smary-oleje", name_pl, name_en, grease_pl, grease_en,
            (o("tuba 400 g", "400 g cartridge", per_kg * 0.4 * 1.6, ("capacity", "0,4 kg"), key="T04"),
             o("puszka 0,8 kg", "0.8 kg tin", per_kg * 0.8 * 1.4, ("capacity", "0,8 kg"), key="P08"),
             o("wiadro 5 kg, cena za kg", "5 kg pail, price per kg", per_kg * 1.1, ("capacity", "5 kg"), key="W5",
               packaging=packs_of(5, Unit.KILOGRAM)),
             o("wiadro 17 kg, cena za kg", "17 kg pail, price per kg", per_kg, ("capacity", "17 kg"), key="W17",
               packaging=packs_of(17, Unit.KILOGRAM))),
            ("CHB",),
        )
    oil_pl = "Olej mineralny z dodatkami przeciwzużyciowymi, do układów hydraulicznych maszyn i ciągników."
    oil_en = "Mineral oil with anti-wear additives, for hydraulic systems of machines and tractors."
    for code, name_pl, name_en, per_litre in (
        ("OHL46", "Olej hydrauliczny HL 46", "Hydraulic oil HL 46", 9.9),
        ("OHLP46", "Olej hydrauliczny HLP 46", "Hydraulic oil HLP 46", 10.9),
        ("OHLP32", "Olej hydrauliczny HLP 32", "Hydraulic oil HLP 32", 10.9),
        ("OHV46", "Olej hydrauliczny HV 46", "Hydraulic oil HV 46", 12.9),
        ("OUTTO", "Olej przekładniowo-hydrauliczny UTTO 10W-30", "UTTO tractor transmission oil 10W-30", 13.9),
        ("OSIL", "Olej silnikowy 15W-40 CI-4", "Engine oil 15W-40 CI-4", 15.9),
    ):
        yield _chemical(
            code, "smary-oleje", name_pl, name_en, oil_pl, oil_en,
            (o("kanister 5 l", "5 l can", per_litre * 5 * 1.3, ("capacity", "5 l"), key="5L"),
             o("kanister 20 l, cena za litr", "20 l can, price per litre", per_litre * 1.1, ("capacity", "20 l"),
               key="20L", packaging=packs_of(20, Unit.LITRE)),
             o("beczka 208 l, cena za litr", "208 l drum, price per litre", per_litre, ("capacity", "208 l"),
               key="208L", packaging=packs_of(208, Unit.LITRE))),
            ("CHB",), tiers=NO_TIERS,
        )
    yield _chemical(
        "OPL", "smary-oleje", "Olej do łańcuchów pił", "Chainsaw chain oil", "Olej z dodatkiem adhezyjnym.",
        "Oil with a tackifier.", (opt("1 l", 14.9, ("capacity", "1 l")), opt("5 l", 59, ("capacity", "5 l"))), ("CHB",),
    )
    spray_pl = "Spray techniczny 400 ml do warsztatu i utrzymania ruchu."
    spray_en = "400 ml technical spray for the workshop and maintenance."
    for code, name_pl, name_en, price in (
        ("SOD", "Odrdzewiacz penetrujący w sprayu", "Penetrating rust release spray", 16.9),
        ("SKO", "Spray do styków elektrycznych", "Electrical contact cleaner", 19.9),
        ("SZH", "Zmywacz do hamulców 500 ml", "Brake cleaner 500 ml", 12.9),
        ("SCY", "Cynk w sprayu", "Zinc spray", 24.9),
        ("SSI", "Smar silikonowy w sprayu", "Silicone spray", 19.9),
        ("SPT", "Smar PTFE w sprayu", "PTFE spray", 27.9),
        ("SMI", "Smar miedziany w sprayu", "Copper grease spray", 29.9),
    ):
        yield _chemical(code, "spraye", name_pl, name_en, spray_pl, spray_en, (opt("400 ml", price, key="400"),),
                        ("CHB", "HXP"), packaging=Packaging(Unit.PIECE, 12))
    rals = (("1003", "żółty sygnałowy"), ("1015", "kość słoniowa jasna"), ("1021", "żółty rzepakowy"),
            ("2004", "pomarańczowy"), ("3000", "czerwony ognisty"), ("3009", "czerwony tlenkowy"),
            ("3020", "czerwony drogowy"), ("5010", "niebieski goryczkowy"), ("5015", "niebieski niebiański"),
            ("6005", "zielony mchu"), ("6018", "żółtozielony"), ("7016", "antracytowy"), ("7035", "szary jasny"),
            ("7040", "szary okienny"), ("8017", "brąz czekoladowy"), ("9003", "biały sygnałowy"),
            ("9005", "czarny głęboki"), ("9006", "aluminium jasne"), ("9010", "biały czysty"))
    for code, gloss_pl, gloss_en, chosen in (
        ("FSP", "połysk", "gloss", rals),
        ("FSM", "mat", "matt", tuple(ral for ral in rals if ral[0] in {"7016", "7035", "8017", "6005", "9005", "9010",
                                                                        "9006", "3009"})),
    ):
        yield _chemical(
            code, "spraye", f"Farba akrylowa w sprayu 400 ml, {gloss_pl}", f"Acrylic spray paint 400 ml, {gloss_en}",
            "Szybkoschnąca farba do metalu, drewna i tworzyw.", "Fast-drying paint for metal, wood and plastics.",
            tuple(opt(f"RAL {ral} {name}", 18.9, ("colour", f"RAL {ral}"), label_en=f"RAL {ral}", key=ral)
                  for ral, name in chosen),
            ("ADX",), packaging=Packaging(Unit.PIECE, 6),
        )
    yield _chemical(
        "FZN", "spraye", "Farba do znakowania fluorescencyjna 500 ml", "Fluorescent marking paint 500 ml",
        "Farba do znakowania w terenie, zawór 360°.", "Marking paint for site work, 360° valve.",
        tuple(coloured("", colour, 21.9, key=sku_part(colour)[:3]) for colour in ("czerwony", "żółty", "zielony",
                                                                                 "pomarańczowy", "niebieski")),
        ("ADX",), packaging=Packaging(Unit.PIECE, 6),
    )
    yield _chemical(
        "TIZ", "tasmy", "Taśma izolacyjna PVC 19 mm × 20 m", "PVC insulating tape 19 mm × 20 m",
        "Taśma elektroizolacyjna samogasnąca.", "Self-extinguishing electrical insulating tape.",
        tuple(coloured("", colour, 3.9, key=sku_part(colour)[:4]) for colour in ("czarny", "niebieski", "brązowy",
                                                                                "żółto-zielony", "szary", "czerwony",
                                                                                "biały")),
        ("HXP",), packaging=packs_of(10),
    )
    yield _chemical(
        "TAS", "tasmy", "Taśma", "Tape", "Taśmy do prac wykończeniowych, instalacyjnych i pakowania.",
        "Tapes for finishing, installation and packing.",
        (o("malarska 19 mm × 50 m", "masking 19 mm × 50 m", 3.9, key="M19"),
         o("malarska 25 mm × 50 m", "masking 25 mm × 50 m", 4.9, key="M25"),
         o("malarska 38 mm × 50 m", "masking 38 mm × 50 m", 6.9, key="M38"),
         o("malarska 48 mm × 50 m", "masking 48 mm × 50 m", 8.9, key="M48"),
         o("pakowa brązowa 48 mm × 66 m", "brown packing 48 mm × 66 m", 4.5, key="PB"),
         o("pakowa bezbarwna 48 mm × 66 m", "clear packing 48 mm × 66 m", 4.5, key="PT"),
         o("dwustronna montażowa 19 mm × 5 m", "double-sided mounting 19 mm × 5 m", 14.9, key="D19"),
         o("aluminiowa 50 mm × 50 m", "aluminium 50 mm × 50 m", 24.9, key="AL50"),
         o("teflonowa 12 mm × 12 m", "PTFE thread seal 12 mm × 12 m", 1.9, key="PTFE"),
         o("ostrzegawcza biało-czerwona 100 m", "red-white barrier 100 m", 12.9, key="OST"),
         o("zbrojona srebrna 48 mm × 50 m", "silver duct 48 mm × 50 m", 19.9, key="ZS"),
         o("zbrojona czarna 48 mm × 50 m", "black duct 48 mm × 50 m", 19.9, key="ZC")),
        ("HXP", "ADX"),
    )
    yield _chemical(
        "USZ", "tasmy", "Uszczelnienie gwintów", "Thread sealing", "Do uszczelniania połączeń gwintowanych.",
        "For sealing threaded joints.",
        (o("pakuły lniane 100 g", "hemp 100 g", 6.9, key="P100"),
         o("pakuły lniane 200 g", "hemp 200 g", 11.9, key="P200"),
         o("pasta uszczelniająca 65 g", "sealing paste 65 g", 9.9, key="PA65"),
         o("pasta uszczelniająca 200 g", "sealing paste 200 g", 19.9, key="PA200")),
        ("CHB",),
    )
    yield _chemical(
        "PBH", "tasmy", "Pasta BHP do mycia rąk", "Hand cleaning paste",
        "Pasta z mikrogranulkami do silnych zabrudzeń.",
        "Paste with micro-grains for heavy soiling.",
        (opt("500 g", 9.9, ("capacity", "0,5 kg")), opt("5 kg", 59, ("capacity", "5 kg"))), ("CHB",),
    )


def _service_lines() -> Iterator[Line]:
    # fmt: off
    yield Line(
        "SZK", "uslugi", "USLUGI", "Szkolenie", "Training",
        "Szkolenie w centrum szkoleniowym Hurtex w Warszawie, cena za osobę. Usługa kształcenia zwolniona z VAT.",
        "Training at the Hurtex training centre in Warsaw, price per person. Exempt from VAT as education.",
        (o("montaż kotew chemicznych", "installing chemical anchors", 290, key="KOTWY"),
         o("BHP okresowe dla pracowników", "periodic health and safety", 149, key="BHP")),
        ("",), tiers=NO_TIERS, vat=VatRate.EXEMPT,
    )
    yield Line(
        "KSI", "uslugi", "USLUGI", "Książka", "Book", "Publikacja fachowa (książka drukowana).",
        "Professional publication (printed book).",
        (o("Poradnik elektryka – wydanie 2026", "Electrician's handbook – 2026 edition", 89, key="ELEKTRYK"),
         o("Katalog techniczny elementów złącznych", "Fasteners technical catalogue", 39, key="ZLACZNE")),
        ("",), tiers=NO_TIERS, vat=VatRate.SUPER_REDUCED,
    )
    yield Line(
        "KAU", "uslugi", "USLUGI", "Opakowanie zwrotne – kaucja", "Returnable packaging – deposit",
        "Kaucja zwracana po oddaniu opakowania w stanie nieuszkodzonym.",
        "Refunded when the packaging is returned undamaged.",
        (o("bęben kablowy", "cable drum", 350, key="BEBEN"), o("paleta EUR", "EUR pallet", 45, key="PALETA")),
        ("",), tiers=NO_TIERS, vat=VatRate.ZERO,
    )


# --- The whole catalog ------------------------------------------------------------------------------

LINE_SOURCES = (
    _anchor_lines,
    _rigging_lines,
    _hand_tool_lines,
    _power_tool_lines,
    _power_accessory_lines,
    _hydraulic_lines,
    _pneumatic_lines,
    _cable_lines,
    _modular_device_lines,
    _wiring_lines,
    _cable_management_lines,
    _lighting_lines,
    _plumbing_lines,
    _ppe_lines,
    _chemical_lines,
    _service_lines,
)


def build_catalog() -> list[Family]:
    """Every family of the demo catalog with its variants, the same on every call."""
    rng = random.Random(SEED)
    families: list[Family] = []
    for standard in FASTENER_STANDARDS:
        families += _standard_families(standard, rng)
    for screw in SCREW_TYPES:
        families += _screw_families(screw, rng)
    for source in LINE_SOURCES:
        for line in source():
            families += _line_families(line, rng)
    return families


@dataclass(frozen=True)
class PlannedProduct:
    family: Family
    variant: Variant
    ean: str
    status: ProductStatus

    @property
    def packaging(self) -> Packaging:
        return self.variant.packaging or self.family.packaging


def plan_products(families: Sequence[Family], rng: random.Random) -> list[PlannedProduct]:
    """Give every variant its EAN (the brand's GS1 prefix and a running number) and a status:
    about 2 % are being phased out and 1 % discontinued."""
    numbers: dict[str, int] = defaultdict(int)
    planned = []
    for family in families:
        prefix = BRANDS[family.brand].ean_prefix if family.brand else HOUSE_PREFIX
        for variant in family.variants:
            numbers[prefix] += 1
            roll = rng.random()
            status = (
                ProductStatus.DISCONTINUED
                if roll < 0.01
                else ProductStatus.PHASE_OUT
                if roll < 0.03
                else ProductStatus.ACTIVE
            )
            if variant.sku == SENTINEL_SKU:
                status = ProductStatus.ACTIVE
            planned.append(PlannedProduct(family, variant, ean13(f"{prefix}{numbers[prefix]:05d}"), status))
    return planned


# --- Documents: datasheets, safety data sheets, manuals, declarations and CAD drawings ----------

DATASHEET = DocumentKind.DATASHEET
SDS = DocumentKind.SAFETY_DATA_SHEET
MANUAL = DocumentKind.MANUAL
CERTIFICATE = DocumentKind.CERTIFICATE
CAD = DocumentKind.CAD

# Which families have which documents; every variant of the family links to the same file, so
# about fifty PDFs serve thousands of products.
# fmt: off
DOCUMENTS: dict[str, tuple[DocumentKind, ...]] = {
    "DIN933-88ZN": (DATASHEET, CAD), "DIN933-A2": (DATASHEET,), "DIN931-88ZN": (DATASHEET,),
    "DIN912-129": (DATASHEET, CAD), "DIN934-8ZN": (DATASHEET,), "DIN125-ZN": (DATASHEET,), "DIN975-48ZN": (DATASHEET,),
    "WKD-PZ-ZNZ": (DATASHEET,), "KS-ZN": (DATASHEET, CERTIFICATE), "WH2SN": (DATASHEET,), "PHZ2": (DATASHEET,),
    "PRX-YDYP-M": (DATASHEET,), "PRX-YKY-M": (DATASHEET,), "ELK-S1": (DATASHEET, CERTIFICATE),
    "AQP-PPR20": (DATASHEET,), "ARX-SIL": (DATASHEET,), "BZP-RNT": (DATASHEET, CERTIFICATE),
    "BZP-OBT": (CERTIFICATE,), "HXP-WSDS": (DATASHEET,),
    "CHB-PMP": (SDS,), "ADX-PMP": (SDS,), "CHB-KCW": (SDS, CERTIFICATE), "CHB-SIS": (SDS,), "CHB-OUTTO": (SDS,),
    "CHB-SOD": (SDS,), "ADX-FSP": (SDS,),
    "VLT-WKA": (MANUAL, CERTIFICATE), "VLT-MWA": (MANUAL,), "VLT-SKA": (MANUAL,), "DNX-WKA": (MANUAL,),
    "HXP-WKA": (MANUAL,),
}
# fmt: on
# CAD drawings only for the sizes designers ask for most.
CAD_THREADS = {"M8", "M10", "M12"}
DOCUMENT_TITLES = {
    DATASHEET: ("Karta katalogowa", "karta-katalogowa"),
    SDS: ("Karta charakterystyki", "karta-charakterystyki"),
    MANUAL: ("Instrukcja obsługi", "instrukcja-obslugi"),
    CERTIFICATE: ("Deklaracja zgodności", "deklaracja"),
    CAD: ("Rysunek 2D (DXF)", ""),
}
ATTRIBUTE_NAMES = {code: name_pl for code, name_pl, _, _ in ATTRIBUTES}
# fmt: off
UNIT_NAMES = {
    Unit.PIECE: ("szt.", "pcs"), Unit.KILOGRAM: ("kg", "kg"), Unit.METRE: ("m", "m"), Unit.LITRE: ("l", "l"),
    Unit.PACK: ("opak.", "packs"), Unit.SET: ("kpl.", "sets"), Unit.ROLL: ("krąż.", "coils"),
}
# fmt: on
SELLER_ADDRESS = (
    "Hurtownia Budowlano-Elektryczna Hurtex Sp. z o.o., ul. Składowa 12, 02-495 Warszawa, NIP 525-000-12-33"
)


@dataclass(frozen=True)
class Document:
    family_code: str
    kind: DocumentKind
    title: str
    filename: str
    media_type: str
    content: bytes
    # The variants it belongs to: all of the family's, or one for a CAD drawing.
    skus: tuple[str, ...]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


PDF_STYLE = """
@page { size: A4; margin: 16mm 15mm 18mm; font-family: sans-serif; font-size: 7pt; color: #777;
        @bottom-left { content: "Hurtex Sp. z o.o. · hurtownia.example"; }
        @bottom-right { content: "strona " counter(page) " z " counter(pages); } }
/* One face of one font: WeasyPrint subsets every face it embeds, and that is most of its time. */
body { font-family: sans-serif; font-size: 8.5pt; color: #222; line-height: 1.35; }
h1, h2, th, strong { font-weight: normal; }
.kind { font-size: 7.5pt; letter-spacing: 1pt; color: #0b4f8a; }
h1 { font-size: 14pt; color: #0b4f8a; margin: 1mm 0 3mm; }
h2 { font-size: 10pt; color: #0b4f8a; border-bottom: 0.6pt solid #0b4f8a; margin: 5mm 0 2mm; padding-bottom: 0.5mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.4pt solid #b8c2cc; padding: 0.8mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #e6edf4; }
.facts th { width: 38%; }
.note { color: #666; font-size: 7.5pt; margin-top: 4mm; }
"""
# Rows in a datasheet's table of sizes: past this the portal has the full list.
DATASHEET_ROWS = 30


def _html_page(kind: str, heading: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>{html.escape(heading)}</title>'
        f"<style>{PDF_STYLE}</style></head><body><div class=kind>{html.escape(kind.upper())} · HURTEX</div>"
        f"<h1>{html.escape(heading)}</h1>{body}</body></html>"
    )


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], css_class: str = "") -> str:
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table class='{css_class}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _shared_attributes(family: Family) -> set[tuple[str, str]]:
    return set(family.variants[0].attributes).intersection(*(set(v.attributes) for v in family.variants[1:]))


def _facts(family: Family) -> list[tuple[str, str]]:
    """The family's own facts and the attributes every variant shares."""
    facts = list(family.facts)
    named = {name for name, _ in facts}
    shared = _shared_attributes(family)
    for code, value in family.variants[0].attributes:
        if (code, value) in shared and ATTRIBUTE_NAMES[code] not in named:
            facts.append((ATTRIBUTE_NAMES[code], value))
    return facts


def _packaging_pl(packaging: Packaging) -> str:
    unit = UNIT_NAMES[Unit(packaging.unit)][0]
    if packaging.multiple > 1:
        return f"po {packaging.multiple} {unit}"
    return f"min. {packaging.min_order} {unit}" if packaging.min_order > 1 else f"1 {unit}"


def _variant_table(products: Sequence[PlannedProduct]) -> str:
    family = products[0].family
    shared = {code for code, _ in _shared_attributes(family)}
    codes = [code for code, _ in products[0].variant.attributes if code not in shared]
    rows = [
        (
            item.variant.sku,
            item.ean,
            *(dict(item.variant.attributes).get(code, "") for code in codes),
            _packaging_pl(item.packaging),
        )
        for item in products[:DATASHEET_ROWS]
    ]
    table = _table(("Indeks", "EAN", *(ATTRIBUTE_NAMES[code] for code in codes), "Sprzedaż"), rows)
    if len(products) > DATASHEET_ROWS:
        table += (
            f"<p class=note>… oraz {len(products) - DATASHEET_ROWS} dalszych wariantów – pełna lista w portalu.</p>"
        )
    return table


def _datasheet(products: Sequence[PlannedProduct]) -> str:
    family = products[0].family
    body = (
        f"<p>{html.escape(family.about_pl)}</p><h2>Dane techniczne</h2>"
        + _table(("Cecha", "Wartość"), _facts(family), "facts")
        + "<h2>Warianty i kody</h2>"
        + _variant_table(products)
        + "<p class=note>Wydanie 01/2026. Dane orientacyjne, niewiążące; dostawca zastrzega sobie prawo do zmian "
        "konstrukcyjnych niepogarszających właściwości wyrobu. "
        f"{html.escape(SELLER_ADDRESS)}.</p>"
    )
    return _html_page("Karta katalogowa", family.name_pl, body)


# Hazards by kind of chemical: (classification, H statements, P statements, composition rows).
# fmt: off
HAZARDS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], tuple[tuple[str, str, str], ...]]] = {
    "foam": (
        "Aerosol 1; Acute Tox. 4; Skin Irrit. 2; Eye Irrit. 2; Resp. Sens. 1; Skin Sens. 1; Carc. 2; STOT SE 3; "
        "STOT RE 2",
        ("H222 Skrajnie łatwopalny aerozol.", "H229 Pojemnik pod ciśnieniem: ogrzanie grozi wybuchem.",
         "H332 Działa szkodliwie w następstwie wdychania.", "H317 Może powodować reakcję alergiczną skóry.",
         "H334 Może powodować objawy alergii lub astmy lub trudności w oddychaniu w następstwie wdychania.",
         "H351 Podejrzewa się, że powoduje raka."),
        ("P210 Przechowywać z dala od źródeł ciepła i otwartego ognia. Nie palić.",
         "P251 Nie przekłuwać ani nie spalać, nawet po zużyciu.", "P280 Stosować rękawice i okulary ochronne."),
        (("Difenylometano-4,4'-diizocyjanian (MDI), polimer", "9016-87-9", "20–40 %"),
         ("Dimetyloeter", "115-10-6", "5–10 %"), ("Propan / izobutan", "74-98-6 / 75-28-5", "5–10 %")),
    ),
    "anchor": (
        "Skin Sens. 1; Eye Irrit. 2; Repr. 2 (składnik B)",
        ("H317 Może powodować reakcję alergiczną skóry.", "H319 Działa drażniąco na oczy.",
         "H361 Podejrzewa się, że działa szkodliwie na płodność lub na dziecko w łonie matki."),
        ("P280 Stosować rękawice i okulary ochronne.", "P305+P351+P338 W przypadku dostania się do oczu: ostrożnie "
         "płukać wodą przez kilka minut."),
        (("Żywica winyloestrowa w styrenie", "—", "20–30 %"), ("Piasek kwarcowy", "14808-60-7", "30–50 %"),
         ("Nadtlenek dibenzoilu (utwardzacz)", "94-36-0", "1–3 %")),
    ),
    "sealant": (
        "Mieszanina niesklasyfikowana jako niebezpieczna.",
        ("EUH208 Zawiera 2-oktylo-2H-izotiazol-3-on. Może powodować wystąpienie reakcji alergicznej.",
         "EUH210 Karta charakterystyki dostępna na żądanie."),
        ("P102 Chronić przed dziećmi.", "P262 Unikać kontaktu z oczami, skórą lub odzieżą."),
        (("Polidimetylosiloksan", "70131-67-8", "60–80 %"), ("Metylotrioksymosilan", "22984-54-9", "1–5 %")),
    ),
    "oil": (
        "Mieszanina niesklasyfikowana jako niebezpieczna.",
        ("EUH210 Karta charakterystyki dostępna na żądanie.",),
        ("P501 Zawartość i pojemnik usuwać jako olej przepracowany (kod odpadu 13 01 10*).",),
        (("Wysokorafinowany olej mineralny", "64742-54-7", "> 90 %"), ("Pakiet dodatków", "—", "< 5 %")),
    ),
    "spray": (
        "Aerosol 1; Asp. Tox. 1; STOT SE 3; Aquatic Chronic 2",
        ("H222 Skrajnie łatwopalny aerozol.", "H229 Pojemnik pod ciśnieniem: ogrzanie grozi wybuchem.",
         "H336 Może wywoływać uczucie senności lub zawroty głowy.",
         "H411 Działa toksycznie na organizmy wodne, powodując długotrwałe skutki."),
        ("P210 Przechowywać z dala od źródeł ciepła i otwartego ognia. Nie palić.",
         "P211 Nie rozpylać nad otwartym płomieniem.", "P271 Stosować wyłącznie na zewnątrz lub w dobrze "
         "wentylowanym pomieszczeniu."),
        (("Węglowodory C9–C11", "64742-48-9", "30–50 %"), ("Propan / butan", "68476-86-8", "25–40 %"),
         ("Aceton", "67-64-1", "5–15 %")),
    ),
}
# fmt: on
HAZARD_OF_KIND = {"PMP": "foam", "KCW": "anchor", "SIS": "sealant", "OUTTO": "oil", "SOD": "spray", "FSP": "spray"}


def _safety_data_sheet(products: Sequence[PlannedProduct]) -> str:
    family = products[0].family
    classification, hazards, precautions, composition = HAZARDS[HAZARD_OF_KIND[family.kind]]
    items = "".join(f"<li>{html.escape(text)}</li>" for text in hazards)
    advice = "".join(f"<li>{html.escape(text)}</li>" for text in precautions)
    body = (
        "<p>Zgodnie z rozporządzeniem (WE) nr 1907/2006 (REACH), załącznik II. "
        "Data sporządzenia: 2026-01-12, wersja 3.0.</p>"
        "<h2>Sekcja 1. Identyfikacja mieszaniny i przedsiębiorstwa</h2>"
        + _table(
            ("Pozycja", "Dane"),
            (
                ("Nazwa handlowa", family.name_pl),
                ("Indeksy", ", ".join(item.variant.sku for item in products)),
                ("Zastosowanie", family.about_pl),
                ("Dostawca", SELLER_ADDRESS),
                ("Telefon alarmowy", "112 lub +48 22 619 66 54 (Ośrodek Toksykologii, całodobowo)"),
            ),
            "facts",
        )
        + f"<h2>Sekcja 2. Identyfikacja zagrożeń</h2><p>Klasyfikacja wg CLP: {html.escape(classification)}</p>"
        f"<ul>{items}</ul><p>Zwroty wskazujące środki ostrożności:</p><ul>{advice}</ul>"
        "<h2>Sekcja 3. Skład / informacja o składnikach</h2>"
        + _table(("Składnik", "Nr CAS", "Zawartość"), composition)
        + "<h2>Sekcja 4. Środki pierwszej pomocy</h2><p>Po wdychaniu: wyprowadzić na świeże powietrze. Po kontakcie "
        "ze skórą: zmyć wodą z mydłem. Po kontakcie z oczami: płukać wodą przez 15 minut, skonsultować się z "
        "lekarzem. Po połknięciu: nie wywoływać wymiotów, skontaktować się z lekarzem.</p>"
        "<p class=note>Sekcje 5–16 w pełnej wersji karty, dostępnej na żądanie w dziale technicznym Hurtex.</p>"
    )
    return _html_page("Karta charakterystyki", family.name_pl, body)


def _manual(products: Sequence[PlannedProduct]) -> str:
    family = products[0].family
    rules = (
        "Przed rozpoczęciem pracy przeczytaj całą instrukcję i zachowaj ją do dalszego użytku.",
        "Stosuj okulary ochronne, ochronniki słuchu i rękawice; przy pyleniu – półmaskę FFP2.",
        "Przed wymianą narzędzia roboczego lub akumulatora odłącz zasilanie.",
        "Pewnie trzymaj narzędzie oburącz; nie przeciążaj silnika.",
        "Sprawdź, czy w miejscu wiercenia nie przebiegają przewody elektryczne, gazowe ani wodne.",
        "Naprawy zlecaj wyłącznie autoryzowanemu serwisowi.",
    )
    body = (
        f"<p>{html.escape(family.about_pl)}</p><h2>1. Zasady bezpieczeństwa</h2><ul>"
        + "".join(f"<li>{html.escape(rule)}</li>" for rule in rules)
        + "</ul><h2>2. Dane techniczne</h2>"
        + _table(("Cecha", "Wartość"), _facts(family), "facts")
        + "<h2>3. Wersje wyposażenia</h2>"
        + _variant_table(products)
        + "<h2>4. Konserwacja i gwarancja</h2><p>Utrzymuj otwory wentylacyjne w czystości. Akumulatory przechowuj "
        "w temperaturze 5–25 °C, naładowane w 40–60 %. Gwarancja 24 miesiące od daty zakupu; zgłoszenia przez "
        "portal Hurtex lub u przedstawiciela handlowego. Zużytego sprzętu nie wyrzucaj z odpadami komunalnymi.</p>"
    )
    return _html_page("Instrukcja obsługi", family.name_pl, body)


# Legal basis of each family's declaration: (document, legislation, standards).
# fmt: off
DECLARATIONS = {
    "KS-ZN": ("Deklaracja właściwości użytkowych nr DoP-KS-2026/01",
              "Rozporządzenie (UE) nr 305/2011; europejska ocena techniczna ETA-16/0142, EAD 330232-01-0601",
              "Nośność charakterystyczna w betonie C20/25 niezarysowanym wg ETA; reakcja na ogień: klasa A1"),
    "CHB-KCW": ("Deklaracja właściwości użytkowych nr DoP-KCW-2026/02",
                "Rozporządzenie (UE) nr 305/2011; europejska ocena techniczna ETA-20/0315, EAD 330499-01-0601",
                "Kotwienie prętów M8–M30 w betonie niezarysowanym i zarysowanym, kategoria sejsmiczna C1"),
    "ELK-S1": ("Deklaracja zgodności UE nr ELK/2026/011", "Dyrektywy 2014/35/UE (LVD) i 2011/65/UE (RoHS)",
                "PN-EN 60898-1:2019-08"),
    "VLT-WKA": ("Deklaracja zgodności WE nr VLT/2026/004",
                "Dyrektywy 2006/42/WE (maszynowa), 2014/30/UE (EMC), 2011/65/UE (RoHS)",
                "PN-EN 62841-1:2015-09, PN-EN 62841-2-1:2018-08, PN-EN 55014-1"),
    "BZP-RNT": ("Certyfikat badania typu UE nr 2026/CIOP/0173", "Rozporządzenie (UE) 2016/425, kategoria II",
                "PN-EN ISO 21420:2020-07, PN-EN 388:2016+A1:2018"),
    "BZP-OBT": ("Certyfikat badania typu UE nr 2026/CIOP/0219", "Rozporządzenie (UE) 2016/425, kategoria II",
                "PN-EN ISO 20345:2022-04"),
}
# fmt: on


def _declaration(products: Sequence[PlannedProduct]) -> str:
    family = products[0].family
    title, legislation, standards = DECLARATIONS[family.code]
    brand = BRANDS[family.brand].name if family.brand else "Hurtex"
    skus = ", ".join(item.variant.sku for item in products)
    body = (
        _table(
            ("Pozycja", "Treść"),
            (
                ("Wyrób", family.name_pl),
                ("Indeksy objęte dokumentem", skus),
                ("Producent", f"{brand}"),
                ("Dystrybutor w Polsce", SELLER_ADDRESS),
                ("Podstawa", legislation),
                ("Normy i oceny", standards),
            ),
            "facts",
        )
        + "<p>Wyrób opisany powyżej spełnia odpowiednie wymagania wymienionych aktów prawnych. Niniejszy dokument "
        "wydaje się na wyłączną odpowiedzialność producenta.</p>"
        "<p>Warszawa, 15 stycznia 2026 r.</p><p>Pełnomocnik ds. jakości: inż. Tomasz Górski</p>"
    )
    return _html_page("Deklaracja", title, body)


RENDERERS = {DATASHEET: _datasheet, SDS: _safety_data_sheet, MANUAL: _manual, CERTIFICATE: _declaration}


def _bolt_drawing(item: PlannedProduct) -> bytes:
    """A side view of a bolt as DXF R12 text: head, shank and thread lines, in millimetres."""
    attributes = dict(item.variant.attributes)
    d = float(attributes["thread"][1:])
    length = float(attributes["length"])
    hexagon = item.family.kind == "DIN933"
    head, half_width = (0.7 * d, 0.8 * d) if hexagon else (d, 0.75 * d)
    thread_from = 0.0 if hexagon else max(length - (2 * d + 6), 0.0)
    segments = [
        (-head, -half_width, 0, -half_width),
        (0, -half_width, 0, half_width),
        (0, half_width, -head, half_width),
        (-head, half_width, -head, -half_width),
        (0, -d / 2, length, -d / 2),
        (length, -d / 2, length, d / 2),
        (length, d / 2, 0, d / 2),
        (thread_from, -0.42 * d, length, -0.42 * d),
        (thread_from, 0.42 * d, length, 0.42 * d),
    ]
    entities = "".join(
        f"0\nLINE\n8\n{'THREAD' if index >= 7 else 'OUTLINE'}\n10\n{x1:.2f}\n20\n{y1:.2f}\n30\n0.0\n"
        f"11\n{x2:.2f}\n21\n{y2:.2f}\n31\n0.0\n"
        for index, (x1, y1, x2, y2) in enumerate(segments)
    )
    entities += (
        f"0\nTEXT\n8\nTEXT\n10\n{-head:.2f}\n20\n{-half_width - 6:.2f}\n30\n0.0\n40\n2.5\n1\n{item.variant.sku}\n"
    )
    return (
        "0\nSECTION\n2\nHEADER\n9\n$ACADVER\n1\nAC1009\n9\n$INSUNITS\n70\n4\n0\nENDSEC\n"
        f"0\nSECTION\n2\nENTITIES\n{entities}0\nENDSEC\n0\nEOF\n"
    ).encode("ascii")


def render_documents(products: Sequence[PlannedProduct]) -> list[Document]:
    """Every document of the catalog. Blocking (WeasyPrint): run it in a thread."""
    by_family: dict[str, list[PlannedProduct]] = defaultdict(list)
    for item in products:
        if item.family.code in DOCUMENTS:
            by_family[item.family.code].append(item)
    documents = []
    # WeasyPrint reports every font it subsets; the demo's log is no place for that.
    quiet = [logging.getLogger(name) for name in ("weasyprint", "fontTools")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    try:
        # Imported here: it takes a second and only the seed needs it.
        import weasyprint

        for code, items in by_family.items():
            family = items[0].family
            for kind in DOCUMENTS[code]:
                title, stem = DOCUMENT_TITLES[kind]
                if kind is CAD:
                    documents += [
                        Document(
                            code,
                            kind,
                            title,
                            f"{item.variant.sku}.dxf",
                            "application/dxf",
                            _bolt_drawing(item),
                            (item.variant.sku,),
                        )
                        for item in items
                        if dict(item.variant.attributes).get("thread") in CAD_THREADS
                    ]
                    continue
                if kind is CERTIFICATE:
                    title = DECLARATIONS[code][0].split(" nr ")[0]
                pdf = weasyprint.HTML(string=RENDERERS[kind](items)).write_pdf()
                documents.append(
                    Document(
                        code,
                        kind,
                        f"{title}: {family.name_pl}"[:200],
                        f"{stem}-{code.lower()}.pdf",
                        "application/pdf",
                        pdf,
                        tuple(item.variant.sku for item in items),
                    )
                )
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
    return documents


# --- Relations: substitutes of the same size, accessories that fit -----------------------------

SUBSTITUTES_PER_PRODUCT = 3
_BOLT_ACCESSORIES = (("DIN934", 1), ("DIN985", 1), ("DIN125", 1), ("DIN127", 1))
_CORDLESS = (("BIT", 2), ("AKU", 1), ("WHSS", 1))
# A product's kind → (kind of accessory, how many). Products with a `match` get accessories with
# the same match (an M8 zinc bolt its M8 zinc nuts); the others a few of the kind, same brand first.
# fmt: off
ACCESSORIES: dict[str, tuple[tuple[str, int], ...]] = {
    **{kind: _BOLT_ACCESSORIES for kind in ("DIN933", "DIN931", "DIN912", "ISO7380", "DIN7991", "DIN7985", "DIN965",
                                            "DIN84")},
    "DIN603": (("DIN934", 1), ("DIN125", 1), ("DIN9021", 1)),
    "DIN975": (("DIN934", 1), ("DIN6334", 1), ("DIN125", 1)),
    "DIN571": (("DIN440", 1), ("DIN9021", 1)),
    "WKA": _CORDLESS, "WKU": (*_CORDLESS, ("WBC", 1)), "ZKU": (("BITU", 2), ("AKU", 1)),
    "KUA": (("NASU", 3), ("AKU", 1)),
    "MWA": (("WSDS", 3), ("AKU", 1)), "MWS": (("WSDS", 3),), "MSM": (("WSDM", 3),),
    "SKA": (("TCM", 2), ("TLS", 1), ("TDS", 1)), "SKS": (("TCM", 2), ("TLS", 1), ("TDS", 1)),
    "PTA": (("TPI", 2),), "PTS": (("TPI", 2),), "PUK": (("TPI", 2),), "WYA": (("BWY", 3),), "WYS": (("BWY", 3),),
    "PSA": (("BSZ", 2),), "PSS": (("BSZ", 2),), "SMS": (("KSR", 3),), "WGK": (("WGK-D", 1), ("WGK-M", 1)),
    "AKU": (("LAD", 1),),
    "WH1SN": (("ZDKOL", 1), ("ZDKOL90", 1), ("ZAGR", 1)), "WH2SN": (("ZDKOL", 1), ("ZDKOL90", 1), ("ZAGR", 1)),
    "WH4SP": (("ZDKOS", 1),), "SZAW": (("SZAG", 1),), "SFFW": (("SFFG", 1),),
    "WPU": (("ZWG", 2), ("ZWP", 1), ("ZWL", 1)), "WPA": (("ZWG", 2), ("ZWP", 1), ("ZWL", 1)),
    **{kind: (("K90", 1), ("TR", 1), ("MUF", 1), ("OBJ", 1)) for kind in ("PPR16", "PPR20", "PPRAL", "PPRGF")},
    "PE100": (("ZZK", 1), ("ZZT", 1), ("ZZM", 1)), "PEX": (("PK", 1), ("PT", 1), ("PM", 1)),
    **{kind: (("PUS", 1), ("ZLD", 1), ("OPK", 1)) for kind in ("YDY-M", "YDY-R100", "YDYP-M", "YDYP-R100")},
    **{kind: (("PIS", 1), ("CZP", 1)) for kind in ("PMP", "PMZ", "PMN", "PMO")},
    **{kind: (("WYC", 1),) for kind in ("SIS", "SIN", "SID", "SIW", "AKR", "MSP")},
    **{kind: (("TSK", 1), ("DIN975", 2)) for kind in ("KCP", "KCW", "KCE", "KCZ")},
    **{kind: (("NAH", 1), ("OKL", 1)) for kind in ("KAS", "KASW", "KASM")},
}
# fmt: on


RELATION_COLUMNS = (ProductRelation.product, ProductRelation.related, ProductRelation.kind, ProductRelation.position)


def _relation_rows(plan: Sequence[PlannedProduct], product_ids: Sequence[int], rng: random.Random) -> list[Row]:
    position_of_family = {code: index for index, code in enumerate(dict.fromkeys(item.family.code for item in plan))}
    same_size: dict[tuple[str, str], list[int]] = defaultdict(list)
    fitting: dict[tuple[str, str], list[int]] = defaultdict(list)
    of_kind: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(plan):
        if item.status is ProductStatus.ACTIVE:
            same_size[item.family.kind, item.variant.key].append(index)
            of_kind[item.family.kind].append(index)
            if item.variant.match:
                fitting[item.family.kind, item.variant.match].append(index)
    rows: list[Row] = []
    for index, item in enumerate(plan):
        if item.status is ProductStatus.DISCONTINUED:
            continue
        here = position_of_family[item.family.code]
        substitutes = sorted(
            (other for other in same_size[item.family.kind, item.variant.key] if plan[other].family is not item.family),
            key=lambda other: abs(position_of_family[plan[other].family.code] - here),
        )
        rows += [
            (product_ids[index], product_ids[other], RelationKind.SUBSTITUTE.value, position)
            for position, other in enumerate(substitutes[:SUBSTITUTES_PER_PRODUCT])
        ]
        accessories: list[int] = []
        for kind, count in ACCESSORIES.get(item.family.kind, ()):
            if item.variant.match:
                accessories += fitting.get((kind, item.variant.match), [])[:count]
            else:
                pool = of_kind.get(kind, [])
                same_brand = [other for other in pool if plan[other].family.brand == item.family.brand] or pool
                accessories += rng.sample(same_brand, min(count, len(same_brand)))
        rows += [
            (product_ids[index], product_ids[other], RelationKind.ACCESSORY.value, position)
            for position, other in enumerate(dict.fromkeys(accessories))
            if other != index
        ]
    return rows


# --- Stock ------------------------------------------------------------------------------------------


STOCK_COLUMNS = (
    Stock.product,
    Stock.warehouse,
    Stock.available,
    Stock.low_level,
    Stock.next_delivery_on,
    Stock.next_delivery_quantity,
    Stock.lead_time_days,
)


def _stock_rows(
    plan: Sequence[PlannedProduct],
    product_ids: Sequence[int],
    warehouse_ids: Sequence[int],
    rng: random.Random,
    today: date,
) -> list[Row]:
    """Most products in stock, some low, some awaiting a delivery, some only on lead time; phased-out
    products sell what is left and are not reordered."""
    rows: list[Row] = []
    for item, product_id in zip(plan, product_ids, strict=True):
        if item.status is ProductStatus.DISCONTINUED:
            continue
        packaging = item.packaging
        step = packaging.multiple if packaging.multiple > 1 else 10 if packaging.unit == Unit.METRE else 1
        phasing_out = item.status is ProductStatus.PHASE_OUT
        state = (
            rng.choice(("in_stock", "low", "lead_time"))
            if phasing_out
            else rng.choices(("in_stock", "low", "on_order", "lead_time"), (70, 10, 10, 10))[0]
        )
        warehouses = [warehouse_ids[0], *rng.sample(warehouse_ids[1:], rng.choices((0, 1, 2), (3, 4, 3))[0])]
        lows = [step * rng.randint(1, 5) for _ in warehouses]
        for number, (warehouse_id, low) in enumerate(zip(warehouses, lows, strict=True)):
            available, next_on, next_quantity = 0, None, 0
            if state == "in_stock":
                available = sum(lows) + step * rng.randint(1, 80) if number == 0 else step * rng.randint(0, 40)
                if rng.random() < 0.2 and not phasing_out:
                    next_on, next_quantity = today + timedelta(days=rng.randint(2, 30)), step * rng.randint(5, 50)
            elif state == "low":
                available = rng.randint(1, low) if number == 0 else rng.randint(0, low)
            elif state == "on_order" and (number == 0 or rng.random() < 0.5):
                next_on, next_quantity = today + timedelta(days=rng.randint(2, 30)), step * rng.randint(5, 50)
            lead_time = 0 if phasing_out else rng.randint(3, 21)
            rows.append((product_id, warehouse_id, available, low, next_on, next_quantity, lead_time))
    return rows


# --- Prices -----------------------------------------------------------------------------------------

EUR_RATE = Decimal("4.2500")
EUR_GROUPS = {"ELEKTRONARZ", "OSPRZET-EL", "HYDRAULIKA", "PNEUMATYKA", "ZL-NIERDZ"}
CONSTRUCTION_GROUPS = {"ZL-STAL", "WKRETY-KOTWY", "CHEMIA", "BHP"}
INSTALLER_GROUPS = {"KABLE", "APARATURA", "OSWIETLENIE", "INSTALACJE"}


@dataclass(frozen=True)
class ListPlan:
    code: str
    name: str
    currency: str = "PLN"
    is_base: bool = False
    valid_from: date | None = None
    valid_to: date | None = None
    # (product index, unit price at quantity 1) for every product on the list.
    prices: list[tuple[int, Decimal]] = field(default_factory=list)


def _tiers(item: PlannedProduct, price: Decimal) -> list[tuple[int, Decimal]]:
    multiple = item.packaging.multiple
    return [(1, price)] + [(packs * multiple, scaled(price, share)) for packs, share in item.family.tiers]


def _price_lists(plan: Sequence[PlannedProduct], rng: random.Random, today: date) -> list[ListPlan]:
    """This year's lists, and next year's base list already loaded, whatever year the demo starts in."""
    year = today.year
    priced = [(index, item) for index, item in enumerate(plan) if item.status is not ProductStatus.DISCONTINUED]
    electroplus = [index for index, item in priced if item.family.group in {"KABLE", "APARATURA"}]
    return [
        ListPlan(
            f"CENNIK-{year}",
            f"Cennik podstawowy {year}",
            is_base=True,
            valid_from=date(year, 1, 1),
            valid_to=date(year, 12, 31),
            prices=[(index, item.variant.price) for index, item in priced],
        ),
        ListPlan(
            f"CENNIK-{year + 1}",
            f"Cennik podstawowy {year + 1}",
            is_base=True,
            valid_from=date(year + 1, 1, 1),
            prices=[(index, scaled(item.variant.price, "1.05")) for index, item in priced],
        ),
        ListPlan(
            f"CENNIK-EUR-{year}",
            f"Price list EUR {year}",
            "EUR",
            is_base=True,
            valid_from=date(year, 1, 1),
            valid_to=date(year, 12, 31),
            prices=[
                (index, (item.variant.price / EUR_RATE).quantize(PRICE_STEP, rounding=ROUND_HALF_UP))
                for index, item in priced
                if item.family.group in EUR_GROUPS
            ],
        ),
        ListPlan(
            "CENNIK-BUDOWNICTWO",
            "Cennik Budownictwo",
            valid_from=date(year, 1, 1),
            prices=[
                (index, scaled(item.variant.price, rng.choice(("0.92", "0.93", "0.94"))))
                for index, item in priced
                if item.family.group in CONSTRUCTION_GROUPS and rng.random() < 0.45
            ],
        ),
        ListPlan(
            "CENNIK-INSTALATORZY",
            "Cennik Instalatorzy",
            valid_from=date(year, 1, 1),
            prices=[
                (index, scaled(item.variant.price, rng.choice(("0.91", "0.92", "0.93"))))
                for index, item in priced
                if item.family.group in INSTALLER_GROUPS and rng.random() < 0.5
            ],
        ),
        ListPlan(
            "CENNIK-ELEKTROPLUS",
            "Cennik indywidualny ElektroPlus S.A.",
            valid_from=date(year - 1, 3, 1),
            prices=[
                (index, scaled(plan[index].variant.price, "0.86")) for index in sorted(rng.sample(electroplus, 200))
            ],
        ),
    ]


# --- Customers: groups, contracts, discounts, part numbers, assortments, purchases --------------

# BudMax buys for building sites, ElektroPlus for electrical installations: (group, how many).
# fmt: off
BUDMAX_BUYS = (("ZL-STAL", 60), ("WKRETY-KOTWY", 40), ("CHEMIA", 25), ("BHP", 25), ("NARZ-RECZNE", 15),
               ("ELEKTRONARZ", 10), ("OSPRZET-EL", 15), ("INSTALACJE", 10))
ELEKTROPLUS_BUYS = (("KABLE", 35), ("APARATURA", 35), ("OSWIETLENIE", 15), ("NARZ-RECZNE", 10), ("OSPRZET-EL", 5))
# BudMax's own codes start with the kind of goods, as its storekeepers write them.
PART_NUMBER_PREFIXES = {
    "sruby": "ŚR", "nakretki": "NAK", "podkladki": "POD", "prety": "PRĘ", "wkrety-drewno": "WKR",
    "wkrety-blacha": "WKR", "wkrety-gk": "WKR", "kotwy": "KOT", "nity": "NIT", "zlacza-ciesielskie": "ZŁC",
    "lancuchy": "ŁAŃ",
}
# fmt: on
AGROMET_CATEGORIES = ("zlaczne", "narzedzia", "bhp", "weze-hydrauliczne", "szybkozlacza", "nawadnianie", "smary-oleje")


def contract_of_the_year(today: date) -> str:
    """BudMax's yearly contract in force on `today` (the one its buyers see on most prices)."""
    return f"UMOWA/{today.year}/014"


def _pick(plan: Sequence[PlannedProduct], wanted: Iterable[tuple[str, int]], rng: random.Random) -> list[int]:
    active = defaultdict(list)
    for index, item in enumerate(plan):
        if item.status is ProductStatus.ACTIVE:
            active[item.family.group].append(index)
    return [index for group, count in wanted for index in sorted(rng.sample(active[group], count))]


def _purchase_rows(
    company_id: int,
    picked: Sequence[int],
    plan: Sequence[PlannedProduct],
    product_ids: Sequence[int],
    rng: random.Random,
    now: datetime,
) -> list[Table]:
    rows: list[Table] = []
    for index in picked:
        packaging = plan[index].packaging
        smallest = -(-max(packaging.min_order, 1) // packaging.multiple) * packaging.multiple
        rows.append(
            PurchasedProduct(
                company=company_id,
                product=product_ids[index],
                times_ordered=rng.choice((1, 1, 2, 3, 4, 6, 9, 12, 24)),
                last_quantity=smallest * rng.choice((1, 1, 2, 3, 5, 10)),
                last_ordered_at=now - timedelta(days=rng.randint(3, 360), hours=rng.randint(0, 23)),
            )
        )
    return rows


# --- Writing it all ----------------------------------------------------------------------------------

# SQLite and PostgreSQL both take at most 32,766 bind parameters in one statement.
MAX_PARAMETERS = 30_000


async def _insert(table: type[Table], rows: Sequence[Table], *returning: Column) -> list[dict[str, Any]]:
    """Insert `rows` in as few statements as the databases allow; the `returning` columns of each."""
    batch = max(1, MAX_PARAMETERS // len(table._meta.columns))
    inserted: list[dict[str, Any]] = []
    for start in range(0, len(rows), batch):
        query = table.insert(*rows[start : start + batch])
        if returning:
            inserted += await query.returning(*returning)
        else:
            await query
    return inserted


async def _insert_values(
    table: type[Table], columns: Sequence[Column], rows: Sequence[Row], returning: Sequence[Column] = ()
) -> list[dict[str, Any]]:
    """Plain multi-row INSERTs for the big tables. `Table.insert` builds a table object and a nested
    query string per row, ~90 µs each: for the ~170,000 rows of products, stock, attributes,
    relations and prices that was most of the seed's time."""
    names = ", ".join(f'"{column._meta.db_column_name}"' for column in columns)
    placeholders = "(" + ", ".join("{}" for _ in columns) + ")"
    suffix = " RETURNING " + ", ".join(f'"{column._meta.db_column_name}"' for column in returning) if returning else ""
    batch = MAX_PARAMETERS // len(columns)
    inserted: list[dict[str, Any]] = []
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        inserted += await table.raw(
            f"INSERT INTO {table._meta.tablename} ({names}) VALUES {', '.join([placeholders] * len(chunk))}{suffix}",
            *(value for row in chunk for value in row),
        )
    return inserted


async def _seed_categories() -> dict[str, int]:
    ids: dict[str, int] = {}
    level: list[tuple[CategoryNode, str | None, int]] = [
        (node, None, position) for position, node in enumerate(CATEGORIES)
    ]
    while level:
        rows = [
            Category(
                code=node.code,
                parent=ids[parent] if parent else None,
                path="",
                name_pl=node.name_pl,
                name_en=node.name_en,
                position=position,
            )
            for node, parent, position in level
        ]
        ids |= {row["code"]: row["id"] for row in await _insert(Category, rows, Category.id, Category.code)}
        # The new level's paths in one statement: its parent's path and its own id, "/1/7/" + "42/".
        await Category.raw(
            "UPDATE category SET path = COALESCE((SELECT parent.path FROM category parent "
            "WHERE parent.id = category.parent), '/') || CAST(id AS VARCHAR(20)) || '/' WHERE path = ''"
        )
        level = [(child, node.code, position) for node, _, _ in level for position, child in enumerate(node.children)]
    return ids


def _description(item: PlannedProduct) -> tuple[str, str]:
    packaging = item.packaging
    unit_pl, unit_en = UNIT_NAMES[Unit(packaging.unit)]
    notes_pl, notes_en = [], []
    if packaging.pack_size > 1:
        notes_pl.append(f"Opakowanie: {packaging.pack_size} {unit_pl}")
        notes_en.append(f"Pack of {packaging.pack_size} {unit_en}")
    if packaging.multiple > 1:
        notes_pl.append(f"sprzedaż po {packaging.multiple} {unit_pl}")
        notes_en.append(f"sold in multiples of {packaging.multiple} {unit_en}")
    elif packaging.min_order > 1:
        notes_pl.append(f"minimalne zamówienie {packaging.min_order} {unit_pl}")
        notes_en.append(f"minimum order {packaging.min_order} {unit_en}")
    return _sentence(item.family.about_pl, notes_pl), _sentence(item.family.about_en, notes_en)


def _sentence(about: str, notes: list[str]) -> str:
    if not notes:
        return about
    note = "; ".join(notes)
    return f"{about} {note[:1].upper()}{note[1:]}{'' if note.endswith('.') else '.'}"


PRODUCT_COLUMNS = (
    Product.sku,
    Product.ean,
    Product.family,
    Product.category,
    Product.product_group,
    Product.name_pl,
    Product.name_en,
    Product.description_pl,
    Product.description_en,
    Product.unit,
    Product.pack_size,
    Product.min_order_quantity,
    Product.order_multiple,
    Product.vat_rate,
    Product.status,
    Product.search_text,
    Product.updated_at,
)


async def _seed_products(plan: Sequence[PlannedProduct]) -> list[int]:
    """Categories, groups, attributes, families and products; the products' ids in plan order."""
    category_ids = await _seed_categories()
    group_rows = [
        ProductGroup(code=code, name_pl=name_pl, name_en=name_en) for code, name_pl, name_en in PRODUCT_GROUPS
    ]
    group_ids = {
        row["code"]: row["id"] for row in await _insert(ProductGroup, group_rows, ProductGroup.id, ProductGroup.code)
    }
    attribute_rows = [
        Attribute(code=code, name_pl=name_pl, name_en=name_en, filterable=filterable, position=position)
        for position, (code, name_pl, name_en, filterable) in enumerate(ATTRIBUTES)
    ]
    attribute_ids = {
        row["code"]: row["id"] for row in await _insert(Attribute, attribute_rows, Attribute.id, Attribute.code)
    }
    families = list({item.family.code: item.family for item in plan}.values())
    family_rows = [
        ProductFamily(code=family.code, name_pl=family.name_pl, name_en=family.name_en) for family in families
    ]
    family_ids = {
        row["code"]: row["id"]
        for row in await _insert(ProductFamily, family_rows, ProductFamily.id, ProductFamily.code)
    }
    now = clock.now()
    product_rows = []
    for item in plan:
        variant, family, packaging = item.variant, item.family, item.packaging
        product_rows.append(
            (
                variant.sku,
                item.ean,
                family_ids[family.code],
                category_ids[family.category],
                group_ids[family.group],
                variant.name_pl,
                variant.name_en,
                *_description(item),
                packaging.unit.value,
                packaging.pack_size,
                packaging.min_order,
                packaging.multiple,
                family.vat.value,
                item.status.value,
                search_text_for(variant.sku, item.ean, variant.name_pl, variant.name_en),
                now,
            )
        )
    inserted = await _insert_values(Product, PRODUCT_COLUMNS, product_rows, returning=(Product.id, Product.sku))
    ids_by_sku = {row["sku"]: row["id"] for row in inserted}
    product_ids = [ids_by_sku[item.variant.sku] for item in plan]
    await _insert_values(
        ProductAttribute,
        (ProductAttribute.product, ProductAttribute.attribute, ProductAttribute.value),
        [
            (product_id, attribute_ids[code], value)
            for item, product_id in zip(plan, product_ids, strict=True)
            # A later attribute of the same code (the option's) wins over an earlier one (the line's).
            for code, value in dict(item.variant.attributes).items()
        ],
    )
    return product_ids


async def _seed_documents(documents: Sequence[Document], ids_by_sku: dict[str, int]) -> int:
    files = {document.sha256: document for document in documents}
    await _insert(
        StoredFile,
        [
            StoredFile(sha256=sha, media_type=doc.media_type, size=len(doc.content), content=doc.content)
            for sha, doc in files.items()
        ],
    )
    await _insert(
        ProductDocument,
        [
            ProductDocument(
                product=ids_by_sku[sku],
                kind=document.kind,
                title=document.title,
                language="pl",
                filename=document.filename,
                file=document.sha256,
            )
            for document in documents
            for sku in document.skus
        ],
    )
    return len(files)


async def _seed_prices(
    plan: Sequence[PlannedProduct],
    product_ids: Sequence[int],
    companies: dict[str, int],
    rng: random.Random,
    today: date,
) -> int:
    lists = _price_lists(plan, rng, today)
    list_rows = [
        PriceList(
            code=plan_.code,
            name=plan_.name,
            currency=plan_.currency,
            is_base=plan_.is_base,
            valid_from=plan_.valid_from,
            valid_to=plan_.valid_to,
        )
        for plan_ in lists
    ]
    list_ids = {row["code"]: row["id"] for row in await _insert(PriceList, list_rows, PriceList.id, PriceList.code)}
    entries = [
        (list_ids[price_list.code], product_ids[index], quantity, price)
        for price_list in lists
        for index, first in price_list.prices
        for quantity, price in _tiers(plan[index], first)
    ]
    columns = (
        PriceListEntry.price_list,
        PriceListEntry.product,
        PriceListEntry.min_quantity,
        PriceListEntry.unit_price,
    )
    await _insert_values(PriceListEntry, columns, entries)

    group_rows = [
        CustomerGroup(code="BUDOWNICTWO", name="Budownictwo"),
        CustomerGroup(code="INSTALATORZY", name="Instalatorzy"),
    ]
    groups = {
        row["code"]: row["id"] for row in await _insert(CustomerGroup, group_rows, CustomerGroup.id, CustomerGroup.code)
    }
    budmax, elektroplus = companies[BUDMAX_NIP], companies[ELEKTROPLUS_NIP]
    await _insert(
        CustomerGroupMember,
        [
            CustomerGroupMember(group=groups["BUDOWNICTWO"], company=budmax),
            CustomerGroupMember(group=groups["INSTALATORZY"], company=elektroplus),
        ],
    )
    await _insert(
        PriceListAssignment,
        [
            PriceListAssignment(
                price_list=list_ids["CENNIK-BUDOWNICTWO"], customer_group=groups["BUDOWNICTWO"], priority=50
            ),
            PriceListAssignment(
                price_list=list_ids["CENNIK-INSTALATORZY"], customer_group=groups["INSTALATORZY"], priority=50
            ),
            PriceListAssignment(price_list=list_ids["CENNIK-ELEKTROPLUS"], company=elektroplus, priority=10),
        ],
    )
    return len(entries)


async def _seed_customers(
    plan: Sequence[PlannedProduct],
    product_ids: Sequence[int],
    companies: dict[str, int],
    rng: random.Random,
    now: datetime,
) -> dict[str, int]:
    today = clock.business_day(now)
    year = today.year
    budmax, elektroplus, agromet = companies[BUDMAX_NIP], companies[ELEKTROPLUS_NIP], companies[AGROMET_NIP]
    index_of_sku = {item.variant.sku: index for index, item in enumerate(plan)}
    sentinel = index_of_sku[SENTINEL_SKU]
    budmax_bought = [sentinel, *(index for index in _pick(plan, BUDMAX_BUYS, rng) if index != sentinel)][:200]
    elektroplus_bought = _pick(plan, ELEKTROPLUS_BUYS, rng)
    await _insert(
        PurchasedProduct,
        _purchase_rows(budmax, budmax_bought, plan, product_ids, rng, now)
        + _purchase_rows(elektroplus, elektroplus_bought, plan, product_ids, rng, now),
    )

    # Contracts on what BudMax buys most: fasteners, anchors, chemicals and PPE.
    contracted = [index for index in budmax_bought if plan[index].family.group in CONSTRUCTION_GROUPS][:50]
    contract_rows: list[Table] = []
    for number, index in enumerate(contracted):
        base = plan[index].variant.price
        terms: tuple[str, date, date | None, str]
        if number < 30:
            terms = (contract_of_the_year(today), date(year, 1, 1), date(year, 12, 31), "0.85")
        elif number < 49:
            terms = (f"UMOWA/{year - 1}/027", date(year - 1, 4, 1), None, "0.88")
        else:
            terms = (f"UMOWA/{year - 1}/031", date(year - 1, 1, 1), date(year - 1, 12, 31), "0.80")
        reference, valid_from, valid_to, share = terms
        tiers = [(1, scaled(base, share))]
        if number < 10:
            tiers.append((10 * plan[index].packaging.multiple, scaled(base, "0.80")))
        contract_rows += [
            ContractPrice(
                company=budmax,
                product=product_ids[index],
                contract_reference=reference,
                min_quantity=quantity,
                unit_price=price,
                valid_from=valid_from,
                valid_to=valid_to,
            )
            for quantity, price in tiers
        ]
    await _insert(ContractPrice, contract_rows)

    group_ids = {row["code"]: row["id"] for row in await ProductGroup.select(ProductGroup.id, ProductGroup.code)}
    customer_groups = {
        row["code"]: row["id"] for row in await CustomerGroup.select(CustomerGroup.id, CustomerGroup.code)
    }
    winter_foam = product_ids[index_of_sku["HXP-PMZ-750ML"]]
    await _insert(
        DiscountRule,
        [
            DiscountRule(
                name="Rabat stały BudMax 5%", company=budmax, percent=Decimal("5.00"), valid_from=date(year - 1, 1, 1)
            ),
            DiscountRule(
                name="BudMax: złączne stalowe od 1000 szt. −12%",
                company=budmax,
                product_group=group_ids["ZL-STAL"],
                percent=Decimal("12.00"),
                min_quantity=1000,
                valid_from=date(year - 1, 1, 1),
            ),
            DiscountRule(
                name="BudMax: pianka zimowa HX Pro −15%",
                company=budmax,
                product=winter_foam,
                percent=Decimal("15.00"),
                # The season around the day the demo starts, so it is always running.
                valid_from=today - timedelta(days=60),
                valid_to=today + timedelta(days=120),
            ),
            DiscountRule(
                name="Instalatorzy: aparatura elektryczna −8%",
                customer_group=customer_groups["INSTALATORZY"],
                product_group=group_ids["APARATURA"],
                percent=Decimal("8.00"),
            ),
            DiscountRule(
                name="Promocja: elektronarzędzia −10%",
                customer_group=customer_groups["BUDOWNICTWO"],
                product_group=group_ids["ELEKTRONARZ"],
                percent=Decimal("10.00"),
                valid_from=today - timedelta(days=7),
                valid_to=today + timedelta(days=23),
            ),
            DiscountRule(
                name="Promocja letnia: chemia budowlana −7%",
                customer_group=customer_groups["BUDOWNICTWO"],
                product_group=group_ids["CHEMIA"],
                percent=Decimal("7.00"),
                # Over: last summer's.
                valid_from=date(year - 1, 6, 1),
                valid_to=date(year - 1, 8, 31),
            ),
        ],
    )

    # BudMax's own codes for what it buys and a hundred more products it plans with.
    extra = [index for index in _pick(plan, BUDMAX_BUYS, rng) if index not in set(budmax_bought)][:100]
    numbers: dict[str, int] = defaultdict(lambda: 100)
    part_rows: list[Table] = []
    for index in [*budmax_bought, *extra]:
        category = plan[index].family.category
        prefix = PART_NUMBER_PREFIXES.get(category, sku_part(plan[index].family.group)[:3])
        numbers[prefix] += rng.randint(1, 7)
        code = f"BM-{prefix}-{numbers[prefix]:04d}"
        part_rows.append(
            CustomerPartNumber(company=budmax, product=product_ids[index], code=code, code_search=code.lower())
        )
    await _insert(CustomerPartNumber, part_rows)

    category_ids = {row["code"]: row["id"] for row in await Category.select(Category.id, Category.code)}
    await _insert(
        AssortmentRule,
        [
            *(
                AssortmentRule(company=agromet, effect=AssortmentEffect.INCLUDE, category=category_ids[code])
                for code in AGROMET_CATEGORIES
            ),
            AssortmentRule(company=agromet, effect=AssortmentEffect.EXCLUDE, product_group=group_ids["ZL-NIERDZ"]),
            AssortmentRule(company=elektroplus, effect=AssortmentEffect.EXCLUDE, category=category_ids["hydraulika"]),
        ],
    )
    return {
        "contracts": len(contract_rows),
        "part_numbers": len(part_rows),
        "purchases": len(budmax_bought) + len(elektroplus_bought),
    }


async def _demo_companies() -> dict[str, int]:
    nips = (BUDMAX_NIP, ELEKTROPLUS_NIP, AGROMET_NIP)
    found = {
        row["nip"]: row["id"]
        for row in await Company.select(Company.id, Company.nip).where(Company.nip.is_in(list(nips)))
    }
    missing = set(nips) - set(found)
    if missing:
        raise RuntimeError(f"the demo catalog needs the demo companies first; missing NIPs: {sorted(missing)}")
    return found


async def seed_catalog() -> None:
    """Seed the demo catalog, prices and customer data, unless they are there already."""
    if await Product.exists().where(Product.sku == SENTINEL_SKU):
        return
    started = time.perf_counter()
    companies = await _demo_companies()
    plan = plan_products(build_catalog(), random.Random(SEED))
    # PDFs render in a thread while the rows are written.
    rendering = asyncio.ensure_future(asyncio.to_thread(render_documents, plan))
    try:
        async with write_transaction(Product._meta.db):
            if await Product.exists().where(Product.sku == SENTINEL_SKU):
                rendering.cancel()
                return
            now = clock.now()
            product_ids = await _seed_products(plan)
            warehouse_rows = [Warehouse(code=code, name=name, city=city) for code, name, city in WAREHOUSES]
            warehouse_ids = [row["id"] for row in await _insert(Warehouse, warehouse_rows, Warehouse.id)]
            stock = _stock_rows(plan, product_ids, warehouse_ids, random.Random(SEED + 1), clock.business_day(now))
            await _insert_values(Stock, STOCK_COLUMNS, stock)
            relations = _relation_rows(plan, product_ids, random.Random(SEED + 2))
            await _insert_values(ProductRelation, RELATION_COLUMNS, relations)
            prices = await _seed_prices(plan, product_ids, companies, random.Random(SEED + 3), clock.business_day(now))
            customers = await _seed_customers(plan, product_ids, companies, random.Random(SEED + 4), now)
            documents = await rendering
            ids_by_sku = {item.variant.sku: product_id for item, product_id in zip(plan, product_ids, strict=True)}
            files = await _seed_documents(documents, ids_by_sku)
    except BaseException:
        rendering.cancel()
        raise
    # Fresh statistics, so the planner knows the tables just grew from nothing to 10,000 rows
    # (PostgreSQL's autovacuum would get there, later; SQLite never would).
    await Product.raw("ANALYZE")
    log.info(
        "demo catalog ready: %d products in %d families, %d stock rows, %d relations, %d price entries, "
        "%d contract prices, %d part numbers, %d purchases, %d documents in %d files, in %.1f s",
        len(plan),
        len({item.family.code for item in plan}),
        len(stock),
        len(relations),
        prices,
        customers["contracts"],
        customers["part_numbers"],
        customers["purchases"],
        sum(len(document.skus) for document in documents),
        files,
        time.perf_counter() - started,
    )
