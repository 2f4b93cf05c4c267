"""Complaints (reklamacje): what a customer may still complain about after a delivery, filing one
with its lines, photos and the carrier's damage report, the back office moving it through its
states with a timeline entry and an email per step, and the seller's deadlines per reason.

Quantities are decided under a lock of the order's row, so two complaints filed at once cannot
both claim the same delivered pieces."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import uuid4

from litestar.datastructures import UploadFile
from piccolo.custom_types import Combinable

from portal import clock
from portal.accounts.customer_scope import customers_seen_by
from portal.accounts.scope import Scope
from portal.aftersales.access import require_back_office
from portal.aftersales.attachments import AttachmentView, CheckedFile, attachments_of, check_uploads, save_attachment
from portal.aftersales.tables import (
    AttachmentPurpose,
    Complaint,
    ComplaintEvent,
    ComplaintLine,
    ComplaintPolicy,
    ComplaintReason,
    ComplaintStatus,
    Resolution,
    ReturnMethod,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    WantedResolution,
)
from portal.backoffice.inbox import NotificationKind, announce_notifications, notify
from portal.database import lock_rows_for_decision, write_transaction
from portal.errors import Conflict, Invalid, NotFound
from portal.finance.tables import DocumentKind, Invoice, live_invoices
from portal.i18n import gettext as _
from portal.integration.outbox import emit
from portal.live import announce
from portal.mail import OutgoingMail, Postbox
from portal.ordering.tables import Order, OrderLine
from portal.web.forms import calendar_day, record_id, whole_number

PAGE_SIZE = 50
MAX_DESCRIPTION_LENGTH = 5000
MAX_NOTE_LENGTH = 1000

S = ComplaintStatus
# The one table of moves the back office may make; anything else is refused and changes nothing.
TRANSITIONS: dict[ComplaintStatus, tuple[ComplaintStatus, ...]] = {
    S.SUBMITTED: (S.UNDER_REVIEW, S.REJECTED),
    S.UNDER_REVIEW: (S.MORE_INFORMATION_NEEDED, S.ACCEPTED, S.REJECTED),
    S.MORE_INFORMATION_NEEDED: (S.UNDER_REVIEW, S.REJECTED),
    S.ACCEPTED: (S.GOODS_RECEIVED, S.RESOLVED),
    S.GOODS_RECEIVED: (S.RESOLVED, S.REJECTED),
    S.RESOLVED: (S.CLOSED,),
    S.REJECTED: (S.CLOSED,),
    S.CLOSED: (),
}
# States in which the seller owes the next answer, so the response clock runs.
SELLER_OWES = (S.SUBMITTED, S.UNDER_REVIEW, S.GOODS_RECEIVED)
OPEN_STATUSES = tuple(status for status in ComplaintStatus if status is not S.CLOSED)


def complaint_number(complaint_id: int, on: date) -> str:
    return f"REK/{on.year}/{complaint_id:06d}"


def status_label(status: str) -> str:
    labels: dict[str, str] = {
        S.SUBMITTED: _("Submitted"),
        S.UNDER_REVIEW: _("Under review"),
        S.MORE_INFORMATION_NEEDED: _("More information needed"),
        S.ACCEPTED: _("Accepted"),
        S.GOODS_RECEIVED: _("Goods received"),
        S.RESOLVED: _("Resolved"),
        S.REJECTED: _("Rejected"),
        S.CLOSED: _("Closed"),
    }
    return labels.get(status, status)


def reason_label(reason: str) -> str:
    labels: dict[str, str] = {
        ComplaintReason.DAMAGED_IN_TRANSPORT: _("Damaged in transport"),
        ComplaintReason.DEFECTIVE: _("Defective"),
        ComplaintReason.WRONG_PRODUCT: _("Wrong product"),
        ComplaintReason.MISSING_QUANTITY: _("Missing quantity"),
        ComplaintReason.SURPLUS: _("Surplus delivered"),
        ComplaintReason.OTHER: _("Other"),
    }
    return labels.get(reason, reason)


def wanted_resolution_label(wanted: str) -> str:
    labels: dict[str, str] = {
        WantedResolution.REPLACEMENT: _("Replacement"),
        WantedResolution.CREDIT_NOTE: _("Credit note"),
        WantedResolution.REPAIR: _("Repair"),
        WantedResolution.REFUND: _("Return for a refund"),
    }
    return labels.get(wanted, wanted)


def resolution_label(resolution: str) -> str:
    labels: dict[str, str] = {
        Resolution.REPLACEMENT_SHIPPED: _("Replacement shipped"),
        Resolution.CREDIT_NOTE_ISSUED: _("Credit note issued"),
        Resolution.REPAIRED: _("Repaired"),
        Resolution.REFUNDED: _("Refunded"),
    }
    return labels.get(resolution, resolution)


def return_method_label(method: str) -> str:
    labels: dict[str, str] = {
        ReturnMethod.INSTRUCTIONS: _("Return by the instructions"),
        ReturnMethod.LABEL: _("Return with a label"),
        ReturnMethod.PICKUP: _("Courier pickup"),
    }
    return labels.get(method, method)


# Templates and mails call these while rendering, so the words follow the reader's language.
LABELS: dict[str, Callable[[str], str]] = {
    "status": status_label,
    "reason": reason_label,
    "wanted": wanted_resolution_label,
    "resolution": resolution_label,
    "return_method": return_method_label,
}


# --- What may be complained about ---------------------------------------------------------------


@dataclass(frozen=True)
class ClaimableLine:
    order_line_id: int
    sku: str
    name: str
    unit: str
    ordered: int
    delivered: int
    under_complaint: int
    claimable: int


@dataclass(frozen=True)
class ReasonDeadline:
    reason: str
    filing_days: int
    response_hours: int
    deadline: date

    @property
    def passed(self) -> bool:
        return self.deadline < clock.today()


@dataclass(frozen=True)
class ComplaintForm:
    order_id: int
    order_number: str
    company_id: int
    shipment_id: int | None
    shipment_number: str
    invoice_id: int | None
    invoice_number: str
    delivered_on: date
    lines: list[ClaimableLine]
    deadlines: list[ReasonDeadline]

    def line(self, order_line_id: int) -> ClaimableLine | None:
        return next((line for line in self.lines if line.order_line_id == order_line_id), None)

    def deadline(self, reason: str) -> ReasonDeadline | None:
        return next((deadline for deadline in self.deadlines if deadline.reason == reason), None)


async def _source_order(
    caller: Scope, order_id: int | None, shipment_id: int | None, invoice_id: int | None
) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]:
    """The order complained about, reached from itself, one of its shipments or its invoice."""
    shipment = invoice = None
    if shipment_id is not None:
        shipment = (
            await Shipment.select(Shipment.id, Shipment.number, Shipment.order, Shipment.status, Shipment.delivered_at)
            .where((Shipment.id == shipment_id) & customers_seen_by(caller, Shipment.company))
            .first()
        )
        if shipment is None:
            raise NotFound(_("This shipment does not exist."))
        order_id = order_id or shipment["order"]
        if shipment["order"] != order_id:
            raise NotFound(_("This shipment does not exist."))
    if invoice_id is not None:
        invoice = (
            await Invoice.select(Invoice.id, Invoice.number, Invoice.order)
            .where((Invoice.id == invoice_id) & customers_seen_by(caller, Invoice.company) & live_invoices())
            .first()
        )
        if invoice is None:
            raise NotFound(_("This invoice does not exist."))
        if invoice["order"] is None:
            raise Conflict(_("This invoice is not linked to an order; write to the seller about it instead."))
        order_id = order_id or invoice["order"]
        if invoice["order"] != order_id:
            raise NotFound(_("This invoice does not exist."))
    order = None
    if order_id is not None:
        order = (
            await Order.select(Order.id, Order.number, Order.company)
            .where((Order.id == order_id) & customers_seen_by(caller, Order.company))
            .first()
        )
    if order is None:
        raise NotFound(_("This order does not exist."))
    return order, shipment, invoice


async def _claimable_lines(order_id: int, shipment_id: int | None) -> tuple[list[ClaimableLine], date | None]:
    """Each line's delivered pieces less those already under complaint, and the delivery date.
    Of a single shipment, a line may be claimed up to what that shipment brought and what the
    whole order still has unclaimed; the deadline then runs from that shipment's delivery."""
    delivered = await ShipmentLine.select(
        ShipmentLine.order_line,
        ShipmentLine.quantity,
        ShipmentLine.shipment.as_alias("shipment_id"),
        ShipmentLine.shipment.delivered_at.as_alias("delivered_at"),
    ).where((ShipmentLine.shipment._.order == order_id) & (ShipmentLine.shipment._.status == ShipmentStatus.DELIVERED))
    claimed = await ComplaintLine.select(
        ComplaintLine.order_line, ComplaintLine.quantity, ComplaintLine.complaint.shipment.as_alias("shipment_id")
    ).where(
        (ComplaintLine.complaint._.order == order_id)
        # A rejected complaint, closed or not, keeps its rejection reason and claims nothing.
        & (ComplaintLine.complaint._.status != S.REJECTED)
        & (ComplaintLine.complaint._.rejection_reason == "")
    )
    lines = (
        await OrderLine.select(OrderLine.id, OrderLine.sku, OrderLine.name, OrderLine.unit, OrderLine.quantity)
        .where(OrderLine.order == order_id)
        .order_by(OrderLine.id)
    )

    delivered_total: dict[int, int] = defaultdict(int)
    delivered_here: dict[int, int] = defaultdict(int)
    delivery_days: list[datetime] = []
    for row in delivered:
        delivered_total[row["order_line"]] += row["quantity"]
        if shipment_id is None or row["shipment_id"] == shipment_id:
            delivered_here[row["order_line"]] += row["quantity"]
            if row["delivered_at"] is not None:
                delivery_days.append(row["delivered_at"])
    claimed_total: dict[int, int] = defaultdict(int)
    claimed_here: dict[int, int] = defaultdict(int)
    for row in claimed:
        claimed_total[row["order_line"]] += row["quantity"]
        if shipment_id is None or row["shipment_id"] == shipment_id:
            claimed_here[row["order_line"]] += row["quantity"]

    result = []
    for line in lines:
        line_id = line["id"]
        claimable = min(
            delivered_here[line_id] - claimed_here[line_id], delivered_total[line_id] - claimed_total[line_id]
        )
        result.append(
            ClaimableLine(
                order_line_id=line_id,
                sku=line["sku"],
                name=line["name"],
                unit=line["unit"],
                ordered=line["quantity"],
                delivered=delivered_here[line_id],
                under_complaint=claimed_here[line_id],
                claimable=max(claimable, 0),
            )
        )
    delivered_on = clock.business_day(max(delivery_days)) if delivery_days else None
    return result, delivered_on


