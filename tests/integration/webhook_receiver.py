"""A real HTTP receiver on 127.0.0.1 for webhook tests: it records every request and answers with
the statuses a test queues for a path (200 when none is queued)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    port: int = 0
    received: list[Received] = field(default_factory=list)
    statuses: dict[str, list[int]] = field(default_factory=dict)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, path_or_id: str, *statuses: int) -> None:
        """The next answers to requests for a path, or carrying a `webhook-id`."""
        self.statuses.setdefault(path_or_id, []).extend(statuses)

    def ids(self, path: str = "/hook") -> list[str]:
        return [request.headers["webhook-id"] for request in self.received if request.path == path]


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            with lock:
                receiver.received.append(
                    Received(self.path, {name.lower(): value for name, value in self.headers.items()}, body)
                )
                # Statuses queued for the event's id come first, then those for the path.
                queued = receiver.statuses.get(self.headers.get("webhook-id", "")) or receiver.statuses.get(self.path)
                status = queued.pop(0) if queued else 200
            answer = f"status {status}\n<b>answer</b>\x00".encode()
            self.send_response(status)
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
