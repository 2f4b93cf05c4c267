"""Stand-ins for the network around the outgoing guard: a resolver answering from a dictionary, a
"public internet" of canned https sites reached through the guard's dialer, and a real listener
on 127.0.0.1 that records every connection, which proves a refused call reached nothing."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore

# A public address the fake internet answers for (nothing really goes there).
PUBLIC = "93.184.215.14"


class DictResolver:
    """Addresses from a dictionary; a list of lists answers each lookup with the next one (a
    name that changes its answer between two lookups, as in DNS rebinding)."""

    def __init__(self, answers: dict[str, list[str] | list[list[str]]]) -> None:
        self.answers = answers
        self.lookups: list[str] = []

    async def addresses(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        answer = self.answers.get(host, [])
        if answer and isinstance(answer[0], list):
            sequence: list[list[str]] = answer
            return sequence.pop(0) if len(sequence) > 1 else sequence[0]
        return list(answer)  # type: ignore[arg-type]


class _CannedStream(httpcore.AsyncNetworkStream):
    """One HTTP/1.1 exchange with a canned site; TLS is taken as done (the guard's part is the
    address, which is what these tests are about)."""

    def __init__(self, site: dict[str, Any], requests: list[str]) -> None:
        self._site = site
        self._requests = requests
        self._received = b""
        self._answer: bytes | None = None

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        self._received += buffer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        if self._answer is None:
            request_line = self._received.split(b"\r\n", 1)[0].decode()
            path = request_line.split(" ")[1]
            self._requests.append(path)
            status, body, *more = self._site.get(path, (404, {"error": "not here"}))
            # Bytes are sent as they are (a file); anything else as JSON.
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            extra = "".join(f"{name}: {value}\r\n" for name, value in (more[0] if more else {}).items())
            self._answer = (
                f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
                f"{extra}Connection: close\r\n\r\n"
            ).encode() + payload
        chunk, self._answer = self._answer[:max_bytes], self._answer[max_bytes:]
        return chunk

    async def aclose(self) -> None:
        return None

    async def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> Any:
        return self

    def get_extra_info(self, info: str) -> Any:
        return None


class FakeInternet(httpcore.AsyncNetworkBackend):
    """The guard's dialer: public addresses listed in `sites` answer with canned JSON per path;
    any other address is dialed for real, so a call the guard let through would really arrive."""

    def __init__(self, sites: dict[str, dict[str, tuple[Any, ...]]] | None = None) -> None:
        self.sites = sites or {}
        self.dialed: list[tuple[str, int]] = []
        self.requests: list[str] = []
        self._real = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.dialed.append((host, port))
        if host in self.sites:
            return _CannedStream(self.sites[host], self.requests)
        return await self._real.connect_tcp(host, port, timeout=timeout)

    async def sleep(self, seconds: float) -> None:
        await self._real.sleep(seconds)


class RecordingListener:
    """A TCP server on 127.0.0.1 that counts connections and answers each with a small JSON."""

    def __init__(self) -> None:
        self.connections = 0
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen()
        self.port = int(self._socket.getsockname()[1])
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                peer, _address = self._socket.accept()
            except OSError:
                return
            self.connections += 1
            with peer:
                peer.recv(65536)
                body = b'{"secret": "internal"}'
                peer.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                    b"Connection: close\r\n\r\n%s" % (len(body), body)
                )

    @contextmanager
    def running(self) -> Iterator[RecordingListener]:
        self._thread.start()
        try:
            yield self
        finally:
            # shutdown wakes the accept() waiting in the thread; close alone may not.
            self._socket.shutdown(socket.SHUT_RDWR)
            self._socket.close()
            self._thread.join()