async def complaint_policies() -> list[ComplaintPolicy]:
    rows = await ComplaintPolicy.objects().order_by(ComplaintPolicy.id)
    return list(rows)


async def complaint_form(
    caller: Scope, order_id: int | None, shipment_id: int | None = None, invoice_id: int | None = None
) -> ComplaintForm:
    order, shipment, invoice = await _source_order(caller, order_id, shipment_id, invoice_id)
    if shipment is not None and shipment["status"] != ShipmentStatus.DELIVERED:
        raise Conflict(_("Shipment %(number)s has not been delivered yet.") % {"number": shipment["number"]})
    lines, delivered_on = await _claimable_lines(order["id"], shipment_id)
    if delivered_on is None:
        raise Conflict(
            _("Nothing of order %(number)s has been delivered yet, so there is nothing to complain about.")
            % {"number": order["number"]}
        )
    return ComplaintForm(
        order_id=order["id"],
        order_number=order["number"],
        company_id=order["company"],
        shipment_id=shipment_id,
        shipment_number=shipment["number"] if shipment else "",
        invoice_id=invoice_id,
        invoice_number=invoice["number"] if invoice else "",
        delivered_on=delivered_on,
        lines=lines,
        deadlines=[
            ReasonDeadline(
                policy.reason,
                policy.filing_days,
                policy.response_hours,
                delivered_on + timedelta(days=policy.filing_days),
            )
            for policy in await complaint_policies()
        ],
    )


