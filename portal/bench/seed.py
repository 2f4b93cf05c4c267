"""`portal bench seed`: a wholesaler-sized data set in PostgreSQL for the benchmark.

At scale 1.0: 100,000 products, 1,000 customer companies with 3–4 users each (buyer, approver,
finance, sometimes an admin), 1,000,000 customer-specific prices (contract prices, the
customers' own price lists and their groups'), stock in every warehouse and 50,000 past orders
with the invoices of those invoiced or paid. Written with COPY on a raw asyncpg connection
(the ORM would take hours), in one transaction, then ANALYZE. Deterministic: the same scale
makes the same rows. Every seeded user's password is `BENCH_PASSWORD` ("bench-password").
A database already seeded is refused, never seeded twice. The big tables are locked while it runs
(their plain indexes are rebuilt after the COPY): seed before serving, not under load.
"""

from __future__ import annotations

import json
import random
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import asyncpg

from portal.accounts.nip import is_valid_nip
from portal.accounts.roles import Role
from portal.catalog import search_text_for
from portal.config import Settings
from portal.demo_erp import data_rows
from portal.ordering.cart import vat_amount
from portal.ordering.orders import order_number
from portal.ordering.tables import OrderStatus

BENCH_PASSWORD = "bench-password"
SEED = 20261125
# The base list's code marks a seeded database: it is written in the same transaction as the rest.
BASE_LIST_CODE = "BENCH-BASE"
EMAIL_DOMAIN = "bench.example"

PRODUCTS = 100_000
COMPANIES = 1_000
CUSTOMER_PRICES = 1_000_000
ORDERS = 50_000
CUSTOMER_GROUPS = 10
# Shares of the customer-specific prices.
CONTRACT_SHARE, OWN_LIST_SHARE = 0.4, 0.4
OWN_LIST_COMPANY_SHARE = 0.2
PART_NUMBER_COMPANY_SHARE = 0.3

# Where most rows go: their plain indexes are built after the COPY instead of during it.
BULK_TABLES = (
    "product",
    # Filled by a trigger as products are copied in (migration catalog 2026-11-25T22:50).
    "product_letter_pairs",
    "product_attribute",
    "stock",
    "price_list_entry",
    "contract_price",
    "customer_order",
    "order_line",
    "order_event",
    "purchased_product",
)

PRICE_STEP = Decimal("0.0001")
GROSZ = Decimal("0.01")


SELLER_NAME = "Hurtownia Benchmark Sp. z o.o."


class BenchRefused(Exception):
    """The database cannot be seeded: not PostgreSQL, or seeded already."""


@dataclass
class SeedReport:
    scale: float
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    accounts_path: Path | None = None

    def lines(self) -> list[str]:
        rows = [f"  {part:<14} {self.seconds[part]:7.1f} s  {self._made(part)}" for part in self.seconds]
        return [
            f"portal bench seed, scale {self.scale:g}:",
            *rows,
            f"  total          {sum(self.seconds.values()):7.1f} s",
        ]

    def _made(self, part: str) -> str:
        return ", ".join(
            f"{count:,} {key.split('/', 1)[1]}" for key, count in self.counts.items() if key.split("/")[0] == part
        )

    @property
    def customer_prices(self) -> int:
        """Prices only some customers get: their contracts, their own and their groups' lists."""
        return self.counts.get("prices/contract_price", 0) + self.counts.get("prices/price_list_entry (customer)", 0)


# --- What the catalog sells ----------------------------------------------------------------------


@dataclass(frozen=True)
class Brand:
    name: str
    code: str
    # A made-up GS1 company prefix (6 digits), the EAN's item number gets the other 6.
    ean_prefix: str


BRANDS = {
    brand.code: brand
    for brand in (
        Brand("Würth", "WUR", "404572"),
        Brand("Bosch", "BOS", "316514"),
        Brand("Makita", "MAK", "008838"),
        Brand("Fischer", "FIS", "400620"),
        Brand("Rawlplug", "RAW", "590057"),
        Brand("DeWalt", "DEW", "502803"),
        Brand("Milwaukee", "MIL", "404599"),
        Brand("Hilti", "HIL", "762155"),
        Brand("Knipex", "KNI", "400381"),
        Brand("Wera", "WER", "400442"),
        Brand("Stanley", "STA", "317648"),
        Brand("Yato", "YAT", "590877"),
        Brand("Parker", "PAR", "501383"),
        Brand("Festo", "FES", "404023"),
        Brand("Legrand", "LEG", "341491"),
        Brand("Schneider", "SCH", "360040"),
        Brand("Hager", "HAG", "305021"),
        Brand("Kabelpol", "KBP", "590467"),
        Brand("Kan-therm", "KAN", "590221"),
        Brand("Geberit", "GEB", "402577"),
        Brand("Uvex", "UVX", "403116"),
        Brand("3M", "MMM", "405105"),
        Brand("Soudal", "SOU", "541195"),
        Brand("Tytan", "TYT", "590360"),
        Brand("Loctite", "LOC", "407954"),
    )
}

FASTENER_BRANDS = (("WUR", 40), ("FIS", 25), ("RAW", 20), ("YAT", 5), ("HIL", 10))
POWER_BRANDS = (("BOS", 38), ("MAK", 42), ("DEW", 8), ("MIL", 8), ("WUR", 4))
HAND_TOOL_BRANDS = (("KNI", 20), ("WER", 20), ("STA", 20), ("YAT", 20), ("WUR", 10), ("BOS", 10))
HYDRAULIC_BRANDS = (("PAR", 50), ("FES", 30), ("WUR", 20))
ELECTRICAL_BRANDS = (("LEG", 25), ("SCH", 30), ("HAG", 25), ("KBP", 20))
PLUMBING_BRANDS = (("KAN", 45), ("GEB", 40), ("WUR", 15))
PPE_BRANDS = (("UVX", 45), ("MMM", 40), ("WUR", 15))
CHEMICAL_BRANDS = (("SOU", 25), ("TYT", 25), ("LOC", 20), ("WUR", 15), ("FIS", 15))

# (label in the Polish name, label in the English name, SKU part)
Size = tuple[str, str, str]


def _metric(threads: Iterable[int], lengths: Iterable[int]) -> tuple[Size, ...]:
    return tuple((f"M{t}×{length}", f"M{t}×{length}", f"M{t}X{length}") for t in threads for length in lengths)


def _threads(threads: Iterable[int]) -> tuple[Size, ...]:
    return tuple((f"M{t}", f"M{t}", f"M{t}") for t in threads)


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


def ean13(first_twelve: str) -> str:
    """The twelve digits and their GS1 check digit."""
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(first_twelve))
    return first_twelve + str((10 - total % 10) % 10)


def _millimetres(values: Iterable[float], suffix: str = " mm") -> tuple[Size, ...]:
    return tuple((f"{value:g}".replace(".", ",") + suffix, f"{value:g}{suffix}", f"{value:g}") for value in values)


def _plain(values: Iterable[str]) -> tuple[Size, ...]:
    return tuple((value, english_decimals(value), sku_part(value.replace(" ", "-"))) for value in values)


@dataclass(frozen=True)
class Kind:
    code: str
    category: str
    group: str
    name_pl: str
    name_en: str
    sizes: tuple[Size, ...]
    brands: tuple[tuple[str, int], ...]
    price: tuple[float, float]
    weight: int
    unit: str = "pcs"
    pack_size: int = 1
    vat: str = "23"
    series: tuple[str, ...] = ("",)


