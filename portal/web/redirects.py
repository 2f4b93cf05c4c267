"""Where the portal sends the browser next: only to a path on this site, encoded once, the same in
`Location` and `HX-Redirect`. htmx sets `window.location` from `HX-Redirect` as it is, and a
browser reads `/\\evil.example` (or `/<tab>/evil.example`, whose tab it drops) as
`//evil.example`, another site; so a target taken from input is checked, not trusted."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from litestar import Request, Response
from litestar.utils import url_quote


def _is_same_site_path(target: str) -> bool:
    if not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def same_site_path(target: str, fallback: str = "/") -> str:
    """`target` when it is a path on this site (one leading `/`, no scheme, host, backslash or
    control character, also once percent-decoded), else `fallback`, the home page by default."""
    if _is_same_site_path(target) and _is_same_site_path(unquote(target)):
        return target
    return fallback


def redirect(request: Request[Any, Any, Any], target: str) -> Response[Any]:
    """After a successful POST: 303 for a plain form, HX-Redirect for htmx; to `target` if it is a
    path on this site, else home."""
    return _redirect(request, url_quote(same_site_path(target)))


def redirect_off_site(request: Request[Any, Any, Any], url: str) -> Response[Any]:
    """To a URL the portal built itself for another site (a company's sign-in provider), never one
    taken from input."""
    return _redirect(request, url_quote(url))


def _redirect(request: Request[Any, Any, Any], location: str) -> Response[Any]:
    if request.headers.get("hx-request") == "true":
        return Response(content=None, status_code=204, headers={"HX-Redirect": location})
    return Response(content=None, status_code=303, headers={"Location": location})
