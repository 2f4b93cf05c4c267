"""A company's value levels, set by its administrator: above each, one more approver."""

from __future__ import annotations

from decimal import Decimal

from portal.accounts import audit
from portal.accounts.members import parse_amount
from portal.accounts.roles import Permission
from portal.accounts.scope import Scope
from portal.approvals.tables import ApprovalLevel
from portal.database import write_transaction
from portal.errors import Invalid, NotAllowed
from portal.i18n import gettext as _

MAX_LEVELS = 5


def _require_admin(caller: Scope) -> None:
    if not caller.can(Permission.USERS_MANAGE) or caller.company_id is None:
        raise NotAllowed(_("Only your company's administrator sets approval levels."))


async def approval_levels(caller: Scope) -> list[Decimal]:
    _require_admin(caller)
    rows = await ApprovalLevel.select(ApprovalLevel.above_net).where(ApprovalLevel.company == caller.company_id)
    return sorted(Decimal(str(row["above_net"])) for row in rows)


async def set_approval_levels(caller: Scope, amounts: list[str]) -> list[Decimal]:
    """Replace the levels; empty fields are dropped, bad ones reported field by field."""
    _require_admin(caller)
    errors: dict[str, str] = {}
    levels: set[Decimal] = set()
    for index, raw in enumerate(amounts[:MAX_LEVELS]):
        amount = parse_amount(raw, f"level_{index}", errors)
        if amount is not None and amount <= 0:
            errors[f"level_{index}"] = _("A level must be above zero.")
        elif amount is not None:
            levels.add(amount)
    if errors:
        raise Invalid(errors)
    async with write_transaction(ApprovalLevel._meta.db):
        await ApprovalLevel.delete().where(ApprovalLevel.company == caller.company_id)
        if levels:
            await ApprovalLevel.insert(*(ApprovalLevel(company=caller.company_id, above_net=level) for level in levels))
        await audit.record(
            "approval_levels.changed",
            caller=caller,
            company_id=caller.company_id,
            details={"levels": [str(level) for level in sorted(levels)]},
        )
    return sorted(levels)