# fmt: off
KINDS = (
    Kind("DIN933", "sruby", "ZL-STAL", "Śruba z łbem sześciokątnym DIN 933", "Hexagon head bolt DIN 933",
         _metric((4, 5, 6, 8, 10, 12, 16, 20, 24), (10, 16, 20, 25, 30, 40, 50, 60, 80, 100)), FASTENER_BRANDS,
         (0.05, 4.5), 9, pack_size=100, series=("8.8 ocynk", "10.9", "A2", "A4", "8.8 czarna")),
    Kind("DIN912", "sruby", "ZL-NIERDZ", "Śruba imbusowa DIN 912", "Socket head cap screw DIN 912",
         _metric((3, 4, 5, 6, 8, 10, 12, 16), (8, 10, 12, 16, 20, 25, 30, 40, 50)), FASTENER_BRANDS,
         (0.06, 3.8), 6, pack_size=100, series=("12.9", "A2", "A4", "8.8 ocynk")),
    Kind("DIN934", "nakretki", "ZL-STAL", "Nakrętka sześciokątna DIN 934", "Hexagon nut DIN 934",
         _threads((3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 24, 30)), FASTENER_BRANDS, (0.01, 1.2), 4, pack_size=200,
         series=("kl. 8 ocynk", "A2", "A4", "kl. 10")),
    Kind("DIN125", "podkladki", "ZL-STAL", "Podkładka płaska DIN 125", "Flat washer DIN 125",
         _threads((3, 4, 5, 6, 8, 10, 12, 16, 20, 24)), FASTENER_BRANDS, (0.01, 0.6), 3, pack_size=200,
         series=("ocynk", "A2", "A4")),
    Kind("WKD", "wkrety-drewno", "WKRETY-KOTWY", "Wkręt do drewna", "Wood screw",
         _plain(f"{d}×{length}" for d in ("3", "3,5", "4", "4,5", "5", "6") for length in (16, 20, 30, 40, 50, 60, 80)),
         FASTENER_BRANDS, (0.02, 0.4), 6, pack_size=200, series=("stożkowy TX", "półstożkowy PZ", "ASSY", "konstrukcyjny")),
    Kind("WKB", "wkrety-blacha", "WKRETY-KOTWY", "Wkręt samowiercący do blach", "Self-drilling screw",
         _plain(f"{d}×{length}" for d in ("3,5", "4,2", "4,8", "5,5", "6,3") for length in (13, 16, 19, 25, 32, 38)),
         FASTENER_BRANDS, (0.03, 0.5), 4, pack_size=250, series=("łeb talerzowy", "łeb sześciokątny", "z podkładką EPDM")),
    Kind("KOT", "kotwy", "WKRETY-KOTWY", "Kotwa", "Anchor",
         _plain(f"M{t}×{length}" for t in (6, 8, 10, 12, 16) for length in (50, 60, 80, 100, 120, 160)),
         (("FIS", 45), ("HIL", 20), ("RAW", 20), ("WUR", 15)), (0.4, 12.0), 6, pack_size=25,
         series=("stalowa opaskowa", "wbijana", "tulejowa", "chemiczna pręt", "ramowa")),
    Kind("KOL", "kotwy", "WKRETY-KOTWY", "Kołek rozporowy", "Wall plug",
         _plain(f"{d}×{length}" for d in (5, 6, 8, 10, 12, 14) for length in (25, 30, 40, 50, 60, 80)),
         (("FIS", 55), ("RAW", 30), ("WUR", 15)), (0.02, 0.9), 5, pack_size=100,
         series=("nylonowy", "uniwersalny", "do betonu komórkowego", "do płyt g-k")),
    Kind("WIE", "wiertla", "OSPRZET-EL", "Wiertło", "Drill bit",
         _millimetres(x / 2 for x in range(2, 41)), POWER_BRANDS, (2.0, 180.0), 12,
         series=("do metalu HSS-G", "do betonu SDS-plus", "do betonu SDS-max", "do drewna", "do płytek", "wielozadaniowe")),
    Kind("TAR", "tarcze", "OSPRZET-EL", "Tarcza", "Disc",
         _plain(f"{d}×{t}" for d in (115, 125, 150, 180, 230) for t in ("1,0", "1,6", "2,5", "6,0")), POWER_BRANDS,
         (3.0, 320.0), 8, series=("do cięcia metalu", "do szlifowania", "diamentowa segmentowa", "lamelkowa P60", "do inox")),
    Kind("BIT", "bity", "OSPRZET-EL", "Bit", "Screwdriver bit",
         _plain(f"{kind} {length}" for kind in ("PH1", "PH2", "PH3", "PZ1", "PZ2", "PZ3", "TX20", "TX25", "TX30", "TX40")
                for length in (25, 50, 90)), (*POWER_BRANDS, ("WER", 20)), (2.0, 60.0), 6,
         series=("udarowy", "Impact Control", "Extra Hard", "zestaw")),
    Kind("BRZ", "bity", "OSPRZET-EL", "Brzeszczot", "Saw blade",
         _plain(f"T{n} {length}" for n in ("101B", "118A", "144D", "301CD", "127D") for length in (75, 100, 150)),
         POWER_BRANDS, (5.0, 90.0), 4, series=("do drewna", "do metalu", "szablasty S922", "do laminatu")),
    Kind("WKA", "akumulatorowe", "ELEKTRONARZ", "Wkrętarka akumulatorowa", "Cordless drill driver",
         _plain(f"{v}V {ah}" for v in (12, 18, 36) for ah in ("solo", "2×2,0Ah", "2×4,0Ah", "2×5,0Ah")), POWER_BRANDS,
         (299.0, 2899.0), 3, series=("", "bezszczotkowa", "udarowa", "kompaktowa")),
    Kind("SZL", "sieciowe", "ELEKTRONARZ", "Szlifierka kątowa", "Angle grinder",
         _plain(f"{d} mm {w} W" for d in (115, 125, 150, 230) for w in (720, 900, 1400, 2200)), POWER_BRANDS,
         (189.0, 1890.0), 2, series=("", "z regulacją obrotów", "antywibracyjna")),
    Kind("AKU", "akumulatory", "ELEKTRONARZ", "Akumulator", "Battery",
         _plain(f"{v}V {ah}Ah" for v in (10.8, 12, 18, 36) for ah in (2.0, 3.0, 4.0, 5.0, 8.0)), POWER_BRANDS,
         (149.0, 990.0), 2, series=("Li-Ion", "ProCORE", "XGT", "LXT")),
    Kind("KLU", "klucze", "NARZ-RECZNE", "Klucz płasko-oczkowy", "Combination spanner",
         _millimetres(range(6, 33), " mm"), HAND_TOOL_BRANDS, (9.0, 140.0), 4, series=("", "z grzechotką", "długi")),
    Kind("WKR", "wkretaki", "NARZ-RECZNE", "Wkrętak", "Screwdriver",
         _plain(f"{kind} {length}" for kind in ("PH1", "PH2", "PZ2", "SL5,5", "SL6,5", "TX25") for length in (80, 100, 150)),
         HAND_TOOL_BRANDS, (8.0, 65.0), 3, series=("izolowany VDE 1000 V", "Kraftform", "udarowy")),
    Kind("SZC", "szczypce", "NARZ-RECZNE", "Szczypce", "Pliers",
         _plain(f"{length} mm" for length in (125, 140, 160, 180, 200, 250, 300)), HAND_TOOL_BRANDS, (25.0, 260.0), 3,
         series=("uniwersalne", "boczne", "do zdejmowania izolacji", "nastawne Cobra", "półokrągłe wydłużone")),
    Kind("POM", "pomiar", "NARZ-RECZNE", "Miara", "Measuring tool",
         _plain(f"{length} m" for length in (2, 3, 5, 8, 10, 20, 30, 50)), (*HAND_TOOL_BRANDS, ("BOS", 30)),
         (12.0, 1200.0), 2, series=("zwijana", "dalmierz laserowy", "poziomica", "laser krzyżowy")),
    Kind("WAH", "weze-hydrauliczne", "HYDRAULIKA", "Wąż hydrauliczny", "Hydraulic hose",
         _plain(f"DN{dn} {thread}" for dn in (6, 8, 10, 12, 16, 20, 25) for thread in ("1/4\"", "3/8\"", "1/2\"", "3/4\"")),
         HYDRAULIC_BRANDS, (18.0, 240.0), 4, unit="m", series=("1SN", "2SN", "4SP", "R2AT")),
    Kind("ZAK", "zakucia", "HYDRAULIKA", "Zakucie hydrauliczne", "Hydraulic hose fitting",
         _plain(f"DKOL {size}" for size in ("12L", "15L", "18L", "22L", "28L", "16S", "20S", "25S")),
         HYDRAULIC_BRANDS, (6.0, 75.0), 4, series=("proste", "kolano 90°", "kolano 45°", "BSP")),
    Kind("SZB", "szybkozlacza", "HYDRAULIKA", "Szybkozłącze hydrauliczne", "Hydraulic quick coupling",
         _plain(f"ISO-A {size}" for size in ("1/4\"", "3/8\"", "1/2\"", "3/4\"", "1\"")), HYDRAULIC_BRANDS,
         (35.0, 420.0), 2, series=("wtyczka", "gniazdo", "kompletne")),
    Kind("PNE", "zlaczki-pneumatyczne", "PNEUMATYKA", "Złączka pneumatyczna", "Pneumatic fitting",
         _plain(f"{d} mm {thread}" for d in (4, 6, 8, 10, 12) for thread in ("G1/8", "G1/4", "G3/8")),
         HYDRAULIC_BRANDS, (3.0, 45.0), 4, series=("prosta", "kolanowa", "trójnik", "wtykowa")),
    Kind("YDY", "przewody-instalacyjne", "KABLE", "Przewód instalacyjny YDY", "Installation wire YDY",
         _plain(f"{n}×{cs} mm²" for n in (2, 3, 4, 5) for cs in ("1,5", "2,5", "4", "6", "10")), ELECTRICAL_BRANDS,
         (1.8, 28.0), 4, unit="m", series=("450/750 V", "żo", "płaski YDYp")),
    Kind("YKY", "kable-energetyczne", "KABLE", "Kabel energetyczny YKY", "Power cable YKY",
         _plain(f"{n}×{cs} mm²" for n in (3, 4, 5) for cs in ("2,5", "4", "6", "10", "16", "25", "35")),
         ELECTRICAL_BRANDS, (4.5, 120.0), 3, unit="m", series=("0,6/1 kV", "żo", "żn")),
    Kind("WYL", "aparatura", "APARATURA", "Wyłącznik nadprądowy", "Miniature circuit breaker",
         _plain(f"{curve}{amps} {poles}P" for curve in ("B", "C", "D") for amps in (6, 10, 13, 16, 20, 25, 32, 40)
                for poles in (1, 3)), ELECTRICAL_BRANDS, (9.0, 190.0), 5, series=("6 kA", "10 kA", "Acti9", "S300")),
    Kind("GNI", "osprzet", "APARATURA", "Gniazdo", "Socket outlet",
         _plain(f"{colour}" for colour in ("białe", "czarne", "grafit", "srebrne", "kremowe")), ELECTRICAL_BRANDS,
         (8.0, 95.0), 3, series=("z uziemieniem", "podwójne", "hermetyczne IP44", "USB", "Sedna", "Valena")),
    Kind("PPR", "pp-r", "INSTALACJE", "Kształtka PP-R", "PP-R fitting",
         _plain(f"{d} mm" for d in (16, 20, 25, 32, 40, 50, 63)), PLUMBING_BRANDS, (0.8, 45.0), 4,
         series=("kolano 90°", "trójnik", "mufa", "redukcja", "złączka z gwintem")),
    Kind("ZAW", "armatura", "INSTALACJE", "Zawór kulowy", "Ball valve",
         _plain(f"{size}" for size in ("1/2\"", "3/4\"", "1\"", "5/4\"", "6/4\"", "2\"")), PLUMBING_BRANDS,
         (14.0, 260.0), 3, series=("GW-GW", "GW-GZ", "z motylkiem", "z dławikiem")),
    Kind("REK", "rekawice", "BHP", "Rękawice robocze", "Work gloves",
         _plain(("7", "8", "9", "10", "11")), PPE_BRANDS, (3.0, 45.0), 3, unit="pack",
         series=("nitrylowe", "powlekane PU", "antyprzecięciowe", "skórzane", "zimowe")),
    Kind("OKU", "ochrona-glowy", "BHP", "Okulary ochronne", "Safety glasses",
         _plain(("bezbarwne", "przyciemniane", "żółte", "lustrzane")), PPE_BRANDS, (12.0, 140.0), 2,
         series=("", "przeciwmgielne", "gogle")),
    Kind("PIA", "pianki", "CHEMIA", "Pianka montażowa", "Expanding foam",
         _plain(f"{ml} ml" for ml in (300, 500, 750, 870)), CHEMICAL_BRANDS, (14.0, 55.0), 2,
         series=("pistoletowa", "wężykowa", "niskoprężna", "zimowa", "ognioodporna B1")),
    Kind("SIL", "uszczelniacze", "CHEMIA", "Silikon", "Silicone sealant",
         _plain(f"{ml} ml" for ml in (280, 300, 310)), CHEMICAL_BRANDS, (9.0, 48.0), 2,
         series=("sanitarny biały", "sanitarny bezbarwny", "neutralny", "dekarski", "wysokotemperaturowy")),
    Kind("KLE", "kleje", "CHEMIA", "Klej", "Adhesive",
         _plain(f"{g} g" for g in (20, 50, 250, 300)), CHEMICAL_BRANDS, (8.0, 160.0), 2,
         series=("cyjanoakrylowy", "do gwintów średni", "montażowy MS", "kotwa chemiczna winyloestrowa")),
)

