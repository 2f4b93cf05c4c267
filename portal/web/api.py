"""What the JSON API's routes share: RFC 9457 problem documents, and a request body read as one
JSON object or refused with a problem (never an HTML page, never a 500)."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import SerializationException
from litestar.serialization import decode_json

from portal.i18n import gettext as _

API_PREFIX = "/api/"
PROBLEM_MEDIA_TYPE = "application/problem+json"
# A lone surrogate ("\ud800" in JSON) decodes to a str that no database driver can encode, and
# PostgreSQL stores no NUL ("\u0000") in text.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class MalformedBody(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def is_api(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith(API_PREFIX)


def problem(
    status: int,
    title: str,
    detail: str,
    errors: dict[str, str] | list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response[Any]:
    """An RFC 9457 problem document; the integration API's `errors` are a list of
    `{"pointer": <RFC 6901 JSON pointer to the field>, "detail": …}`, and `extra` its own members."""
    content: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        content["errors"] = errors
    content.update(extra or {})
    return Response(content, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


class Problem(Exception):
    """Raised anywhere under a JSON API route, answered as its problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.extra = extra

    def response(self) -> Response[Any]:
        return problem(self.status, self.title, self.detail, self.errors, self.headers, self.extra)


def _has_unstorable(value: Any) -> bool:
    if isinstance(value, str):
        return bool(_UNSTORABLE.search(value))
    if isinstance(value, dict):
        return any(_has_unstorable(key) or _has_unstorable(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_unstorable(item) for item in value)
    return False


async def json_object(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The body as a JSON object; MalformedBody with a reason for anything else."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise MalformedBody(_("Send the body as application/json."))
    try:
        body = decode_json(await request.body())
    except SerializationException:
        raise MalformedBody(_("The body is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise MalformedBody(_("Send one event as a JSON object."))
    if _has_unstorable(body):
        raise MalformedBody(_("The body holds text that cannot be stored (a NUL character or a lone surrogate)."))
    return body
