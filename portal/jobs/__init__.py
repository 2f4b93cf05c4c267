"""Background jobs: emails, reminders, escalations and schedules, run by a worker with retries.

A capability declares a job with `@job` in its own module (listed once in `JOB_MODULES`) and
queues it with `await enqueue(fn, key=…, scheduled_at=…, **arguments)`; handlers get the same
queue as the `jobs` dependency. SAQ on Valkey does the work; without Valkey, the same queue
lives in the process's memory and the web process runs the worker itself."""

from portal.jobs.mail import deliver_or_queue, send_after_response, send_mail
from portal.jobs.queue import JobQueue, JobStatus, enqueue, job_queue, use_job_queue
from portal.jobs.registry import JOB_MODULES, JobContext, JobFunction, job, pump

__all__ = [
    "JOB_MODULES",
    "JobContext",
    "JobFunction",
    "JobQueue",
    "JobStatus",
    "deliver_or_queue",
    "enqueue",
    "job",
    "job_queue",
    "pump",
    "send_after_response",
    "send_mail",
    "use_job_queue",
]
