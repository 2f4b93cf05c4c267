"""Security headers on every response, and no caching of pages that show customer data.

Set in a `before_send` hook, which sees every message the app sends: a middleware would miss the
404 and 405 answers Litestar's router raises before any middleware runs, and the answers of the
exception handlers around it."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


async def add_security_headers(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    # A route's own policy is stricter than the site's (an uploaded file's is a sandbox): it wins.
    if "content-security-policy" not in headers:
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    if not scope["path"].startswith("/static/"):
        headers["Cache-Control"] = "no-store"
