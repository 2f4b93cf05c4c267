"""Mail backends: SMTP in production and tests, files plus the log in the demo."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

from portal.config import Settings
from portal.mail.messages import OutgoingMail

log = logging.getLogger("portal.mail")


class Mailer(Protocol):
    async def send(self, mail: OutgoingMail) -> None: ...


def build_message(mail: OutgoingMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].rstrip(">"))
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


class SmtpMailer:
    def __init__(self, url: str, sender: str) -> None:
        parts = urlsplit(url)
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self._username = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._use_tls = parts.scheme == "smtps"
        self._sender = sender

    async def send(self, mail: OutgoingMail) -> None:
        try:
            await aiosmtplib.send(
                build_message(mail, self._sender),
                hostname=self._host,
                port=self._port,
                username=self._username,
                password=self._password,
                use_tls=self._use_tls,
                start_tls=None if not self._use_tls else False,
                timeout=30,
            )
        except aiosmtplib.SMTPException:
            # The request already answered; the person sees "sent" and the operator sees this.
            log.exception("sending mail to %s failed", mail.to)
            raise


class FileMailer:
    def __init__(self, folder: Path, sender: str) -> None:
        self._folder = folder
        self._sender = sender

    async def send(self, mail: OutgoingMail) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self._folder / f"{stamp}-{mail.to.replace('@', '_at_')}.eml"
        path.write_bytes(bytes(build_message(mail, self._sender)))
        log.warning("mail to %s: %s\n%s\n(saved as %s)", mail.to, mail.subject, mail.text, path)


def mailer_for(settings: Settings) -> Mailer:
    if settings.smtp_url:
        return SmtpMailer(settings.smtp_url, settings.smtp_from)
    return FileMailer(settings.var_dir / "mail", settings.smtp_from)
