"""Tables of after-sales: carriers, shipments with their parcels, lines and tracking events;
complaints with their lines and timeline; conversations; uploaded files."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.accounts.tables import Company, User
from portal.finance.tables import Invoice
from portal.ordering.tables import Order, OrderLine


class Carrier(Table):
    """A carrier and its public tracking page: `{tracking}` in `tracking_url` stands for a
    parcel's number; own transport has no page."""

    id = Serial(primary_key=True)
    code = Varchar(length=20, unique=True)
    name = Varchar(length=60)
    tracking_url = Varchar(length=300, default="")


class ShipmentStatus(StrEnum):
    CREATED = "created"
    HANDED_TO_CARRIER = "handed_to_carrier"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    DELIVERY_FAILED = "delivery_failed"
    RETURNED = "returned"


class Shipment(Table):
    """One delivery of (part of) an order. Its status is that of its newest event by the time
    the event happened, not by when it reached us."""

    id = Serial(primary_key=True)
    number = Varchar(length=24, unique=True)
    order = ForeignKey(Order, null=False, index=True)
    company = ForeignKey(Company, null=False, index=True)
    carrier = ForeignKey(Carrier, null=False)
    status = Varchar(length=20, choices=ShipmentStatus, default=ShipmentStatus.CREATED, index=True)
    dispatched_on = Date(null=True, default=None)
    expected_on = Date(null=True, default=None)
    delivered_at = Timestamptz(null=True, default=None)
    latest_event_at = Timestamptz(null=True, default=None)
    latest_event_place = Varchar(length=120, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    # The ERP's id of a shipment it recorded through the API (unique: a migration's index), so
    # the same shipment sent again is recognised; none for the back office's shipments.
    erp_number = Varchar(length=60, null=True, default=None)


class Parcel(Table):
    id = Serial(primary_key=True)
    shipment = ForeignKey(Shipment, null=False, index=True, on_delete=OnDelete.cascade)
    tracking_number = Varchar(length=60, unique=True)


class ShipmentLine(Table):
    id = Serial(primary_key=True)
    shipment = ForeignKey(Shipment, null=False, index=True, on_delete=OnDelete.cascade)
    order_line = ForeignKey(OrderLine, null=False, index=True)
    quantity = Integer()


class ShipmentEvent(Table):
    """A tracking event. An integration's own event id is unique per integration (a migration
    index), so the same event posted twice is recorded once."""

    id = Serial(primary_key=True)
    shipment = ForeignKey(Shipment, null=False, index=True, on_delete=OnDelete.cascade)
    status = Varchar(length=20, choices=ShipmentStatus)
    occurred_at = Timestamptz()
    place = Varchar(length=120, default="")
    note = Varchar(length=300, default="")
    # The integration that reported it, or "office" for the back-office form.
    source = Varchar(length=60)
    external_id = Varchar(length=100, null=True, default=None)
    recorded_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class ComplaintReason(StrEnum):
    DAMAGED_IN_TRANSPORT = "damaged_in_transport"
    DEFECTIVE = "defective"
    WRONG_PRODUCT = "wrong_product"
    MISSING_QUANTITY = "missing_quantity"
    SURPLUS = "surplus"
    OTHER = "other"


class WantedResolution(StrEnum):
    REPLACEMENT = "replacement"
    CREDIT_NOTE = "credit_note"
    REPAIR = "repair"
    REFUND = "refund"


class ComplaintStatus(StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    MORE_INFORMATION_NEEDED = "more_information"
    ACCEPTED = "accepted"
    GOODS_RECEIVED = "goods_received"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    CLOSED = "closed"


class ReturnMethod(StrEnum):
    INSTRUCTIONS = "instructions"
    LABEL = "label"
    PICKUP = "pickup"


class Resolution(StrEnum):
    REPLACEMENT_SHIPPED = "replacement_shipped"
    CREDIT_NOTE_ISSUED = "credit_note_issued"
    REPAIRED = "repaired"
    REFUNDED = "refunded"


class ComplaintPolicy(Table):
    """What the seller sets per reason: how many days after delivery a complaint may be filed,
    and how many hours the back office has to answer one."""

    id = Serial(primary_key=True)
    reason = Varchar(length=24, choices=ComplaintReason, unique=True)
    filing_days = Integer()
    response_hours = Integer()


class Complaint(Table):
    id = Serial(primary_key=True)
    number = Varchar(length=20, unique=True)
    company = ForeignKey(Company, null=False, index=True)
    order = ForeignKey(Order, null=False, index=True)
    shipment = ForeignKey(Shipment, null=True, default=None)
    invoice = ForeignKey(Invoice, null=True, default=None)
    submitted_by = ForeignKey(User, null=False)
    reason = Varchar(length=24, choices=ComplaintReason)
    description = Text()
    wanted_resolution = Varchar(length=16, choices=WantedResolution)
    # The carrier's damage report (protokół szkody) number, asked for transport damage.
    damage_report_number = Varchar(length=60, default="")
    status = Varchar(length=20, choices=ComplaintStatus, default=ComplaintStatus.SUBMITTED, index=True)
    # When the back office owes the next answer; moves each time the customer acts.
    response_due_at = Timestamptz(null=True, default=None)
    return_method = Varchar(length=12, default="")
    return_instructions = Text(default="")
    pickup_on = Date(null=True, default=None)
    resolution = Varchar(length=20, default="")
    rejection_reason = Text(default="")
    credit_note = ForeignKey(Invoice, null=True, default=None)
    replacement_order = ForeignKey(Order, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ComplaintLine(Table):
    id = Serial(primary_key=True)
    complaint = ForeignKey(Complaint, null=False, index=True, on_delete=OnDelete.cascade)
    order_line = ForeignKey(OrderLine, null=False, index=True)
    quantity = Integer()


class ComplaintEvent(Table):
    """The complaint's timeline: every state it reached, when, by whom and why."""

    id = Serial(primary_key=True)
    complaint = ForeignKey(Complaint, null=False, index=True, on_delete=OnDelete.cascade)
    status = Varchar(length=20, choices=ComplaintStatus)
    actor = ForeignKey(User, null=True, default=None)
    note = Varchar(length=1000, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Message(Table):
    """One message of a conversation between a customer and the seller's back office; a
    conversation is named by what it is about, e.g. `complaint:12` or `order:7`."""

    id = Serial(primary_key=True)
    company = ForeignKey(Company, null=False, index=True)
    thread = Varchar(length=40, index=True)
    author = ForeignKey(User, null=False)
    from_seller = Boolean(default=False)
    body = Text()
    created_at = Timestamptz(default=TimestamptzNow())


class ThreadRead(Table):
    """How far a person has read a conversation (unique per person and thread, a migration index)."""

    id = Serial(primary_key=True)
    reader = ForeignKey(User, null=False, on_delete=OnDelete.cascade)
    thread = Varchar(length=40)
    last_read_message = Integer(default=0)


class AttachmentPurpose(StrEnum):
    PHOTO = "photo"
    DAMAGE_REPORT = "damage_report"
    DOCUMENT = "document"
    PROOF_OF_DELIVERY = "proof_of_delivery"
    RETURN_LABEL = "return_label"


class Attachment(Table):
    """An uploaded file: its bytes live in the file storage under `storage_key`, outside the web
    root, and reach a browser only through the permission-checked download route."""

    id = Serial(primary_key=True)
    # The customer whose matter it is: only its users and the seller may download it.
    company = ForeignKey(Company, null=False, index=True)
    storage_key = Varchar(length=120)
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    size = Integer()
    purpose = Varchar(length=20, choices=AttachmentPurpose)
    complaint = ForeignKey(Complaint, null=True, default=None, index=True)
    message = ForeignKey(Message, null=True, default=None, index=True)
    shipment = ForeignKey(Shipment, null=True, default=None, index=True)
    uploaded_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
