"""HTTP routes of single sign-on: the provider's answer at /sso/callback, its error pages, and
the connection settings of a company (its administrator's and the seller administrator's)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Response

from portal.accounts import sso
from portal.accounts.sessions import client_address, start_session
from portal.config import Settings
from portal.i18n import current_locale
from portal.i18n import gettext as _
from portal.web import page, redirect

Html = Response[Any]


def sso_error_page(request: Request[Any, Any, Any], failure: sso.SsoFailure) -> Html:
    """A page saying what went wrong at sign-in, with the way back to the login page."""
    return page(
        request,
        "accounts/sso_error.html",
        status_code=failure.status_code,
        title=failure.title,
        message=failure.message,
    )


@get(sso.CALLBACK_PATH)
async def sso_callback(request: Request[Any, Any, Any], settings: NamedDependency[Settings]) -> Html:
    """The provider sends the person back here with a code (or an error) and the state."""
    session = request.scope.get("session")
    values = dict(session) if isinstance(session, dict) else {}
    # Used up whatever happens next, so the same answer replayed finds no login to finish.
    pending = values.pop(sso.PENDING_KEY, None)
    if pending is not None:
        request.set_session(values)
    query = {
        name: str(request.query_params.get(name) or "")
        for name in ("state", "code", "error", "error_description")
        if request.query_params.get(name)
    }
    try:
        signed_in = await sso.finish_login(
            pending, query, settings, ip_address=client_address(request), locale=current_locale()
        )
    except sso.SsoFailure as failure:
        return sso_error_page(request, failure)
    except sso.ProviderProblem as problem:
        return sso_error_page(request, sso.SsoFailure(_("Your company's sign-in is unavailable"), problem.message, 502))
    start_session(request, signed_in.user_id, signed_in.company_id)
    request.session[sso.LOGOUT_KEY] = {
        "end_session_endpoint": signed_in.end_session_endpoint,
        "id_token": signed_in.id_token,
        "client_id": signed_in.client_id,
        "provider": signed_in.provider,
    }
    return redirect(request, signed_in.next_path)


sso_handlers = [sso_callback]
