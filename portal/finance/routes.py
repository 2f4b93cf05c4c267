"""HTTP routes of finance: the finance home with balance, credit and aging; invoices, their
export, detail and e-invoice XML; paying chosen invoices by one transfer."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response

from portal import clock
from portal.accounts.guards import Caller, requires
from portal.accounts.roles import Permission
from portal.config import Settings
from portal.errors import Invalid
from portal.finance import invoices, payment
from portal.finance.balances import finance_overview
from portal.finance.ksef_xml import ksef_xml_file
from portal.finance.tables import DocumentKind
from portal.web import page, wants_fragment
from portal.web.forms import record_ids

Html = Response[Any]


@get("/finance", guards=[requires(Permission.INVOICE_READ)])
async def finance_home(request: Request[Any, Any, Any], caller: Caller) -> Html:
    return page(request, "finance/home.html", overview=await finance_overview(caller, clock.today()))


@get("/invoices", guards=[requires(Permission.INVOICE_READ)])
async def invoice_list(request: Request[Any, Any, Any], caller: Caller) -> Html:
    filters = invoices.InvoiceFilters.from_parameters(dict(request.query_params.items()))
    found, has_next = await invoices.list_invoices(caller, filters, clock.today())
    headers = {}
    if wants_fragment(request):
        # The address follows the filters, so a reload or a shared link shows the same rows.
        headers["HX-Replace-Url"] = f"/invoices?{filters.parameters()}" if filters.parameters() else "/invoices"
    return page(
        request,
        "finance/invoices.html",
        block="results",
        headers=headers,
        invoices=found,
        has_next=has_next,
        filters=filters,
        statuses=invoices.STATUSES,
        kinds=list(DocumentKind),
        kind_label=invoices.kind_label,
        status_label=invoices.status_label,
    )


@get("/invoices/{invoice_id:int}", guards=[requires(Permission.INVOICE_READ)])
async def invoice_page(request: Request[Any, Any, Any], caller: Caller, invoice_id: FromPath[int]) -> Html:
    detail = await invoices.invoice_detail(caller, invoice_id, clock.today())
    return page(
        request,
        "finance/invoice.html",
        detail=detail,
        kind_label=invoices.kind_label,
        status_label=invoices.status_label,
    )


@get("/invoices/{invoice_id:int}/ksef.xml", guards=[requires(Permission.INVOICE_READ)])
async def invoice_ksef_xml(caller: Caller, invoice_id: FromPath[int]) -> Response[bytes]:
    """The structured e-invoice as the ERP sent it, for the buyer's accounting to read in."""
    file = await ksef_xml_file(caller, invoice_id)
    return Response(
        file.content,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )


@get("/finance/pay", guards=[requires(Permission.INVOICE_READ)])
async def pay_invoices(request: Request[Any, Any, Any], caller: Caller, settings: NamedDependency[Settings]) -> Html:
    chosen = record_ids(request.query_params.getall("invoice", []))
    payee = payment.Payee(settings.seller_name, settings.seller_nip, settings.seller_bank_account)
    try:
        order = await payment.payment_order(caller, chosen, payee)
    except Invalid as error:
        return page(request, "finance/pay.html", status_code=422, order=None, error=error.message)
    return page(request, "finance/pay.html", order=order, error="")


def _export_name(extension: str) -> str:
    return f"faktury-{clock.today().isoformat()}.{extension}"


@get("/invoices/export.csv", guards=[requires(Permission.INVOICE_READ)])
async def invoice_export_csv(request: Request[Any, Any, Any], caller: Caller) -> Response[bytes]:
    filters = invoices.InvoiceFilters.from_parameters(dict(request.query_params.items()))
    rows = await invoices.export_rows(caller, filters, clock.today())
    return Response(
        invoices.as_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_export_name("csv")}"'},
    )


@get("/invoices/export.xlsx", guards=[requires(Permission.INVOICE_READ)])
async def invoice_export_xlsx(request: Request[Any, Any, Any], caller: Caller) -> Response[bytes]:
    filters = invoices.InvoiceFilters.from_parameters(dict(request.query_params.items()))
    rows = await invoices.export_rows(caller, filters, clock.today())
    return Response(
        invoices.as_xlsx(rows),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_export_name("xlsx")}"'},
    )


router = Router(
    path="/",
    route_handlers=[
        finance_home,
        pay_invoices,
        invoice_list,
        invoice_export_csv,
        invoice_export_xlsx,
        invoice_page,
        invoice_ksef_xml,
    ],
)