# --- Filing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintRequest:
    """What the customer's form sent, as typed."""

    order_id: int | None
    reason: str
    wanted_resolution: str
    description: str
    # Order line id → the quantity typed for it.
    quantities: dict[int, str]
    damage_report_number: str = ""
    shipment_id: int | None = None
    invoice_id: int | None = None


@dataclass(frozen=True)
class FiledComplaint:
    complaint_id: int
    number: str
    mails: tuple[OutgoingMail, ...]


def _chosen_quantities(form: ComplaintForm, typed: dict[int, str]) -> tuple[dict[int, int], dict[str, str]]:
    chosen: dict[int, int] = {}
    errors: dict[str, str] = {}
    for line_id, text in typed.items():
        if not text.strip():
            continue
        line = form.line(line_id)
        field = f"quantity-{line_id}"
        if line is None:
            errors["lines"] = _("A chosen line is not part of this order.")
        elif (pieces := whole_number(text)) is None:
            errors[field] = _("Enter a whole number of pieces.")
        elif pieces > line.claimable:
            errors[field] = _(
                "At most %(num)d can be complained about: %(delivered)d delivered, %(claimed)d already under complaint."
            ) % {
                "num": line.claimable,
                "delivered": line.delivered,
                "claimed": line.under_complaint,
            }
        elif pieces > 0:
            chosen[line_id] = pieces
    if not chosen and not errors:
        errors["lines"] = _("Choose at least one line and the quantity concerned.")
    return chosen, errors