FIRST_NAMES = ("Anna", "Piotr", "Katarzyna", "Tomasz", "Agnieszka", "Paweł", "Magdalena", "Michał", "Joanna",
               "Krzysztof", "Ewa", "Marcin", "Barbara", "Łukasz", "Monika", "Grzegorz", "Aleksandra", "Jakub")
LAST_NAMES = ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
              "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Krawczyk", "Piotrowski")
COMPANY_WORDS = ("Bud", "Instal", "Elektro", "Hydro", "Stal", "Term", "Metal", "Agro", "Tech", "Serwis", "Dom",
                 "Inwest", "Mont", "Trans", "Energo", "Drew")
COMPANY_FORMS = ("Sp. z o.o.", "S.A.", "Sp. j.", "s.c.", "Sp. k.")
CITIES = (("Warszawa", "00"), ("Kraków", "30"), ("Łódź", "90"), ("Wrocław", "50"), ("Poznań", "60"),
          ("Gdańsk", "80"), ("Szczecin", "70"), ("Bydgoszcz", "85"), ("Lublin", "20"), ("Katowice", "40"),
          ("Białystok", "15"), ("Rzeszów", "35"), ("Kielce", "25"), ("Olsztyn", "10"), ("Opole", "45"))
STREETS = ("Przemysłowa", "Składowa", "Magazynowa", "Fabryczna", "Kolejowa", "Polna", "Lipowa", "Długa", "Krótka",
           "Warszawska", "Handlowa", "Rzemieślnicza")
