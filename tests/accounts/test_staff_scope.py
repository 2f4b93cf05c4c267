"""A seller employee sees only the customers the one rule gives them: a sales rep the companies
whose rep they are, the back office every customer, a seller employee with neither role none.
The demo's attack: the rep of BudMax and ElektroPlus read and wrote Agromet's conversations and
complaint, downloaded its files and shipment PDFs, and heard its live events."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx
import pytest

from portal.accounts.customer_scope import customers_seen_by, seen_customers, sees_customer
from portal.accounts.roles import Role
from portal.accounts.tables import Company, CompanyKind
from portal.aftersales.attachments import CheckedFile, save_attachment
from portal.aftersales.shipments import ShipmentRequest, create_shipment
from portal.aftersales.tables import AttachmentPurpose, Complaint, Message
from portal.config import Settings
from portal.live import LiveUpdates, announce, use_live_updates
from tests.aftersales.orders import make_confirmed_order
from tests.factories import Person, csrf_token, log_in, make_company, make_person


@dataclass(frozen=True)
class Customer:
    company_id: int
    name: str
    order_id: int
    complaint_id: int
    shipment_id: int
    attachment_id: int

    def paths(self) -> dict[str, tuple[str, str]]:
        """Every kind of the customer's object a seller employee reaches, by what it is."""
        return {
            "order conversation": ("GET", f"/orders/{self.order_id}/messages"),
            "order conversation, write": ("POST", f"/orders/{self.order_id}/messages"),
            "complaint": ("GET", f"/complaints/{self.complaint_id}"),
            "complaint state": ("GET", f"/complaints/{self.complaint_id}/state"),
            "complaint conversation": ("GET", f"/complaints/{self.complaint_id}/messages"),
            "complaint conversation, write": ("POST", f"/complaints/{self.complaint_id}/messages"),
            "file": ("GET", f"/files/{self.attachment_id}"),
            "shipment": ("GET", f"/deliveries/{self.shipment_id}"),
            "delivery note": ("GET", f"/deliveries/{self.shipment_id}/delivery-note.pdf"),
            "packing list": ("GET", f"/deliveries/{self.shipment_id}/packing-list.pdf"),
        }


@dataclass(frozen=True)
class Seller:
    office: Person
    rep: Person
    # Seller staff with neither the rep's nor the back office's role.
    clerk: Person
    own: list[Customer]
    agromet: Customer


async def _customer(name: str, office: Person, rep: Person | None) -> Customer:
    """A customer with an order, its shipment, a complaint with a message, and a file."""
    company = await make_company(name, sales_rep_id=rep.user_id if rep else None)
    buyer = await make_person(company, Role.BUYER)
    order = await make_confirmed_order(company, buyer.user_id, [4], number=f"ZAM/{name[:4]}")
    shipment = await create_shipment(
        await office.scope(), order.id, ShipmentRequest("dpd", [f"{name[:4]}-1"], {order.line_ids[0]: 4}, None, None)
    )
    complaint = await Complaint.insert(
        Complaint(
            number=f"REK/{name[:4]}",
            company=company,
            order=order.id,
            submitted_by=buyer.user_id,
            reason="defective",
            description=f"{name} secret defect",
            wanted_resolution="replacement",
        )
    ).returning(Complaint.id)
    complaint_id = complaint[0]["id"]
    await Message.insert(
        Message(company=company, thread=f"complaint:{complaint_id}", author=buyer.user_id, body=f"{name} secret")
    )
    await Message.insert(Message(company=company, thread=f"order:{order.id}", author=buyer.user_id, body=f"{name} po"))
    attachment = await save_attachment(
        CheckedFile(f"{name[:4]}.txt", "text/plain", f"{name} secret file".encode()),
        company_id=company,
        purpose=AttachmentPurpose.DOCUMENT,
        uploaded_by=buyer.user_id,
        complaint_id=complaint_id,
    )
    return Customer(company, name, order.id, complaint_id, shipment, attachment)


@pytest.fixture
async def seller(db: None) -> Seller:
    company = await make_company("Hurtownia", kind=CompanyKind.SELLER)
    office = await make_person(company, Role.BACK_OFFICE, email="office@hurtownia.example")
    rep = await make_person(company, Role.SALES_REP, email="rep@hurtownia.example")
    clerk = await make_person(company, email="clerk@hurtownia.example")
    own = [await _customer("BudMax", office, rep), await _customer("ElektroPlus", office, rep)]
    return Seller(office, rep, clerk, own, await _customer("Agromet", office, None))


async def _request(client: httpx.AsyncClient, method: str, path: str) -> httpx.Response:
    if method == "GET":
        return await client.get(path)
    token = csrf_token((await client.get("/")).text)
    return await client.post(path, data={"_csrf_token": token, "body": "from the rep"})


