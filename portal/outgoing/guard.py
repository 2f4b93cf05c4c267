"""The guard every outgoing HTTP call of the portal goes through (identity providers today,
webhooks and lookups later): the URL must be https, the host's addresses are resolved once and
must all be public, and the connection goes to the address that was checked while TLS and the
Host header keep the name, so a DNS answer that changes between the check and the connection
(rebinding) reaches nothing. No redirects, bounded time and size, no proxy from the environment."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import anyio
import httpcore
import httpx

from portal.config import Settings
from portal.errors import DomainError
from portal.i18n import gettext as _

TIMEOUT_SECONDS = 5.0
MAX_RESPONSE_BYTES = 1024 * 1024
_LOOPBACK_NAMES = {"localhost"}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutgoingRefused(DomainError):
    """A call the guard would not make; the message names the rule it breaks and never carries
    what another host answered."""


class ResponseTooLarge(OutgoingRefused):
    """An answer past the size an outgoing call accepts."""


class Resolver(Protocol):
    """A host name's addresses (the system's resolver, or a test's dictionary)."""

    async def addresses(self, host: str, port: int) -> list[str]: ...


class SystemResolver:
    async def addresses(self, host: str, port: int) -> list[str]:
        try:
            answers = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError:
            return []
        return [str(sockaddr[0]) for _family, _type, _proto, _name, sockaddr in answers]


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (mapped, 6to4, Teredo, NAT64), which is where the
    packets really go."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in ipaddress.IPv6Network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: Address) -> bool:
    """Whether the address is on the public internet: not loopback, link-local, private, shared
    (100.64/10), multicast, unspecified or reserved, in either family or an IPv6 disguise."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None and not is_public(inner):
            return False
    return address.is_global and not (
        address.is_multicast
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_reserved
        or address.is_unspecified
    )


def _is_loopback(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


@dataclass(frozen=True)
class Guard:
    """What outgoing calls may reach. `allow_local_http` lets a provider on this machine be
    called over plain http (the demo's and the test suite's own mock provider); nothing else
    private is ever allowed."""

    allow_local_http: bool = False
    resolver: Resolver = field(default_factory=SystemResolver)
    dialer: httpcore.AsyncNetworkBackend = field(default_factory=httpcore.AnyIOBackend)
    timeout_seconds: float = TIMEOUT_SECONDS
    max_response_bytes: int = MAX_RESPONSE_BYTES

    def check_url(self, url: str | httpx.URL) -> httpx.URL:
        """The URL when its form is allowed (scheme, host, no credentials); the address is
        checked when connecting."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError):
            raise OutgoingRefused(_("%(url)s is not a valid web address.") % {"url": str(url)[:200]}) from None
        if not parsed.host or parsed.userinfo:
            raise OutgoingRefused(_("%(url)s is not a valid web address.") % {"url": str(url)[:200]})
        if parsed.scheme == "https":
            return parsed
        if parsed.scheme == "http" and self.allow_local_http and _names_loopback(parsed.host):
            return parsed
        raise OutgoingRefused(_("The portal calls only https addresses, not %(url)s.") % {"url": _origin(parsed)})

    async def checked_address(self, host: str, port: int) -> str:
        """The one address to connect to, after every address the name has was checked."""
        try:
            literal: Address | None = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            literal = None
        found = [literal] if literal else [_parse(a) for a in await self.resolver.addresses(host, port)]
        addresses = [a for a in found if a is not None]
        if not addresses:
            raise OutgoingRefused(_("The name %(host)s cannot be found.") % {"host": host})
        allowed = (lambda a: is_public(a) or _is_loopback(a)) if self.allow_local_http else is_public
        if not all(allowed(a) for a in addresses):
            raise OutgoingRefused(
                _("%(host)s is a local or private network address; the portal calls only public addresses.")
                % {"host": host}
            )
        return str(addresses[0])

    def client(self, **options: Any) -> httpx.AsyncClient:
        """An httpx client whose every request goes through this guard."""
        return httpx.AsyncClient(
            transport=GuardedTransport(self),
            timeout=self.timeout_seconds,
            follow_redirects=False,
            trust_env=False,
            **options,
        )


def _parse(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def _names_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    address = _parse(host.strip("[]"))
    return address is not None and _is_loopback(address)


def _origin(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves and checks the host itself, then dials the checked address: the name is never
    handed to a resolver that could answer differently a second time."""

    def __init__(self, guard: Guard) -> None:
        self._guard = guard

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address = await self._guard.checked_address(host, port)
        return await self._guard.dialer.connect_tcp(
            address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise OutgoingRefused(_("The portal calls only https addresses, not %(url)s.") % {"url": path})

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(seconds)


class _BoundedStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, limit: int) -> None:
        self._inner = inner
        self._limit = limit

    async def __aiter__(self) -> AsyncIterator[bytes]:
        received = 0
        async for chunk in self._inner:
            received += len(chunk)
            if received > self._limit:
                raise ResponseTooLarge(_("The answer was larger than the portal accepts."))
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, guard: Guard) -> None:
        super().__init__(trust_env=False)
        self._guard = guard
        # The pool httpx built is replaced by one that connects through the guard.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=_GuardedBackend(guard),
            max_connections=10,
            keepalive_expiry=5.0,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._guard.check_url(request.url)
        response = await super().handle_async_request(request)
        length = response.headers.get("content-length", "")
        if length.isascii() and length.isdigit() and int(length) > self._guard.max_response_bytes:
            await response.aclose()
            raise ResponseTooLarge(_("The answer was larger than the portal accepts."))
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _BoundedStream(response.stream, self._guard.max_response_bytes)
        return response


def guard_for(settings: Settings) -> Guard:
    """The guard of this deployment: plain http to this machine only where the settings allow it
    (the demo by default), https to public addresses everywhere else."""
    return Guard(allow_local_http=settings.outgoing_allows_local_http)
