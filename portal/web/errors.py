"""One place that turns errors into pages: a full page for a normal request, a fragment in the
message area for htmx, a login redirect when the session is gone. Never a stack trace."""

from __future__ import annotations

import logging
import secrets
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.types import ExceptionHandlersMap

from portal.accounts.guards import CompanyNotChosen
from portal.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound, TooManyAttempts
from portal.i18n import format_file_size
from portal.i18n import gettext as _
from portal.web.api import Problem, is_api, problem
from portal.web.locale import apply_request_locale
from portal.web.redirects import redirect
from portal.web.templating import page, wants_fragment

log = logging.getLogger("portal.errors")

_STATUS_FOR: dict[type[DomainError], int] = {
    NotFound: 404,
    NotAllowed: 403,
    Invalid: 422,
    Conflict: 409,
    TooManyAttempts: 429,
}


def _titles() -> dict[int, str]:
    return {
        400: _("The request could not be understood"),
        403: _("You do not have access to this"),
        404: _("Page not found"),
        405: _("This action is not available here"),
        409: _("This cannot be done right now"),
        413: _("Too much at once"),
        422: _("Please check the form"),
        429: _("Too many attempts"),
        500: _("Something went wrong on our side"),
    }


def error_page(request: Request[Any, Any, Any], status_code: int, message: str, reference: str = "") -> Response[Any]:
    apply_request_locale(request)
    title = _titles().get(status_code, _titles()[400])
    if is_api(request):
        # Integrations read problem documents, not pages.
        return problem(status_code, title, message + (f" ({reference})" if reference else ""))
    headers = {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"} if wants_fragment(request) else {}
    return page(
        request,
        "web/error.html",
        block="error",
        status_code=status_code,
        headers=headers,
        status=status_code,
        title=title,
        message=message,
        reference=reference,
    )


def _login_redirect(request: Request[Any, Any, Any], _exc: Exception) -> Response[Any]:
    return redirect(request, "/login?next=" + quote(request.url.path, safe="/"))


def _choose_company(request: Request[Any, Any, Any], _exc: Exception) -> Response[Any]:
    return redirect(request, "/companies/choose")


def _domain_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, DomainError)
    status = next(code for kind, code in _STATUS_FOR.items() if isinstance(exc, kind))
    return error_page(request, status, exc.message)


def _http_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, HTTPException)
    # Raised before the request's hooks ran (a body over its limit, an unknown route): the
    # messages below must already speak the request's language.
    apply_request_locale(request)
    status = exc.status_code
    if status == 403 and "CSRF" in str(exc.detail):
        return error_page(request, 403, _("This form has expired. Reload the page and try again."))
    if status >= 500:
        return _server_error(request, exc)
    if status == 413:
        limit = exc.extra.get("limit") if isinstance(exc.extra, dict) else None
        size = format_file_size(limit) if isinstance(limit, int) else ""
        return error_page(
            request,
            413,
            _("What you sent is larger than this page accepts (at most %(size)s). Send less at once.") % {"size": size}
            if size
            else _("What you sent is larger than this page accepts. Send less at once."),
        )
    messages = {
        404: _("There is nothing at this address. It may have moved, or the link is mistyped."),
        403: _("Your role does not allow this. Ask your company's administrator if you need it."),
        405: _("This address does not accept that kind of request."),
    }
    return error_page(request, status, messages.get(status, _("Please check what you entered and try again.")))


def _server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    reference = secrets.token_hex(4).upper()
    log.error("unhandled error, reference %s, on %s %s", reference, request.method, request.url.path, exc_info=exc)
    return error_page(
        request,
        500,
        _("We have been notified. If it happens again, quote this reference to your sales rep."),
        reference=reference,
    )


def _undecodable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # Text of a form (or a multipart part sent without a file name, which the parser takes for
    # text) that is not in its charset: the sender's fault, found while parsing the body, in the
    # CSRF check or in a handler.
    log.info("undecodable request text on %s %s: %s", request.method, request.url.path, exc)
    return error_page(request, 400, _("Please check what you entered and try again."))


def _problem(_request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, Problem)
    return exc.response()


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    Problem: _problem,
    NotAuthorizedException: _login_redirect,
    CompanyNotChosen: _choose_company,
    DomainError: _domain_error,
    HTTPException: _http_error,
    UnicodeDecodeError: _undecodable,
    Exception: _server_error,
}
