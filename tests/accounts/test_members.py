"""Domain rules of company members, tested without HTTP."""

import pytest

from portal.accounts.members import MemberTerms, update_member
from portal.accounts.roles import Role
from portal.accounts.tables import Membership
from portal.errors import NotFound
from tests.factories import make_company, make_person


async def test_an_admin_of_one_company_cannot_edit_a_member_of_another(db: None) -> None:
    mine = await make_company()
    other = await make_company()
    admin = await make_person(mine, Role.COMPANY_ADMIN)
    stranger = await make_person(other, Role.BUYER)

    with pytest.raises(NotFound):
        await update_member(
            await admin.scope(),
            stranger.membership_id,
            MemberTerms(roles=(Role.COMPANY_ADMIN,), order_limit=None, monthly_limit=None),
        )
    assert (await Membership.select(Membership.roles).where(Membership.id == stranger.membership_id).first()) == {
        "roles": ["buyer"]
    }
