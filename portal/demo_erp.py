"""The demo's ERP data: Hurtex's catalog, stock, customers, prices, invoices and payments, loaded
from the data files in `portal/demo_data/` through the same importer as `portal import`, so the
demo proves it.

The files are what an ERP would export on the day the demo starts: a date there is written
relative to that day (`{{today+11}}`, `{{year}}-01-01`, `CENNIK-{{year+1}}`, an invoice number's
`{{today-36|%Y/%m}}`) and filled in before the file is imported, so the story holds whatever the
day. An invoice of an order placed in the portal names the order by the portal's number, which
the ERP learnt with the order: `{{order BM/2026/0981}}` is the number of the demo order with that
PO number.

The documents (datasheets, CAD drawings) are the one part attached here rather than imported: the
importer takes a document inline (a datasheet a hundred variants share would be a hundred copies)
or from a public https address, and the demo serves nothing public."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import mimetypes
import re
import time
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from portal import clock
from portal.catalog.bulk_writes import insert_rows
from portal.catalog.erp_files import FileContent, store_files
from portal.catalog.tables import DocumentKind, Product, ProductDocument
from portal.integration.erp_resources import ERP_RESOURCES
from portal.integration.imports import ImportOptions, ImportReport, import_file
from portal.integration.tables import BatchLog
from portal.jobs import JobContext, job
from portal.ordering.tables import Order

log = logging.getLogger("portal.demo")

DEMO_DATA = Path(__file__).parent / "demo_data"
# Who the batch log says imported them.
DEMO_INTEGRATION = "demo"
# The resources the demo's ERP sends, in the order a first load needs them, each from its file.
ERP_FILES = (
    ("categories", "categories.jsonl"),
    ("product-groups", "product-groups.jsonl"),
    ("attributes", "attributes.jsonl"),
    ("warehouses", "warehouses.jsonl"),
    ("products", "products.jsonl.gz"),
    ("stock", "stock.jsonl.gz"),
    ("customer-groups", "customer-groups.jsonl"),
    ("customers", "customers.jsonl"),
    ("price-lists", "price-lists.jsonl"),
    ("price-list-entries", "price-list-entries.jsonl.gz"),
    ("price-list-assignments", "price-list-assignments.jsonl"),
    ("contract-prices", "contract-prices.jsonl"),
    ("discount-rules", "discount-rules.jsonl"),
    ("customer-part-numbers", "customer-part-numbers.jsonl"),
)
# Two years of invoices, credit notes and payments, sent once the demo's orders are placed.
FINANCE_FILES = (("invoices", "invoices.jsonl"), ("payments", "payments.jsonl"))
DOCUMENTS = "product-documents.jsonl"
# The submission key of each order the demo places (`portal/demo_orders.py`), then its index.
DEMO_ORDER_KEY = "demo-order-"


class DemoDataRefused(RuntimeError):
    """A demo data file the importer did not take whole: the demo must not start half loaded."""


_PLACEHOLDER = re.compile(r"\{\{(?:(today|year)([+-][0-9]+)?(?:\|([^}]+))?|order ([^}]+))\}\}")


def dated(text: str, today: date, orders: Mapping[str, str] | None = None) -> str:
    """A data file's text as exported on `today`: `{{today-60}}` becomes the ISO date sixty days
    before (`{{today-60|%Y/%m}}` its year and month), `{{year+1}}` next year's number, and
    `{{order PO}}` the portal's number of the order with that PO number (in `orders`)."""

    def fill(found: re.Match[str]) -> str:
        kind, offset, form, po_number = found.groups()
        if po_number is not None:
            if orders is None or po_number not in orders:
                raise DemoDataRefused(f"no demo order has the PO number {po_number}")
            return orders[po_number]
        if kind == "today":
            day = today + timedelta(days=int(offset or 0))
            return day.strftime(form) if form else day.isoformat()
        return str(today.year + int(offset or 0))

    return _PLACEHOLDER.sub(fill, text)


def data_rows(filename: str) -> list[dict[str, Any]]:
    """The items of a plain (not gzipped, undated) data file, for the benchmark's reference data."""
    text = (DEMO_DATA / filename).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def read_data_file(filename: str, today: date, orders: Mapping[str, str] | None = None) -> bytes:
    """A data file's bytes as the ERP would send them on `today` (a gzipped one stays gzipped)."""
    path = DEMO_DATA / filename
    if filename.endswith(".gz"):
        text = dated(gzip.decompress(path.read_bytes()).decode(), today, orders)
        return gzip.compress(text.encode(), compresslevel=1)
    return dated(path.read_text(encoding="utf-8"), today, orders).encode()


