"""Recurring orders: a list ordered on its dates through the same limits and approvals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from portal import clock
from portal.accounts.login import load_scope
from portal.accounts.roles import Role
from portal.accounts.tables import DeliveryAddress
from portal.accounts.tokens import LinkSigner
from portal.errors import Invalid
from portal.finance.tables import CreditAccount
from portal.mail import Postbox
from portal.ordering import lists, recurring
from portal.ordering.recurring import following_date, parse_schedule
from portal.ordering.tables import CartLine, Order, RecurringOrder, RecurringUnit
from portal.web.templating import build_environment
from tests.factories import csrf_token, log_in, make_company, make_person, make_priced_product

pytestmark = pytest.mark.usefixtures("db")


class _Nowhere:
    async def send(self, mail: object) -> None:
        raise AssertionError("the test reads the composed mails")


@pytest.mark.parametrize(
    ("start", "every", "unit", "expected"),
    [
        (date(2026, 1, 31), 1, RecurringUnit.MONTHS, date(2026, 2, 28)),
        (date(2026, 11, 15), 2, RecurringUnit.MONTHS, date(2027, 1, 15)),
        (date(2026, 12, 28), 1, RecurringUnit.WEEKS, date(2027, 1, 4)),
    ],
)
def test_the_next_date_follows_the_calendar(start: date, every: int, unit: RecurringUnit, expected: date) -> None:
    assert following_date(start, every, unit) == expected


def test_a_bad_schedule_says_what_to_fix() -> None:
    with pytest.raises(Invalid) as error:
        parse_schedule("0", "days", "2001-01-01", "yesterday", "x", "")
    assert set(error.value.errors) == {"unit", "every", "first_on", "ends_on", "delivery_address_id"}


def test_a_first_date_warsaw_has_left_behind_is_refused_though_utc_is_still_on_it() -> None:
    # 00:30 on 1 January in Warsaw; the server's UTC calendar still says 31 December.
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), tick=True):
        with pytest.raises(Invalid) as error:
            parse_schedule("1", "weeks", "2026-12-31", "", "1", "")
        assert set(error.value.errors) == {"first_on"}
        assert parse_schedule("1", "weeks", "2027-01-01", "", "1", "").first_on == date(2027, 1, 1)


async def _scheduled(settings, *, order_limit_minor: int | None = None, price: str = "10.00"):
    company = await make_company()
    owner = await make_person(
        company, Role.BUYER, order_limit_minor=order_limit_minor, email=f"owner-{company}@example.com"
    )
    await make_person(company, Role.APPROVER, email=f"approver-{company}@example.com")
    scope = await owner.scope()
    product = await make_priced_product(price)
    list_id = await lists.create_list(scope, "Co tydzień", False, [(product, 10, "")])
    address = (await DeliveryAddress.select(DeliveryAddress.id).where(DeliveryAddress.company == company))[0]["id"]
    recurring_id = await recurring.schedule_list(
        scope, list_id, parse_schedule("1", "weeks", clock.today().isoformat(), "", str(address), "PO-REG")
    )
    signer = LinkSigner(settings.resolved_secret_key(), 3600)
    postbox = Postbox(build_environment(auto_reload=False), _Nowhere(), "http://testserver")
    return company, recurring_id, signer, postbox


async def test_a_due_schedule_becomes_an_order_and_moves_to_its_next_date(settings) -> None:
    company, recurring_id, signer, postbox = await _scheduled(settings)
    today = clock.today()
    assert await recurring.due_recurring_orders(today) == [recurring_id]

    mails = await recurring.place_recurring_order(recurring_id, today, signer, postbox)

    order = (await Order.select().where(Order.company == company))[0]
    assert order["status"] == "sent_to_seller" and order["po_number"] == "PO-REG"
    assert Decimal(str(order["net_total"])) == Decimal("100.00")
    schedule = (await RecurringOrder.select().where(RecurringOrder.id == recurring_id))[0]
    assert schedule["next_run_on"] == today + timedelta(weeks=1) and schedule["last_order"] == order["id"]
    assert [mail.to for mail in mails] == [f"owner-{company}@example.com"]
    assert await recurring.due_recurring_orders(today) == []
    assert await CartLine.count() == 0  # the owner's cart is left alone


async def test_a_recurring_order_over_the_limit_waits_for_an_approver(settings) -> None:
    company, recurring_id, signer, postbox = await _scheduled(settings, order_limit_minor=5_000)
    mails = await recurring.place_recurring_order(recurring_id, clock.today(), signer, postbox)
    order = (await Order.select(Order.status).where(Order.company == company))[0]
    assert order["status"] == "awaiting_approval"
    assert {mail.to for mail in mails} == {f"approver-{company}@example.com", f"owner-{company}@example.com"}


async def test_over_the_credit_limit_nothing_is_ordered_and_the_owner_is_told(settings) -> None:
    company, recurring_id, signer, postbox = await _scheduled(settings, price="1000.00")
    await CreditAccount.insert(
        CreditAccount(company=company, credit_limit=Decimal("100.00"), open_balance=Decimal("0"))
    )
    mails = await recurring.place_recurring_order(recurring_id, clock.today(), signer, postbox)
    assert await Order.count() == 0
    assert "Not placed" in mails[-1].text
    schedule = (await RecurringOrder.select().where(RecurringOrder.id == recurring_id))[0]
    assert schedule["last_result"].startswith("Not placed") or schedule["last_result"].startswith("Nie złożono")


async def test_the_same_date_never_makes_two_orders(settings) -> None:
    company, recurring_id, signer, postbox = await _scheduled(settings)
    today = clock.today()
    await recurring.place_recurring_order(recurring_id, today, signer, postbox)
    await RecurringOrder.update({RecurringOrder.next_run_on: today}).where(RecurringOrder.id == recurring_id)
    await recurring.place_recurring_order(recurring_id, today, signer, postbox)
    assert await Order.count().where(Order.company == company) == 1


async def test_a_paused_schedule_is_not_due(settings) -> None:
    company, recurring_id, *_ = await _scheduled(settings)
    rows = await RecurringOrder.select(RecurringOrder.owner).where(RecurringOrder.id == recurring_id)
    owner_scope = await load_scope(rows[0]["owner"], company, "")
    assert owner_scope is not None
    await recurring.set_paused(owner_scope, recurring_id, True)
    assert await recurring.due_recurring_orders(clock.today()) == []


async def test_the_owner_changes_a_schedule_and_bad_input_changes_nothing(client, settings) -> None:
    company, recurring_id, *_ = await _scheduled(settings)
    owner = (await RecurringOrder.select(RecurringOrder.owner.email.as_alias("email")))[0]["email"]
    await log_in(client, owner)
    page = await client.get(f"/recurring/{recurring_id}")
    assert page.status_code == 200 and 'name="every" inputmode="numeric" value="1"' in page.text
    address = (await DeliveryAddress.select(DeliveryAddress.id).where(DeliveryAddress.company == company))[0]["id"]
    first = (clock.today() + timedelta(days=3)).isoformat()
    form = {"every": "2", "unit": "months", "first_on": first, "ends_on": "", "delivery_address_id": str(address)}

    bad = await client.post(
        f"/recurring/{recurring_id}", data={**form, "every": "99", "_csrf_token": csrf_token(page.text)}
    )
    assert bad.status_code == 422 and "1 to 52 weeks or 1 to 12 months" in bad.text
    changed = await client.post(f"/recurring/{recurring_id}", data={**form, "_csrf_token": csrf_token(page.text)})
    assert changed.status_code == 303
    schedule = (await RecurringOrder.select().where(RecurringOrder.id == recurring_id))[0]
    assert (schedule["every"], schedule["unit"], schedule["next_run_on"].isoformat()) == (2, "months", first)
    listing = await client.get("/recurring")
    assert "Co tydzień" in listing.text