async def submit_complaint(
    caller: Scope,
    request: ComplaintRequest,
    photos: Sequence[UploadFile | str],
    damage_reports: Sequence[UploadFile | str],
    postbox: Postbox,
    *,
    max_upload_bytes: int,
) -> FiledComplaint:
    """Every rule is checked, the files included, before anything is stored."""
    form = await complaint_form(caller, request.order_id, request.shipment_id, request.invoice_id)
    chosen, errors = _chosen_quantities(form, request.quantities)
    deadline = form.deadline(request.reason)
    if request.reason not in ComplaintReason.__members__.values() or deadline is None:
        errors["reason"] = _("Choose the reason of the complaint.")
    elif deadline.passed:
        errors["reason"] = _(
            "Complaints of this kind can be filed up to %(days)d days after delivery; the deadline was %(date)s."
        ) % {"days": deadline.filing_days, "date": deadline.deadline.isoformat()}
    if request.wanted_resolution not in WantedResolution.__members__.values():
        errors["wanted_resolution"] = _("Choose how you want the complaint resolved.")
    description = request.description.strip()
    if not description:
        errors["description"] = _("Describe what is wrong.")
    elif len(description) > MAX_DESCRIPTION_LENGTH:
        errors["description"] = _("The description may have at most %(num)d characters.") % {
            "num": MAX_DESCRIPTION_LENGTH
        }
    report_number = request.damage_report_number.strip()[:60]
    checked_photos = await _checked(photos, "photos", max_upload_bytes, errors)
    checked_reports = await _checked(damage_reports, "damage_report_files", max_upload_bytes, errors)
    if request.reason == ComplaintReason.DAMAGED_IN_TRANSPORT and not report_number and not checked_reports:
        errors.setdefault(
            "damage_report",
            _("Damage in transport needs the carrier's damage report: its number or the report as a file."),
        )
    if errors:
        raise Invalid(errors)
    assert deadline is not None

    now = clock.now()
    async with write_transaction(Complaint._meta.db):
        await lock_rows_for_decision(Order.select(Order.id).where(Order.id == form.order_id)).first()
        # Another complaint may have claimed the same pieces since the form was read.
        current, _delivered_on = await _claimable_lines(form.order_id, form.shipment_id)
        _still, late_errors = _chosen_quantities(
            replace(form, lines=current), {line_id: str(quantity) for line_id, quantity in chosen.items()}
        )
        if late_errors:
            raise Invalid(late_errors)
        created = await Complaint.insert(
            Complaint(
                number=f"pending-{uuid4().hex[:12]}",
                company=form.company_id,
                order=form.order_id,
                shipment=form.shipment_id,
                invoice=form.invoice_id,
                submitted_by=caller.user_id,
                reason=request.reason,
                description=description,
                wanted_resolution=request.wanted_resolution,
                damage_report_number=report_number,
                status=S.SUBMITTED,
                response_due_at=now + timedelta(hours=deadline.response_hours),
            )
        ).returning(Complaint.id)
        complaint_id = created[0]["id"]
        number = complaint_number(complaint_id, clock.business_day(now))
        await Complaint.update({Complaint.number: number}).where(Complaint.id == complaint_id)
        await ComplaintLine.insert(
            *(ComplaintLine(complaint=complaint_id, order_line=line_id, quantity=q) for line_id, q in chosen.items())
        )
        await ComplaintEvent.insert(ComplaintEvent(complaint=complaint_id, status=S.SUBMITTED, actor=caller.user_id))
        await _emit_complaint(
            "complaint.created", form.company_id, complaint_id, number, form.order_number, S.SUBMITTED
        )
        await notify(
            NotificationKind.COMPLAINT_FILED,
            form.company_id,
            number=number,
            actor_id=caller.user_id,
            order_id=form.order_id,
            complaint_id=complaint_id,
            excerpt=description,
        )
        for files, purpose in (
            (checked_photos, AttachmentPurpose.PHOTO),
            (checked_reports, AttachmentPurpose.DAMAGE_REPORT),
        ):
            for file in files:
                await save_attachment(
                    file,
                    company_id=form.company_id,
                    purpose=purpose,
                    uploaded_by=caller.user_id,
                    complaint_id=complaint_id,
                )
    await announce(form.company_id, f"complaint-{complaint_id}")
    await announce_notifications(form.company_id)
    mail = postbox.compose(
        "complaint_submitted",
        caller.email,
        caller.locale,
        number=number,
        order_number=form.order_number,
        reason=request.reason,
        labels=LABELS,
        link=postbox.link(f"/complaints/{complaint_id}"),
    )
    return FiledComplaint(complaint_id, number, (mail,))


async def _checked(
    uploads: Sequence[UploadFile | str], field: str, max_bytes: int, errors: dict[str, str]
) -> list[CheckedFile]:
    """The files of one field, or none with its message added to `errors`."""
    try:
        return await check_uploads(uploads, field, max_bytes)
    except Invalid as error:
        errors.update(error.errors)
        return []


# --- The back office moves it ----------------------------------------------------------------


@dataclass(frozen=True)
class StatusChange:
    """The back office's form: the state wanted and what that state asks for."""

    to: str
    note: str = ""
    return_method: str = ""
    return_instructions: str = ""
    pickup_on: str = ""
    resolution: str = ""
    credit_note_id: str = ""
    replacement_order_id: str = ""


@dataclass(frozen=True)
class StatusChanged:
    status: ComplaintStatus
    mails: tuple[OutgoingMail, ...]


def refused_move(current: str, wanted: str) -> Conflict:
    moves = TRANSITIONS.get(ComplaintStatus(current), ())
    if not moves:
        return Conflict(_("A complaint that is %(state)s cannot change any more.") % {"state": status_label(current)})
    return Conflict(
        _("A complaint that is %(state)s cannot become %(wanted)s; possible next steps: %(moves)s.")
        % {
            "state": status_label(current),
            "wanted": status_label(wanted),
            "moves": ", ".join(status_label(move) for move in moves),
        }
    )


