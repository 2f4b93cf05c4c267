"""`make bench`'s first load: a whole wholesaler's catalog and prices through `portal import`'s
path, as its ERP would export them (Windows-1250 CSV with semicolons and decimal commas, one
row per attribute value or price tier, columns named as a Subiekt-like ERP names them, read
through a mapping file), into an empty database: the categories, attributes and price lists
first (a few rows each), then the products (two attribute values each) and the price-list
entries (every product on `LISTS` lists with two tiers). Then the same two files again, which
the ledger answers unchanged without writing.

`write_files` also serves a by-hand measurement with the command itself:
`python -m portal.bench.first_load DIRECTORY` writes the files and mappings there and prints the
`portal import` commands that load them."""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

PRODUCTS = 100_000
# Every product is on each list with two tiers: 100,000 products × 5 lists × 2 = 1,000,000 prices.
LISTS = 5
TIERS = 2
CATEGORIES = 40

# (resource, file, mapping): in the order they load, references before what names them.
MAPPINGS = {
    "categories": '[columns]\n"Kod" = "code"\n"Nazwa" = "name_pl"\n',
    "attributes": '[columns]\n"Kod" = "code"\n"Nazwa" = "name_pl"\n',
    "price-lists": '[columns]\n"Kod" = "code"\n"Nazwa" = "name"\n"Waluta" = "currency"\n',
    "products": (
        '[columns]\n"Symbol" = "sku"\n"EAN" = "ean"\n"Nazwa" = "name_pl"\n"Grupa" = "category"\n'
        '"Stawka VAT" = "vat_rate"\n"Jm" = "unit"\n"Opak." = "pack_size"\n"Cecha" = "attributes[].code"\n'
        '"Wartość" = "attributes[].value"\n\n[values.unit]\n"szt" = "pcs"\n"m" = "m"\n'
    ),
    "price-list-entries": (
        '[columns]\n"Cennik" = "price_list"\n"Symbol" = "sku"\n"Od ilości" = "tiers[].min_quantity"\n'
        '"Cena netto" = "tiers[].unit_price"\n'
    ),
}
# The two large files: what the first load's figure is about.
LARGE = ("products", "price-list-entries")


@dataclass(frozen=True)
class LoadFile:
    resource: str
    path: Path
    mapping: Path
    # What the file holds: products, or prices (tiers).
    items: int


def _sku(number: int) -> str:
    return f"PRD-{number:06d}"


def _csv(path: Path, header: Sequence[str], rows: Iterator[Sequence[object]]) -> None:
    with path.open("w", encoding="cp1250", newline="") as out:
        out.write(";".join(header) + "\r\n")
        for row in rows:
            out.write(";".join(str(cell) for cell in row) + "\r\n")