GROUP_NAMES = ("Instalatorzy", "Elektrycy", "Budownictwo ogólne", "Przemysł", "Rolnictwo", "Warsztaty",
               "Sieci handlowe", "Hydraulika siłowa", "Serwisy", "Deweloperzy")

# Most past orders went the whole way; the last status is where each stands now.
FULL_PATH = (OrderStatus.SENT_TO_SELLER, OrderStatus.CONFIRMED, OrderStatus.IN_FULFILMENT, OrderStatus.SHIPPED,
             OrderStatus.DELIVERED, OrderStatus.INVOICED, OrderStatus.PAID)
ORDER_OUTCOMES = ((OrderStatus.INVOICED, 45), (OrderStatus.DELIVERED, 30), (OrderStatus.PAID, 10),
                  (OrderStatus.SHIPPED, 5), (OrderStatus.CONFIRMED, 4), (OrderStatus.IN_FULFILMENT, 2),
                  (OrderStatus.CANCELLED, 4))
# The English names' words for the Polish series and sizes above.
ENGLISH = {
    "8.8 ocynk": "8.8 zinc plated",
    "8.8 czarna": "8.8 black",
    "kl. 8 ocynk": "class 8 zinc plated",
    "kl. 10": "class 10",
    "ocynk": "zinc plated",
    "stożkowy TX": "countersunk TX",
    "półstożkowy PZ": "raised countersunk PZ",
    "konstrukcyjny": "structural",
    "łeb talerzowy": "wafer head",
    "łeb sześciokątny": "hex head",
    "z podkładką EPDM": "with EPDM washer",
    "stalowa opaskowa": "steel through-bolt",
    "wbijana": "drop-in",
    "tulejowa": "sleeve",
    "chemiczna pręt": "chemical stud",
    "ramowa": "frame",
    "nylonowy": "nylon",
    "uniwersalny": "universal",
    "do betonu komórkowego": "for aerated concrete",
    "do płyt g-k": "for plasterboard",
    "do metalu HSS-G": "HSS-G for metal",
    "do betonu SDS-plus": "SDS-plus for concrete",
    "do betonu SDS-max": "SDS-max for concrete",
    "do drewna": "for wood",
    "do płytek": "for tiles",
    "wielozadaniowe": "multi-purpose",
    "do cięcia metalu": "metal cutting",
    "do szlifowania": "grinding",
    "diamentowa segmentowa": "segmented diamond",
    "lamelkowa P60": "flap P60",
    "do inox": "for stainless steel",
    "udarowy": "impact",
    "zestaw": "set",
    "do metalu": "for metal",
    "szablasty S922": "reciprocating S922",
    "do laminatu": "for laminate",
    "bezszczotkowa": "brushless",
    "udarowa": "impact",
    "kompaktowa": "compact",
    "z regulacją obrotów": "variable speed",
    "antywibracyjna": "anti-vibration",
    "z grzechotką": "ratchet",
    "długi": "long",
    "izolowany VDE 1000 V": "insulated VDE 1000 V",
    "uniwersalne": "combination",
    "boczne": "side cutting",
    "do zdejmowania izolacji": "wire stripping",
    "nastawne Cobra": "Cobra adjustable",
    "półokrągłe wydłużone": "long nose",
    "zwijana": "tape",
    "dalmierz laserowy": "laser distance meter",
    "poziomica": "spirit level",
    "laser krzyżowy": "cross-line laser",
    "proste": "straight",
    "kolano 90°": "90° elbow",
    "kolano 45°": "45° elbow",
    "wtyczka": "male",
    "gniazdo": "female",
    "kompletne": "complete",
    "prosta": "straight",
    "kolanowa": "elbow",
    "trójnik": "tee",
    "wtykowa": "push-in",
    "żo": "with earth core",
    "płaski YDYp": "flat YDYp",
    "żn": "without earth core",
    "z uziemieniem": "with earth",
    "podwójne": "double",
    "hermetyczne IP44": "IP44 splash-proof",
    "mufa": "coupling",
    "redukcja": "reducer",
    "złączka z gwintem": "threaded adapter",
    "GW-GW": "F-F",
    "GW-GZ": "F-M",
    "z motylkiem": "butterfly handle",
    "z dławikiem": "with gland",
    "nitrylowe": "nitrile",
    "powlekane PU": "PU coated",
    "antyprzecięciowe": "cut-resistant",
    "skórzane": "leather",
    "zimowe": "winter",
    "przeciwmgielne": "anti-fog",
    "gogle": "goggles",
    "pistoletowa": "gun-grade",
    "wężykowa": "straw",
    "niskoprężna": "low-expansion",
    "zimowa": "winter",
    "ognioodporna B1": "fire-rated B1",
    "sanitarny biały": "sanitary white",
    "sanitarny bezbarwny": "sanitary clear",
    "neutralny": "neutral",
    "dekarski": "roofing",
    "wysokotemperaturowy": "high-temperature",
    "cyjanoakrylowy": "cyanoacrylate",
    "do gwintów średni": "medium-strength threadlocker",
    "montażowy MS": "MS polymer mounting",
    "kotwa chemiczna winyloestrowa": "vinylester chemical anchor",
    "białe": "white",
    "czarne": "black",
    "grafit": "graphite",
    "srebrne": "silver",
    "kremowe": "cream",
    "bezbarwne": "clear",
    "przyciemniane": "tinted",
    "żółte": "yellow",
    "lustrzane": "mirrored",
}
ZERO_HIT_TERMS = ("qzxwv", "nieistniejacyprodukt", "ZZZ-999999", "5999999999994")
# fmt: on


# --- The seeded world, as it is built ----------------------------------------------------------


@dataclass
class SeededProduct:
    id: int
    sku: str
    ean: str
    name_pl: str
    unit: str
    vat: str
    base_price: Decimal
    brand: str
    search_text: str


@dataclass
class SeededCompany:
    id: int
    name: str
    nip: str
    payment_method: str
    payment_days: int
    buyer_id: int
    buyer_email: str
    approver_id: int
    addresses: list[tuple[str, str, str, str]] = field(default_factory=list)
    contract: dict[int, Decimal] = field(default_factory=dict)
    part_numbers: list[tuple[int, str]] = field(default_factory=list)


def _scaled(full: int, scale: float, least: int = 1) -> int:
    return max(least, round(full * scale))


def _price(value: float) -> Decimal:
    return Decimal(repr(round(value, 4))).quantize(PRICE_STEP if value < 10 else GROSZ, rounding=ROUND_HALF_UP)


def _times(price: Decimal, factor: float) -> Decimal:
    return (price * Decimal(repr(factor))).quantize(PRICE_STEP, rounding=ROUND_HALF_UP)


