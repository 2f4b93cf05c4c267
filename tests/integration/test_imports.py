"""Importing files through the batch protocol and the bulk path: every problem told by its line,
dry runs and atomic imports that leave nothing behind, full imports that deactivate the rest."""

from __future__ import annotations

import codecs
import io
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from portal.catalog.tables import Warehouse
from portal.integration import imports
from portal.integration.imports import ImportOptions, import_file
from portal.integration.mapping import parse_mapping
from portal.integration.tables import BatchLog, SyncedRecord, SyncRun
from portal.pricing.tables import PriceList
from tests.factories import make_price_list, make_product
from tests.integration.resources import LIST_PRICES, WAREHOUSES, list_prices

DATA = Path(__file__).parent / "data"
PRICE_MAPPING = parse_mapping((DATA / "cennik.toml").read_text(), "cennik.toml")


@pytest.fixture
async def price_list(db: None) -> str:
    """The list HURT and the two cables the sample export prices."""
    list_id = await make_price_list()
    await PriceList.update({PriceList.code: "HURT"}).where(PriceList.id == list_id)
    await make_product(sku="KAB-001")
    await make_product(sku="KAB-002")
    return "HURT"


def price_csv(*rows: str) -> bytes:
    return ("Cennik;Symbol;Nazwa;Od ilości;Cena netto;Waluta\r\n" + "\r\n".join(rows) + "\r\n").encode("cp1250")


async def warehouses() -> dict[str, str]:
    return {row["code"]: row["city"] for row in await Warehouse.select(Warehouse.code, Warehouse.city)}


async def test_a_cp1250_price_export_loads_its_tiers_and_the_same_file_again_changes_nothing(price_list: str) -> None:
    content = (DATA / "cennik.csv").read_bytes()
    report = await import_file(LIST_PRICES, content, "cennik.csv", PRICE_MAPPING)
    assert (report.rows, report.items, report.problems, report.applied) == (5, 2, [], True)
    assert report.counts == {"created": 2, "updated": 0, "unchanged": 0, "stale": 0, "rejected": 0}
    assert await list_prices("HURT", "KAB-001") == {1: Decimal("1234.5"), 10: Decimal("1199")}
    assert await list_prices("HURT", "KAB-002") == {1: Decimal("12.3"), 100: Decimal("11.05"), 1000: Decimal("9.8")}

    again = await import_file(LIST_PRICES, content, "cennik.csv", PRICE_MAPPING)
    assert again.counts["unchanged"] == 2 and not again.failed
    # Each batch is logged as a file's.
    logs = await BatchLog.select(BatchLog.source, BatchLog.resource)
    assert logs == [{"source": "file", "resource": "test-list-prices"}] * 2


async def test_a_bad_row_among_good_ones_is_rejected_by_its_line_and_column_and_the_rest_kept(price_list: str) -> None:
    content = price_csv(
        "HURT;KAB-001;Kabel;1;10,00;PLN",
        "HURT;KAB-002;Przewód;1;dziesięć;PLN",
        "HURT;KAB-999;Nieznany;1;5,00;PLN",
    )
    report = await import_file(LIST_PRICES, content, "cennik.csv", PRICE_MAPPING)
    assert report.counts["created"] == 1 and report.counts["rejected"] == 2
    bad_price, unknown = report.problems
    assert (bad_price.line, bad_price.column, bad_price.pointer) == (3, "Cena netto", "/tiers/0/unit_price")
    assert (unknown.line, unknown.column, unknown.pointer) == (4, "Symbol", "/sku")
    assert "KAB-999" in unknown.detail
    assert report.failed
    assert await list_prices("HURT", "KAB-001") == {1: Decimal("10")}
    assert await list_prices("HURT", "KAB-002") == {}


async def test_a_dry_run_reports_unknown_codes_by_line_and_changes_nothing(price_list: str) -> None:
    content = price_csv("HURT;KAB-001;Kabel;1;10,00;PLN", "NOWY;KAB-002;Przewód;1;12,00;PLN")
    report = await import_file(LIST_PRICES, content, "cennik.csv", PRICE_MAPPING, ImportOptions(dry_run=True))
    assert report.counts["created"] == 1 and report.counts["rejected"] == 1
    (problem,) = report.problems
    assert (problem.line, problem.column, problem.pointer) == (3, "Cennik", "/price_list")
    assert not report.applied and "dry run" in report.detail
    assert await list_prices("HURT", "KAB-001") == {}
    assert await SyncedRecord.count() == 0
    assert await BatchLog.count() == 0


