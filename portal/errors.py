"""The few domain errors every capability raises; `portal.web.errors` maps them to pages."""

from __future__ import annotations


class DomainError(Exception):
    """Base of errors a person can be shown."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """Absent, or belongs to another company: both answer 404 so ids leak nothing."""


class NotAllowed(DomainError):
    """The caller may not do this."""


class Invalid(DomainError):
    """Input that breaks a rule; `errors` maps a field name to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class Conflict(DomainError):
    """The change collides with the current state (e.g. the last administrator)."""


class TooManyAttempts(DomainError):
    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
