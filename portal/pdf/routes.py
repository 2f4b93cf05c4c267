"""HTTP routes of documents as PDFs: one invoice, or many in one ZIP."""

from __future__ import annotations

from typing import Annotated, Any

from jinja2 import Environment
from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Response

from portal import clock
from portal.accounts.guards import Caller, requires
from portal.accounts.roles import Permission
from portal.config import Settings
from portal.finance.invoice_pdf import Seller, invoice_document, invoice_pdf, invoices_zip, pdf_filename
from portal.finance.statement import statement, statement_pdf, statement_range
from portal.web.forms import FormData, record_ids


def _environment(request: Request[Any, Any, Any]) -> Environment:
    environment: Environment = request.app.template_engine.engine  # type: ignore[union-attr]
    return environment


def _attachment(content: bytes, media_type: str, filename: str) -> Response[bytes]:
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@get("/invoices/{invoice_id:int}/pdf", guards=[requires(Permission.INVOICE_READ)])
async def invoice_pdf_download(
    request: Request[Any, Any, Any], caller: Caller, invoice_id: FromPath[int], settings: NamedDependency[Settings]
) -> Response[bytes]:
    document = await invoice_document(caller.company_id, invoice_id, Seller.of(settings))
    content = await invoice_pdf(_environment(request), document)
    return _attachment(content, "application/pdf", pdf_filename(document.invoice["number"]))


@post("/invoices/zip", guards=[requires(Permission.INVOICE_READ)], status_code=200)
async def invoices_zip_download(
    request: Request[Any, Any, Any], caller: Caller, settings: NamedDependency[Settings]
) -> Response[bytes]:
    form = await FormData.of(request)
    chosen = record_ids(form.getall("invoice"))
    content = await invoices_zip(_environment(request), caller, chosen, Seller.of(settings))
    response = _attachment(content, "application/zip", "faktury.zip")
    token = form.get("download_token")
    if token.isascii() and token.isalnum() and len(token) <= 32:
        # The page shows progress until the file arrives: this cookie tells it that it has.
        response.set_cookie(f"download-{token}", "done", max_age=60, httponly=False, samesite="strict")
    return response


@get("/finance/statement.pdf", guards=[requires(Permission.INVOICE_READ)])
async def statement_download(
    request: Request[Any, Any, Any],
    caller: Caller,
    start: Annotated[str, QueryParameter(name="from")] = "",
    end: Annotated[str, QueryParameter(name="to")] = "",
) -> Response[bytes]:
    first, last = statement_range(start, end, clock.today())
    content = await statement_pdf(_environment(request), await statement(caller, first, last))
    return _attachment(content, "application/pdf", f"wyciag-{first.isoformat()}-{last.isoformat()}.pdf")


router = Router(path="/", route_handlers=[invoice_pdf_download, invoices_zip_download, statement_download])
