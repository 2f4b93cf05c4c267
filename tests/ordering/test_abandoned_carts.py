"""A cart left with goods longer than the setting is signalled to the CRM once, with its lines and
net value, and again only after it changed and was left once more."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from portal import clock
from portal.accounts.roles import Role
from portal.config import Settings
from portal.integration.tables import OutboxEvent
from portal.jobs import JOB_MODULES
from portal.ordering.abandoned_carts import signal_abandoned_carts, signal_abandoned_carts_hourly
from portal.ordering.cart import add_to_cart, remove_line
from portal.ordering.tables import CartLine
from tests.factories import Person, make_company, make_person, make_priced_product

pytestmark = pytest.mark.usefixtures("db")
DAY = timedelta(hours=24)


async def abandoned() -> list[dict[str, Any]]:
    rows = (
        await OutboxEvent.select(OutboxEvent.company_id, OutboxEvent.payload)
        .where(OutboxEvent.topic == "cart.abandoned")
        .order_by(OutboxEvent.id)
        .output(load_json=True)
    )
    return [{"company": row["company_id"], **row["payload"]} for row in rows]


async def _buyer_with_cart() -> tuple[Person, int]:
    buyer = await make_person(await make_company(), Role.BUYER)
    first = await make_priced_product("12.50")
    second = await make_priced_product("3.00")
    await add_to_cart(await buyer.scope(), first, "2")
    await add_to_cart(await buyer.scope(), second, "5")
    return buyer, second


def later(hours: float) -> time_machine.travel:
    return time_machine.travel(clock.now() + timedelta(hours=hours), tick=True)


async def test_a_cart_left_a_day_is_signalled_once_with_its_lines_and_value() -> None:
    buyer, _ = await _buyer_with_cart()

    assert await signal_abandoned_carts(DAY) == 0
    with later(25):
        assert await signal_abandoned_carts(DAY) == 1
        assert await signal_abandoned_carts(DAY) == 0
    with later(50):
        assert await signal_abandoned_carts(DAY) == 0

    (event,) = await abandoned()
    assert (event["company"], event["company_id"], event["user_id"], event["lines"]) == (
        str(buyer.company_id),
        buyer.company_id,
        buyer.user_id,
        2,
    )
    assert Decimal(event["net_value"]) == Decimal("40.00") and event["currency"] == "PLN"


async def test_a_cart_changed_after_its_signal_is_signalled_again_when_left_again() -> None:
    buyer, second = await _buyer_with_cart()
    with later(25):
        await signal_abandoned_carts(DAY)
        line = await CartLine.select(CartLine.id).where(CartLine.product == second).first()
        assert line is not None
        await remove_line(await buyer.scope(), line["id"])
        assert await signal_abandoned_carts(DAY) == 0
    with later(50):
        assert await signal_abandoned_carts(DAY) == 1

    assert [(event["lines"], Decimal(event["net_value"])) for event in await abandoned()] == [
        (2, Decimal("40.00")),
        (1, Decimal("25.00")),
    ]


async def test_an_empty_cart_or_the_setting_not_reached_is_no_abandonment() -> None:
    buyer, _ = await _buyer_with_cart()
    for line in await CartLine.select(CartLine.id):
        await remove_line(await buyer.scope(), line["id"])

    with later(25):
        assert await signal_abandoned_carts(DAY) == 0
        assert await signal_abandoned_carts(timedelta(hours=48)) == 0
    assert await abandoned() == []


async def test_the_setting_sets_how_long_a_cart_waits() -> None:
    await _buyer_with_cart()

    with later(3):
        assert await signal_abandoned_carts(timedelta(hours=4)) == 0
        assert await signal_abandoned_carts(timedelta(hours=2)) == 1


async def test_the_hourly_job_reads_the_setting(settings: Settings) -> None:
    await _buyer_with_cart()
    context: Any = {"settings": settings.model_copy(update={"cart_abandoned_hours": 2})}

    with later(3):
        assert await signal_abandoned_carts_hourly(context) == 1
    assert "portal.ordering.abandoned_carts" in JOB_MODULES
