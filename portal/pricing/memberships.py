"""Which customer group a company belongs to, as the seller's ERP says: its group's price lists
and discount rules then reach it (`resolve_prices` reads the memberships on every request, so
nothing cached needs forgetting when one changes)."""

from __future__ import annotations

from portal.pricing.tables import CustomerGroup, CustomerGroupMember


async def customer_group_id(code: str) -> int | None:
    """The group with this ERP code, or None when there is none."""
    row = await CustomerGroup.select(CustomerGroup.id).where(CustomerGroup.code == code).first()
    return None if row is None else int(row["id"])


async def place_in_group(company_id: int, group_id: int | None) -> bool:
    """The company belongs to this one group, or to none; answers whether that changed."""
    current = set(
        await CustomerGroupMember.select(CustomerGroupMember.group)
        .where(CustomerGroupMember.company == company_id)
        .output(as_list=True)
    )
    wanted = set() if group_id is None else {group_id}
    if current == wanted:
        return False
    await CustomerGroupMember.delete().where(CustomerGroupMember.company == company_id)
    if group_id is not None:
        await CustomerGroupMember.insert(CustomerGroupMember(group=group_id, company=company_id))
    return True