def _weighted(rng: random.Random, choices: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([choice for choice, _ in choices], weights=[weight for _, weight in choices])[0]


def valid_nip(rng: random.Random) -> str:
    """Nine random digits and their checksum digit, skipping numbers whose checksum would be 10."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
        checksum = sum(digit * weight for digit, weight in zip(digits, weights, strict=True)) % 11
        if checksum != 10:
            nip = "".join(map(str, digits)) + str(checksum)
            assert is_valid_nip(nip)
            return nip


class Seeder:
    def __init__(self, connection: asyncpg.Connection, scale: float) -> None:
        self.connection = connection
        self.scale = scale
        self.rng = random.Random(SEED)
        self.report = SeedReport(scale)
        self.now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
        self.products: list[SeededProduct] = []
        self.companies: list[SeededCompany] = []
        self.brand_rows: Counter[str] = Counter()

    async def _ids(self, table: str, count: int) -> list[int]:
        """`count` ids from the table's own sequence, so later ORM inserts carry on after them."""
        if count == 0:
            return []
        first = await self.connection.fetchval("SELECT nextval(pg_get_serial_sequence($1, 'id'))", table)
        await self.connection.execute("SELECT setval(pg_get_serial_sequence($1, 'id'), $2)", table, first + count - 1)
        return list(range(first, first + count))

    async def _copy(
        self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]], part: str, label: str = ""
    ) -> int:
        records = list(rows)
        await self.connection.copy_records_to_table(table, columns=list(columns), records=records)
        key = f"{part}/{label or table}"
        self.report.counts[key] = self.report.counts.get(key, 0) + len(records)
        return len(records)

    # --- catalog ---

    async def drop_secondary_indexes(self) -> list[str]:
        """Drop the big tables' plain indexes (not keys or unique ones) and return how to make them
        again: building an index once after COPY (the trigram one above all) is several times faster
        than growing it row by row. Inside the seeding transaction: a failure leaves them as they were."""
        rows = await self.connection.fetch(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname"
            " JOIN pg_index x ON x.indexrelid = c.oid"
            " WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[]) AND NOT x.indisunique",
            list(BULK_TABLES),
        )
        for row in rows:
            await self.connection.execute(f'DROP INDEX "{row["indexname"]}"')
        return [row["indexdef"] for row in rows]

    async def _reference_data(self) -> tuple[dict[str, int], dict[str, int], dict[str, int], list[int]]:
        """The category tree, product groups, attributes and warehouses the demo defines, added where
        missing (a fresh database has none); products are spread over whatever leaves exist."""
        connection = self.connection
        categories = data_rows("categories.jsonl")
        placed: set[str | None] = {None}
        # A level at a time (parents before children): each level's paths extend its parents'.
        while level := [row for row in categories if row.get("parent") in placed and row["code"] not in placed]:
            for row in level:
                await connection.execute(
                    "INSERT INTO category (parent, code, path, name_pl, name_en, position)"
                    " VALUES ((SELECT id FROM category WHERE code = $1), $2, '', $3, $4, $5)"
                    " ON CONFLICT (code) DO NOTHING",
                    row.get("parent"),
                    row["code"],
                    row["name_pl"],
                    row["name_en"],
                    row.get("position", 0),
                )
            await connection.execute(
                "UPDATE category SET path = COALESCE((SELECT parent.path FROM category parent"
                " WHERE parent.id = category.parent), '/') || CAST(id AS VARCHAR(20)) || '/' WHERE path = ''"
            )
            placed |= {row["code"] for row in level}
        await connection.executemany(
            "INSERT INTO product_group (code, name_pl, name_en) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING",
            [(row["code"], row["name_pl"], row["name_en"]) for row in data_rows("product-groups.jsonl")],
        )
        await connection.executemany(
            "INSERT INTO attribute (code, name_pl, name_en, filterable, position) VALUES ($1, $2, $3, $4, $5)"
            " ON CONFLICT (code) DO NOTHING",
            [
                (row["code"], row["name_pl"], row["name_en"], row["filterable"], row["position"])
                for row in data_rows("attributes.jsonl")
            ],
        )
        await connection.executemany(
            "INSERT INTO warehouse (code, name, city) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING",
            [(row["code"], row["name"], row["city"]) for row in data_rows("warehouses.jsonl")],
        )
        leaves = {
            row["code"]: row["id"]
            for row in await connection.fetch(
                "SELECT id, code FROM category c WHERE NOT EXISTS (SELECT 1 FROM category k WHERE k.parent = c.id)"
            )
        }
        groups = {row["code"]: row["id"] for row in await connection.fetch("SELECT id, code FROM product_group")}
        attributes = {row["code"]: row["id"] for row in await connection.fetch("SELECT id, code FROM attribute")}
        warehouses = [row["id"] for row in await connection.fetch("SELECT id FROM warehouse ORDER BY id")]
        return leaves, groups, attributes, warehouses

    async def seed_catalog(self) -> None:
        leaves, groups, attributes, warehouses = await self._reference_data()
        rng = self.rng
        count = _scaled(PRODUCTS, self.scale, least=50)
        ids = await self._ids("product", count)
        kinds = [(kind, kind.weight) for kind in KINDS]
        item_numbers: Counter[str] = Counter()
        leaf_ids = sorted(leaves.values())
        product_rows, attribute_rows = [], []
        for number, product_id in enumerate(ids):
            kind: Kind = _weighted(rng, kinds)
            brand = BRANDS[_weighted(rng, kind.brands)]
            size_pl, size_en, size_sku = rng.choice(kind.sizes)
            series = rng.choice(kind.series)
            series_part = f" {series}" if series else ""
            name_pl = f"{kind.name_pl}{series_part} {size_pl} {brand.name}"
            series_en = f" {ENGLISH.get(series, series)}" if series else ""
            name_en = f"{kind.name_en}{series_en} {ENGLISH.get(size_en, size_en)} {brand.name}"
            sku = f"{brand.code}-{kind.code}-{size_sku}-{number:06d}"
            item_numbers[brand.code] += 1
            ean = ean13(f"{brand.ean_prefix}{item_numbers[brand.code]:06d}")
            category = leaves.get(kind.category) or leaf_ids[number % len(leaf_ids)]
            status = _weighted(rng, (("active", 95), ("phase_out", 4), ("discontinued", 1)))
            base = _price(rng.uniform(*kind.price))
            search_text = search_text_for(sku, ean, name_pl, name_en)
            self.products.append(
                SeededProduct(product_id, sku, ean, name_pl, kind.unit, kind.vat, base, brand.name, search_text)
            )
            self.brand_rows[brand.name] += 1
            product_rows.append(
                (
                    product_id,
                    sku,
                    ean,
                    category,
                    groups.get(kind.group),
                    name_pl,
                    name_en,
                    "",
                    "",
                    kind.unit,
                    kind.pack_size,
                    1,
                    1,
                    kind.vat,
                    status,
                    search_text,
                    self.now,
                )
            )
            attribute_rows.append((product_id, attributes["brand"], brand.name))
            attribute_rows.append((product_id, attributes["size"], size_pl))
        await self._copy(
            "product",
            (
                "id",
                "sku",
                "ean",
                "category",
                "product_group",
                "name_pl",
                "name_en",
                "description_pl",
                "description_en",
                "unit",
                "pack_size",
                "min_order_quantity",
                "order_multiple",
                "vat_rate",
                "status",
                "search_text",
                "updated_at",
            ),
            product_rows,
            "catalog",
        )
        await self._copy("product_attribute", ("product", "attribute", "value"), attribute_rows, "catalog")

        def stock() -> Iterator[tuple[Any, ...]]:
            today = self.now.date()
            for product in self.products:
                for warehouse in warehouses:
                    available = 0 if rng.random() < 0.15 else rng.randint(1, 2500)
                    coming = available == 0 and rng.random() < 0.7
                    yield (
                        product.id,
                        warehouse,
                        available,
                        20,
                        today + timedelta(days=rng.randint(2, 21)) if coming else None,
                        rng.randint(50, 1000) if coming else 0,
                        0 if coming else rng.choice((0, 7, 14)),
                    )

        await self._copy(
            "stock",
            (
                "product",
                "warehouse",
                "available",
                "low_level",
                "next_delivery_on",
                "next_delivery_quantity",
                "lead_time_days",
            ),
            stock(),
            "catalog",
        )

    # --- customers ---

    async def seed_customers(self, password_hash: str) -> None:
        rng = self.rng
        count = _scaled(COMPANIES, self.scale, least=2)
        taken = {row["nip"] for row in await self.connection.fetch("SELECT nip FROM company")}
        company_ids = await self._ids("company", count)
        company_rows, user_rows, membership_rows, address_rows = [], [], [], []
        if not await self.connection.fetchval("SELECT count(*) FROM company WHERE kind = 'seller'"):
            # The wholesaler itself: its name and address head every invoice.
            nip = valid_nip(rng)
            taken.add(nip)
            seller_id = (await self._ids("company", 1))[0]
            company_rows.append(
                (
                    seller_id,
                    "seller",
                    SELLER_NAME,
                    nip,
                    f"PL{nip}",
                    "ul. Hurtowa 1",
                    "02-001",
                    "Warszawa",
                    "PL",
                    "transfer",
                    14,
                    "PLN",
                    "active",
                    self.now,
                )
            )
        for number, company_id in enumerate(company_ids):
            nip = valid_nip(rng)
            while nip in taken:
                nip = valid_nip(rng)
            taken.add(nip)
            surname = rng.choice(LAST_NAMES)
            name = f"{rng.choice(COMPANY_WORDS)}-{rng.choice(COMPANY_WORDS)} {surname} {rng.choice(COMPANY_FORMS)}"
            city, postal = rng.choice(CITIES)
            street = f"ul. {rng.choice(STREETS)} {rng.randint(1, 200)}"
            postal_code = f"{postal}-{rng.randint(1, 999):03d}"
            method, days = _weighted(rng, ((("transfer", 14), 45), (("transfer", 30), 35), (("prepayment", 0), 20)))
            company_rows.append(
                (
                    company_id,
                    "customer",
                    name,
                    nip,
                    f"PL{nip}",
                    street,
                    postal_code,
                    city,
                    "PL",
                    method,
                    days,
                    "PLN",
                    "active",
                    self.now,
                )
            )
            domain = f"firma{number + 1:04d}.{EMAIL_DOMAIN}"
            people = [("buyer", [Role.BUYER]), ("approver", [Role.APPROVER]), ("finance", [Role.FINANCE])]
            if rng.random() < 0.5:
                people.append(("admin", [Role.COMPANY_ADMIN]))
            user_ids = await self._ids("portal_user", len(people))
            for (login, roles), user_id in zip(people, user_ids, strict=True):
                user_rows.append(
                    (
                        user_id,
                        f"{login}@{domain}",
                        f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                        "pl",
                        password_hash,
                        True,
                        self.now,
                    )
                )
                membership_rows.append((user_id, company_id, [role.value for role in roles], True, self.now))
            company = SeededCompany(company_id, name, nip, method, days, user_ids[0], f"buyer@{domain}", user_ids[1])
            company.addresses.append(("Siedziba", street, postal_code, city))
            address_rows.append((company_id, "Siedziba", street, postal_code, city, "PL", True))
            if rng.random() < 0.4:
                other_city, other_postal = rng.choice(CITIES)
                site = (
                    f"Budowa {other_city}",
                    f"ul. {rng.choice(STREETS)} {rng.randint(1, 200)}",
                    f"{other_postal}-{rng.randint(1, 999):03d}",
                    other_city,
                )
                company.addresses.append(site)
                address_rows.append((company_id, *site, "PL", False))
            self.companies.append(company)
        await self._copy(
            "company",
            (
                "id",
                "kind",
                "name",
                "nip",
                "vat_id",
                "billing_street",
                "billing_postal_code",
                "billing_city",
                "billing_country",
                "payment_method",
                "payment_days",
                "currency",
                "status",
                "created_at",
            ),
            company_rows,
            "customers",
        )
        await self._copy(
            "portal_user",
            ("id", "email", "name", "locale", "password_hash", "is_active", "created_at"),
            user_rows,
            "customers",
        )
        await self._copy(
            "membership", ("user", "company", "roles", "is_active", "created_at"), membership_rows, "customers"
        )
        await self._copy(
            "delivery_address",
            ("company", "label", "street", "postal_code", "city", "country", "is_default"),
            address_rows,
            "customers",
        )
        part_rows = []
        for company in self.companies:
            if rng.random() >= PART_NUMBER_COMPANY_SHARE:
                continue
            prefix = "".join(word[0] for word in company.name.split()[:2]).upper()
            chosen = rng.sample(self.products, min(len(self.products), rng.randint(20, 80)))
            for number, product in enumerate(chosen):
                code = f"{prefix}-{rng.randint(10, 99)}-{number + 1:04d}"
                company.part_numbers.append((product.id, code))
                part_rows.append((company.id, product.id, code, code.lower()))
        await self._copy("customer_part_number", ("company", "product", "code", "code_search"), part_rows, "customers")

    # --- prices ---

    async def seed_prices(self) -> None:
        rng = self.rng
        products = self.products
        total = _scaled(CUSTOMER_PRICES, self.scale)
        group_count = _scaled(CUSTOMER_GROUPS, self.scale)
        own_list_count = max(1, round(len(self.companies) * OWN_LIST_COMPANY_SHARE))
        list_ids = await self._ids("price_list", 1 + group_count + own_list_count)
        group_ids = await self._ids("customer_group", group_count)
        valid_from = date(self.now.year, 1, 1)
        list_rows = [(list_ids[0], BASE_LIST_CODE, "Cennik bazowy (benchmark)", "PLN", True, valid_from, None)]
        group_rows = []
        for number, group_id in enumerate(group_ids):
            label = GROUP_NAMES[number % len(GROUP_NAMES)]
            group_rows.append((group_id, f"BENCH-GRP-{number + 1:02d}", f"{label} {number // len(GROUP_NAMES) + 1}"))
            list_rows.append(
                (
                    list_ids[1 + number],
                    f"BENCH-GRP-{number + 1:02d}",
                    f"Cennik grupy {label}",
                    "PLN",
                    False,
                    valid_from,
                    None,
                )
            )
        own_lists = list(zip(rng.sample(self.companies, own_list_count), list_ids[1 + group_count :], strict=True))
        for company, list_id in own_lists:
            list_rows.append(
                (list_id, f"BENCH-C{company.id}", f"Cennik indywidualny {company.name}", "PLN", False, valid_from, None)
            )
        await self._copy("customer_group", ("id", "code", "name"), group_rows, "prices")
        await self._copy(
            "price_list", ("id", "code", "name", "currency", "is_base", "valid_from", "valid_to"), list_rows, "prices"
        )
        members: list[tuple[int, int]] = []
        assignments: list[tuple[int, int | None, int | None, int]] = []
        for company in self.companies:
            if rng.random() < 0.85:
                members.append((rng.choice(group_ids), company.id))
        for number, group_id in enumerate(group_ids):
            assignments.append((list_ids[1 + number], None, group_id, 100))
        for company, list_id in own_lists:
            assignments.append((list_id, company.id, None, 10))
        await self._copy("customer_group_member", ("group", "company"), members, "prices")
        await self._copy(
            "price_list_assignment", ("price_list", "company", "customer_group", "priority"), assignments, "prices"
        )
        # A few discounts, so list prices reach `resolve_prices`' discount rules too.
        product_groups = [row["id"] for row in await self.connection.fetch("SELECT id FROM product_group")]
        discounts: list[tuple[str, int | None, int | None, int | None, Decimal, int]] = [
            (
                f"Rabat grupy {group_id}",
                None,
                group_id,
                rng.choice(product_groups),
                Decimal(rng.choice(("3.00", "5.00", "7.50"))),
                1,
            )
            for group_id in group_ids
        ]
        discounts += [(f"Rabat {company.name}", company.id, None, None, Decimal("2.00"), 1) for company, _ in own_lists]
        await self._copy(
            "discount_rule",
            ("name", "company", "customer_group", "product_group", "percent", "min_quantity"),
            discounts,
            "prices",
        )

        def list_entries() -> Iterator[tuple[Any, ...]]:
            for product in products:
                yield (list_ids[0], product.id, 1, product.base_price)
                if rng.random() < 0.4:
                    yield (list_ids[0], product.id, 10, _times(product.base_price, 0.95))
                    yield (list_ids[0], product.id, 100, _times(product.base_price, 0.9))

        await self._copy(
            "price_list_entry", ("price_list", "product", "min_quantity", "unit_price"), list_entries(), "prices"
        )

        def customer_list_entries(list_id: int, rows: int, factor: tuple[float, float]) -> Iterator[tuple[Any, ...]]:
            chosen = rng.sample(products, min(len(products), rows))
            for product in chosen:
                yield (list_id, product.id, 1, _times(product.base_price, rng.uniform(*factor)))

        group_share = 1 - CONTRACT_SHARE - OWN_LIST_SHARE
        per_group = round(total * group_share / group_count)
        per_own = round(total * OWN_LIST_SHARE / own_list_count)
        customer_entries = [
            entry
            for number in range(group_count)
            for entry in customer_list_entries(list_ids[1 + number], per_group, (0.88, 0.97))
        ]
        customer_entries += [
            entry for _, list_id in own_lists for entry in customer_list_entries(list_id, per_own, (0.8, 0.95))
        ]
        await self._copy(
            "price_list_entry",
            ("price_list", "product", "min_quantity", "unit_price"),
            customer_entries,
            "prices",
            "price_list_entry (customer)",
        )

        per_company = round(total * CONTRACT_SHARE / len(self.companies))
        contract_end = date(self.now.year + 1, 12, 31)

        def contracts() -> Iterator[tuple[Any, ...]]:
            for company in self.companies:
                reference = f"UMOWA/{self.now.year}/{company.id:05d}"
                # Two breaks on some products, to have tiers; the rest one price from 1 up.
                rows_left = per_company
                for product in rng.sample(products, min(len(products), per_company)):
                    if rows_left <= 0:
                        break
                    price = _times(product.base_price, rng.uniform(0.7, 0.9))
                    company.contract[product.id] = price
                    yield (company.id, product.id, reference, "PLN", 1, price, valid_from, contract_end)
                    rows_left -= 1
                    if rows_left > 0 and rng.random() < 0.25:
                        yield (
                            company.id,
                            product.id,
                            reference,
                            "PLN",
                            50,
                            _times(price, 0.93),
                            valid_from,
                            contract_end,
                        )
                        rows_left -= 1

        await self._copy(
            "contract_price",
            (
                "company",
                "product",
                "contract_reference",
                "currency",
                "min_quantity",
                "unit_price",
                "valid_from",
                "valid_to",
            ),
            contracts(),
            "prices",
        )

    # --- orders ---

    async def seed_orders(self) -> None:
        rng = self.rng
        count = _scaled(ORDERS, self.scale)
        order_ids = await self._ids("customer_order", count)
        habits = {
            company.id: list(company.contract)[:40]
            + [product.id for product in rng.sample(self.products, min(len(self.products), 30))]
            for company in self.companies
        }
        by_id = {product.id: product for product in self.products}
        outcomes = list(ORDER_OUTCOMES)
        order_rows, line_rows, event_rows = [], [], []
        # Each invoiced or paid order's invoice: (order id, company, issued on, lines, net, vat, paid).
        invoiced: list[tuple[int, SeededCompany, date, list[tuple[Any, ...]], Decimal, Decimal, bool]] = []
        purchased: dict[tuple[int, int], list[Any]] = {}
        for number, order_id in enumerate(order_ids):
            company = self.companies[number % len(self.companies)]
            placed_at = self.now - timedelta(days=rng.randint(1, 720), minutes=rng.randint(0, 600))
            status = _weighted(rng, outcomes)
            history = (
                (OrderStatus.SENT_TO_SELLER, OrderStatus.CANCELLED)
                if status is OrderStatus.CANCELLED
                else FULL_PATH[: FULL_PATH.index(status) + 1]
            )
            net_by_rate: dict[str, Decimal] = {}
            chosen = rng.sample(habits[company.id], min(len(habits[company.id]), rng.randint(1, 8)))
            for product_id in chosen:
                product = by_id[product_id]
                quantity = rng.choice((1, 2, 5, 10, 20, 50, 100, 200))
                unit_price = company.contract.get(product_id, product.base_price)
                line_net = (unit_price * quantity).quantize(GROSZ, rounding=ROUND_HALF_UP)
                net_by_rate[product.vat] = net_by_rate.get(product.vat, Decimal(0)) + line_net
                source = "contract" if product_id in company.contract else "cennik bazowy"
                line_rows.append(
                    (
                        order_id,
                        product_id,
                        product.sku,
                        product.name_pl,
                        product.unit,
                        quantity,
                        unit_price,
                        line_net,
                        product.vat,
                        source,
                    )
                )
                if status is not OrderStatus.CANCELLED:
                    seen = purchased.get((company.id, product_id))
                    if seen is None:
                        purchased[(company.id, product_id)] = [1, quantity, placed_at]
                    else:
                        seen[0] += 1
                        if placed_at > seen[2]:
                            seen[1], seen[2] = quantity, placed_at
            net = sum(net_by_rate.values(), Decimal("0.00"))
            vat = sum((vat_amount(value, rate) for rate, value in net_by_rate.items()), Decimal("0.00"))
            if status in (OrderStatus.INVOICED, OrderStatus.PAID):
                issued_on = (placed_at + timedelta(days=len(history))).date()
                lines = line_rows[len(line_rows) - len(chosen) :]
                invoiced.append((order_id, company, issued_on, lines, net, vat, status is OrderStatus.PAID))
            label, street, postal_code, city = rng.choice(company.addresses)
            order_rows.append(
                (
                    order_id,
                    order_number(order_id, placed_at.date()),
                    company.id,
                    company.buyer_id,
                    status.value,
                    f"PO/{placed_at.year}/{number + 1:06d}",
                    label,
                    street,
                    postal_code,
                    city,
                    company.payment_method,
                    company.payment_days,
                    "PLN",
                    net,
                    vat,
                    net + vat,
                    f"bench-{order_id}",
                    placed_at,
                )
            )
            for step, reached in enumerate(history):
                actor = company.buyer_id if step == 0 else None
                event_rows.append((order_id, reached.value, actor, placed_at + timedelta(hours=step * 20)))
        await self._copy(
            "customer_order",
            (
                "id",
                "number",
                "company",
                "placed_by",
                "status",
                "po_number",
                "delivery_label",
                "delivery_street",
                "delivery_postal_code",
                "delivery_city",
                "payment_method",
                "payment_days",
                "currency",
                "net_total",
                "vat_total",
                "gross_total",
                "submission_key",
                "created_at",
            ),
            order_rows,
            "orders",
        )
        await self._copy(
            "order_line",
            (
                "order",
                "product",
                "sku",
                "name",
                "unit",
                "quantity",
                "unit_price",
                "line_net",
                "vat_rate",
                "price_source",
            ),
            line_rows,
            "orders",
        )
        await self._copy("order_event", ("order", "status", "actor", "created_at"), event_rows, "orders")
        await self._copy(
            "purchased_product",
            ("company", "product", "times_ordered", "last_quantity", "last_ordered_at"),
            ((company, product, *seen) for (company, product), seen in purchased.items()),
            "orders",
        )
        await self._invoices(invoiced)

    async def _invoices(
        self, invoiced: Sequence[tuple[int, SeededCompany, date, list[tuple[Any, ...]], Decimal, Decimal, bool]]
    ) -> None:
        """The ERP's invoices of invoiced and paid orders, line for line, for the finance users."""
        invoice_ids = await self._ids("invoice", len(invoiced))
        invoice_rows, line_rows = [], []
        for invoice_id, (order_id, company, issued_on, lines, net, vat, paid) in zip(
            invoice_ids, invoiced, strict=True
        ):
            gross = net + vat
            invoice_rows.append(
                (
                    invoice_id,
                    company.id,
                    "invoice",
                    f"FV/{issued_on.year}/{invoice_id:06d}",
                    issued_on,
                    issued_on,
                    issued_on + timedelta(days=company.payment_days),
                    "PLN",
                    company.payment_method,
                    "paid" if paid else "open",
                    order_id,
                    net,
                    vat,
                    gross,
                    Decimal("0.00") if paid else gross,
                    self.now,
                )
            )
            for position, (_, _, sku, name, unit, quantity, unit_price, line_net, vat_rate, _) in enumerate(lines):
                line_rows.append((invoice_id, position + 1, name, sku, unit, quantity, unit_price, line_net, vat_rate))
        await self._copy(
            "invoice",
            (
                "id",
                "company",
                "kind",
                "number",
                "issued_on",
                "sold_on",
                "due_on",
                "currency",
                "payment_method",
                "status",
                "order",
                "net_total",
                "vat_total",
                "gross_total",
                "outstanding",
                "updated_at",
            ),
            invoice_rows,
            "orders",
        )
        await self._copy(
            "invoice_line",
            ("invoice", "position", "name", "sku", "unit", "quantity", "unit_net_price", "net_value", "vat_rate"),
            line_rows,
            "orders",
        )

    # --- what the benchmark will use ---

    def accounts(self) -> dict[str, Any]:
        texts = [product.search_text for product in self.products]

        def hits(term: str) -> int:
            needle = term.lower()
            return sum(1 for text in texts if needle in text)

        rng = random.Random(SEED + 1)
        sample = rng.sample(self.products, min(len(self.products), 10))
        sku_fragments = sorted({product.sku.rsplit("-", 1)[0] for product in sample})
        common_words = ("wiertło", "śruba", "kabel", "wąż", "m8", "rękawice", "zawór", "dkol")
        brand_words = [name for name, _ in self.brand_rows.most_common(4)]
        with_parts = [company for company in self.companies if company.part_numbers]
        return {
            "scale": self.scale,
            "password": BENCH_PASSWORD,
            # The finance people of the companies whose buyers the bench logs in: they download invoices.
            "finance": [f"finance@{company.buyer_email.split('@', 1)[1]}" for company in self.companies[:5]],
            "buyers": [
                {
                    "email": company.buyer_email,
                    "company": company.name,
                    "nip": company.nip,
                    "has_part_numbers": bool(company.part_numbers),
                }
                for company in self.companies[:50]
            ],
            "search_terms": {
                "healthy": {
                    "sku_fragments": [{"term": term, "hits": hits(term)} for term in sku_fragments],
                    "full_skus": [product.sku for product in sample],
                    "common_words": [{"term": term, "hits": hits(term)} for term in common_words],
                },
                "adversarial": {
                    "brand_words": [{"term": term.lower(), "hits": hits(term)} for term in brand_words],
                    "zero_hit": [{"term": term, "hits": hits(term)} for term in ZERO_HIT_TERMS],
                    "eans": [product.ean for product in sample],
                    "own_part_numbers": [
                        {"email": company.buyer_email, "term": code}
                        for company in with_parts[:10]
                        for _, code in company.part_numbers[:3]
                    ],
                },
            },
        }


