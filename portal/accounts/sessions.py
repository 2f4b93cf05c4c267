"""Server-side sessions (Valkey or memory) that get a new id at login, and the session auth
that turns a session into the caller's Scope on every request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.security.session_auth import SessionAuth
from litestar.types import Message, ScopeSession

from portal.accounts.login import load_cached_scope
from portal.accounts.scope import Scope
from portal.accounts.session_ends import STARTED_AT, session_is_current, session_started_at
from portal.config import Settings

_ROTATE = "portal_rotate_session"
# A session started by a company's single sign-on acts for that company only: its provider
# vouches for nobody's other memberships.
COMPANY_LOCK = "company_lock"

# Pages a visitor reaches without logging in.
PUBLIC_PATHS = [
    "^/login",
    "^/logout",
    "^/static/",
    "^/password/",
    "^/invitations/",
    "^/approvals/",
    "^/locale",
    # The identity provider sends people back here before they have a session.
    "^/sso/",
    "^/health",
    # The JSON API authenticates each call by its integration's key.
    "^/api/",
]


class RotatingSessionBackend(ServerSideSessionBackend):
    """Issues a fresh session id when asked (at login), deleting the old one, so an id
    planted before login is worthless after it (session fixation)."""

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        state = connection.scope["state"]
        if state.get(_ROTATE):
            if "portal_new_session_id" not in state:
                state["portal_new_session_id"] = self.generate_session_id()
            return str(state["portal_new_session_id"])
        return super().get_session_id(connection)

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        old_id = connection.cookies.get(self.config.key)
        if connection.scope["state"].get(_ROTATE) and old_id:
            await self.delete(old_id, store=self.config.get_store_from_app(connection.scope["app"]))
        await super().store_in_message(scope_session, message, connection)


@dataclass
class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


def start_session(
    request: Request[Any, Any, Any], user_id: int, company_id: int | None, *, only_this_company: bool = False
) -> None:
    locale = request.session.get("locale") if request.session else None
    request.scope["state"][_ROTATE] = True
    values: dict[str, Any] = {"user_id": user_id, "company_id": company_id, STARTED_AT: session_started_at()}
    if locale:
        values["locale"] = locale
    if only_this_company and company_id is not None:
        values[COMPANY_LOCK] = company_id
    request.set_session(values)


def company_lock(request: Request[Any, Any, Any]) -> int | None:
    """The one company this session may act for, when single sign-on started it."""
    lock = request.session.get(COMPANY_LOCK) if request.session else None
    return lock if isinstance(lock, int) else None


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    return connection.client.host if connection.client else ""


async def retrieve_caller(session: dict[str, Any], connection: ASGIConnection[Any, Any, Any, Any]) -> Scope | None:
    user_id = session.get("user_id")
    # Past its lifetime, or ended with all the person's sessions (reset, deactivation).
    if not isinstance(user_id, int) or not await session_is_current(session):
        return None
    lock = session.get(COMPANY_LOCK)
    if isinstance(lock, int):
        return await load_cached_scope(user_id, lock, client_address(connection), only_company=True)
    return await load_cached_scope(user_id, session.get("company_id"), client_address(connection))


def session_auth(settings: Settings) -> SessionAuth[Scope, RotatingSessionBackend]:
    return SessionAuth[Scope, RotatingSessionBackend](
        retrieve_user_handler=retrieve_caller,
        session_backend_config=RotatingSessionConfig(  # type: ignore[arg-type]
            store="sessions",
            key="portal_session",
            # The idle limit: each request renews it; the absolute one is in session_ends.
            max_age=settings.session_idle_seconds,
            httponly=True,
            samesite="lax",
            secure=settings.secure_cookies,
            renew_on_access=True,
        ),
        exclude=PUBLIC_PATHS,
    )
