"""When the ERP is down: the portal knows when it last heard from it, the seller's people see a
banner on every page while it is silent, and the back office has the queue of unconfirmed
orders by age (a sales rep sees their own customers'). Buyers see none of it and order on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
import time_machine
from litestar.stores.memory import MemoryStore

from portal.accounts.roles import Role
from portal.accounts.tables import CompanyKind
from portal.integration.api_keys import create_api_key
from portal.integration.erp_health import erp_silence, last_erp_contact
from portal.integration.scopes import Scope
from portal.integration.tables import ApiKey, FeedConsumer, WebhookEndpoint
from portal.ordering.tables import OrderStatus
from tests.factories import Person, log_in, make_company, make_person
from tests.ordering.test_erp_down import NOW, order_sent_at

QUEUE = "/office/unconfirmed-orders"


async def test_the_erps_last_contact_is_its_latest_feed_read_api_call_or_webhook_taken(db: None) -> None:
    assert await last_erp_contact() is None

    await FeedConsumer.insert(FeedConsumer(name="erp", position=0, read_at=NOW - timedelta(minutes=40)))
    assert await last_erp_contact() == NOW - timedelta(minutes=40)

    await create_api_key("erp", {Scope.STOCK})
    await ApiKey.update({ApiKey.last_used_at: NOW - timedelta(minutes=20)}).where(ApiKey.name == "erp")
    assert await last_erp_contact() == NOW - timedelta(minutes=20)

    await ApiKey.update({ApiKey.previous_last_used_at: NOW - timedelta(minutes=5)}).where(ApiKey.name == "erp")
    assert await last_erp_contact() == NOW - timedelta(minutes=5)

    await WebhookEndpoint.insert(
        WebhookEndpoint(url="https://erp.example/hooks", secret="whsec_x", last_success_at=NOW - timedelta(minutes=1))
    )
    assert await last_erp_contact() == NOW - timedelta(minutes=1)


@dataclass(frozen=True)
class World:
    back_office: Person
    rep: Person
    other_rep: Person
    buyer: Person
    # The rep's customer's orders: overdue (sent 2 h ago), fresh (10 minutes); another
    # customer's overdue one (placed two days ago, approved 50 minutes ago); a confirmed one.
    overdue: int
    fresh: int
    elsewhere: int
    confirmed: int


@pytest.fixture
async def world(app: object) -> World:
    seller = await make_company("Hurtownia", kind=CompanyKind.SELLER)
    rep = await make_person(seller, Role.SALES_REP)
    other_rep = await make_person(seller, Role.SALES_REP)
    budmax = await make_company("Budmax", sales_rep_id=rep.user_id)
    elektro = await make_company("Elektro", sales_rep_id=other_rep.user_id)
    buyer = await make_person(budmax, Role.BUYER)
    other_buyer = await make_person(elektro, Role.BUYER)
    return World(
        back_office=await make_person(seller, Role.BACK_OFFICE),
        rep=rep,
        other_rep=other_rep,
        buyer=buyer,
        overdue=await order_sent_at(budmax, buyer.user_id, OrderStatus.SENT_TO_ERP, NOW - timedelta(hours=2)),
        fresh=await order_sent_at(budmax, buyer.user_id, OrderStatus.SENT_TO_SELLER, NOW - timedelta(minutes=10)),
        elsewhere=await order_sent_at(
            elektro,
            other_buyer.user_id,
            OrderStatus.SENT_TO_SELLER,
            NOW - timedelta(minutes=50),
            placed_at=NOW - timedelta(days=2),
        ),
        confirmed=await order_sent_at(budmax, buyer.user_id, OrderStatus.CONFIRMED, NOW - timedelta(hours=3)),
    )


async def _page(client: httpx.AsyncClient, person: Person, path: str) -> httpx.Response:
    with time_machine.travel(NOW, tick=False):
        await log_in(client, person.email)
        return await client.get(path)


async def test_the_back_office_sees_every_unconfirmed_order_oldest_first_with_its_age(
    client: httpx.AsyncClient, world: World
) -> None:
    page = (await _page(client, world.back_office, QUEUE)).text

    listed = [int(part.split('"')[0]) for part in page.split('id="waiting-order-')[1:]]
    assert listed == [world.overdue, world.elsewhere, world.fresh]
    assert "3 orders wait for confirmation, 2 of them overdue" in page
    row = page.split(f'id="waiting-order-{world.overdue}"')[1].split("</tr>")[0]
    assert "Budmax" in row and "2 hours" in row and "overdue" in row and "Sent to the ERP" in row
    fresh_row = page.split(f'id="waiting-order-{world.fresh}"')[1].split("</tr>")[0]
    assert "overdue" not in fresh_row and "Placed, not yet taken by the ERP" in fresh_row
    # Held by an approver for two days: its age counts from when it went to the seller.
    held_row = page.split(f'id="waiting-order-{world.elsewhere}"')[1].split("</tr>")[0]
    assert "(sent " in held_row and "50 minutes" in held_row and "(sent " not in row + fresh_row
    assert "The ERP has not made contact yet." in page


async def test_a_sales_rep_sees_only_their_customers_unconfirmed_orders(
    client: httpx.AsyncClient, world: World
) -> None:
    page = (await _page(client, world.rep, QUEUE)).text

    listed = [int(part.split('"')[0]) for part in page.split('id="waiting-order-')[1:]]
    assert listed == [world.overdue, world.fresh]
    assert "2 orders wait for confirmation, 1 of them overdue" in page and "Elektro" not in page
    with time_machine.travel(NOW, tick=False):
        opened = await client.get(f"/office/orders/{world.overdue}")
    assert opened.status_code == 200 and f'href="/office/orders/{world.overdue}"' in page


async def test_customers_people_have_no_unconfirmed_orders_page(client: httpx.AsyncClient, world: World) -> None:
    response = await _page(client, world.buyer, QUEUE)

    assert response.status_code == 404
    assert "Unconfirmed orders" not in (await client.get("/orders")).text


async def _erp_last_heard(ago: timedelta) -> None:
    await FeedConsumer.insert(FeedConsumer(name="erp", position=0, read_at=NOW - ago))


async def test_the_sellers_people_see_a_banner_on_every_page_while_the_erp_is_silent(
    client: httpx.AsyncClient, world: World
) -> None:
    await _erp_last_heard(timedelta(minutes=40))

    with time_machine.travel(NOW, tick=False):
        await log_in(client, world.back_office.email)
        home = (await client.get("/")).text
        queue = (await client.get(QUEUE)).text
        client.cookies.clear()
        await log_in(client, world.rep.email)
        rep_home = (await client.get("/")).text

    banner = home.split('id="erp-silence"')[1].split("</p>")[0]
    assert "The ERP has not been heard from since" in banner and "40 minutes" in banner
    assert "3 orders wait for confirmation" in banner
    assert 'id="erp-silence"' in queue
    assert "2 orders wait for confirmation" in rep_home.split('id="erp-silence"')[1].split("</p>")[0]


async def test_no_banner_while_the_erp_keeps_in_touch_nor_for_buyers_nor_before_it_ever_called(
    client: httpx.AsyncClient, world: World
) -> None:
    assert 'id="erp-silence"' not in (await _page(client, world.back_office, "/")).text

    await _erp_last_heard(timedelta(minutes=10))
    client.cookies.clear()
    assert 'id="erp-silence"' not in (await _page(client, world.rep, "/")).text

    await FeedConsumer.update({FeedConsumer.read_at: NOW - timedelta(hours=1)}).where(FeedConsumer.name == "erp")
    client.cookies.clear()
    with time_machine.travel(NOW, tick=False):
        await log_in(client, world.buyer.email)
        buyer_pages = [(await client.get(path)).text for path in ("/", "/orders", "/order")]
    assert all('id="erp-silence"' not in page and "<h1>" in page for page in buyer_pages)


async def test_the_silence_is_read_once_for_many_pages(world: World) -> None:
    """The banner's lookup is cached: the ERP coming back shows within the cache's seconds, and
    a store read is all that a page costs meanwhile."""
    store = MemoryStore()
    back_office = await world.back_office.scope()
    await _erp_last_heard(timedelta(hours=1))
    silent = await erp_silence(back_office, NOW, timedelta(minutes=15), store)
    await FeedConsumer.update({FeedConsumer.read_at: NOW}).where(FeedConsumer.name == "erp")

    assert silent is not None and silent.since == NOW - timedelta(hours=1) and silent.waiting == 3
    assert await erp_silence(back_office, NOW, timedelta(minutes=15), store) == silent
    assert await erp_silence(back_office, NOW, timedelta(minutes=15), None) is None
