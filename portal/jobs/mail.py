"""The job that sends one rendered message, so mail can leave through the queue and be tried
again while the SMTP server is away: `await enqueue(send_mail, mail=outgoing_mail)`."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

import aiosmtplib
from litestar.background_tasks import BackgroundTask

from portal.jobs.queue import enqueue
from portal.jobs.registry import JobContext, job
from portal.mail import OutgoingMail, Postbox

log = logging.getLogger(__name__)


@job
async def send_mail(ctx: JobContext, *, mail: Mapping[str, str]) -> None:
    """`mail` is an OutgoingMail, arriving as the dict it travels as."""
    await ctx["postbox"].mailer.send(OutgoingMail(**mail))


async def deliver_or_queue(postbox: Postbox, mails: Sequence[OutgoingMail]) -> None:
    """Send now; a message the mail server does not take goes on the queue, to be tried again."""
    for mail in mails:
        try:
            await postbox.mailer.send(mail)
        except (OSError, aiosmtplib.SMTPException):
            log.warning("mail to %s queued for another try", mail.to)
            await enqueue(send_mail, mail=asdict(mail))


def send_after_response(response: Any, postbox: Postbox, *mails: OutgoingMail) -> Any:
    """Attach the sending of `mails` to a response, so the person is not kept waiting for SMTP."""
    if mails:
        response.background = BackgroundTask(deliver_or_queue, postbox, list(mails))
    return response