async def _complaint_row(caller: Scope, complaint_id: int) -> dict[str, Any]:
    row = (
        await Complaint.select(
            Complaint.id,
            Complaint.number,
            Complaint.company,
            Complaint.status,
            Complaint.reason,
            Complaint.submitted_by.email.as_alias("submitter_email"),
            Complaint.submitted_by.locale.as_alias("submitter_locale"),
        )
        .where((Complaint.id == complaint_id) & customers_seen_by(caller, Complaint.company))
        .first()
    )
    if row is None:
        raise NotFound(_("This complaint does not exist."))
    return row


async def _response_hours(reason: str) -> int:
    policy = (
        await ComplaintPolicy.select(ComplaintPolicy.response_hours).where(ComplaintPolicy.reason == reason).first()
    )
    return policy["response_hours"] if policy else 72


async def _changes_for(
    complaint: dict[str, Any], change: StatusChange, files: list[CheckedFile]
) -> tuple[dict[Any, Any], str, dict[str, str]]:
    """What the wanted state stores, its timeline note, and what is missing for it."""
    to = ComplaintStatus(change.to)
    note = change.note.strip()[:MAX_NOTE_LENGTH]
    updates: dict[Any, Any] = {}
    errors: dict[str, str] = {}
    if to is S.MORE_INFORMATION_NEEDED and not note:
        errors["note"] = _("Write the question the customer should answer.")
    elif to is S.REJECTED:
        if not note:
            errors["note"] = _("Give the reason for rejecting the complaint.")
        updates[Complaint.rejection_reason] = note
    elif to is S.ACCEPTED:
        method = change.return_method
        updates[Complaint.return_method] = method
        if method == ReturnMethod.INSTRUCTIONS:
            instructions = change.return_instructions.strip()[:MAX_DESCRIPTION_LENGTH]
            if not instructions:
                errors["return_instructions"] = _("Write how the goods are to be returned.")
            updates[Complaint.return_instructions] = instructions
            note = note or instructions[:MAX_NOTE_LENGTH]
        elif method == ReturnMethod.LABEL:
            if not files:
                errors["files"] = _("Attach the return label.")
        elif method == ReturnMethod.PICKUP:
            pickup_on = calendar_day(change.pickup_on)
            if pickup_on is None:
                errors["pickup_on"] = _("Enter the pickup date.")
            else:
                if pickup_on < clock.today():
                    errors["pickup_on"] = _("The pickup date cannot be in the past.")
                updates[Complaint.pickup_on] = pickup_on
        else:
            errors["return_method"] = _("Choose how the goods come back: instructions, a return label or a pickup.")
    elif to is S.RESOLVED:
        if change.resolution not in Resolution.__members__.values():
            errors["resolution"] = _("Choose how the complaint was resolved.")
        updates[Complaint.resolution] = change.resolution
        updates.update(await _resolution_links(complaint["company"], change, errors))
    return updates, note, errors


async def _resolution_links(company_id: int, change: StatusChange, errors: dict[str, str]) -> dict[Any, Any]:
    """A credit note or replacement order linked to the resolution must be the customer's own."""
    links: dict[Any, Any] = {}
    if change.credit_note_id:
        found = (
            await Invoice.select(Invoice.id)
            .where(
                (Invoice.id == _as_id(change.credit_note_id))
                & (Invoice.company == company_id)
                & (Invoice.kind == DocumentKind.CREDIT_NOTE)
                & live_invoices()
            )
            .first()
        )
        if found is None:
            errors["credit_note_id"] = _("Choose a credit note issued to this customer.")
        else:
            links[Complaint.credit_note] = found["id"]
    if change.replacement_order_id:
        found = (
            await Order.select(Order.id)
            .where((Order.id == _as_id(change.replacement_order_id)) & (Order.company == company_id))
            .first()
        )
        if found is None:
            errors["replacement_order_id"] = _("Choose an order of this customer.")
        else:
            links[Complaint.replacement_order] = found["id"]
    return links


def _as_id(text: str) -> int:
    return record_id(text) or 0


async def change_status(
    caller: Scope,
    complaint_id: int,
    change: StatusChange,
    files: Sequence[UploadFile | str],
    postbox: Postbox,
    *,
    max_upload_bytes: int,
) -> StatusChanged:
    complaint = await _complaint_row(caller, complaint_id)
    require_back_office(caller)
    if change.to not in ComplaintStatus.__members__.values() or change.to not in TRANSITIONS[complaint["status"]]:
        raise refused_move(complaint["status"], change.to)
    errors: dict[str, str] = {}
    checked = await _checked(files, "files", max_upload_bytes, errors)
    updates, note, missing = await _changes_for(complaint, change, checked)
    errors.update(missing)
    if errors:
        raise Invalid(errors)

    to = ComplaintStatus(change.to)
    now = clock.now()
    async with write_transaction(Complaint._meta.db):
        locked = await lock_rows_for_decision(
            Complaint.select(Complaint.status, Complaint.response_due_at).where(Complaint.id == complaint_id)
        ).first()
        assert locked is not None
        if to not in TRANSITIONS[locked["status"]]:
            raise refused_move(locked["status"], to)
        updates[Complaint.status] = to
        updates[Complaint.updated_at] = now
        updates[Complaint.response_due_at] = await _next_response_due(
            ComplaintStatus(locked["status"]), to, locked["response_due_at"], complaint["reason"], now
        )
        await Complaint.update(updates).where(Complaint.id == complaint_id)
        await ComplaintEvent.insert(ComplaintEvent(complaint=complaint_id, status=to, actor=caller.user_id, note=note))
        await _status_changed(complaint_id, to)
        purpose = AttachmentPurpose.RETURN_LABEL if to is S.ACCEPTED else AttachmentPurpose.DOCUMENT
        for file in checked:
            await save_attachment(
                file,
                company_id=complaint["company"],
                purpose=purpose,
                uploaded_by=caller.user_id,
                complaint_id=complaint_id,
            )
    await announce(complaint["company"], f"complaint-{complaint_id}")
    return StatusChanged(to, (await _status_mail(complaint_id, postbox),))