async def import_erp_data(
    today: date, files: Sequence[tuple[str, str]], orders: Mapping[str, str] | None = None
) -> list[ImportReport]:
    """The ERP's files through the importer, in order; what it said of each."""
    reports = []
    for resource_name, filename in files:
        started = time.perf_counter()
        report = await import_file(
            ERP_RESOURCES[resource_name],
            read_data_file(filename, today, orders),
            filename,
            options=ImportOptions(integration=DEMO_INTEGRATION),
        )
        if report.failed:
            problems = "; ".join(str(problem) for problem in report.problems[:5])
            raise DemoDataRefused(f"{filename}: {report.counts['rejected']} rejected: {problems}")
        log.info(
            "demo %s from %s: %s in %.1f s",
            resource_name,
            filename,
            ", ".join(f"{count} {outcome}" for outcome, count in report.counts.items() if count),
            time.perf_counter() - started,
        )
        reports.append(report)
    return reports


STOCK_FILE = ("stock", "stock.jsonl.gz")


@job(cron="*/4 * * * *", demo_only=True, timeout=120)
async def send_demo_stock(ctx: JobContext) -> int:
    """The demo's ERP sends its stock report on its cadence, as a real one does (every five
    minutes is what the Integration page expects of stock): without it every figure of the demo
    would read "to be confirmed" a few minutes after it starts. Unchanged figures change nothing
    but the time they were last confirmed."""
    [report] = await import_erp_data(clock.today(), [STOCK_FILE])
    return sum(report.counts.values())


async def attach_documents() -> int:
    """The catalog's documents from `demo_data/documents/`, each attached to its family's
    products or to the SKUs it names; a file already attached is left as it is. The number of
    files attached."""
    entries = data_rows(DOCUMENTS)
    attached = set(await ProductDocument.select(ProductDocument.file).distinct().output(as_list=True))
    files: list[FileContent] = []
    rows: list[tuple[int, str, str, str, str, str]] = []
    for entry in entries:
        content = (DEMO_DATA / "documents" / entry["file"]).read_bytes()
        sha256 = hashlib.sha256(content).hexdigest()
        if sha256 in attached:
            continue
        media_type, _encoding = mimetypes.guess_type(entry["file"])
        files.append(FileContent(sha256, media_type or "application/octet-stream", content))
        kind = DocumentKind(entry["kind"]).value
        rows += [
            (product_id, kind, entry["title"], "pl", entry["file"], sha256) for product_id in await _products_of(entry)
        ]
    await store_files(files)
    await insert_rows(ProductDocument, ("product", "kind", "title", "language", "filename", "file"), rows)
    return len(files)


async def _products_of(entry: dict[str, Any]) -> list[int]:
    query = Product.select(Product.id).order_by(Product.id)
    if "family" in entry:
        query = query.where(Product.family.code == entry["family"])
    else:
        query = query.where(Product.sku.is_in(entry["skus"]))
    return list(await query.output(as_list=True))


async def _send_new(files: Sequence[tuple[str, str]], orders: Mapping[str, str] | None = None) -> int:
    """The files the demo's ERP has not sent yet, through the importer; how many were sent. A
    restart does not send again what was sent (it would all come back unchanged, in ten seconds);
    a file cut short by a crash left no log entry and is sent again."""
    imported = set(
        await BatchLog.select(BatchLog.resource)
        .where((BatchLog.integration == DEMO_INTEGRATION) & BatchLog.applied.eq(True))
        .output(as_list=True)
    )
    pending = [(resource, filename) for resource, filename in files if resource not in imported]
    await import_erp_data(clock.today(), pending, orders)
    return len(pending)


async def seed_erp_data() -> None:
    """The demo ERP's catalog, customers and prices, the catalog's documents, then fresh planner
    statistics."""
    started = time.perf_counter()
    sent = await _send_new(ERP_FILES)
    files = await attach_documents()
    if sent:
        # The planner must know the tables just grew from nothing to tens of thousands of rows
        # (PostgreSQL's autovacuum would get there, later; SQLite never would).
        await Product.raw("ANALYZE")
        log.info(
            "demo ERP data: %d files through the importer, %d documents attached, in %.1f s",
            sent,
            files,
            time.perf_counter() - started,
        )


async def demo_order_numbers() -> dict[str, str]:
    """The portal's numbers of the demo's orders by their PO numbers."""
    rows = await Order.select(Order.po_number, Order.number).where(Order.submission_key.like(f"{DEMO_ORDER_KEY}%"))
    return {row["po_number"]: row["number"] for row in rows}


async def seed_erp_finance() -> None:
    """The demo ERP's invoices, credit notes and payments: BudMax has overdue invoices,
    ElektroPlus is close to its credit limit, Agromet buys little and pays in advance."""
    await _send_new(FINANCE_FILES, await demo_order_numbers())
