"""The job that sends one rendered message, so mail can leave through the queue and be tried
again while the SMTP server is away: `await enqueue(send_mail, mail=outgoing_mail)`."""

from __future__ import annotations

from collections.abc import Mapping

from portal.jobs.registry import JobContext, job
from portal.mail import OutgoingMail


@job
async def send_mail(ctx: JobContext, *, mail: Mapping[str, str]) -> None:
    """`mail` is an OutgoingMail, arriving as the dict it travels as."""
    await ctx["postbox"].mailer.send(OutgoingMail(**mail))
