"""Who calls the integration API: an API key's integration and its scopes, or a problem."""

from __future__ import annotations

from typing import Any

from litestar import Request

from portal.errors import TooManyAttempts
from portal.i18n import gettext as _
from portal.integration.api_keys import ApiClient, ApiKeyLimiter
from portal.integration.scopes import Scope
from portal.web.api import Problem


async def authorised_client(
    request: Request[Any, Any, Any], limiter: ApiKeyLimiter, scope: Scope | None = None
) -> ApiClient:
    """The calling integration when its key is active and carries `scope` (None: any active
    key, to be asked again once the scope is known); Problem 401, 403 or 429."""
    address = request.client.host if request.client else ""
    try:
        client = await limiter.client_for(request.headers.get("authorization", ""), address)
    except TooManyAttempts as error:
        raise Problem(
            429,
            _("Too many calls with a wrong key."),
            error.message,
            headers={"Retry-After": str(error.retry_after_seconds)},
        ) from error
    if client is None:
        raise Problem(
            401,
            _("Unknown API key."),
            _("Send `Authorization: Bearer <key>` with an active key."),
            headers={"WWW-Authenticate": "Bearer"},
        )
    if scope is not None and scope not in client.scopes:
        raise Problem(
            403,
            _("The key lacks a scope."),
            _("This call needs a key with the scope {scope}.").format(scope=scope.value),
        )
    return client