async def _next_response_due(
    before: ComplaintStatus, after: ComplaintStatus, due: datetime | None, reason: str, now: datetime
) -> datetime | None:
    """The clock starts when the seller comes to owe an answer, keeps running while it still
    does, and stops when the customer is the one to act or the matter is decided."""
    if after not in SELLER_OWES:
        return None
    if before in SELLER_OWES and due is not None:
        return due
    return now + timedelta(hours=await _response_hours(reason))


async def _status_mail(complaint_id: int, postbox: Postbox) -> OutgoingMail:
    row = (
        await Complaint.select(
            Complaint.number,
            Complaint.status,
            Complaint.return_method,
            Complaint.return_instructions,
            Complaint.pickup_on,
            Complaint.resolution,
            Complaint.rejection_reason,
            Complaint.submitted_by.email.as_alias("email"),
            Complaint.submitted_by.locale.as_alias("locale"),
        )
        .where(Complaint.id == complaint_id)
        .first()
    )
    assert row is not None
    event = (
        await ComplaintEvent.select(ComplaintEvent.note)
        .where(ComplaintEvent.complaint == complaint_id)
        .order_by(ComplaintEvent.id, ascending=False)
        .first()
    )
    return postbox.compose(
        "complaint_status",
        row["email"],
        row["locale"],
        complaint=row,
        note=event["note"] if event else "",
        labels=LABELS,
        link=postbox.link(f"/complaints/{complaint_id}"),
    )


async def reopen_after_customer_answer(complaint_id: int, author_id: int) -> bool:
    """A customer's message answers the back office's question: the complaint goes back under
    review and the seller's clock starts again. Call inside the message's transaction."""
    row = await lock_rows_for_decision(
        Complaint.select(Complaint.status, Complaint.reason).where(Complaint.id == complaint_id)
    ).first()
    if row is None or row["status"] != S.MORE_INFORMATION_NEEDED:
        return False
    now = clock.now()
    await Complaint.update(
        {
            Complaint.status: S.UNDER_REVIEW,
            Complaint.updated_at: now,
            Complaint.response_due_at: now + timedelta(hours=await _response_hours(row["reason"])),
        }
    ).where(Complaint.id == complaint_id)
    await ComplaintEvent.insert(
        ComplaintEvent(complaint=complaint_id, status=S.UNDER_REVIEW, actor=author_id, note=_("The customer answered."))
    )
    await _status_changed(complaint_id, S.UNDER_REVIEW)
    return True


async def _emit_complaint(
    topic: str, company_id: int, complaint_id: int, number: str, order_number: str, status: str
) -> None:
    await emit(
        topic,
        company_id,
        {"complaint_id": complaint_id, "number": number, "order_number": order_number, "status": str(status)},
    )


async def _status_changed(complaint_id: int, status: ComplaintStatus) -> None:
    """The outbox event of a complaint's new status; inside the transaction that moved it."""
    row = (
        await Complaint.select(Complaint.company, Complaint.number, Complaint.order.number.as_alias("order_number"))
        .where(Complaint.id == complaint_id)
        .first()
    )
    assert row is not None
    await _emit_complaint(
        "complaint.status_changed", row["company"], complaint_id, row["number"], row["order_number"] or "", status
    )


