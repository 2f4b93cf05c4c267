"""HTTP routes of the accounts capability: login, companies, passwords, invitations, users, audit."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Router, get, post
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.plugins.flash import flash
from litestar.response import Response

from portal.accounts import audit, companies, login, members, password_reset, sso
from portal.accounts.guards import Caller, requires
from portal.accounts.login import LoginLimiter
from portal.accounts.roles import Permission, roles_for_company_kind
from portal.accounts.scope import Scope
from portal.accounts.sessions import client_address, company_lock, start_session
from portal.accounts.sso_routes import sso_error_page, sso_handlers
from portal.accounts.tokens import LinkSigner
from portal.config import Settings
from portal.errors import Invalid, NotFound, TooManyAttempts
from portal.i18n import LOCALES, current_locale
from portal.i18n import gettext as _
from portal.jobs import send_after_response
from portal.mail import Postbox
from portal.web import page, redirect, redirect_off_site, same_site_path
from portal.web.forms import FormData, record_id

Html = Response[Any]


# --- Login, logout, company choice, language ---------------------------------------------


def _session_values(request: Request[Any, Any, Any]) -> dict[str, Any]:
    session = request.scope.get("session")
    return dict(session) if isinstance(session, dict) else {}


def _login_page(request: Request[Any, Any, Any], status_code: int = 200, **context: Any) -> Html:
    context.setdefault("errors", {})
    context.setdefault("email", "")
    context.setdefault("step", "email")
    context.setdefault("sso_required", False)
    return page(request, "accounts/login.html", block="form", status_code=status_code, **context)


@get("/login", name="login")
async def login_form(
    request: Request[Any, Any, Any], next_path: Annotated[str, QueryParameter(name="next")] = "/"
) -> Html:
    if _session_values(request).get("user_id"):
        return redirect(request, same_site_path(next_path))
    return _login_page(request, next_path=same_site_path(next_path))


async def _to_company_sign_in(
    request: Request[Any, Any, Any], connection: sso.Connection, settings: Settings, email: str, next_path: str
) -> Html:
    """Off to the company's provider, the login's state, nonce and PKCE verifier kept in the session."""
    try:
        start = await sso.start_login(connection, settings, email=email, next_path=next_path)
    except sso.ProviderProblem as problem:
        return sso_error_page(request, sso.SsoFailure(_("Your company's sign-in is unavailable"), problem.message, 502))
    request.set_session({**_session_values(request), sso.PENDING_KEY: start.pending})
    return redirect_off_site(request, start.authorization_url)


@post("/login")
async def login_submit(
    request: Request[Any, Any, Any], limiter: NamedDependency[LoginLimiter], settings: NamedDependency[Settings]
) -> Html:
    form = await FormData.of(request)
    next_path = same_site_path(form.get("next", "/"))
    email = login.normalize_email(form.get("email"))
    if form.get("step") != "password" and not form.raw("password"):
        # Email first: a domain with single sign-on goes to its provider, everyone else gets
        # the password field.
        if not email:
            return _login_page(
                request, 422, errors={"email": _("Enter your work email.")}, email=email, next_path=next_path
            )
        connection = await sso.connection_for_email(email)
        if connection is not None:
            return await _to_company_sign_in(request, connection, settings, email, next_path)
        return _login_page(request, step="password", email=email, next_path=next_path)
    try:
        user_id = await login.authenticate(email, form.raw("password"), client_address(request), limiter)
    except sso.SsoRequired as refused:
        return _login_page(
            request,
            403,
            step="password",
            sso_required=True,
            errors={"password": refused.message},
            email=email,
            next_path=next_path,
        )
    except (Invalid, TooManyAttempts) as error:
        errors = error.errors if isinstance(error, Invalid) else {"password": error.message}
        response = _login_page(
            request,
            429 if isinstance(error, TooManyAttempts) else 422,
            step="password",
            errors=errors,
            email=form.get("email"),
            next_path=next_path,
        )
        if isinstance(error, TooManyAttempts):
            response.headers["Retry-After"] = str(error.retry_after_seconds)
        return response
    choices = await login.active_companies(user_id)
    start_session(request, user_id, choices[0].company_id if len(choices) == 1 else None)
    return redirect(request, next_path if len(choices) == 1 else "/companies/choose")


@post("/logout")
async def logout(request: Request[Any, Any, Any], settings: NamedDependency[Settings]) -> Html:
    provider_logout = _session_values(request).get(sso.LOGOUT_KEY)
    request.clear_session()
    if isinstance(provider_logout, dict) and provider_logout.get("end_session_endpoint"):
        # An empty session rather than none, so the page can render (flash messages read it).
        request.set_session({})
        return page(
            request,
            "accounts/logged_out.html",
            provider=provider_logout.get("provider", ""),
            provider_logout_url=sso.provider_logout_url(
                provider_logout["end_session_endpoint"],
                provider_logout.get("id_token", ""),
                provider_logout.get("client_id", ""),
                settings,
            ),
        )
    return redirect(request, "/login")


@get("/companies/choose")
async def choose_company_form(request: Request[Any, Any, Any], caller: Caller) -> Html:
    lock = company_lock(request)
    companies = [c for c in await login.active_companies(caller.user_id) if lock in (None, c.company_id)]
    return page(request, "accounts/choose_company.html", companies=companies)


@post("/companies/choose")
async def choose_company(request: Request[Any, Any, Any], caller: Caller) -> Html:
    form = await FormData.of(request)
    company_id = record_id(form.get("company_id"))
    if company_id is None:
        raise NotFound(_("No such company."))
    chosen = await login.choose_company(caller.user_id, company_id)
    if company_lock(request) not in (None, chosen.company_id):
        raise NotFound(_("No such company."))
    first_after_login = request.session.get("company_id") is None
    request.session["company_id"] = chosen.company_id
    await login.enter_company(caller, chosen, first_after_login=first_after_login)
    return redirect(request, "/")


@post("/locale")
async def switch_locale(request: Request[Any, Any, Any]) -> Html:
    form = await FormData.of(request)
    locale = form.get("locale")
    if locale not in LOCALES:
        raise Invalid({"locale": _("Choose Polish or English.")})
    if request.scope.get("session") is not None:
        request.session["locale"] = locale
    session = request.scope.get("session")
    if isinstance(session, dict) and isinstance(session.get("user_id"), int):
        await login.save_locale(session["user_id"], locale)
    return redirect(request, same_site_path(form.get("next", "/")))


# --- Forgotten password ----------------------------------------------------------------------


@get("/password/forgot")
async def forgot_password_form(request: Request[Any, Any, Any]) -> Html:
    return page(request, "accounts/forgot_password.html", block="form", sent=False, errors={}, email="")


@post("/password/forgot")
async def forgot_password(
    request: Request[Any, Any, Any],
    signer: NamedDependency[LinkSigner],
    postbox: NamedDependency[Postbox],
    limiter: NamedDependency[LoginLimiter],
) -> Html:
    form = await FormData.of(request)
    try:
        email = members.parse_email(form.get("email"))
    except Invalid as error:
        return page(
            request,
            "accounts/forgot_password.html",
            block="form",
            status_code=422,
            sent=False,
            errors=error.errors,
            email=form.get("email"),
        )
    response = page(request, "accounts/forgot_password.html", block="form", sent=True, errors={}, email=email)
    # Over the limit the answer is the same page, only no mail leaves: the limit counts the
    # email whether or not it has an account, so it tells nothing either.
    if await limiter.may_send_reset(email, client_address(request)):
        response.background = BackgroundTask(password_reset.send_reset_link, email, signer, postbox)
    return response


@get("/password/reset/{token:str}")
async def reset_password_form(
    request: Request[Any, Any, Any], token: FromPath[str], signer: NamedDependency[LinkSigner]
) -> Html:
    email = await password_reset.open_reset(token, signer)
    return page(request, "accounts/reset_password.html", block="form", token=token, email=email, errors={})


@post("/password/reset/{token:str}")
async def reset_password(
    request: Request[Any, Any, Any], token: FromPath[str], signer: NamedDependency[LinkSigner]
) -> Html:
    form = await FormData.of(request)
    try:
        await password_reset.reset_password(
            token, signer, form.raw("password"), form.raw("password_confirmation"), client_address(request)
        )
    except Invalid as error:
        email = await password_reset.open_reset(token, signer)
        return page(
            request,
            "accounts/reset_password.html",
            block="form",
            status_code=422,
            token=token,
            email=email,
            errors=error.errors,
        )
    flash(request, _("Your password is changed. Log in with the new one."), "success")
    return redirect(request, "/login")


# --- Invitations (the emailed link) ----------------------------------------------------------


@get("/invitations/{token:str}")
async def invitation_form(
    request: Request[Any, Any, Any], token: FromPath[str], signer: NamedDependency[LinkSigner]
) -> Html:
    invitation = await members.open_invitation(token, signer)
    return page(
        request,
        "accounts/invitation.html",
        block="form",
        token=token,
        invitation=invitation,
        errors={},
        name=invitation.name,
    )


@post("/invitations/{token:str}")
async def accept_invitation(
    request: Request[Any, Any, Any], token: FromPath[str], signer: NamedDependency[LinkSigner]
) -> Html:
    form = await FormData.of(request)
    try:
        user_id = await members.accept_invitation(
            token,
            signer,
            form.get("name"),
            form.raw("password"),
            form.raw("password_confirmation"),
            client_address(request),
            locale=current_locale(),
        )
    except Invalid as error:
        return page(
            request,
            "accounts/invitation.html",
            block="form",
            status_code=422,
            token=token,
            invitation=await members.open_invitation(token, signer),
            errors=error.errors,
            name=form.get("name"),
        )
    choices = await login.active_companies(user_id)
    start_session(request, user_id, choices[0].company_id if len(choices) == 1 else None)
    flash(request, _("Welcome! You are now a member of your company's portal."), "success")
    return redirect(request, "/" if len(choices) == 1 else "/companies/choose")


# --- Company profile, users and audit log ----------------------------------------------------


async def _company_page(
    request: Request[Any, Any, Any],
    caller: Scope,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Html:
    return page(
        request,
        "accounts/company.html",
        block="order_email",
        status_code=status_code,
        company=await companies.company_profile(caller),
        errors=errors or {},
        values=values or {},
    )


@get("/company", guards=[requires()])
async def company_profile(request: Request[Any, Any, Any], caller: Caller) -> Html:
    return await _company_page(request, caller)


@post("/company/order-email", guards=[requires(Permission.USERS_MANAGE)])
async def save_order_email(request: Request[Any, Any, Any], caller: Caller) -> Html:
    form = await FormData.of(request)
    try:
        email = await members.set_order_email(caller, form.get("order_email"))
    except Invalid as error:
        return await _company_page(request, caller, errors=error.errors, values=form.as_dict(), status_code=422)
    flash(
        request,
        _("Order confirmations also go to %(email)s.") % {"email": email}
        if email
        else _("Order confirmations go only to the person who ordered."),
        "success",
    )
    return redirect(request, "/company")


async def _users_page(request: Request[Any, Any, Any], caller: Caller, **context: Any) -> Html:
    context.setdefault("errors", {})
    context.setdefault("invite", {})
    return page(
        request,
        "accounts/users.html",
        block="invite" if context["errors"] else "people",
        members=await members.list_members(caller),
        invitations=await members.pending_invitations(caller),
        assignable_roles=roles_for_company_kind(caller.company_kind),
        **context,
    )


@get("/company/users", guards=[requires(Permission.USERS_MANAGE)])
async def list_users(request: Request[Any, Any, Any], caller: Caller) -> Html:
    return await _users_page(request, caller)


@post("/company/users/invitations", guards=[requires(Permission.USERS_MANAGE)])
async def invite_user(
    request: Request[Any, Any, Any],
    caller: Caller,
    signer: NamedDependency[LinkSigner],
    postbox: NamedDependency[Postbox],
) -> Html:
    form = await FormData.of(request)
    try:
        email = members.parse_email(form.get("email"))
        terms = members.parse_member_terms(
            caller.company_kind, form.getall("roles"), form.get("order_limit"), form.get("monthly_limit")
        )
        mail = await members.invite(caller, email, terms, signer, postbox)
    except Invalid as error:
        response = await _users_page(
            request, caller, errors=error.errors, invite={**form.as_dict(), "roles": form.getall("roles")}
        )
        response.status_code = 422
        return response
    flash(request, _("Invitation sent to %(email)s.") % {"email": email}, "success")
    return send_after_response(redirect(request, "/company/users"), postbox, mail)


@post("/company/users/invitations/{invitation_id:int}/revoke", guards=[requires(Permission.USERS_MANAGE)])
async def revoke_invitation(request: Request[Any, Any, Any], caller: Caller, invitation_id: FromPath[int]) -> Html:
    await members.revoke_invitation(caller, invitation_id)
    flash(request, _("Invitation withdrawn."), "success")
    return redirect(request, "/company/users")


@get("/company/users/{membership_id:int}", guards=[requires(Permission.USERS_MANAGE)])
async def edit_user(request: Request[Any, Any, Any], caller: Caller, membership_id: FromPath[int]) -> Html:
    member = await members.get_member(caller, membership_id)
    return page(
        request,
        "accounts/member.html",
        block="form",
        member=member,
        errors={},
        assignable_roles=roles_for_company_kind(caller.company_kind),
        values={
            "roles": list(member.roles),
            "order_limit": member.order_limit or "",
            "monthly_limit": member.monthly_limit or "",
        },
    )


@post("/company/users/{membership_id:int}", guards=[requires(Permission.USERS_MANAGE)])
async def update_user(request: Request[Any, Any, Any], caller: Caller, membership_id: FromPath[int]) -> Html:
    form = await FormData.of(request)
    member = await members.get_member(caller, membership_id)
    try:
        terms = members.parse_member_terms(
            caller.company_kind, form.getall("roles"), form.get("order_limit"), form.get("monthly_limit")
        )
        await members.update_member(caller, membership_id, terms)
    except Invalid as error:
        return page(
            request,
            "accounts/member.html",
            block="form",
            status_code=422,
            member=member,
            errors=error.errors,
            assignable_roles=roles_for_company_kind(caller.company_kind),
            values={**form.as_dict(), "roles": form.getall("roles")},
        )
    flash(request, _("Changes to %(name)s saved.") % {"name": member.name}, "success")
    return redirect(request, "/company/users")


@post("/company/users/{membership_id:int}/deactivate", guards=[requires(Permission.USERS_MANAGE)])
async def deactivate_user(request: Request[Any, Any, Any], caller: Caller, membership_id: FromPath[int]) -> Html:
    member = await members.set_member_active(caller, membership_id, active=False)
    flash(request, _("%(name)s can no longer log in to this company.") % {"name": member.name}, "success")
    return redirect(request, "/company/users")


@post("/company/users/{membership_id:int}/activate", guards=[requires(Permission.USERS_MANAGE)])
async def activate_user(request: Request[Any, Any, Any], caller: Caller, membership_id: FromPath[int]) -> Html:
    member = await members.set_member_active(caller, membership_id, active=True)
    flash(request, _("%(name)s is active again.") % {"name": member.name}, "success")
    return redirect(request, "/company/users")


@get("/company/audit", guards=[requires(Permission.AUDIT_READ)])
async def audit_log(request: Request[Any, Any, Any], caller: Caller, before: FromQuery[int | None] = None) -> Html:
    entries, has_older = await audit.company_audit_log(caller, before_id=before)
    return page(request, "accounts/audit.html", block="entries", entries=entries, has_older=has_older)


router = Router(
    path="/",
    route_handlers=[
        login_form,
        login_submit,
        logout,
        choose_company_form,
        choose_company,
        switch_locale,
        forgot_password_form,
        forgot_password,
        reset_password_form,
        reset_password,
        invitation_form,
        accept_invitation,
        company_profile,
        save_order_email,
        list_users,
        invite_user,
        revoke_invitation,
        edit_user,
        update_user,
        deactivate_user,
        activate_user,
        audit_log,
        *sso_handlers,
    ],
)