async def test_an_atomic_import_with_a_rejected_row_writes_nothing_and_is_logged_once(price_list: str) -> None:
    content = price_csv("HURT;KAB-001;Kabel;1;10,00;PLN", "HURT;KAB-002;Przewód;0;12,00;PLN")
    report = await import_file(LIST_PRICES, content, "cennik.csv", PRICE_MAPPING, ImportOptions(atomic=True))
    assert not report.applied and "atomic" in report.detail
    (problem,) = report.problems
    assert (problem.line, problem.column) == (3, "Od ilości")
    assert await list_prices("HURT", "KAB-001") == {}
    assert await SyncedRecord.count() == 0
    (log,) = await BatchLog.select(BatchLog.applied, BatchLog.errors)
    assert log["applied"] is False
    errors = json.loads(log["errors"]) if isinstance(log["errors"], str) else log["errors"]
    assert errors[0]["pointer"] == "/3/tiers/0/min_quantity"

    report = await import_file(
        LIST_PRICES, price_csv("HURT;KAB-001;Kabel;1;10,00;PLN"), "c.csv", PRICE_MAPPING, ImportOptions(atomic=True)
    )
    assert report.applied and report.counts["created"] == 1


async def test_a_full_import_deactivates_what_the_file_left_out_but_not_what_it_rejected(db: None) -> None:
    first = "code;name;address.city\nW1;Główny;Łódź\nW2;Drugi;Kraków\nW3;Trzeci;Gdańsk\nW4;Czwarty;Poznań\n"
    assert (await import_file(WAREHOUSES, first.encode(), "w.csv")).counts["created"] == 4
    # W2 comes with a city too long to keep, W4 is not in the file at all.
    second = f"code;name;address.city\nW1;Główny;Łódź\nW2;Drugi;{'x' * 101}\nW3;Trzeci;Sopot\n"
    report = await import_file(WAREHOUSES, second.encode(), "w.csv", options=ImportOptions(full=True))
    assert report.counts == {"created": 0, "updated": 1, "unchanged": 1, "stale": 0, "rejected": 1, "deactivated": 1}
    assert await warehouses() == {"W1": "Łódź", "W2": "Kraków", "W3": "Sopot"}
    (run,) = await SyncRun.select(SyncRun.status, SyncRun.contained, SyncRun.deactivated)
    assert run == {"status": "closed", "contained": 3, "deactivated": 1}


async def test_a_full_import_far_smaller_than_what_is_held_deactivates_nothing(db: None) -> None:
    first = "code;name;address.city\nW1;A;Łódź\nW2;B;Łódź\nW3;C;Łódź\n"
    await import_file(WAREHOUSES, first.encode(), "w.csv")
    report = await import_file(
        WAREHOUSES,
        b"code;name;address.city\nW1;A;\xc5\x81\xc3\xb3d\xc5\xba\n",
        "w.csv",
        options=ImportOptions(full=True),
    )
    assert report.failed and "truncated" in report.problems[0].detail
    assert await warehouses() == {"W1": "Łódź", "W2": "Łódź", "W3": "Łódź"}


async def test_a_dry_full_import_tells_what_it_would_deactivate_and_deactivates_nothing(db: None) -> None:
    await import_file(WAREHOUSES, "code;name;address.city\nW1;A;Łódź\nW2;B;Łódź\n".encode(), "w.csv")
    report = await import_file(
        WAREHOUSES,
        "code;name;address.city\nW1;A;Łódź\nW3;C;Łódź\n".encode(),
        "w.csv",
        options=ImportOptions(full=True, dry_run=True),
    )
    assert report.counts["deactivated"] == 1 and report.counts["created"] == 1
    assert await warehouses() == {"W1": "Łódź", "W2": "Łódź"}
    assert await SyncRun.count() == 0


async def test_utf8_with_a_bom_and_commas_imports(db: None) -> None:
    content = codecs.BOM_UTF8 + 'code,name,address.city\r\nW1,"Główny, hala A",Łódź\r\n'.encode()
    report = await import_file(WAREHOUSES, content, "w.csv")
    assert report.counts["created"] == 1
    assert (await Warehouse.select(Warehouse.name).first() or {})["name"] == "Główny, hala A"


async def test_a_workbook_imports_with_numbers_as_codes_and_problems_by_row(db: None) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Kod", "Nazwa", "Miasto"])
    sheet.append([101, "Magazyn 101", "Łódź"])
    sheet.append([102, "Magazyn 102", None])
    output = io.BytesIO()
    book.save(output)
    mapping = parse_mapping('[columns]\nKod = "code"\nNazwa = "name"\nMiasto = "address.city"\n')
    report = await import_file(WAREHOUSES, output.getvalue(), "magazyny.xlsx", mapping)
    assert report.format == "xlsx" and report.counts["created"] == 1
    (problem,) = report.problems
    assert (problem.line, problem.column, problem.pointer) == (3, "Miasto", "/address")
    assert await warehouses() == {"101": "Łódź"}


