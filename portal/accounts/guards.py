"""Guards that handlers and controllers declare: a chosen company and named permissions."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from portal.accounts.roles import Permission
from portal.accounts.scope import Scope
from portal.errors import NotAllowed
from portal.i18n import gettext as _


class CompanyNotChosen(Exception):
    """The user belongs to several companies and has not picked one yet."""


def requires(*permissions: Permission) -> Guard:
    def guard(connection: ASGIConnection[Any, Any, Any, Any], route_handler: BaseRouteHandler) -> None:
        caller: Scope = connection.user
        if not caller.has_company:
            raise CompanyNotChosen
        missing = [p for p in permissions if not caller.can(p)]
        if missing:
            raise NotAllowed(_("You do not have permission for this page."))

    return guard


def current_caller(request: Request[Scope, Any, Any]) -> Scope:
    """The `caller` dependency: the Scope the session auth put on the request."""
    return request.user


Caller = NamedDependency[Scope]
