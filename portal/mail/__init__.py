"""Email: messages rendered per locale from `templates/mail/`, sent over SMTP or, in the demo,
written to the log and to files under var/mail/. Sending happens outside the request."""

from portal.mail.delivery import FileMailer, Mailer, SmtpMailer, mailer_for
from portal.mail.messages import OutgoingMail, render_mail
from portal.mail.postbox import Postbox

__all__ = [
    "FileMailer",
    "Mailer",
    "OutgoingMail",
    "Postbox",
    "SmtpMailer",
    "mailer_for",
    "render_mail",
    "send_after_response",
]
