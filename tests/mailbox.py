"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for tests."""

from __future__ import annotations

import email
import re
import socket
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller


class _Collector:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    def __init__(self) -> None:
        self._collector = _Collector()
        self.port = free_port()
        self._controller = Controller(self._collector, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> Mailbox:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def clear(self) -> None:
        self._collector.messages.clear()

    @property
    def messages(self) -> list[EmailMessage]:
        return self._collector.messages

    def last_to(self, address: str) -> EmailMessage:
        for message in reversed(self.messages):
            if message["To"] == address:
                return message
        raise AssertionError(f"no message to {address}; got {[m['To'] for m in self.messages]}")

    @staticmethod
    def text_of(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())

    def link_in(self, message: EmailMessage, base_url: str) -> str:
        """The path of the first link to the portal in the message's text."""
        found = re.search(re.escape(base_url) + r"(/\S+)", self.text_of(message))
        assert found, self.text_of(message)
        return found.group(1)
