"""Composes messages with absolute links and sends them after the response is out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jinja2 import Environment

from portal.mail.delivery import Mailer
from portal.mail.messages import OutgoingMail, render_mail


class Postbox:
    def __init__(self, env: Environment, mailer: Mailer, base_url: str) -> None:
        self._env = env
        self.mailer = mailer
        self.base_url = base_url

    def link(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def compose(self, template: str, to: str, locale: str, **context: Any) -> OutgoingMail:
        return render_mail(self._env, template, to, locale, **context)

    async def send_all(self, mails: Sequence[OutgoingMail]) -> None:
        for mail in mails:
            await self.mailer.send(mail)
