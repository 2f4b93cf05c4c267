"""Rendering a message from its text and HTML templates in the recipient's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment

from portal.i18n import use_locale


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    text: str
    html: str


def render_mail(env: Environment, template: str, to: str, locale: str, **context: Any) -> OutgoingMail:
    """`templates/mail/<template>.txt` and `.html`; the subject is the text template's first line."""
    with use_locale(locale):
        text = env.get_template(f"mail/{template}.txt").render(**context)
        html = env.get_template(f"mail/{template}.html").render(**context)
    subject, _, body = text.partition("\n")
    return OutgoingMail(to=to, subject=subject.strip(), text=body.lstrip("\n"), html=html)
