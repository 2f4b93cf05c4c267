"""`make bench`'s import throughput: ERP items a second through the API's batch endpoint
(`POST /api/v1/<resource>/batch`, 1,000 items a call) and through a file (`portal import`'s
path, the bulk path for a large file of a resource that has one), first as new items, then
the same items again (unchanged: the ledger's answer, nothing written).

Items are the resource's documented example with its key varied, so the resource should be
one whose example references nothing else (price lists, warehouses): a rejected example is
reported, not measured. It runs in this process on a database of its own, so the bench's data set is
never touched: the API's figure is the app and the protocol, without uvicorn and the network."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from annotated_types import MaxLen

from portal.integration.batch import MAX_ITEMS
from portal.integration.imports import import_file
from portal.integration.resources import Resource

DEFAULT_RESOURCE = "price-lists"


class BenchSkipped(Exception):
    """The import figures cannot be measured with this resource (no example, a rejected one)."""


@dataclass(frozen=True)
class ImportRow:
    path: str
    items: int
    new_seconds: float
    unchanged_seconds: float

    @property
    def new_per_second(self) -> float:
        return self.items / self.new_seconds

    @property
    def unchanged_per_second(self) -> float:
        return self.items / self.unchanged_seconds


def bench_items(resource: Resource[Any], count: int, first: int = 0) -> list[dict[str, Any]]:
    """`count` items: the resource's example with its key fields numbered from `first` (each
    kept within its field's length)."""
    if not resource.example:
        raise BenchSkipped(f"{resource.name} documents no example item")
    items = []
    for number in range(first, first + count):
        item = dict(resource.example)
        for name in resource.key_fields:
            suffix = f"-{number:07d}"
            room = _max_length(resource, name) - len(suffix)
            item[name] = str(resource.example[name])[: max(room, 1)] + suffix
        items.append(item)
    return items


def _max_length(resource: Resource[Any], name: str) -> int:
    limits = [rule.max_length for rule in resource.item_type.model_fields[name].metadata if isinstance(rule, MaxLen)]
    return min(limits, default=60)


def export_file(items: Sequence[dict[str, Any]]) -> tuple[str, bytes]:
    """The items as an ERP would export them: a Windows-1250 CSV with semicolons and decimal
    commas when they are flat, JSON Lines otherwise."""
    if any(isinstance(value, dict | list) for item in items for value in item.values()):
        return "export.jsonl", "\n".join(json.dumps(item, ensure_ascii=False) for item in items).encode()
    columns = list(items[0])
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for item in items:
        writer.writerow([_cell(item.get(column)) for column in columns])
    return "export.csv", text.getvalue().encode("cp1250", errors="replace")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return str(value)


async def import_throughput(client: httpx.AsyncClient, resource: Resource[Any], count: int) -> list[ImportRow]:
    """Both paths' figures; `client` calls the app with a key that may write the resource, on
    the database bound in this process, which gets 2 × `count` items of the resource."""
    through_api = bench_items(resource, count)

    async def send_all() -> float:
        started = time.perf_counter()
        for start in range(0, count, MAX_ITEMS):
            answer = await client.post(
                f"/api/v1/{resource.name}/batch", json={"upsert": through_api[start : start + MAX_ITEMS]}
            )
            if answer.status_code != 200:
                raise BenchSkipped(f"the batch endpoint answered {answer.status_code}: {answer.text[:300]}")
            rejected = answer.json()["counts"]["rejected"]
            if rejected:
                first = next(result for result in answer.json()["results"] if result["outcome"] == "rejected")
                raise BenchSkipped(f"{resource.name}'s example item is rejected: {first['errors']}")
        return time.perf_counter() - started

    api_row = ImportRow(f"API batch endpoint, {MAX_ITEMS:,} items a call", count, await send_all(), await send_all())

    filename, content = export_file(bench_items(resource, count, first=count))

    async def import_once() -> tuple[float, str]:
        started = time.perf_counter()
        report = await import_file(resource, content, filename)
        if report.failed:
            raise BenchSkipped(f"the file import rejected items: {[str(p) for p in report.problems[:3]]}")
        return time.perf_counter() - started, report.path

    new_seconds, path = await import_once()
    unchanged_seconds, _path = await import_once()
    kind = "CSV, Windows-1250" if filename.endswith(".csv") else "JSON Lines"
    file_row = ImportRow(f"file ({kind}), `portal import`, {path} path", count, new_seconds, unchanged_seconds)
    return [api_row, file_row]


def format_import_table(resource: str, rows: Sequence[ImportRow]) -> str:
    lines = [
        f"Import throughput: {resource}, {rows[0].items:,} items each way, in process on a database of its own.",
        "",
        "| path | new items/s | unchanged items/s |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {row.path} | {row.new_per_second:,.0f} | {row.unchanged_per_second:,.0f} |" for row in rows]
    return "\n".join(lines)