async def test_json_lines_import_nested_items_and_report_unknown_members_by_line(db: None) -> None:
    lines = [
        {"code": "W1", "name": "A", "address": {"city": "Łódź"}, "modified_at": "2026-01-02T10:00:00+01:00"},
        {"code": "W2", "name": "B", "address": {"city": "Łódź"}, "colour": "red"},
    ]
    content = "\n".join(json.dumps(line) for line in lines).encode()
    report = await import_file(WAREHOUSES, content, "w.jsonl")
    assert report.counts["created"] == 1
    (problem,) = report.problems
    assert (problem.line, problem.column, problem.pointer) == (2, "colour", "/colour")

    older = {**lines[0], "name": "older", "modified_at": "2026-01-01T10:00:00+01:00"}
    again = await import_file(WAREHOUSES, json.dumps(older).encode(), "w.jsonl")
    assert again.counts["stale"] == 1 and not again.failed


async def test_a_large_file_goes_through_the_bulk_path(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "BULK_FROM_ITEMS", 2)
    rows = "".join(f"W{number};Magazyn {number};Łódź\n" for number in range(1, 5))
    content = f"code;name;address.city\n{rows}W5;Magazyn 5;Atlantis\n".encode()
    report = await import_file(WAREHOUSES, content, "w.csv")
    assert report.path == "bulk"
    assert report.counts == {"created": 4, "updated": 0, "unchanged": 0, "stale": 0, "rejected": 1}
    (problem,) = report.problems
    assert (problem.line, problem.column, problem.pointer) == (6, "address.city", "/address/city")
    assert len(await warehouses()) == 4
    assert await SyncedRecord.count() == 4

    changed = content.replace("W2;Magazyn 2;Łódź".encode(), "W2;Magazyn 2;Kraków".encode())
    again = await import_file(WAREHOUSES, changed, "w.csv")
    assert again.counts == {"created": 0, "updated": 1, "unchanged": 3, "stale": 0, "rejected": 1}
    assert (await warehouses())["W2"] == "Kraków"


async def test_the_bulk_path_keeps_a_full_imports_unchanged_and_rejected_records(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "BULK_FROM_ITEMS", 2)
    first = "code;name;address.city\nW1;A;Łódź\nW2;B;Łódź\nW3;C;Łódź\n"
    await import_file(WAREHOUSES, first.encode(), "w.csv")
    second = "code;name;address.city\nW1;A;Łódź\nW2;B;Atlantis\n"
    report = await import_file(WAREHOUSES, second.encode(), "w.csv", options=ImportOptions(full=True))
    assert report.counts["deactivated"] == 1 and report.counts["unchanged"] == 1 and report.counts["rejected"] == 1
    assert set(await warehouses()) == {"W1", "W2"}


async def test_modified_at_from_a_file_without_a_zone_is_warsaw_time(db: None) -> None:
    content = "code;name;address.city;modified_at\nW1;A;Łódź;02.01.2026 10:00\n".encode()
    await import_file(WAREHOUSES, content, "w.csv")
    row = await SyncedRecord.select(SyncedRecord.erp_modified_at).first()
    assert row is not None
    assert row["erp_modified_at"] == datetime.fromisoformat("2026-01-02T09:00:00+00:00")


async def test_the_bulk_path_keeps_modification_times_so_an_older_file_is_stale(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "BULK_FROM_ITEMS", 1)
    newer = "code;name;address.city;modified_at\nW1;Nowszy;Łódź;2026-03-02T10:00:00+01:00\n"
    assert (await import_file(WAREHOUSES, newer.encode(), "w.csv")).counts["created"] == 1
    # A later file without a time keeps the known one, as the batch protocol does.
    renamed = "code;name;address.city\nW1;Bez czasu;Łódź\n"
    assert (await import_file(WAREHOUSES, renamed.encode(), "w.csv")).counts["updated"] == 1
    older = "code;name;address.city;modified_at\nW1;Starszy;Łódź;2026-03-01T10:00:00+01:00\n"
    report = await import_file(WAREHOUSES, older.encode(), "w.csv")
    assert report.counts["stale"] == 1 and not report.failed
    assert (await Warehouse.select(Warehouse.name).first() or {})["name"] == "Bez czasu"
    (ledger,) = await SyncedRecord.select(SyncedRecord.deleted, SyncedRecord.erp_modified_at)
    assert ledger == {"deleted": False, "erp_modified_at": datetime.fromisoformat("2026-03-02T09:00:00+00:00")}


async def test_a_file_of_several_batches_is_one_row_of_the_batch_log(db: None) -> None:
    rows = "".join(f"W{number};Magazyn {number};Łódź\n" for number in range(1, 1003))
    content = f"code;name;address.city\n{rows}W0;;Łódź\n".encode()
    report = await import_file(WAREHOUSES, content, "w.csv", options=ImportOptions(integration="portal import"))
    assert report.counts["created"] == 1002 and report.counts["rejected"] == 1
    (log,) = await BatchLog.select(BatchLog.source, BatchLog.integration, BatchLog.counts, BatchLog.errors).output(
        load_json=True
    )
    assert (log["source"], log["integration"], log["counts"]["created"]) == ("file", "portal import", 1002)
    assert log["errors"] == [{"pointer": "/1004/name", "detail": "Field required"}]