def write_files(directory: Path, products: int = PRODUCTS) -> list[LoadFile]:
    """The export of a wholesaler with `products` products, in load order."""
    directory.mkdir(parents=True, exist_ok=True)
    lists = [f"CEN-{number}" for number in range(1, LISTS + 1)]
    _csv(
        directory / "grupy.csv",
        ("Kod", "Nazwa"),
        ((f"GR-{number:03d}", f"Grupa towarowa {number} – śruby i łączniki") for number in range(CATEGORIES)),
    )
    _csv(directory / "cechy.csv", ("Kod", "Nazwa"), iter([("gwint", "Gwint"), ("dlugosc", "Długość")]))
    _csv(directory / "cenniki.csv", ("Kod", "Nazwa", "Waluta"), ((code, f"Cennik {code}", "PLN") for code in lists))

    def product_rows() -> Iterator[Sequence[object]]:
        for number in range(products):
            sku, name = _sku(number), f"Śruba sześciokątna DIN 933 M{6 + number % 10}×{10 + number % 90} ocynk"
            first = (sku, f"590{number:010d}", name, f"GR-{number % CATEGORIES:03d}", 23, "szt", 100)
            yield (*first, "gwint", f"M{6 + number % 10}")
            yield (*first, "dlugosc", str(10 + number % 90))

    _csv(
        directory / "towary.csv",
        ("Symbol", "EAN", "Nazwa", "Grupa", "Stawka VAT", "Jm", "Opak.", "Cecha", "Wartość"),
        product_rows(),
    )

    def price_rows() -> Iterator[Sequence[object]]:
        for code_index, code in enumerate(lists):
            for number in range(products):
                cents = 1000 + (number * 7 + code_index * 13) % 90_000
                yield (code, _sku(number), 1, f"{cents // 100},{cents % 100:02d}")
                yield (code, _sku(number), 100, f"{cents * 9 // 1000},{cents * 9 // 10 % 100:02d}")

    _csv(directory / "cennik.csv", ("Cennik", "Symbol", "Od ilości", "Cena netto"), price_rows())
    names = {
        "categories": ("grupy.csv", CATEGORIES),
        "attributes": ("cechy.csv", 2),
        "price-lists": ("cenniki.csv", LISTS),
        "products": ("towary.csv", products),
        "price-list-entries": ("cennik.csv", products * LISTS * TIERS),
    }
    files = []
    for resource, mapping in MAPPINGS.items():
        filename, items = names[resource]
        mapping_path = directory / f"{resource}.toml"
        mapping_path.write_text(f'resource = "{resource}"\n{mapping}', encoding="utf-8")
        files.append(LoadFile(resource, directory / filename, mapping_path, items))
    return files


@dataclass(frozen=True)
class FirstLoadRow:
    path: str
    items: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.items / self.seconds


async def first_load(directory: Path, products: int) -> list[FirstLoadRow]:
    """Loads the files `write_files` made into the database bound in this process (empty,
    migrated), then the two large ones again; the rows of the large files, their total, and the
    repeat. RuntimeError when any row is rejected, or the first load did not create everything,
    or the repeat did not find everything unchanged: a figure of a load that failed means nothing."""
    from portal.integration.erp_resources import ERP_RESOURCES
    from portal.integration.imports import import_file
    from portal.integration.mapping import parse_mapping

    files = write_files(directory, products)

    async def load(file: LoadFile, expected: str) -> float:
        started = time.perf_counter()
        report = await import_file(
            ERP_RESOURCES[file.resource],
            file.path.read_bytes(),
            file.path.name,
            parse_mapping(file.mapping.read_text(encoding="utf-8"), file.mapping.name),
        )
        seconds = time.perf_counter() - started
        if report.failed:
            raise RuntimeError(f"{file.resource}: {[str(problem) for problem in report.problems[:3]]}")
        if report.counts[expected] != report.items:
            raise RuntimeError(f"{file.resource}: {report.items} items, expected all {expected}: {report.counts}")
        return seconds

    rows = []
    for file in files:
        seconds = await load(file, "created")
        if file.resource in LARGE:
            what = "products" if file.resource == "products" else "prices"
            rows.append(FirstLoadRow(f"{file.resource} ({file.items:,} {what})", file.items, seconds))
    rows.append(FirstLoadRow("first load, both files", sum(row.items for row in rows), sum(r.seconds for r in rows)))
    large = [file for file in files if file.resource in LARGE]
    again = 0.0
    for file in large:
        again += await load(file, "unchanged")
    rows.append(FirstLoadRow("both files again (unchanged)", sum(file.items for file in large), again))
    return rows


def format_first_load_table(rows: Sequence[FirstLoadRow]) -> str:
    lines = [
        "First load through files (`portal import`'s path, Windows-1250 CSV, into an empty database):",
        "",
        "| load | items | seconds | items/s |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {row.path} | {row.items:,} | {row.seconds:.1f} | {row.per_second:,.0f} |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m portal.bench.first_load", description=__doc__)
    parser.add_argument("directory", type=Path, help="where the files and mappings go")
    parser.add_argument("--products", type=int, default=PRODUCTS, help=f"products (default {PRODUCTS:,})")
    args = parser.parse_args(argv)
    for file in write_files(args.directory, args.products):
        print(f"portal import {file.resource} {file.path} --mapping {file.mapping}")


if __name__ == "__main__":
    main()
