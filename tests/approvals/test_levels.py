"""The company administrator sets value levels; bad amounts are shown and change nothing."""

from __future__ import annotations

from decimal import Decimal

import httpx

from portal.accounts.roles import Role
from portal.approvals.tables import ApprovalLevel
from tests.factories import log_in, make_company, make_person, post_form


async def test_an_admin_sets_levels_and_bad_amounts_change_nothing(client: httpx.AsyncClient) -> None:
    company = await make_company()
    admin = await make_person(company, Role.COMPANY_ADMIN)
    await log_in(client, admin.email)

    saved = await post_form(
        client, "/company/approval-levels", {"level": ["20 000,00", "", "50000"]}, token_from="/company/approval-levels"
    )
    assert saved.status_code == 303
    levels = sorted(Decimal(str(r["above_net"])) for r in await ApprovalLevel.select(ApprovalLevel.above_net))
    assert levels == [Decimal("20000.00"), Decimal("50000.00")]

    refused = await post_form(
        client, "/company/approval-levels", {"level": ["abc", "-5"]}, token_from="/company/approval-levels"
    )
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    assert await ApprovalLevel.count() == 2


async def test_a_buyer_cannot_set_levels(client: httpx.AsyncClient) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await log_in(client, buyer.email)
    assert (await client.get("/company/approval-levels")).status_code == 403
