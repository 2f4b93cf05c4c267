"""How much a request may send, by the kind of route it goes to: ordinary forms little, a quick
order paste or list more, uploads most, the JSON API one small document. Larger bodies are
refused with 413 before the handler reads them (by Content-Length) or as soon as the streamed
bytes pass the limit (chunked bodies), so nobody can make the server parse megabytes of text."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

from portal.config import Settings


class BodyKind(StrEnum):
    FORM = "form"
    PASTE = "paste"
    UPLOAD = "upload"
    API = "api"
    BATCH = "batch"
    IMPORT = "import"


# A handler says its kind in its `opt`; one without says nothing and is an ordinary form.
OPT_KEY = "body_kind"


def body_kind(kind: BodyKind) -> dict[str, Any]:
    """For a route handler's `opt=`."""
    return {OPT_KEY: kind}


def body_limit(settings: Settings, kind: BodyKind) -> int:
    return {
        BodyKind.FORM: settings.form_max_bytes,
        BodyKind.PASTE: settings.paste_max_bytes,
        # A complaint carries several photos; each file is checked against the limit on its own.
        BodyKind.UPLOAD: settings.upload_max_bytes * settings.upload_max_files,
        BodyKind.API: settings.api_max_bytes,
        BodyKind.BATCH: settings.api_batch_max_bytes,
        BodyKind.IMPORT: settings.import_max_bytes,
    }[kind]


def largest_body(settings: Settings) -> int:
    return max(body_limit(settings, kind) for kind in BodyKind)


class BodyTooLarge(HTTPException):
    status_code = 413

    def __init__(self, limit: int) -> None:
        super().__init__(detail="Request body too large", extra={"limit": limit})
        self.limit = limit


def body_limits(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        handler = scope.get("route_handler")
        kind = BodyKind(handler.opt.get(OPT_KEY, BodyKind.FORM)) if handler is not None else BodyKind.FORM
        limit = body_limit(scope["litestar_app"].state["settings"], kind)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            raise BodyTooLarge(limit)
        received = 0

        async def counted_receive() -> ReceiveMessage:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await app(scope, counted_receive, send)

    return middleware