# --- Lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintFilters:
    # "" means the open ones, "all" every state, else one state.
    status: str = ""
    reason: str = ""
    customer: int | None = None
    older_than_days: int | None = None
    overdue: bool = False
    page: int = 1

    @classmethod
    def from_parameters(cls, parameters: dict[str, str]) -> ComplaintFilters:
        def number(name: str) -> int | None:
            return record_id(parameters.get(name, ""))

        status = parameters.get("status", "")
        reason = parameters.get("reason", "")
        return cls(
            status=status if status in {"all", *ComplaintStatus} else "",
            reason=reason if reason in ComplaintReason.__members__.values() else "",
            customer=number("customer"),
            older_than_days=number("older_than"),
            overdue=parameters.get("overdue") == "1",
            page=max(number("page") or 1, 1),
        )

    def parameters(self, page: int = 1) -> str:
        values = {
            "status": self.status,
            "reason": self.reason,
            "customer": str(self.customer or ""),
            "older_than": "" if self.older_than_days is None else str(self.older_than_days),
            "overdue": "1" if self.overdue else "",
            "page": str(page) if page > 1 else "",
        }
        return urlencode({name: value for name, value in values.items() if value})

    def condition(self, now: datetime) -> Combinable:
        if self.status == "all":
            condition: Combinable = Complaint.id.is_not_null()
        elif self.status:
            condition = Complaint.status == self.status
        else:
            condition = Complaint.status.is_in(list(OPEN_STATUSES))
        if self.reason:
            condition &= Complaint.reason == self.reason
        if self.customer:
            condition &= Complaint.company == self.customer
        if self.older_than_days is not None:
            condition &= Complaint.created_at <= now - timedelta(days=self.older_than_days)
        if self.overdue:
            condition &= _overdue_condition(now)
        return condition


def _overdue_condition(now: datetime) -> Combinable:
    return (Complaint.response_due_at < now) & Complaint.status.is_in(list(SELLER_OWES))


@dataclass(frozen=True)
class ComplaintSummary:
    id: int
    number: str
    status: str
    reason: str
    company_name: str
    order_id: int
    order_number: str
    submitted_by_name: str
    created_at: datetime
    response_due_at: datetime | None
    overdue: bool


_SUMMARY_COLUMNS = (
    Complaint.id,
    Complaint.number,
    Complaint.status,
    Complaint.reason,
    Complaint.company.name.as_alias("company_name"),
    Complaint.order,
    Complaint.order.number.as_alias("order_number"),
    Complaint.submitted_by.name.as_alias("submitted_by_name"),
    Complaint.created_at,
    Complaint.response_due_at,
)


def _summary(row: dict[str, Any], now: datetime) -> ComplaintSummary:
    due = row["response_due_at"]
    return ComplaintSummary(
        id=row["id"],
        number=row["number"],
        status=row["status"],
        reason=row["reason"],
        company_name=row["company_name"],
        order_id=row["order"],
        order_number=row["order_number"],
        submitted_by_name=row["submitted_by_name"],
        created_at=row["created_at"],
        response_due_at=due,
        overdue=due is not None and due < now and row["status"] in SELLER_OWES,
    )


async def _summaries(
    condition: Combinable, filters: ComplaintFilters, *, oldest_first: bool
) -> tuple[list[ComplaintSummary], bool]:
    now = clock.now()
    rows = (
        await Complaint.select(*_SUMMARY_COLUMNS)
        .where(condition & filters.condition(now))
        .order_by(Complaint.created_at, Complaint.id, ascending=oldest_first)
        .limit(PAGE_SIZE + 1)
        .offset((filters.page - 1) * PAGE_SIZE)
    )
    return [_summary(row, now) for row in rows[:PAGE_SIZE]], len(rows) > PAGE_SIZE


async def list_complaints(caller: Scope, filters: ComplaintFilters) -> tuple[list[ComplaintSummary], bool]:
    """The caller's company's complaints, newest first."""
    return await _summaries(Complaint.company == caller.company_id, filters, oldest_first=False)


async def complaint_queue(caller: Scope, filters: ComplaintFilters) -> tuple[list[ComplaintSummary], bool]:
    """Every customer's complaints for the back office, the longest waiting first."""
    require_back_office(caller)
    return await _summaries(customers_seen_by(caller, Complaint.company), filters, oldest_first=True)


async def complaining_customers(caller: Scope) -> list[tuple[int, str]]:
    """The customers with complaints, for the queue's filter."""
    require_back_office(caller)
    rows = (
        await Complaint.select(Complaint.company, Complaint.company.name.as_alias("name"))
        .where(customers_seen_by(caller, Complaint.company))
        .distinct()
    )
    return sorted(((row["company"], row["name"]) for row in rows), key=lambda customer: customer[1])


# --- One complaint ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplainedLine:
    sku: str
    name: str
    unit: str
    quantity: int


@dataclass(frozen=True)
class TimelineEntry:
    status: str
    actor_name: str
    note: str
    at: datetime


@dataclass(frozen=True)
class LinkedDocument:
    id: int
    number: str


@dataclass(frozen=True)
class ComplaintDetail:
    summary: ComplaintSummary
    company_id: int
    description: str
    wanted_resolution: str
    damage_report_number: str
    shipment: LinkedDocument | None
    invoice: LinkedDocument | None
    return_method: str
    return_instructions: str
    pickup_on: date | None
    resolution: str
    rejection_reason: str
    credit_note: LinkedDocument | None
    replacement_order: LinkedDocument | None
    lines: list[ComplainedLine]
    timeline: list[TimelineEntry]
    attachments: list[AttachmentView]
    # The moves the caller may make now: none for a customer.
    next_moves: tuple[ComplaintStatus, ...]
    # For the back office's resolution form: the customer's credit notes and orders.
    credit_note_choices: list[LinkedDocument]
    order_choices: list[LinkedDocument]


