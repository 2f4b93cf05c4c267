"""Which language a request is answered in: the user's, else the visitor's choice, else the
browser's."""

from __future__ import annotations

from typing import Any

from litestar import Request

from portal.i18n import pick_locale, set_locale


def request_locale(request: Request[Any, Any, Any]) -> str:
    caller = request.scope.get("user")
    if caller is not None:
        return str(caller.locale)
    session = request.scope.get("session")
    if isinstance(session, dict) and session.get("locale"):
        return str(session["locale"])
    return pick_locale(request.headers.get("accept-language"))


def apply_request_locale(request: Request[Any, Any, Any]) -> None:
    set_locale(request_locale(request))
