"""Tables of the seller's back office: the notifications its inbox lists and who has read them."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import Boolean, ForeignKey, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.accounts.tables import Company, User
from portal.aftersales.tables import Complaint
from portal.ordering.tables import Order


class NotificationKind(StrEnum):
    ORDER_PLACED = "order_placed"
    COMPLAINT_FILED = "complaint_filed"
    CUSTOMER_MESSAGE = "customer_message"


class Notification(Table):
    """Something a customer did that the back office should look at; written in the same
    transaction as the thing itself, so none is lost and none tells of a change rolled back."""

    id = Serial(primary_key=True)
    kind = Varchar(length=20, choices=NotificationKind)
    company = ForeignKey(Company, null=False, index=True, on_delete=OnDelete.cascade)
    about_order = ForeignKey(Order, null=True, default=None, on_delete=OnDelete.cascade)
    about_complaint = ForeignKey(Complaint, null=True, default=None, on_delete=OnDelete.cascade)
    # The order's or complaint's number and the customer's person, as they were then.
    number = Varchar(length=40, default="")
    actor = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null)
    excerpt = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    # Its email to the back office has not gone yet (the mail job takes it after the commit).
    mail_due = Boolean(default=True, index=True)


class NotificationRead(Table):
    """A person of the seller's staff has read a notification (unique per pair, a migration index)."""

    id = Serial(primary_key=True)
    notification = ForeignKey(Notification, null=False, on_delete=OnDelete.cascade)
    reader = ForeignKey(User, null=False, on_delete=OnDelete.cascade)
    read_at = Timestamptz(default=TimestamptzNow())
