"""The audit log: who, acting as whom, did what to which object, when, from where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal.accounts.roles import Permission
from portal.accounts.scope import Scope
from portal.accounts.tables import AuditEntry
from portal.errors import NotAllowed
from portal.i18n import gettext as _

PAGE_SIZE = 50


async def record(
    action: str,
    *,
    caller: Scope | None = None,
    actor_id: int | None = None,
    company_id: int | None = None,
    object_type: str = "",
    object_id: int | str = "",
    details: dict[str, Any] | None = None,
    ip_address: str = "",
) -> None:
    await AuditEntry.insert(
        AuditEntry(
            actor=caller.user_id if caller else actor_id,
            acting_as=caller.acting_as_user_id if caller else None,
            company=caller.company_id if caller and company_id is None else company_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            details=details or {},
            ip_address=caller.ip_address if caller else ip_address,
        )
    )


@dataclass(frozen=True)
class AuditRow:
    id: int
    created_at: datetime
    actor_name: str
    actor_email: str
    action: str
    object_type: str
    object_id: str
    details: dict[str, Any]
    ip_address: str


async def company_audit_log(caller: Scope, before_id: int | None = None) -> tuple[list[AuditRow], bool]:
    """Newest first, one page, and whether an older page exists (fetching one row more)."""
    if not caller.can(Permission.AUDIT_READ):
        raise NotAllowed(_("You may not read the audit log."))
    query = (
        AuditEntry.select(
            AuditEntry.id,
            AuditEntry.created_at,
            AuditEntry.actor.name.as_alias("actor_name"),
            AuditEntry.actor.email.as_alias("actor_email"),
            AuditEntry.action,
            AuditEntry.object_type,
            AuditEntry.object_id,
            AuditEntry.details,
            AuditEntry.ip_address,
        )
        .where(AuditEntry.company == caller.company_id)
        .order_by(AuditEntry.id, ascending=False)
        .limit(PAGE_SIZE + 1)
        .output(load_json=True)
    )
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    rows = await query
    return [
        AuditRow(**{**row, "actor_name": row["actor_name"] or "", "actor_email": row["actor_email"] or ""})
        for row in rows[:PAGE_SIZE]
    ], len(rows) > PAGE_SIZE
