"""The example exports in tests/integration/data load into the portal's own resources: a price
list export into price list entries with their tiers, a customer export into companies with
their delivery addresses and credit limits."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from portal.accounts.tables import Company, DeliveryAddress
from portal.catalog.tables import Product, Stock
from portal.finance.tables import CreditAccount
from portal.integration import imports
from portal.integration.erp_resources import ERP_RESOURCES
from portal.integration.files import ReadOptions
from portal.integration.imports import ImportReport, import_file
from portal.integration.mapping import compile_mapping, parse_mapping
from portal.pricing.tables import PriceListEntry
from tests.factories import make_product

DATA = Path(__file__).parent / "data"


async def test_a_price_export_loads_entries_with_their_tiers(db: None) -> None:
    await make_product(sku="KAB-001")
    await make_product(sku="KAB-002")
    lists = "code;name;currency;is_base\nHURT;Cennik hurtowy;PLN;tak\n".encode("cp1250")
    assert (await import_file(ERP_RESOURCES["price-lists"], lists, "cenniki.csv")).counts["created"] == 1

    content = (DATA / "cennik.csv").read_bytes()
    entries = parse_mapping((DATA / "price-list-entries.toml").read_text())
    report = await import_file(ERP_RESOURCES["price-list-entries"], content, "cennik.csv", entries)
    assert (report.counts["created"], report.problems) == (2, [])
    rows = (
        await PriceListEntry.select(PriceListEntry.product.sku, PriceListEntry.min_quantity, PriceListEntry.unit_price)
        .order_by(PriceListEntry.product.sku)
        .order_by(PriceListEntry.min_quantity)
    )
    assert [(row["product.sku"], row["min_quantity"], Decimal(str(row["unit_price"]))) for row in rows] == [
        ("KAB-001", 1, Decimal("1234.5")),
        ("KAB-001", 10, Decimal("1199")),
        ("KAB-002", 1, Decimal("12.3")),
        ("KAB-002", 100, Decimal("11.05")),
        ("KAB-002", 1000, Decimal("9.8")),
    ]
    again = await import_file(ERP_RESOURCES["price-list-entries"], content, "cennik.csv", entries)
    assert again.counts["unchanged"] == 2


async def test_a_customer_export_loads_companies_with_their_addresses_and_credit(db: None) -> None:
    content = (DATA / "kontrahenci.csv").read_bytes()
    customers = parse_mapping((DATA / "customers.toml").read_text())
    report = await import_file(ERP_RESOURCES["customers"], content, "kontrahenci.csv", customers)
    assert (report.rows, report.items, report.counts["created"], report.problems) == (3, 2, 2, [])
    budmax = (
        await Company.select(Company.id, Company.name, Company.payment_days).where(Company.code == "K-0042").first()
    )
    assert budmax is not None and (budmax["name"], budmax["payment_days"]) == ("Budmax Sp. z o.o.", 30)
    addresses = await DeliveryAddress.select(
        DeliveryAddress.code, DeliveryAddress.city, DeliveryAddress.is_default
    ).where(DeliveryAddress.company == budmax["id"])
    assert sorted((row["code"], row["city"], row["is_default"]) for row in addresses) == [
        ("BUD-7", "Warszawa", False),
        ("MAG-1", "Kraków", True),
    ]
    credit = await CreditAccount.select(CreditAccount.credit_limit).where(CreditAccount.company == budmax["id"]).first()
    assert credit is not None and Decimal(str(credit["credit_limit"])) == Decimal("150000")
    elektro = await Company.select(Company.name).where(Company.code == "K-0043").first()
    assert elektro == {"name": "Elektro-Łódź S.A."}


@pytest.mark.parametrize("bulk_from", [imports.BULK_FROM_ITEMS, 1], ids=["batches", "bulk"])
async def test_a_first_load_from_export_files_reaches_products_stock_and_prices(
    db: None, monkeypatch: pytest.MonkeyPatch, bulk_from: int
) -> None:
    monkeypatch.setattr(imports, "BULK_FROM_ITEMS", bulk_from)

    async def load(resource: str, content: bytes, mapping: str | None = None) -> ImportReport:
        document = parse_mapping((DATA / mapping).read_text()) if mapping else None
        report = await import_file(ERP_RESOURCES[resource], content, f"{resource}.csv", document)
        assert report.problems == [], [str(problem) for problem in report.problems]
        return report

    await load("categories", "code;name_pl\nkable;Kable i przewody\n".encode("cp1250"))
    await load("attributes", "code;name_pl\nprzekroj;Przekrój\nzyly;Liczba żył\n".encode("cp1250"))
    products = await load("products", (DATA / "towary.csv").read_bytes(), "products.toml")
    assert (products.rows, products.items, products.counts["created"]) == (3, 2, 2)
    await load("warehouses", "code;name;city\nWAW;Magazyn centralny;Warszawa\n".encode("cp1250"))
    stock = "sku;warehouse;available;next_delivery_on;next_delivery_quantity\nKAB-001;WAW;1 200;14.12.2026;5 000\n"
    await load("stock", stock.encode("cp1250"))
    await load("price-lists", "code;name;currency;is_base\nHURT;Cennik hurtowy;PLN;tak\n".encode("cp1250"))
    entries = await load("price-list-entries", (DATA / "cennik.csv").read_bytes(), "price-list-entries.toml")
    assert entries.path == ("bulk" if bulk_from == 1 else "batches")

    cable = await Product.select(Product.id, Product.name_pl, Product.unit, Product.pack_size).where(
        Product.sku == "KAB-001"
    )
    assert [(row["name_pl"], row["unit"], row["pack_size"]) for row in cable] == [("Kabel YDY 3×1,5 żółty", "m", 100)]
    stocked = await Stock.select(Stock.available, Stock.next_delivery_on, Stock.next_delivery_quantity).where(
        Stock.product == cable[0]["id"]
    )
    assert stocked == [{"available": 1200, "next_delivery_on": date(2026, 12, 14), "next_delivery_quantity": 5000}]
    prices = await PriceListEntry.select(PriceListEntry.min_quantity, PriceListEntry.unit_price).where(
        PriceListEntry.product == cable[0]["id"]
    )
    assert sorted((row["min_quantity"], Decimal(str(row["unit_price"]))) for row in prices) == [
        (1, Decimal("1234.5")),
        (10, Decimal("1199")),
    ]


def test_the_readmes_mapping_example_is_a_mapping_of_price_list_entries() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    example = readme.split('  ```toml\n  resource = "price-list-entries"', 1)[1].split("  ```", 1)[0]
    document = parse_mapping(textwrap.dedent('  resource = "price-list-entries"' + example))
    mapping = compile_mapping(ERP_RESOURCES["price-list-entries"], document)
    assert [target.column for target in mapping.targets] == ["Symbol", "Od ilości", "Cena netto"]
    assert mapping.read_options == ReadOptions(encoding="cp1250", delimiter=";", sheet="Cennik")
