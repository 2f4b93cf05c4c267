"""Complaints: what may be claimed after partial deliveries and earlier complaints, the seller's
deadlines, every move of the state machine allowed and refused, files refused, the queue."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
from litestar.datastructures import UploadFile
from PIL import Image

from portal import clock
from portal.accounts.roles import Role
from portal.accounts.scope import Scope
from portal.accounts.tables import CompanyKind
from portal.aftersales import complaints
from portal.aftersales.complaints import (
    TRANSITIONS,
    ComplaintFilters,
    ComplaintRequest,
    StatusChange,
    change_status,
    complaint_detail,
    complaint_form,
    complaint_queue,
    list_complaints,
    submit_complaint,
    update_policies,
)
from portal.aftersales.tables import (
    Attachment,
    Carrier,
    Complaint,
    ComplaintEvent,
    ComplaintLine,
    ComplaintPolicy,
    ComplaintStatus,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
)
from portal.errors import Conflict, Invalid, NotAllowed, NotFound
from portal.finance.tables import DocumentKind
from portal.mail import Postbox
from tests.aftersales.orders import ConfirmedOrder, make_confirmed_order
from tests.factories import Person, make_company, make_person
from tests.finance.documents import make_invoice
from tests.mailbox import Mailbox

pytestmark = pytest.mark.usefixtures("db")
LIMIT = 10 * 1024 * 1024
S = ComplaintStatus


@dataclass(frozen=True)
class World:
    customer: int
    buyer: Person
    office: Person
    order: ConfirmedOrder

    async def buyer_scope(self) -> Scope:
        return await self.buyer.scope()

    async def office_scope(self) -> Scope:
        return await self.office.scope()


async def make_world(quantities: list[int] | None = None) -> World:
    seller = await make_company("Hurtownia", kind=CompanyKind.SELLER)
    office = await make_person(seller, Role.BACK_OFFICE, email=f"office-{seller}@hurtownia.example")
    customer = await make_company("Budmax Sp. z o.o.")
    buyer = await make_person(customer, Role.BUYER, email=f"buyer-{customer}@budmax.example")
    order = await make_confirmed_order(customer, buyer.user_id, quantities or [10, 5])
    return World(customer, buyer, office, order)


async def deliver(
    world: World, quantities: dict[int, int], *, days_ago: int = 1, status: ShipmentStatus = ShipmentStatus.DELIVERED
) -> int:
    """A shipment of the order with these line quantities, delivered `days_ago` local days ago."""
    carrier = await Carrier.select(Carrier.id).where(Carrier.code == "dpd").first()
    assert carrier is not None
    delivered_at = datetime.now(UTC) - timedelta(days=days_ago) if status == ShipmentStatus.DELIVERED else None
    rows = await Shipment.insert(
        Shipment(
            number=f"WZ/T/{uuid.uuid4().hex[:10]}",
            order=world.order.id,
            company=world.customer,
            carrier=carrier["id"],
            status=status,
            delivered_at=delivered_at,
        )
    ).returning(Shipment.id)
    await ShipmentLine.insert(
        *(ShipmentLine(shipment=rows[0]["id"], order_line=line, quantity=q) for line, q in quantities.items())
    )
    return int(rows[0]["id"])


def png(name: str = "photo.png") -> UploadFile:
    out = BytesIO()
    Image.new("RGB", (32, 24), "red").save(out, format="PNG")
    return UploadFile(content_type="image/png", filename=name, file_data=out.getvalue())


def request_for(world: World, pieces: dict[int, int], **fields: Any) -> ComplaintRequest:
    values: dict[str, Any] = {
        "order_id": world.order.id,
        "reason": "defective",
        "wanted_resolution": "replacement",
        "description": "Pęknięta obudowa.",
        "quantities": {line: str(q) for line, q in pieces.items()},
    }
    return ComplaintRequest(**{**values, **fields})


async def file_complaint(
    world: World, postbox: Postbox, pieces: dict[int, int], *, photos: list[UploadFile] | None = None, **fields: Any
) -> complaints.FiledComplaint:
    return await submit_complaint(
        await world.buyer_scope(),
        request_for(world, pieces, **fields),
        photos or [],
        [],
        postbox,
        max_upload_bytes=LIMIT,
    )


async def stored() -> tuple[int, int, int, int]:
    return (
        await Complaint.count(),
        await ComplaintLine.count(),
        await ComplaintEvent.count(),
        await Attachment.count(),
    )


# --- Quantities ------------------------------------------------------------------------------


async def test_partial_deliveries_add_up_to_what_may_be_claimed() -> None:
    world = await make_world([10, 5])
    first, second = world.order.line_ids
    await deliver(world, {first: 4})
    await deliver(world, {first: 3, second: 5})
    await deliver(world, {first: 3}, status=ShipmentStatus.IN_TRANSIT)

    form = await complaint_form(await world.buyer_scope(), world.order.id)

    assert [(line.ordered, line.delivered, line.claimable) for line in form.lines] == [(10, 7, 7), (5, 5, 5)]


async def test_a_quantity_above_what_was_delivered_is_refused_and_nothing_stored(postbox: Postbox) -> None:
    world = await make_world([10, 5])
    first, _second = world.order.line_ids
    await deliver(world, {first: 4})

    with pytest.raises(Invalid) as refused:
        await file_complaint(world, postbox, {first: 5})

    assert "At most 4" in refused.value.errors[f"quantity-{first}"]
    assert await stored() == (0, 0, 0, 0)


async def test_pieces_already_under_complaint_cannot_be_claimed_again(postbox: Postbox) -> None:
    world = await make_world([10])
    (line,) = world.order.line_ids
    await deliver(world, {line: 6})
    await file_complaint(world, postbox, {line: 4})

    form = await complaint_form(await world.buyer_scope(), world.order.id)
    assert (form.lines[0].under_complaint, form.lines[0].claimable) == (4, 2)
    with pytest.raises(Invalid) as refused:
        await file_complaint(world, postbox, {line: 3})
    assert "4 already under complaint" in refused.value.errors[f"quantity-{line}"]
    await file_complaint(world, postbox, {line: 2})


async def test_a_rejected_complaint_frees_its_pieces_again(postbox: Postbox) -> None:
    world = await make_world([10])
    (line,) = world.order.line_ids
    await deliver(world, {line: 6})
    filed = await file_complaint(world, postbox, {line: 6})
    await change_status(
        await world.office_scope(),
        filed.complaint_id,
        StatusChange("rejected", note="Brak wady."),
        [],
        postbox,
        max_upload_bytes=LIMIT,
    )
    await change_status(
        await world.office_scope(), filed.complaint_id, StatusChange("closed"), [], postbox, max_upload_bytes=LIMIT
    )

    form = await complaint_form(await world.buyer_scope(), world.order.id)

    assert form.lines[0].claimable == 6


async def test_from_a_shipment_only_what_it_brought_may_be_claimed(postbox: Postbox) -> None:
    world = await make_world([10])
    (line,) = world.order.line_ids
    first = await deliver(world, {line: 4}, days_ago=3)
    second = await deliver(world, {line: 6}, days_ago=1)
    await file_complaint(world, postbox, {line: 3}, shipment_id=first)

    from_first = await complaint_form(await world.buyer_scope(), None, shipment_id=first)
    from_second = await complaint_form(await world.buyer_scope(), None, shipment_id=second)

    assert (from_first.lines[0].delivered, from_first.lines[0].claimable) == (4, 1)
    assert (from_second.lines[0].delivered, from_second.lines[0].claimable) == (6, 6)
    assert from_first.delivered_on == clock.today() - timedelta(days=3)
    assert from_second.delivered_on == clock.today() - timedelta(days=1)
    with pytest.raises(Invalid):
        await file_complaint(world, postbox, {line: 2}, shipment_id=first)


async def test_nothing_delivered_yet_is_said_plainly() -> None:
    world = await make_world([10])
    (line,) = world.order.line_ids
    in_transit = await deliver(world, {line: 10}, status=ShipmentStatus.IN_TRANSIT)

    with pytest.raises(Conflict) as nothing:
        await complaint_form(await world.buyer_scope(), world.order.id)
    assert "has been delivered yet" in nothing.value.message
    with pytest.raises(Conflict, match="not been delivered yet"):
        await complaint_form(await world.buyer_scope(), None, shipment_id=in_transit)


async def test_an_invoice_leads_to_its_order() -> None:
    world = await make_world([10])
    (line,) = world.order.line_ids
    await deliver(world, {line: 10})
    invoice = await make_invoice(world.customer, "123.00", order_id=world.order.id)

    form = await complaint_form(await world.buyer_scope(), None, invoice_id=invoice)

    assert (form.order_id, form.invoice_id) == (world.order.id, invoice)


async def test_another_companys_order_shipment_or_invoice_is_not_found() -> None:
    world = await make_world([10])
    (line,) = world.order.line_ids
    shipment = await deliver(world, {line: 10})
    invoice = await make_invoice(world.customer, "123.00", order_id=world.order.id)
    stranger = await make_person(await make_company(), Role.BUYER)

    for order_id, shipment_id, invoice_id in (
        (world.order.id, None, None),
        (None, shipment, None),
        (None, None, invoice),
    ):
        with pytest.raises(NotFound):
            await complaint_form(await stranger.scope(), order_id, shipment_id, invoice_id)


# --- Rules of a complaint ----------------------------------------------------------------------


@pytest.mark.parametrize(("extra_days", "accepted"), [(0, True), (1, False)])
async def test_the_deadline_counts_from_the_delivery_day(postbox: Postbox, extra_days: int, accepted: bool) -> None:
    world = await make_world([10])
    (line,) = world.order.line_ids
    # Wrong product: 14 days after delivery, by the seller's seeded policy.
    await deliver(world, {line: 10}, days_ago=14 + extra_days)

    if accepted:
        await file_complaint(world, postbox, {line: 1}, reason="wrong_product")
        assert await Complaint.count() == 1
        return
    with pytest.raises(Invalid) as late:
        await file_complaint(world, postbox, {line: 1}, reason="wrong_product")
    deadline = clock.today() - timedelta(days=1)
    assert "up to 14 days after delivery" in late.value.errors["reason"]
    assert deadline.isoformat() in late.value.errors["reason"]
    assert await stored() == (0, 0, 0, 0)


async def test_the_form_shows_each_reasons_deadline() -> None:
    world = await make_world([10])
    (line,) = world.order.line_ids
    await deliver(world, {line: 10}, days_ago=10)

    form = await complaint_form(await world.buyer_scope(), world.order.id)

    by_reason = {deadline.reason: deadline for deadline in form.deadlines}
    assert by_reason["damaged_in_transport"].passed
    assert not by_reason["defective"].passed
    assert by_reason["wrong_product"].deadline == form.delivered_on + timedelta(days=14)


async def test_transport_damage_without_the_carriers_report_is_refused(postbox: Postbox) -> None:
    world = await make_world([10])
    (line,) = world.order.line_ids
    await deliver(world, {line: 10})

    with pytest.raises(Invalid) as refused:
        await file_complaint(world, postbox, {line: 1}, reason="damaged_in_transport")

    assert "damage report" in refused.value.errors["damage_report"]
    assert await stored() == (0, 0, 0, 0)


async def test_transport_damage_with_a_report_number_or_file_is_filed(postbox: Postbox) -> None:
    world = await make_world([10])
    (line,) = world.order.line_ids
    await deliver(world, {line: 10})

    await file_complaint(world, postbox, {line: 1}, reason="damaged_in_transport", damage_report_number="PS/12/2026")
    await submit_complaint(
        await world.buyer_scope(),
        request_for(world, {line: 1}, reason="damaged_in_transport"),
        [],
        [png("protokol.png")],
        postbox,
        max_upload_bytes=LIMIT,
    )

    assert await Complaint.count() == 2
    assert await Attachment.count().where(Attachment.purpose == "damage_report") == 1


async def test_a_complaint_needs_a_line_a_description_a_reason_and_a_resolution(postbox: Postbox) -> None:
    world = await make_world([10])
    (line,) = world.order.line_ids
    await deliver(world, {line: 10})

    with pytest.raises(Invalid) as refused:
        await file_complaint(world, postbox, {line: 0}, description=" ", reason="bored", wanted_resolution="cash")

    assert set(refused.value.errors) == {"lines", "description", "reason", "wanted_resolution"}
    with pytest.raises(Invalid) as not_a_number:
        await file_complaint(world, postbox, {}, quantities={line: "dwa"})
    assert "whole number" in not_a_number.value.errors[f"quantity-{line}"]


async def test_a_refused_file_stores_nothing(postbox: Postbox) -> None:
    world = await make_world([10])
    (line,) = world.order.line_ids
    await deliver(world, {line: 10})
    fake = UploadFile(content_type="image/png", filename="photo.png", file_data=b"MZ\x90\x00 not a picture")

    with pytest.raises(Invalid) as refused:
        await file_complaint(world, postbox, {line: 1}, photos=[fake])

    assert "photo.png" in refused.value.errors["photos"]
    assert await stored() == (0, 0, 0, 0)


async def test_a_filed_complaint_has_a_number_lines_timeline_photo_clock_and_an_email(
    postbox: Postbox, mailbox: Mailbox
) -> None:
    world = await make_world([10, 5])
    first, second = world.order.line_ids
    await deliver(world, {first: 10, second: 5})

    filed = await file_complaint(world, postbox, {first: 2, second: 0}, photos=[png()])
    await postbox.send_all(filed.mails)

    detail = await complaint_detail(await world.buyer_scope(), filed.complaint_id)
    assert filed.number == f"REK/{clock.today().year}/{filed.complaint_id:06d}"
    assert detail.summary.status == "submitted"
    assert [(line.quantity, line.sku) for line in detail.lines] == [(2, f"SKU-{_product_of(detail, 0)}")]
    assert [entry.status for entry in detail.timeline] == ["submitted"]
    assert [(a.filename, a.purpose) for a in detail.attachments] == [("photo.png", "photo")]
    due = detail.summary.response_due_at
    assert due is not None and timedelta(hours=71) < due - datetime.now(UTC) <= timedelta(hours=72)
    assert detail.next_moves == ()
    mail = mailbox.last_to(world.buyer.email)
    assert filed.number in mail["Subject"]
    assert f"/complaints/{filed.complaint_id}" in Mailbox.text_of(mail)


def _product_of(detail: complaints.ComplaintDetail, index: int) -> str:
    return detail.lines[index].sku.removeprefix("SKU-")


# --- The state machine -------------------------------------------------------------------------


async def _complaint_in(world: World, postbox: Postbox, status: ComplaintStatus) -> int:
    (line, *_rest) = world.order.line_ids
    if not await ShipmentLine.count():
        await deliver(world, {line: 10})
    filed = await file_complaint(world, postbox, {line: 1})
    await Complaint.update({Complaint.status: status}).where(Complaint.id == filed.complaint_id)
    return filed.complaint_id


def _complete_change(to: ComplaintStatus) -> StatusChange:
    """What each state asks the back office for."""
    return {
        S.MORE_INFORMATION_NEEDED: StatusChange(to, note="Prosimy o zdjęcie tabliczki znamionowej."),
        S.ACCEPTED: StatusChange(to, return_method="instructions", return_instructions="Odeślij na adres magazynu."),
        S.RESOLVED: StatusChange(to, resolution="replacement_shipped"),
        S.REJECTED: StatusChange(to, note="Uszkodzenie mechaniczne z winy użytkownika."),
    }.get(to, StatusChange(to))


ALLOWED = [(before, after) for before, moves in TRANSITIONS.items() for after in moves]
REFUSED = [(before, after) for before in S for after in S if after not in TRANSITIONS[before]]


@pytest.mark.parametrize(("before", "after"), ALLOWED)
async def test_every_allowed_move_is_recorded_and_emailed(
    postbox: Postbox, mailbox: Mailbox, before: ComplaintStatus, after: ComplaintStatus
) -> None:
    world = await make_world([10])
    complaint_id = await _complaint_in(world, postbox, before)

    changed = await change_status(
        await world.office_scope(), complaint_id, _complete_change(after), [], postbox, max_upload_bytes=LIMIT
    )
    await postbox.send_all(changed.mails)

    row = (
        await Complaint.select(Complaint.status, Complaint.response_due_at).where(Complaint.id == complaint_id).first()
    )
    assert row is not None and row["status"] == after
    assert (row["response_due_at"] is not None) == (after in complaints.SELLER_OWES)
    last = (
        await ComplaintEvent.select()
        .where(ComplaintEvent.complaint == complaint_id)
        .order_by(ComplaintEvent.id, ascending=False)
        .first()
    )
    assert last is not None and (last["status"], last["actor"]) == (after, world.office.user_id)
    assert complaints.status_label(after) in mailbox.last_to(world.buyer.email)["Subject"]


@pytest.mark.parametrize(("before", "after"), REFUSED)
async def test_a_move_outside_the_table_is_refused_and_changes_nothing(
    postbox: Postbox, before: ComplaintStatus, after: ComplaintStatus
) -> None:
    world = await make_world([10])
    complaint_id = await _complaint_in(world, postbox, before)
    row_before = await Complaint.select().where(Complaint.id == complaint_id).first()
    events_before = await ComplaintEvent.count()

    with pytest.raises(Conflict) as refused:
        await change_status(
            await world.office_scope(), complaint_id, _complete_change(after), [], postbox, max_upload_bytes=LIMIT
        )

    assert complaints.status_label(before) in refused.value.message
    assert await Complaint.select().where(Complaint.id == complaint_id).first() == row_before
    assert await ComplaintEvent.count() == events_before


async def test_the_refusal_names_the_possible_moves(postbox: Postbox) -> None:
    world = await make_world([10])
    complaint_id = await _complaint_in(world, postbox, S.SUBMITTED)

    with pytest.raises(Conflict) as refused:
        await change_status(
            await world.office_scope(),
            complaint_id,
            StatusChange("resolved", resolution="repaired"),
            [],
            postbox,
            max_upload_bytes=LIMIT,
        )

    assert refused.value.message == (
        "A complaint that is Submitted cannot become Resolved; possible next steps: Under review, Rejected."
    )


@pytest.mark.parametrize(
    ("to", "change", "field"),
    [
        (S.ACCEPTED, StatusChange("accepted"), "return_method"),
        (S.ACCEPTED, StatusChange("accepted", return_method="instructions"), "return_instructions"),
        (S.ACCEPTED, StatusChange("accepted", return_method="label"), "files"),
        (S.ACCEPTED, StatusChange("accepted", return_method="pickup", pickup_on="2020-01-01"), "pickup_on"),
        (S.ACCEPTED, StatusChange("accepted", return_method="pickup", pickup_on="jutro"), "pickup_on"),
        (S.REJECTED, StatusChange("rejected"), "note"),
        (S.MORE_INFORMATION_NEEDED, StatusChange("more_information"), "note"),
        (S.RESOLVED, StatusChange("resolved"), "resolution"),
    ],
)
async def test_a_step_without_what_it_needs_is_refused_and_changes_nothing(
    postbox: Postbox, to: ComplaintStatus, change: StatusChange, field: str
) -> None:
    world = await make_world([10])
    before = S.ACCEPTED if to is S.RESOLVED else S.UNDER_REVIEW
    complaint_id = await _complaint_in(world, postbox, before)
    row_before = await Complaint.select().where(Complaint.id == complaint_id).first()

    with pytest.raises(Invalid) as refused:
        await change_status(await world.office_scope(), complaint_id, change, [], postbox, max_upload_bytes=LIMIT)

    assert field in refused.value.errors
    assert await Complaint.select().where(Complaint.id == complaint_id).first() == row_before
    assert await ComplaintEvent.count().where(ComplaintEvent.complaint == complaint_id) == 1


async def test_accepting_with_a_return_label_keeps_the_label(postbox: Postbox) -> None:
    world = await make_world([10])
    complaint_id = await _complaint_in(world, postbox, S.UNDER_REVIEW)

    await change_status(
        await world.office_scope(),
        complaint_id,
        StatusChange("accepted", return_method="label"),
        [png("etykieta.png")],
        postbox,
        max_upload_bytes=LIMIT,
    )

    detail = await complaint_detail(await world.buyer_scope(), complaint_id)
    assert detail.return_method == "label"
    assert [(a.filename, a.purpose) for a in detail.attachments if a.purpose == "return_label"] == [
        ("etykieta.png", "return_label")
    ]


async def test_a_pickup_date_is_kept(postbox: Postbox) -> None:
    world = await make_world([10])
    complaint_id = await _complaint_in(world, postbox, S.UNDER_REVIEW)
    pickup_on = clock.today() + timedelta(days=2)

    await change_status(
        await world.office_scope(),
        complaint_id,
        StatusChange("accepted", return_method="pickup", pickup_on=pickup_on.isoformat()),
        [],
        postbox,
        max_upload_bytes=LIMIT,
    )

    assert (await complaint_detail(await world.buyer_scope(), complaint_id)).pickup_on == pickup_on


async def test_the_resolution_links_the_customers_own_credit_note_and_replacement_order(postbox: Postbox) -> None:
    world = await make_world([10])
    complaint_id = await _complaint_in(world, postbox, S.GOODS_RECEIVED)
    credit_note = await make_invoice(world.customer, "-10.00", kind=DocumentKind.CREDIT_NOTE, number="KOR/1/2026")
    replacement = await make_confirmed_order(world.customer, world.buyer.user_id, [1], number="ZAM/2026/REPL")

    await change_status(
        await world.office_scope(),
        complaint_id,
        StatusChange(
            "resolved",
            resolution="credit_note_issued",
            credit_note_id=str(credit_note),
            replacement_order_id=str(replacement.id),
        ),
        [],
        postbox,
        max_upload_bytes=LIMIT,
    )

    detail = await complaint_detail(await world.buyer_scope(), complaint_id)
    assert detail.credit_note is not None and detail.credit_note.number == "KOR/1/2026"
    assert detail.replacement_order is not None and detail.replacement_order.number == "ZAM/2026/REPL"


async def test_another_companys_credit_note_or_order_or_an_invoice_is_refused(postbox: Postbox) -> None:
    world = await make_world([10])
    complaint_id = await _complaint_in(world, postbox, S.GOODS_RECEIVED)
    other = await make_company()
    foreign_note = await make_invoice(other, "-10.00", kind=DocumentKind.CREDIT_NOTE, number="KOR/OBCY/1")
    own_invoice = await make_invoice(world.customer, "10.00", number="FV/WLASNA/1")
    other_buyer = await make_person(other, Role.BUYER)
    foreign_order = await make_confirmed_order(other, other_buyer.user_id, [1], number="ZAM/2026/OBCE")
    row_before = await Complaint.select().where(Complaint.id == complaint_id).first()

    for change, field in (
        (StatusChange("resolved", resolution="credit_note_issued", credit_note_id=str(foreign_note)), "credit_note_id"),
        (StatusChange("resolved", resolution="credit_note_issued", credit_note_id=str(own_invoice)), "credit_note_id"),
        (
            StatusChange("resolved", resolution="replacement_shipped", replacement_order_id=str(foreign_order.id)),
            "replacement_order_id",
        ),
    ):
        with pytest.raises(Invalid) as refused:
            await change_status(await world.office_scope(), complaint_id, change, [], postbox, max_upload_bytes=LIMIT)
        assert field in refused.value.errors

    assert await Complaint.select().where(Complaint.id == complaint_id).first() == row_before


async def test_only_the_back_office_moves_a_complaint_and_strangers_do_not_find_it(postbox: Postbox) -> None:
    world = await make_world([10])
    complaint_id = await _complaint_in(world, postbox, S.SUBMITTED)
    stranger = await make_person(await make_company(), Role.COMPANY_ADMIN)

    with pytest.raises(NotAllowed):
        await change_status(
            await world.buyer_scope(), complaint_id, StatusChange("under_review"), [], postbox, max_upload_bytes=LIMIT
        )
    with pytest.raises(NotFound):
        await change_status(
            await stranger.scope(), complaint_id, StatusChange("under_review"), [], postbox, max_upload_bytes=LIMIT
        )
    with pytest.raises(NotFound):
        await complaint_detail(await stranger.scope(), complaint_id)
    assert (await Complaint.select(Complaint.status).first() or {})["status"] == "submitted"


async def test_the_clock_keeps_running_under_review_and_stops_while_the_customer_owes(postbox: Postbox) -> None:
    world = await make_world([10])
    complaint_id = await _complaint_in(world, postbox, S.SUBMITTED)
    office = await world.office_scope()
    first_due = (await Complaint.select(Complaint.response_due_at).first() or {})["response_due_at"]

    await change_status(office, complaint_id, StatusChange("under_review"), [], postbox, max_upload_bytes=LIMIT)
    assert (await Complaint.select(Complaint.response_due_at).first() or {})["response_due_at"] == first_due
    await change_status(
        office, complaint_id, _complete_change(S.MORE_INFORMATION_NEEDED), [], postbox, max_upload_bytes=LIMIT
    )
    assert (await Complaint.select(Complaint.response_due_at).first() or {})["response_due_at"] is None


# --- Lists -------------------------------------------------------------------------------------


async def test_the_queue_shows_every_customer_oldest_first_with_the_overdue_marked(postbox: Postbox) -> None:
    world = await make_world([10])
    older = await _complaint_in(world, postbox, S.SUBMITTED)
    newer = await _complaint_in(world, postbox, S.UNDER_REVIEW)
    closed = await _complaint_in(world, postbox, S.CLOSED)
    await Complaint.update(
        {
            Complaint.created_at: datetime.now(UTC) - timedelta(days=5),
            Complaint.response_due_at: datetime.now(UTC) - timedelta(hours=1),
        }
    ).where(Complaint.id == older)
    other = await make_world([3])
    (other_line,) = other.order.line_ids
    await deliver(other, {other_line: 3})
    foreign = (await file_complaint(other, postbox, {other_line: 1})).complaint_id

    office = await world.office_scope()
    queue, has_next = await complaint_queue(office, ComplaintFilters())
    assert [entry.id for entry in queue] == [older, newer, foreign] and not has_next
    assert [entry.overdue for entry in queue] == [True, False, False]
    assert [e.id for e in (await complaint_queue(office, ComplaintFilters(overdue=True)))[0]] == [older]
    assert [e.id for e in (await complaint_queue(office, ComplaintFilters(older_than_days=3)))[0]] == [older]
    assert [e.id for e in (await complaint_queue(office, ComplaintFilters(customer=other.customer)))[0]] == [foreign]
    assert closed in [e.id for e in (await complaint_queue(office, ComplaintFilters(status="all")))[0]]
    assert [e.id for e in (await complaint_queue(office, ComplaintFilters(reason="surplus")))[0]] == []


async def test_a_customer_lists_only_their_own_and_cannot_open_the_queue(postbox: Postbox) -> None:
    world = await make_world([10])
    own = await _complaint_in(world, postbox, S.SUBMITTED)
    other = await make_world([3])
    (other_line,) = other.order.line_ids
    await deliver(other, {other_line: 3})
    await file_complaint(other, postbox, {other_line: 1})

    listed, _more = await list_complaints(await world.buyer_scope(), ComplaintFilters())

    assert [entry.id for entry in listed] == [own]
    with pytest.raises(NotAllowed):
        await complaint_queue(await world.buyer_scope(), ComplaintFilters())


def test_filters_read_from_the_address_ignore_nonsense() -> None:
    filters = ComplaintFilters.from_parameters(
        {"status": "lost", "reason": "defective", "customer": "x", "older_than": "7", "overdue": "1", "page": "0"}
    )
    assert filters == ComplaintFilters(reason="defective", older_than_days=7, overdue=True, page=1)
    assert ComplaintFilters.from_parameters({}).parameters() == ""


# --- The seller's deadlines --------------------------------------------------------------------


async def test_the_back_office_sets_deadlines_as_positive_whole_numbers() -> None:
    world = await make_world([1])
    office = await world.office_scope()
    values = {
        f"{name}-{p.reason}": str(getattr(p, name))
        for p in await complaints.complaint_policies()
        for name in ("filing_days", "response_hours")
    }

    with pytest.raises(Invalid) as refused:
        await update_policies(office, {**values, "filing_days-defective": "0", "response_hours-other": "dwa"})
    assert set(refused.value.errors) == {"filing_days-defective", "response_hours-other"}
    assert (
        await ComplaintPolicy.select(ComplaintPolicy.filing_days).where(ComplaintPolicy.reason == "defective").first()
        or {}
    )["filing_days"] == 365

    await update_policies(office, {**values, "filing_days-defective": "730"})
    assert (
        await ComplaintPolicy.select(ComplaintPolicy.filing_days).where(ComplaintPolicy.reason == "defective").first()
        or {}
    )["filing_days"] == 730
    with pytest.raises(NotAllowed):
        await update_policies(await world.buyer_scope(), values)
