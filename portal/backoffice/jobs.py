"""Jobs of the back office: the mails telling it of new orders, complaints and customers'
messages, sent once the transaction that wrote each notification has committed."""

from __future__ import annotations

from portal.backoffice.inbox import notification_mails_due
from portal.jobs import JobContext, deliver_or_queue, job


# Every half minute, from the database: a committed notification is mailed within that, one
# rolled back never existed for the job to find, and a restart loses none.
@job(cron="* * * * * */30")
async def mail_back_office_notices(ctx: JobContext) -> int:
    mails = await notification_mails_due(ctx["settings"], ctx["postbox"])
    await deliver_or_queue(ctx["postbox"], mails)
    return len(mails)
