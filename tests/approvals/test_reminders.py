"""An approval that waits is sent again to its approvers, and later to the administrators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from portal.accounts.roles import Role
from portal.accounts.tokens import LinkSigner
from portal.approvals.reminders import remind_and_escalate
from portal.approvals.requests import request_first_approval
from portal.approvals.tables import ApprovalLink, ApprovalStep
from portal.jobs import JOB_MODULES
from portal.mail import Postbox
from portal.ordering.tables import Order, OrderStatus
from portal.web.templating import build_environment
from tests.factories import make_company, make_person

pytestmark = pytest.mark.usefixtures("db")
REMIND, ESCALATE = timedelta(hours=24), timedelta(hours=48)


class _Nowhere:
    async def send(self, mail: object) -> None:  # the test reads the composed mails instead
        raise AssertionError("not sent here")


async def _waiting_order(settings) -> tuple[int, LinkSigner, Postbox]:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await make_person(company, Role.APPROVER, email="slow.approver@example.com")
    await make_person(company, Role.COMPANY_ADMIN, email="the.admin@example.com")
    rows = await Order.insert(
        Order(
            number="ZAM/2026/T1",
            company=company,
            placed_by=buyer.user_id,
            status=OrderStatus.AWAITING_APPROVAL,
            delivery_street="ul. Testowa 1",
            delivery_postal_code="00-001",
            delivery_city="Warszawa",
            payment_method="transfer",
            net_total=Decimal("100.00"),
            vat_total=Decimal("23.00"),
            gross_total=Decimal("123.00"),
            submission_key="reminder-test-key-0001",
        )
    ).returning(Order.id)
    signer = LinkSigner(settings.resolved_secret_key(), 3600)
    postbox = Postbox(build_environment(auto_reload=False), _Nowhere(), "http://testserver")
    await request_first_approval(rows[0]["id"], 1, signer, postbox)
    return rows[0]["id"], signer, postbox


async def test_nothing_happens_before_the_reminder_time(settings) -> None:
    _, signer, postbox = await _waiting_order(settings)
    assert await remind_and_escalate(datetime.now(UTC), REMIND, ESCALATE, signer, postbox) == []


async def test_approvers_are_reminded_once_then_admins_are_told_once(settings) -> None:
    _, signer, postbox = await _waiting_order(settings)
    now = datetime.now(UTC)

    reminded = await remind_and_escalate(now + timedelta(hours=25), REMIND, ESCALATE, signer, postbox)
    assert [(m.to, "Reminder" in m.subject) for m in reminded] == [("slow.approver@example.com", True)]
    assert await ApprovalLink.count() == 2  # a fresh link with the reminder
    assert await remind_and_escalate(now + timedelta(hours=26), REMIND, ESCALATE, signer, postbox) == []

    escalated = await remind_and_escalate(now + timedelta(hours=49), REMIND, ESCALATE, signer, postbox)
    assert [m.to for m in escalated] == ["the.admin@example.com"]
    assert await remind_and_escalate(now + timedelta(hours=50), REMIND, ESCALATE, signer, postbox) == []
    assert (await ApprovalStep.select(ApprovalStep.escalated_at))[0]["escalated_at"] is not None


async def test_a_decided_order_is_not_reminded(settings) -> None:
    order_id, signer, postbox = await _waiting_order(settings)
    await Order.update({Order.status: OrderStatus.CANCELLED}).where(Order.id == order_id)
    later = datetime.now(UTC) + timedelta(hours=60)
    assert await remind_and_escalate(later, REMIND, ESCALATE, signer, postbox) == []


def test_the_worker_runs_the_reminders() -> None:
    assert "portal.approvals.reminders" in JOB_MODULES
