"""HTTP routes of single sign-on: the provider's answer at /sso/callback, its error pages, and
the connection settings of a company (its administrator's and the seller administrator's)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Response

from portal.accounts import sso, sso_domains, sso_settings
from portal.accounts.guards import Caller, requires
from portal.accounts.roles import Permission, roles_for_company_kind
from portal.accounts.scope import Scope
from portal.accounts.sessions import client_address, start_session
from portal.config import Settings
from portal.errors import Invalid, NotFound
from portal.i18n import current_locale
from portal.i18n import gettext as _
from portal.web import page, redirect
from portal.web.forms import FormData

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
    start_session(request, signed_in.user_id, signed_in.company_id, only_this_company=True)
    request.session[sso.LOGOUT_KEY] = {
        "end_session_endpoint": signed_in.end_session_endpoint,
        "id_token": signed_in.id_token,
        "client_id": signed_in.client_id,
        "provider": signed_in.provider,
    }
    return redirect(request, signed_in.next_path)


# --- Connection settings ----------------------------------------------------------------------


async def _settings_page(
    request: Request[Any, Any, Any],
    target: sso_settings.SsoCompany,
    settings: Settings,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    block: str = "form",
    check: sso.ProviderMetadata | None = None,
    problem: str = "",
) -> Html:
    connection = await sso.connection_of_company(target.company_id)
    return page(
        request,
        "accounts/sso_settings.html",
        claims=await sso_domains.claims_of_company(settings, target.company_id),
        block=block,
        status_code=status_code,
        target=target,
        connection=connection,
        values=values if values is not None else sso_settings.form_values(connection, target.kind),
        errors=errors or {},
        roles=roles_for_company_kind(target.kind),
        redirect_uri=sso.redirect_uri(settings),
        check=check,
        problem=problem,
    )


def _submitted(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = form.as_dict()
    for name in ("auto_create", "require_sso", "enabled"):
        values[name] = form.get(name) == "on"
    return values


async def _save(
    request: Request[Any, Any, Any], caller: Scope, target: sso_settings.SsoCompany, settings: Settings
) -> Html:
    form = await FormData.of(request)
    raw = {**form.as_dict(), "client_secret": form.raw("client_secret")}
    try:
        await sso_settings.save_connection(caller, target, raw, settings)
    except Invalid as error:
        return await _settings_page(
            request, target, settings, values=_submitted(form), errors=error.errors, status_code=422
        )
    flash(request, _("Single sign-on settings saved."), "success")
    return redirect(request, target.path)


async def _check(request: Request[Any, Any, Any], target: sso_settings.SsoCompany, settings: Settings) -> Html:
    form = await FormData.of(request)
    connection = await sso.connection_of_company(target.company_id)
    issuer = form.get("issuer") or (connection.issuer if connection else "")
    try:
        metadata = await sso_settings.check_connection(issuer, settings)
    except sso.ProviderProblem as problem:
        return await _settings_page(
            request, target, settings, values=_submitted(form), block="check", problem=problem.message
        )
    return await _settings_page(request, target, settings, values=_submitted(form), block="check", check=metadata)


async def _verify(
    request: Request[Any, Any, Any], caller: Scope, target: sso_settings.SsoCompany, settings: Settings
) -> Html:
    form = await FormData.of(request)
    domain = form.get("domain").strip().lower()
    try:
        await sso_domains.verify_claim(caller, settings, target.company_id, domain, sso_domains.txt_resolver())
    except Invalid as error:
        return await _settings_page(request, target, settings, errors=error.errors, status_code=422)
    flash(request, _("%(domain)s is proven: its people now sign in at your provider.") % {"domain": domain}, "success")
    return redirect(request, target.path)


@get("/company/sso", guards=[requires(Permission.USERS_MANAGE)])
async def company_sso(request: Request[Any, Any, Any], caller: Caller, settings: NamedDependency[Settings]) -> Html:
    return await _settings_page(request, await sso_settings.own_company(caller), settings)


@post("/company/sso", guards=[requires(Permission.USERS_MANAGE)])
async def save_company_sso(
    request: Request[Any, Any, Any], caller: Caller, settings: NamedDependency[Settings]
) -> Html:
    return await _save(request, caller, await sso_settings.own_company(caller), settings)


@post("/company/sso/test", guards=[requires(Permission.USERS_MANAGE)])
async def check_company_sso(
    request: Request[Any, Any, Any], caller: Caller, settings: NamedDependency[Settings]
) -> Html:
    return await _check(request, await sso_settings.own_company(caller), settings)


@post("/company/sso/domains/verify", guards=[requires(Permission.USERS_MANAGE)])
async def verify_company_domain(
    request: Request[Any, Any, Any], caller: Caller, settings: NamedDependency[Settings]
) -> Html:
    return await _verify(request, caller, await sso_settings.own_company(caller), settings)


# The seller's administrator sets up any company's connection (the seller's own too); for
# everyone else these pages do not exist (404), like another company's data.


@get("/office/customers/{company_id:int}/sso", guards=[requires()])
async def customer_sso(
    request: Request[Any, Any, Any], caller: Caller, company_id: FromPath[int], settings: NamedDependency[Settings]
) -> Html:
    return await _settings_page(request, await sso_settings.company_for_seller_admin(caller, company_id), settings)


@post("/office/customers/{company_id:int}/sso", guards=[requires()])
async def save_customer_sso(
    request: Request[Any, Any, Any], caller: Caller, company_id: FromPath[int], settings: NamedDependency[Settings]
) -> Html:
    return await _save(request, caller, await sso_settings.company_for_seller_admin(caller, company_id), settings)


@post("/office/customers/{company_id:int}/sso/test", guards=[requires()])
async def check_customer_sso(
    request: Request[Any, Any, Any], caller: Caller, company_id: FromPath[int], settings: NamedDependency[Settings]
) -> Html:
    return await _check(request, await sso_settings.company_for_seller_admin(caller, company_id), settings)


@post("/office/customers/{company_id:int}/sso/domains/verify", guards=[requires()])
async def verify_customer_domain(
    request: Request[Any, Any, Any], caller: Caller, company_id: FromPath[int], settings: NamedDependency[Settings]
) -> Html:
    return await _verify(request, caller, await sso_settings.company_for_seller_admin(caller, company_id), settings)


# Domain claims waiting for the seller's administrator: approve (the company's provider then
# signs in that domain's people) or refuse (the claim goes).


async def _claims_page(
    request: Request[Any, Any, Any], caller: Scope, settings: Settings, *, problem: str = "", status_code: int = 200
) -> Html:
    if not sso_domains.is_seller_admin(caller):
        raise NotFound(_("No such page."))
    return page(
        request,
        "accounts/sso_domain_claims.html",
        status_code=status_code,
        claims=await sso_domains.pending_claims(settings),
        problem=problem,
    )


@get("/office/sso-domains", guards=[requires()])
async def domain_claims(request: Request[Any, Any, Any], caller: Caller, settings: NamedDependency[Settings]) -> Html:
    return await _claims_page(request, caller, settings)


async def _decide(
    request: Request[Any, Any, Any], caller: Scope, settings: Settings, claim_id: int, *, approve: bool
) -> Html:
    try:
        claim = await sso_domains.decide_claim(caller, settings, claim_id, approve=approve)
    except Invalid as error:
        return await _claims_page(request, caller, settings, problem=error.message, status_code=422)
    message = _("%(domain)s approved for %(company)s.") if approve else _("%(domain)s refused for %(company)s.")
    flash(request, message % {"domain": claim.domain, "company": claim.company_name}, "success")
    return redirect(request, "/office/sso-domains")


@post("/office/sso-domains/{claim_id:int}/approve", guards=[requires()])
async def approve_domain_claim(
    request: Request[Any, Any, Any], caller: Caller, claim_id: FromPath[int], settings: NamedDependency[Settings]
) -> Html:
    return await _decide(request, caller, settings, claim_id, approve=True)


@post("/office/sso-domains/{claim_id:int}/refuse", guards=[requires()])
async def refuse_domain_claim(
    request: Request[Any, Any, Any], caller: Caller, claim_id: FromPath[int], settings: NamedDependency[Settings]
) -> Html:
    return await _decide(request, caller, settings, claim_id, approve=False)


sso_handlers = [
    sso_callback,
    company_sso,
    save_company_sso,
    check_company_sso,
    customer_sso,
    save_customer_sso,
    check_customer_sso,
    verify_company_domain,
    verify_customer_domain,
    domain_claims,
    approve_domain_claim,
    refuse_domain_claim,
]
