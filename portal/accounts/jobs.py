"""Jobs of the accounts capability: the mails of invitations written inside a larger transaction
(the ERP's administrators), sent once that transaction has committed."""

from __future__ import annotations

from portal.accounts.members import invitation_mails_due
from portal.accounts.tokens import LinkSigner
from portal.jobs import JobContext, deliver_or_queue, job


# Every half minute: a committed invitation is never later than that, and one rolled back never
# existed for the job to find. Found in the database, so a restart loses none.
@job(cron="* * * * * */30")
async def send_due_invitations(ctx: JobContext) -> int:
    settings = ctx["settings"]
    signer = LinkSigner(settings.resolved_secret_key(), settings.token_max_age_seconds)
    mails = await invitation_mails_due(signer, ctx["postbox"], inviter=settings.seller_name)
    await deliver_or_queue(ctx["postbox"], mails)
    return len(mails)