def _linked(row: dict[str, Any], prefix: str) -> LinkedDocument | None:
    return LinkedDocument(row[prefix], row[f"{prefix}_number"]) if row[prefix] else None


async def complaint_detail(caller: Scope, complaint_id: int) -> ComplaintDetail:
    row = (
        await Complaint.select(
            *_SUMMARY_COLUMNS,
            *Complaint.all_columns(exclude=[Complaint.id, Complaint.number, Complaint.status, Complaint.reason]),
            Complaint.shipment.number.as_alias("shipment_number"),
            Complaint.invoice.number.as_alias("invoice_number"),
            Complaint.credit_note.number.as_alias("credit_note_number"),
            Complaint.replacement_order.number.as_alias("replacement_order_number"),
        )
        .where((Complaint.id == complaint_id) & customers_seen_by(caller, Complaint.company))
        .first()
    )
    if row is None:
        raise NotFound(_("This complaint does not exist."))
    lines = (
        await ComplaintLine.select(
            ComplaintLine.quantity,
            ComplaintLine.order_line.sku.as_alias("sku"),
            ComplaintLine.order_line.name.as_alias("name"),
            ComplaintLine.order_line.unit.as_alias("unit"),
        )
        .where(ComplaintLine.complaint == complaint_id)
        .order_by(ComplaintLine.id)
    )
    events = (
        await ComplaintEvent.select(
            ComplaintEvent.status,
            ComplaintEvent.note,
            ComplaintEvent.created_at,
            ComplaintEvent.actor.name.as_alias("actor_name"),
        )
        .where(ComplaintEvent.complaint == complaint_id)
        .order_by(ComplaintEvent.id)
    )
    back_office = caller.can("complaints.manage")
    return ComplaintDetail(
        summary=_summary(row, clock.now()),
        company_id=row["company"],
        description=row["description"],
        wanted_resolution=row["wanted_resolution"],
        damage_report_number=row["damage_report_number"],
        shipment=_linked(row, "shipment"),
        invoice=_linked(row, "invoice"),
        return_method=row["return_method"],
        return_instructions=row["return_instructions"],
        pickup_on=row["pickup_on"],
        resolution=row["resolution"],
        rejection_reason=row["rejection_reason"],
        credit_note=_linked(row, "credit_note"),
        replacement_order=_linked(row, "replacement_order"),
        lines=[ComplainedLine(line["sku"], line["name"], line["unit"], line["quantity"]) for line in lines],
        timeline=[
            TimelineEntry(event["status"], event["actor_name"] or "", event["note"], event["created_at"])
            for event in events
        ],
        attachments=await attachments_of(complaint_id=complaint_id),
        next_moves=TRANSITIONS[ComplaintStatus(row["status"])] if back_office else (),
        credit_note_choices=await _credit_notes(row["company"]) if back_office else [],
        order_choices=await _orders(row["company"]) if back_office else [],
    )


async def _credit_notes(company_id: int) -> list[LinkedDocument]:
    rows = (
        await Invoice.select(Invoice.id, Invoice.number)
        .where((Invoice.company == company_id) & (Invoice.kind == DocumentKind.CREDIT_NOTE) & live_invoices())
        .order_by(Invoice.issued_on, ascending=False)
        .limit(50)
    )
    return [LinkedDocument(row["id"], row["number"]) for row in rows]


async def _orders(company_id: int) -> list[LinkedDocument]:
    rows = (
        await Order.select(Order.id, Order.number)
        .where(Order.company == company_id)
        .order_by(Order.id, ascending=False)
        .limit(50)
    )
    return [LinkedDocument(row["id"], row["number"]) for row in rows]


# --- The seller's deadlines ------------------------------------------------------------------

MAX_FILING_DAYS = 3650
MAX_RESPONSE_HOURS = 24 * 90


async def update_policies(caller: Scope, values: dict[str, str]) -> None:
    """`values` holds `filing_days-<reason>` and `response_hours-<reason>` as typed."""
    require_back_office(caller)
    policies = await complaint_policies()
    errors: dict[str, str] = {}
    updates: dict[str, tuple[int, int]] = {}
    for policy in policies:
        numbers = []
        for name, most in (("filing_days", MAX_FILING_DAYS), ("response_hours", MAX_RESPONSE_HOURS)):
            field = f"{name}-{policy.reason}"
            text = values.get(field, "").strip()
            number = whole_number(text, minimum=1, maximum=most)
            if number is None:
                errors[field] = _("Enter a whole number from 1 to %(num)d.") % {"num": most}
            numbers.append(number or 0)
        updates[policy.reason] = (numbers[0], numbers[1])
    if errors:
        raise Invalid(errors)
    async with write_transaction(ComplaintPolicy._meta.db):
        for reason, (filing_days, response_hours) in updates.items():
            await ComplaintPolicy.update(
                {ComplaintPolicy.filing_days: filing_days, ComplaintPolicy.response_hours: response_hours}
            ).where(ComplaintPolicy.reason == reason)
