"""A real HTTP receiver on 127.0.0.1 for webhook tests: it records every request and answers with
the statuses a test queues for a path (200 when none is queued). Like an ERP, it takes each event
once: the first request of a `webhook-id` it answers 2xx is taken, a later one is a duplicate,
counted and dropped. A test can send it away (it answers 503) and hold its answers (a request is
taken, then its answer waits), to be killed in the middle of a delivery."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The longest a held answer waits for the test to let it go (a test that failed does not hold
# the server's threads forever).
HOLD_MAX_SECONDS = 30.0


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    # When it arrived (time.monotonic()), for latency figures.
    at: float = 0.0


@dataclass
class Receiver:
    port: int = 0
    received: list[Received] = field(default_factory=list)
    statuses: dict[str, list[int]] = field(default_factory=dict)
    # The requests taken, once each, in the order they arrived.
    taken: list[Received] = field(default_factory=list)
    duplicates: int = 0
    away: bool = False
    # Requests taken whose answer is being held.
    holding: int = 0
    released: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.released.set()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, path_or_id: str, *statuses: int) -> None:
        """The next answers to requests for a path, or carrying a `webhook-id`."""
        self.statuses.setdefault(path_or_id, []).extend(statuses)

    def ids(self, path: str = "/hook") -> list[str]:
        return [request.headers["webhook-id"] for request in self.received if request.path == path]

    def hold_answers(self) -> None:
        self.released.clear()

    def release_answers(self) -> None:
        self.released.set()


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    lock = threading.Lock()
    taken_ids: set[tuple[str, str]] = set()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            webhook_id = self.headers.get("webhook-id", "")
            request = Received(
                self.path, {name.lower(): value for name, value in self.headers.items()}, body, time.monotonic()
            )
            with lock:
                receiver.received.append(request)
                # Statuses queued for the event's id come first, then those for the path.
                queued = receiver.statuses.get(webhook_id) or receiver.statuses.get(self.path)
                status = 503 if receiver.away else queued.pop(0) if queued else 200
                held = False
                if 200 <= status < 300:
                    if (self.path, webhook_id) in taken_ids:
                        receiver.duplicates += 1
                    else:
                        taken_ids.add((self.path, webhook_id))
                        receiver.taken.append(request)
                        held = not receiver.released.is_set()
                        receiver.holding += held
            if held:
                receiver.released.wait(HOLD_MAX_SECONDS)
                with lock:
                    receiver.holding -= 1
            answer = f"status {status}\n<b>answer</b>\x00".encode()
            try:
                self.send_response(status)
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except ConnectionError:
                # The sender died waiting (a test killed it): the event was taken all the same.
                return

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release_answers()
        server.shutdown()
        server.server_close()
