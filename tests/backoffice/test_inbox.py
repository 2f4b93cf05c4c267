"""The back office's inbox: who is told of which customer's doing, what another company's people
and another rep never see, read marks, and the mail to the back office (sent once)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from portal.accounts.roles import Role
from portal.accounts.scope import Scope
from portal.accounts.tables import CompanyKind
from portal.aftersales.messages import order_thread, post_message
from portal.backoffice.inbox import (
    InboxFilters,
    inbox,
    mark_all_read,
    mark_read,
    notification_mails_due,
    notify,
    unread_count,
)
from portal.backoffice.tables import Notification, NotificationKind
from portal.config import Settings
from portal.errors import NotAllowed, NotFound
from portal.live import LiveUpdates, use_live_updates
from portal.mail import Postbox
from tests.aftersales.orders import make_confirmed_order
from tests.aftersales.test_shipments import _hears, _subscribed
from tests.factories import Person, make_company, make_person
from tests.mailbox import Mailbox

pytestmark = pytest.mark.usefixtures("db")
LIMIT = 1024 * 1024


@dataclass(frozen=True)
class Seller:
    office: Person
    rep: Person
    # The rep's customer and another customer, each with a buyer and an order.
    own: int
    own_buyer: Person
    own_order: int
    other: int
    other_buyer: Person
    other_order: int


async def make_seller() -> Seller:
    seller = await make_company("Hurtownia", kind=CompanyKind.SELLER)
    office = await make_person(seller, Role.BACK_OFFICE, email=f"office-{seller}@hurtownia.example")
    rep = await make_person(seller, Role.SALES_REP, email=f"rep-{seller}@hurtownia.example")
    own = await make_company("Budmax Sp. z o.o.", sales_rep_id=rep.user_id)
    other = await make_company("Elektroplus Sp. z o.o.")
    own_buyer = await make_person(own, Role.BUYER, email=f"buyer-{own}@budmax.example")
    other_buyer = await make_person(other, Role.BUYER, email=f"buyer-{other}@elektroplus.example")
    own_order = await make_confirmed_order(own, own_buyer.user_id, [3], number=f"ZAM/2026/B{own}")
    other_order = await make_confirmed_order(other, other_buyer.user_id, [4], number=f"ZAM/2026/E{other}")
    return Seller(office, rep, own, own_buyer, own_order.id, other, other_buyer, other_order.id)


async def _write(caller: Scope, order_id: int, text: str, postbox: Postbox) -> None:
    await post_message(caller, await order_thread(caller, order_id), text, [], postbox, max_upload_bytes=LIMIT)


async def test_a_customers_message_on_an_order_reaches_the_back_office_and_the_sellers_answer_does_not(
    postbox: Postbox,
) -> None:
    world = await make_seller()
    await _write(await world.own_buyer.scope(), world.own_order, "Czy można dowieźć w piątek?", postbox)
    await _write(await world.office.scope(), world.own_order, "Tak, w piątek.", postbox)

    entries, has_next = await inbox(await world.office.scope(), InboxFilters())

    assert not has_next
    assert [(e.kind, e.company_name, e.number, e.excerpt, e.unread) for e in entries] == [
        ("customer_message", "Budmax Sp. z o.o.", f"ZAM/2026/B{world.own}", "Czy można dowieźć w piątek?", True)
    ]
    assert entries[0].actor_name.startswith("Person")
    assert entries[0].link == f"/office/orders/{world.own_order}"


async def test_a_rep_sees_only_their_customers_and_the_back_office_every_one_newest_first(postbox: Postbox) -> None:
    world = await make_seller()
    await _write(await world.own_buyer.scope(), world.own_order, "Pierwsza", postbox)
    await _write(await world.other_buyer.scope(), world.other_order, "Druga", postbox)

    office = [e.excerpt for e in (await inbox(await world.office.scope(), InboxFilters()))[0]]
    rep = [e.excerpt for e in (await inbox(await world.rep.scope(), InboxFilters()))[0]]

    assert office == ["Druga", "Pierwsza"]
    assert rep == ["Pierwsza"]
    assert await unread_count(await world.office.scope()) == 2
    assert await unread_count(await world.rep.scope()) == 1


async def test_a_customers_people_have_no_inbox_and_find_no_notification(postbox: Postbox) -> None:
    world = await make_seller()
    await _write(await world.own_buyer.scope(), world.own_order, "Pytanie", postbox)
    notification = await Notification.select(Notification.id).first()
    assert notification is not None
    buyer = await world.own_buyer.scope()

    with pytest.raises(NotAllowed):
        await inbox(buyer, InboxFilters())
    # Even a notification of the customer's own company does not exist for its people.
    with pytest.raises(NotFound):
        await mark_read(buyer, notification["id"])
    assert await unread_count(buyer) == 0


async def test_a_rep_finds_no_notification_of_a_customer_not_theirs(postbox: Postbox) -> None:
    world = await make_seller()
    await _write(await world.other_buyer.scope(), world.other_order, "Cudze", postbox)
    notification = await Notification.select(Notification.id).first()
    assert notification is not None

    with pytest.raises(NotFound):
        await mark_read(await world.rep.scope(), notification["id"])
    assert await unread_count(await world.office.scope()) == 1


async def test_read_marks_are_each_persons_own(postbox: Postbox) -> None:
    world = await make_seller()
    await _write(await world.own_buyer.scope(), world.own_order, "Jedna", postbox)
    await _write(await world.own_buyer.scope(), world.own_order, "Druga", postbox)
    office, rep = await world.office.scope(), await world.rep.scope()
    _newest, oldest = (await inbox(office, InboxFilters()))[0]

    assert await mark_read(office, oldest.id) == f"/office/orders/{world.own_order}"
    await mark_read(office, oldest.id)  # again: nothing more

    entries, _ = await inbox(office, InboxFilters())
    assert [(e.excerpt, e.unread) for e in entries] == [("Druga", True), ("Jedna", False)]
    assert [e.excerpt for e in (await inbox(office, InboxFilters(unread=True)))[0]] == ["Druga"]
    assert await unread_count(office) == 1
    assert await unread_count(rep) == 2

    assert await mark_all_read(rep, InboxFilters()) == 2
    assert await unread_count(rep) == 0
    assert await unread_count(office) == 1


async def test_the_kind_filter_keeps_one_kind(postbox: Postbox) -> None:
    world = await make_seller()
    await _write(await world.own_buyer.scope(), world.own_order, "Wiadomość", postbox)
    office = await world.office.scope()

    assert len((await inbox(office, InboxFilters(kind=NotificationKind.CUSTOMER_MESSAGE)))[0]) == 1
    assert (await inbox(office, InboxFilters(kind=NotificationKind.ORDER_PLACED)))[0] == []
    assert InboxFilters.from_parameters({"kind": "nonsense", "before": "-1"}) == InboxFilters()


async def test_the_back_office_is_mailed_each_notification_once(
    postbox: Postbox, settings: Settings, mailbox: Mailbox
) -> None:
    world = await make_seller()
    await make_person(world.office.company_id, Role.BACK_OFFICE, email="druga@hurtownia.example", locale="pl")
    await _write(await world.own_buyer.scope(), world.own_order, "Proszę o fakturę korygującą.", postbox)
    mailbox.clear()

    mails = await notification_mails_due(settings, postbox)
    await postbox.send_all(mails)

    assert sorted(mail.to for mail in mails) == ["druga@hurtownia.example", world.office.email]
    english = mailbox.last_to(world.office.email)
    assert english["Subject"] == f"Budmax Sp. z o.o. wrote about ZAM/2026/B{world.own}"
    assert "Proszę o fakturę korygującą." in Mailbox.text_of(english)
    assert mailbox.link_in(english, settings.base_url) == f"/office/orders/{world.own_order}"
    assert mailbox.last_to("druga@hurtownia.example")["Subject"].startswith("Budmax Sp. z o.o. pisze w sprawie")
    # The rep, a customer's people and nobody else get it; and never twice.
    assert world.rep.email not in [mail.to for mail in mails]
    assert await notification_mails_due(settings, postbox) == []


async def test_the_back_office_address_setting_replaces_the_people(postbox: Postbox, settings: Settings) -> None:
    world = await make_seller()
    await _write(await world.own_buyer.scope(), world.own_order, "Pytanie", postbox)

    mails = await notification_mails_due(
        settings.model_copy(update={"back_office_email": "biuro@hurtownia.example"}), postbox
    )

    assert [mail.to for mail in mails] == ["biuro@hurtownia.example"]


def test_the_back_office_address_must_be_one_email() -> None:
    with pytest.raises(ValueError, match="one email address"):
        Settings(back_office_email="biuro@hurtownia.example, szef@hurtownia.example")
    assert Settings(back_office_email="  ").back_office_email is None
    assert Settings(back_office_email="Biuro@Hurtownia.example").back_office_email == "Biuro@hurtownia.example"


async def test_a_customers_message_is_announced_to_the_seller_for_the_inbox(
    settings: Settings, postbox: Postbox
) -> None:
    world = await make_seller()
    live = LiveUpdates.for_settings(settings)
    use_live_updates(live)
    async with live.listening():
        seller = live.stream([live.seller_channel])
        await _subscribed(live, world.own, seller)
        await _write(await world.own_buyer.scope(), world.own_order, "Halo", postbox)
        await _hears(seller, "inbox")
        await seller.aclose()


async def test_marking_every_one_of_many_read_takes_them_all(postbox: Postbox) -> None:
    world = await make_seller()
    for number in range(1203):
        await notify(
            NotificationKind.ORDER_PLACED, world.own, number=f"ZAM/{number}", actor_id=None, order_id=world.own_order
        )
    rep = await world.rep.scope()

    assert await mark_all_read(rep, InboxFilters(kind=NotificationKind.ORDER_PLACED)) == 1203
    assert await unread_count(rep) == 0