async def _already_seeded(connection: asyncpg.Connection) -> bool:
    return bool(await connection.fetchval("SELECT EXISTS (SELECT 1 FROM price_list WHERE code = $1)", BASE_LIST_CODE))


async def _skip_foreign_key_checks(connection: asyncpg.Connection) -> bool:
    """Foreign keys are checked by a trigger per row, most of COPY's time; the seeded rows refer only
    to ids this transaction made or read, so the checks are skipped where the role may (a superuser:
    `session_replication_role`), and the test checks the references instead. False: they were not."""
    try:
        async with connection.transaction():
            await connection.execute("SET LOCAL session_replication_role = replica")
    except asyncpg.InsufficientPrivilegeError:
        return True
    return False


def refuse_unless_postgres(settings: Settings) -> str:
    url = settings.database_url
    if not url or not url.startswith(("postgresql://", "postgres://")):
        raise BenchRefused(
            "the benchmark data set needs PostgreSQL: set PORTAL_DATABASE_URL=postgresql://… (SQLite is not supported)"
        )
    return url


async def seed_bench(settings: Settings, scale: float = 1.0, accounts_path: Path | None = None) -> SeedReport:
    """Seed the (migrated) database of `settings`; write the accounts and search terms as JSON."""
    from portal.accounts.passwords import hash_password

    url = refuse_unless_postgres(settings)
    if not 0 < scale <= 10:
        raise BenchRefused(f"the scale must be above 0 and at most 10, not {scale}")
    connection = await asyncpg.connect(url)
    try:
        seeder = Seeder(connection, scale)
        async with connection.transaction():
            # One seeding at a time; a second waits here, then finds the first one's rows.
            await connection.execute("LOCK TABLE price_list IN EXCLUSIVE MODE")
            await connection.execute("SET LOCAL maintenance_work_mem = '256MB'")
            if await _already_seeded(connection):
                raise BenchRefused(
                    f"this database is seeded already (price list {BASE_LIST_CODE} exists); seed a fresh database"
                )
            started = time.perf_counter()
            # Hashed once: argon2 on thousands of users would take longer than the rest.
            password_hash = await hash_password(BENCH_PASSWORD)
            rebuild = await seeder.drop_secondary_indexes()
            checked = await _skip_foreign_key_checks(connection)
            for part, step in (
                ("catalog", seeder.seed_catalog()),
                ("customers", seeder.seed_customers(password_hash)),
                ("prices", seeder.seed_prices()),
                ("orders", seeder.seed_orders()),
            ):
                await step
                seeder.report.seconds[part] = time.perf_counter() - started
                started = time.perf_counter()
            for statement in rebuild:
                await connection.execute(statement)
            seeder.report.counts["indexes/indexes rebuilt"] = len(rebuild)
            if not checked:
                await connection.execute("SET LOCAL session_replication_role = origin")
            seeder.report.seconds["indexes"] = time.perf_counter() - started
            started = time.perf_counter()
        await connection.execute("ANALYZE")
        seeder.report.seconds["analyze"] = time.perf_counter() - started
        path = accounts_path or settings.var_dir / "bench" / "accounts.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(seeder.accounts(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        seeder.report.accounts_path = path
        return seeder.report
    finally:
        await connection.close()


async def seed_command(settings: Settings, scale: float, accounts_path: Path | None) -> None:
    """`portal bench seed`: migrate like `portal migrate`, seed, print what was made and how long it took."""
    from portal.database import connection_pool, engine_for, migrate, use_database

    try:
        refuse_unless_postgres(settings)
        engine = engine_for(settings)
        use_database(engine)
        async with connection_pool(engine):
            await migrate()
        report = await seed_bench(settings, scale, accounts_path)
    except BenchRefused as refused:
        print(f"portal bench seed: {refused}", file=sys.stderr)
        raise SystemExit(2) from refused
    print("\n".join(report.lines()))
    print(f"Customer-specific prices: {report.customer_prices:,}")
    print(f"Accounts and search terms: {report.accounts_path} (every user's password: {BENCH_PASSWORD})")