async def test_a_sales_rep_gets_404_for_every_kind_of_an_unassigned_customers_object(
    client: httpx.AsyncClient, seller: Seller
) -> None:
    await log_in(client, seller.rep.email)
    messages_before = await Message.count()
    for kind, (method, path) in seller.agromet.paths().items():
        response = await _request(client, method, path)
        assert response.status_code == 404, f"{kind}: {method} {path} answered {response.status_code}"
        assert "agromet" not in response.text.lower(), kind
    assert await Message.count() == messages_before


async def test_a_sales_rep_still_works_with_own_customers(client: httpx.AsyncClient, seller: Seller) -> None:
    await log_in(client, seller.rep.email)
    for customer in seller.own:
        for kind, (method, path) in customer.paths().items():
            response = await _request(client, method, path)
            assert response.status_code in (200, 303), f"{kind}: {method} {path} answered {response.status_code}"
    file = await client.get(f"/files/{seller.own[0].attachment_id}")
    assert file.content == b"BudMax secret file"
    assert await Message.count().where(Message.body == "from the rep") == 4


async def test_the_back_office_sees_every_customer(client: httpx.AsyncClient, seller: Seller) -> None:
    await log_in(client, seller.office.email)
    for customer in [*seller.own, seller.agromet]:
        for kind, (method, path) in customer.paths().items():
            if method == "GET":
                response = await client.get(path)
                assert response.status_code == 200, f"{kind}: {path} answered {response.status_code}"
    queue = await client.get("/office/complaints")
    assert all(f"REK/{name}" in queue.text for name in ("BudM", "Elek", "Agro"))


async def test_a_seller_employee_with_neither_role_sees_no_customer(client: httpx.AsyncClient, seller: Seller) -> None:
    await log_in(client, seller.clerk.email)
    for customer in [*seller.own, seller.agromet]:
        for kind, (method, path) in customer.paths().items():
            response = await _request(client, method, path)
            assert response.status_code == 404, f"{kind}: {method} {path} answered {response.status_code}"
    # Nothing to hear either: the browser is told not to reconnect.
    assert (await client.get("/live")).status_code == 204


async def test_the_rule_as_a_condition_and_as_a_predicate_agree(seller: Seller) -> None:
    everyone = [*seller.own, seller.agromet]
    for person, expected in (
        (seller.rep, {c.company_id for c in seller.own}),
        (seller.office, {c.company_id for c in everyone}),
        (seller.clerk, set()),
    ):
        caller = await person.scope()
        kept = await Company.select(Company.id).where(customers_seen_by(caller, Company.id)).output(as_list=True)
        assert set(kept) - {person.company_id} == expected
        assert {c.company_id for c in everyone if await sees_customer(caller, c.company_id)} == expected


async def test_reassigning_a_customer_takes_effect_on_the_next_request(
    client: httpx.AsyncClient, seller: Seller
) -> None:
    """The rep's scope is cached; the customers it sees are not, so a new rep needs no forgetting."""
    await log_in(client, seller.rep.email)
    path = f"/complaints/{seller.agromet.complaint_id}"
    assert (await client.get(path)).status_code == 404
    await Company.update({Company.sales_rep: seller.rep.user_id}).where(Company.id == seller.agromet.company_id)
    assert (await client.get(path)).status_code == 200
    await Company.update({Company.sales_rep: None}).where(Company.id == seller.agromet.company_id)
    assert (await client.get(path)).status_code == 404


async def test_a_sales_rep_hears_no_live_event_of_an_unassigned_customer(settings: Settings, seller: Seller) -> None:
    live = LiveUpdates.for_settings(settings)
    use_live_updates(live)
    budmax, agromet = seller.own[0], seller.agromet
    rep_channels = live.channels_for(await seen_customers(await seller.rep.scope()))
    assert live.company_channel(agromet.company_id) not in rep_channels
    assert live.seller_channel not in rep_channels
    async with live.listening():
        stream = live.stream(rep_channels)
        heard = asyncio.ensure_future(anext(stream))
        # Agromet's announcement always goes first: had the rep's stream carried it, it would be
        # the first thing heard. Announce until the subscription is in place and hears one.
        async with asyncio.timeout(10):
            while not heard.done():
                await announce(agromet.company_id, f"complaint-{agromet.complaint_id}")
                await announce(budmax.company_id, f"complaint-{budmax.complaint_id}")
                await asyncio.wait({heard}, timeout=0.05)
        assert heard.result() == f"complaint-{budmax.complaint_id}"
        await stream.aclose()
