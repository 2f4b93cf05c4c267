"""Reading ERP exports: encodings, separators, workbooks and JSON Lines, each row with its line;
mappings that name columns, nest fields and gather list elements from rows."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import textwrap
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from portal.clock import BUSINESS_ZONE
from portal.integration import files
from portal.integration.erp_resources import ERP_RESOURCES
from portal.integration.files import (
    FileFormat,
    FileRefused,
    ReadOptions,
    SourceRow,
    file_format,
    printable_name,
    read_file,
)
from portal.integration.imports import prepare_import
from portal.integration.mapping import (
    ColumnsRefused,
    Kind,
    MappingRefused,
    compile_mapping,
    convert,
    decimal_text,
    gather_items,
    parse_mapping,
)
from tests.integration.resources import LIST_PRICES, WAREHOUSES, ListPriceItem, WarehouseItem

DATA = Path(__file__).parent / "data"


def workbook(rows: list[list[object]], title: str = "Arkusz1") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def test_a_cp1250_export_with_semicolons_reads_with_its_polish_letters_and_lines() -> None:
    source = read_file((DATA / "cennik.csv").read_bytes(), "cennik.csv")
    assert source.format is FileFormat.CSV
    assert source.columns == ["Cennik", "Symbol", "Nazwa", "Od ilości", "Cena netto", "Waluta"]
    assert source.rows[0] == SourceRow(
        2,
        {
            "Cennik": "HURT",
            "Symbol": "KAB-001",
            "Nazwa": "Kabel YDY 3×1,5 żółty",
            "Od ilości": "1",
            "Cena netto": "1 234,50",
            "Waluta": "PLN",
        },
    )
    assert [row.line for row in source.rows] == [2, 3, 4, 5, 6]


def test_utf8_with_a_bom_and_commas_reads_the_same() -> None:
    text = 'sku,name\r\nKAB-1,Żarówka "E27"\r\n\r\nKAB-2,"Kabel, 3 m"\r\n'
    source = read_file(codecs.BOM_UTF8 + text.encode(), "export.csv")
    assert source.columns == ["sku", "name"]
    # The blank line is skipped, and counted: the last row is on line 4.
    assert source.rows == [
        SourceRow(2, {"sku": "KAB-1", "name": 'Żarówka "E27"'}),
        SourceRow(4, {"sku": "KAB-2", "name": "Kabel, 3 m"}),
    ]


def test_a_quoted_cell_over_two_lines_keeps_the_next_rows_line_numbers() -> None:
    text = 'code;note\nA;"first\nsecond"\nB;x\n'
    source = read_file(text.encode(), "x.csv")
    assert [(row.line, row.cells["code"]) for row in source.rows] == [(2, "A"), (4, "B")]


def test_utf16_as_excel_saves_unicode_text_reads_with_tabs() -> None:
    source = read_file("code\tname\nA\tŁódź\n".encode("utf-16"), "export.txt")
    assert source.rows == [SourceRow(2, {"code": "A", "name": "Łódź"})]


def test_bytes_neither_utf8_nor_cp1250_refuse_the_file_with_their_line() -> None:
    with pytest.raises(FileRefused) as refused:
        read_file(b"code;name\nA;ok\nB;\x98bad\n", "x.csv")
    assert refused.value.problems[0].line == 3
    assert "0x98" in refused.value.problems[0].detail


def test_a_row_with_more_cells_than_the_header_is_a_problem_of_its_line_only() -> None:
    source = read_file(b"code;name\nA;one;extra\nB;two\n", "x.csv")
    assert [row.line for row in source.rows] == [3]
    assert source.problems[0].line == 2


@pytest.mark.parametrize(
    ("content", "filename", "reason"),
    [
        (b"", "x.csv", "Line 1 must name the columns"),
        (b"code;code\nA;B\n", "x.csv", "appears twice"),
        (b"PK\x03\x04broken", "x.xlsx", "Excel workbook"),
        (b"anything", "x.xls", "XLS"),
        (b"anything", "x.pdf", "cannot be read"),
        (b"a\x00b", "x.csv", "NUL"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_reason(content: bytes, filename: str, reason: str) -> None:
    with pytest.raises(FileRefused) as refused:
        read_file(content, filename)
    assert reason in refused.value.problems[0].detail


def test_a_workbook_reads_its_first_sheet_or_the_named_one_with_sheet_row_numbers() -> None:
    content = workbook([["code", "name", "since"], ["W1", "Główny", datetime(2026, 1, 5)], [None, None], [17, "Drugi"]])
    source = read_file(content, "magazyny.xlsx")
    assert source.format is FileFormat.XLSX
    assert source.rows == [
        SourceRow(2, {"code": "W1", "name": "Główny", "since": datetime(2026, 1, 5)}),
        SourceRow(4, {"code": 17, "name": "Drugi"}),
    ]
    with pytest.raises(FileRefused, match="no sheet 'Ceny'"):
        read_file(content, "magazyny.xlsx", ReadOptions(sheet="Ceny"))
    assert read_file(content, "magazyny.xlsx", ReadOptions(sheet="Arkusz1")).rows == source.rows


def test_json_lines_keep_their_objects_and_report_lines_that_are_not_objects() -> None:
    text = '{"code": "W1", "address": {"city": "Łódź"}}\n\nnot json\n[1]\n{"code": "W2"}\n'
    source = read_file(text.encode(), "warehouses.jsonl")
    assert source.rows == [
        SourceRow(1, {"code": "W1", "address": {"city": "Łódź"}}),
        SourceRow(5, {"code": "W2"}),
    ]
    assert [problem.line for problem in source.problems] == [3, 4]


def test_json_lines_holding_text_no_database_stores_are_problems_of_their_lines() -> None:
    text = '{"code": "A\\u0000"}\n{"code": "\\ud800"}\n{"code": "W1"}\n'
    source = read_file(text.encode(), "w.jsonl")
    assert [row.line for row in source.rows] == [3]
    assert [problem.line for problem in source.problems] == [1, 2]


def test_a_gzipped_export_reads_as_the_file_it_packs_with_its_lines() -> None:
    text = "kod;nazwa\nW1;Łódź\nW2;Gdańsk\n".encode("cp1250")
    packed = gzip.compress(text)
    for filename in ("magazyny.csv.gz", "magazyny.csv", "magazyny"):
        source = read_file(packed, filename)
        assert source.format is FileFormat.CSV
        assert source.rows == [
            SourceRow(2, {"kod": "W1", "nazwa": "Łódź"}),
            SourceRow(3, {"kod": "W2", "nazwa": "Gdańsk"}),
        ]
        assert file_format(filename, packed) is FileFormat.CSV
    lines = b'{"code": "W1"}\n'
    assert read_file(gzip.compress(lines) + gzip.compress(b'{"code": "W2"}\n'), "w.jsonl.gz").rows == [
        SourceRow(1, {"code": "W1"}),
        SourceRow(2, {"code": "W2"}),
    ]
    assert file_format("w.gz", gzip.compress(lines)) is FileFormat.JSON_LINES


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"code\nW1\n", "cannot be unpacked as gzip"),
        (gzip.compress("code\n".join(f"W{n}\n" for n in range(5000)).encode())[:-20], "cut short"),
    ],
)
def test_a_gzip_file_that_is_broken_or_cut_short_is_refused(content: bytes, reason: str) -> None:
    with pytest.raises(FileRefused, match=reason):
        read_file(content, "magazyny.csv.gz")


def test_a_gzip_bomb_is_refused_at_the_limit_without_unpacking_it_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "MAX_UNPACKED_GZIP_BYTES", 1000)
    with pytest.raises(FileRefused, match="unpacks to more than"):
        read_file(gzip.compress(b"code\n" + b"W1\n" * 100_000), "bomb.csv.gz")
    assert read_file(gzip.compress(b"code\n" + b"W1\n" * 300), "small.csv.gz").rows[-1].line == 301


def test_an_encoding_that_makes_a_lone_surrogate_refuses_the_file() -> None:
    with pytest.raises(FileRefused, match="surrogate"):
        read_file(b"code\nA\\ud800\n", "x.csv", ReadOptions(encoding="unicode_escape"))


def test_a_stored_file_name_keeps_printable_characters_only() -> None:
    assert printable_name("cennik\x00\ud800\n.csv") == "cennik.csv"
    assert len(printable_name("a" * 300)) == 255


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,50", "1234.50"),
        ("1\u00a0234,5", "1234.5"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("12,3", "12.3"),
        ("12.3", "12.3"),
        ("1.234.567", "1234567"),
        ("-0,5", "-0.5"),
        ("10", "10"),
        ("1,2,3", None),
        ("12,", None),
        ("1.23.4", None),
        ("abc", None),
        ("1e5", None),
    ],
)
def test_numbers_read_as_polish_and_english_exports_write_them(text: str, expected: str | None) -> None:
    assert decimal_text(text) == expected


def test_cells_become_what_their_field_needs() -> None:
    assert convert("1 234,50", Kind.NUMBER) == Decimal("1234.50")
    assert convert(0.1, Kind.NUMBER) == Decimal("0.1")
    assert convert("10,0", Kind.INTEGER) == 10
    assert convert("10,5", Kind.INTEGER) == "10,5"  # not whole: validation says so
    assert convert(12345.0, Kind.TEXT) == "12345"
    assert convert("tak", Kind.BOOLEAN) is True and convert("N", Kind.BOOLEAN) is False
    assert convert("31.12.2026", Kind.DATE) == "2026-12-31"
    assert convert(datetime(2026, 12, 31), Kind.DATE) == date(2026, 12, 31)
    assert convert("2026-12-31 10:30", Kind.DATETIME) == datetime(2026, 12, 31, 10, 30, tzinfo=BUSINESS_ZONE)
    assert convert("nonsense", Kind.DATETIME) == "nonsense"


@pytest.mark.parametrize("text", ["100", "007", "0", "12,30", "10,00", "10,50", "1,234", "12,", ",5", "１２"])
def test_plain_numbers_read_quickly_read_as_any_number_does(text: str) -> None:
    # A million price rows take a short way for "100" and "12,30"; it must agree with the long one.
    general = decimal_text(text)
    number = Decimal(general) if general is not None else None
    assert convert(text, Kind.NUMBER) == (number if number is not None else text)
    whole = number is not None and number == number.to_integral_value()
    assert convert(text, Kind.INTEGER) == (int(number) if whole and number is not None else text)


def test_rows_of_one_key_gather_their_tiers_into_one_item() -> None:
    mapping = compile_mapping(LIST_PRICES, parse_mapping((DATA / "cennik.toml").read_text(), "cennik.toml"))
    source = read_file((DATA / "cennik.csv").read_bytes(), "cennik.csv", mapping.read_options)
    items = gather_items(source, mapping.for_file(LIST_PRICES, source))
    assert [item.values for item in items] == [
        {
            "price_list": "HURT",
            "sku": "KAB-001",
            "currency": "PLN",
            "tiers": [
                {"min_quantity": 1, "unit_price": Decimal("1234.50")},
                {"min_quantity": 10, "unit_price": Decimal("1199.00")},
            ],
        },
        {
            "price_list": "HURT",
            "sku": "KAB-002",
            "currency": "PLN",
            "tiers": [
                {"min_quantity": 1, "unit_price": Decimal("12.30")},
                {"min_quantity": 100, "unit_price": Decimal("11.05")},
                {"min_quantity": 1000, "unit_price": Decimal("9.80")},
            ],
        },
    ]
    # A problem in the second item's third tier is told by the line and column it came from.
    problem = items[1].problem_at("/tiers/2/unit_price", "too cheap")
    assert (problem.line, problem.column) == (6, "Cena netto")
    assert items[1].problem_at("", "whole").line == 4


def test_rows_of_one_key_that_disagree_reject_the_item_at_the_later_line() -> None:
    text = "Cennik;Symbol;Od ilości;Cena netto;Waluta\nHURT;K1;1;10,00;PLN\nHURT;K1;5;9,00;EUR\n"
    prepared = prepare_import(
        LIST_PRICES, text.encode(), "x.csv", parse_mapping((DATA / "cennik.toml").read_text(), "cennik.toml")
    )
    assert prepared.valid == []
    (problem,) = prepared.rejected[0].problems
    assert (problem.line, problem.column, problem.pointer) == (3, "Waluta", "/currency")
    assert "Line 2" in problem.detail


def test_constants_fill_what_the_file_does_not_say_and_the_key_may_come_from_one() -> None:
    document = parse_mapping(
        """
        [columns]
        "Indeks" = "sku"
        "Próg" = "tiers[].min_quantity"
        "Cena" = "tiers[].unit_price"
        [constants]
        price_list = "DETAL"
        currency = "EUR"
        """
    )
    text = "Indeks;Próg;Cena\nK1;1;2,50\nK1;10;2,00\n"
    prepared = prepare_import(LIST_PRICES, text.encode(), "x.csv", document)
    ((_sourced, item),) = prepared.valid
    assert isinstance(item, ListPriceItem)
    assert (item.price_list, item.currency, len(item.tiers)) == ("DETAL", "EUR", 2)


def test_the_files_words_for_values_are_translated_in_any_letter_case() -> None:
    document = parse_mapping(
        """
        [columns]
        "Cennik" = "price_list"
        "Symbol" = "sku"
        "Waluta" = "currency"
        "Od" = "tiers[].min_quantity"
        "Cena" = "tiers[].unit_price"
        [values.currency]
        "zł" = "PLN"
        "euro" = "EUR"
        """
    )
    text = "Cennik;Symbol;Waluta;Od;Cena\nHURT;K1;ZŁ;1;2,50\nHURT;K2;Euro;1;3,00\nHURT;K3;USD;1;4,00\n"
    prepared = prepare_import(LIST_PRICES, text.encode(), "x.csv", document)
    assert [item.currency for _sourced, item in prepared.valid if isinstance(item, ListPriceItem)] == ["PLN", "EUR"]
    (problem,) = prepared.rejected[0].problems
    assert (problem.line, problem.column) == (4, "Waluta")


def test_words_for_a_field_no_column_gives_refuse_the_mapping_or_the_file() -> None:
    with pytest.raises(MappingRefused) as refused:
        compile_mapping(LIST_PRICES, parse_mapping('[columns]\n"A" = "sku"\n[values.currency]\n"zł" = "PLN"\n'))
    assert [error.pointer for error in refused.value.errors] == ["/values/currency"]
    by_name = parse_mapping('[values."address.city"]\n"WAW" = "Warszawa"\n[values.name]\n"x" = "y"\n')
    prepared = prepare_import(WAREHOUSES, b"code;address.city;name\nW1;waw;A\n", "w.csv", by_name)
    assert [item.address.city for _sourced, item in prepared.valid if isinstance(item, WarehouseItem)] == ["Warszawa"]
    with pytest.raises(ColumnsRefused, match="No column gives name"):
        prepare_import(WAREHOUSES, b"code;address.city\nW1;waw\n", "w.csv", by_name)


def test_numbered_list_elements_read_a_wide_layout_from_one_row() -> None:
    document = parse_mapping(
        """
        [columns]
        "Cennik" = "price_list"
        "Symbol" = "sku"
        "Próg 1" = "tiers[0].min_quantity"
        "Cena 1" = "tiers[0].unit_price"
        "Próg 2" = "tiers[1].min_quantity"
        "Cena 2" = "tiers[1].unit_price"
        """
    )
    text = "Cennik;Symbol;Próg 1;Cena 1;Próg 2;Cena 2\nHURT;K1;1;5,00;50;4,50\nHURT;K2;1;7,00;;\n"
    prepared = prepare_import(LIST_PRICES, text.encode(), "x.csv", document)
    items = [item for _sourced, item in prepared.valid if isinstance(item, ListPriceItem)]
    assert [[tier.unit_price for tier in item.tiers] for item in items] == [
        [Decimal("5.00"), Decimal("4.50")],
        [Decimal("7.00")],
    ]


def test_without_a_mapping_columns_are_fields_with_nested_paths() -> None:
    text = "code;name;address.city\nW1;Główny;Łódź\n"
    prepared = prepare_import(WAREHOUSES, text.encode("cp1250"), "w.csv", None)
    ((_sourced, item),) = prepared.valid
    assert isinstance(item, WarehouseItem)
    assert (item.code, item.address.city) == ("W1", "Łódź")


def test_without_a_mapping_a_column_that_is_no_field_refuses_the_file() -> None:
    with pytest.raises(ColumnsRefused) as refused:
        prepare_import(WAREHOUSES, b"code;name;Miasto\nW1;A;B\n", "w.csv", None)
    (problem,) = refused.value.problems
    assert (problem.line, problem.column) == (1, "Miasto")
    assert "mapping" in problem.detail


def test_a_mapping_naming_a_column_the_file_lacks_refuses_the_file() -> None:
    document = parse_mapping('[columns]\n"Kod" = "code"\n"Nazwa" = "name"\n"Miasto" = "address.city"\n')
    with pytest.raises(ColumnsRefused) as refused:
        prepare_import(WAREHOUSES, b"Kod;Nazwa\nW1;A\n", "w.csv", document)
    assert [problem.column for problem in refused.value.problems] == ["Miasto"]


@pytest.mark.parametrize(
    ("text", "pointer", "reason"),
    [
        ('resource = "test-warehouses"', "/resource", "is for test-warehouses"),
        ('[columns]\n"A" = "nope"', "/columns/A", "there is no field nope"),
        ('[columns]\n"A" = "sku.x"', "/columns/A", "has no fields"),
        ('[columns]\n"A" = "sku[]"', "/columns/A", "is not a list"),
        ('[columns]\n"A" = "tiers[].min_quantity"\n"B" = "tiers[1].unit_price"', "/columns/B", "not both"),
        ('[columns]\n"A" = "sku"\n"B" = "sku"', "/columns/B", "overlaps"),
        ('[columns]\n"A" = "tiers"\n"B" = "tiers[].unit_price"', "/columns/B", "overlaps"),
        ('[columns]\n"A" = "a b"', "/columns/A", "not a field path"),
        ('[constants]\n"tiers[].unit_price" = 1', "/constants/tiers[].unit_price", "constant"),
        ('key = ["tiers[].min_quantity"]', "/key/0", "key"),
        ("unknown = 1", "/unknown", "Extra inputs"),
        ("not toml [", "", "not valid TOML"),
        ('{"columns": {"A": "sku\\u0000"}}', "", "NUL"),
    ],
)
def test_a_mapping_that_cannot_work_is_refused_with_a_pointer(text: str, pointer: str, reason: str) -> None:
    with pytest.raises(MappingRefused) as refused:
        compile_mapping(LIST_PRICES, parse_mapping(text))
    assert any(error.pointer == pointer and reason in error.detail for error in refused.value.errors), (
        refused.value.errors
    )


def test_a_mapping_may_be_json() -> None:
    document = parse_mapping(json.dumps({"columns": {"Kod": "code"}, "delimiter": "tab"}), "m.json")
    assert compile_mapping(WAREHOUSES, document).read_options.delimiter == "\t"


def test_the_readmes_mapping_example_is_a_mapping_of_price_list_entries() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    example = readme.split('  ```toml\n  resource = "price-list-entries"', 1)[1].split("  ```", 1)[0]
    document = parse_mapping(textwrap.dedent('  resource = "price-list-entries"' + example))
    mapping = compile_mapping(ERP_RESOURCES["price-list-entries"], document)
    assert [target.column for target in mapping.targets] == ["Symbol", "Od ilości", "Cena netto"]
    assert mapping.read_options == ReadOptions(encoding="cp1250", delimiter=";", sheet="Cennik")
