"""The ERP's answer to an order: its number, when the order was confirmed, the confirmed values of
each line, the buyer's request to cancel, and the answers received (by the ERP's event id)."""

from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import Boolean, Date, ForeignKey, Integer, Numeric, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Order(Table, tablename="customer_order", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name=None,
        secret=False,
    )


ID = "2026-12-04T17:10:31:028766"
VERSION = "1.38.0"
DESCRIPTION = "order acknowledgements and confirmed values"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ordering", description=DESCRIPTION)

    manager.add_table(
        class_name="OrderAcknowledgement",
        tablename="order_acknowledgement",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="OrderAcknowledgement",
        tablename="order_acknowledgement",
        column_name="id",
        db_column_name="id",
        column_class_name="Serial",
        column_class=Serial,
        params={
            "null": False,
            "primary_key": True,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="OrderAcknowledgement",
        tablename="order_acknowledgement",
        column_name="event_id",
        db_column_name="event_id",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 100,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": True,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="OrderAcknowledgement",
        tablename="order_acknowledgement",
        column_name="order",
        db_column_name="order",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Order,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="OrderAcknowledgement",
        tablename="order_acknowledgement",
        column_name="outcome",
        db_column_name="outcome",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 10,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="OrderAcknowledgement",
        tablename="order_acknowledgement",
        column_name="status",
        db_column_name="status",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 20,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": Enum(
                "OrderStatus",
                {
                    "AWAITING_APPROVAL": "awaiting_approval",
                    "APPROVED": "approved",
                    "SENT_TO_SELLER": "sent_to_seller",
                    "SENT_TO_ERP": "sent_to_erp",
                    "AWAITING_CONSENT": "awaiting_consent",
                    "CONFIRMED": "confirmed",
                    "IN_FULFILMENT": "in_fulfilment",
                    "PARTLY_SHIPPED": "partly_shipped",
                    "SHIPPED": "shipped",
                    "DELIVERED": "delivered",
                    "INVOICED": "invoiced",
                    "PAID": "paid",
                    "REJECTED": "rejected",
                    "CANCELLED": "cancelled",
                },
            ),
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="OrderAcknowledgement",
        tablename="order_acknowledgement",
        column_name="source",
        db_column_name="source",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 100,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="OrderAcknowledgement",
        tablename="order_acknowledgement",
        column_name="created_at",
        db_column_name="created_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": TimestamptzNow(),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Order",
        tablename="customer_order",
        column_name="cancellation_requested_at",
        db_column_name="cancellation_requested_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Order",
        tablename="customer_order",
        column_name="confirmed_at",
        db_column_name="confirmed_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Order",
        tablename="customer_order",
        column_name="erp_number",
        db_column_name="erp_number",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 60,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="OrderEvent",
        tablename="order_event",
        column_name="cancellation_requested",
        db_column_name="cancellation_requested",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="OrderLine",
        tablename="order_line",
        column_name="confirmed_delivery_on",
        db_column_name="confirmed_delivery_on",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="OrderLine",
        tablename="order_line",
        column_name="confirmed_quantity",
        db_column_name="confirmed_quantity",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="OrderLine",
        tablename="order_line",
        column_name="confirmed_unit_price",
        db_column_name="confirmed_unit_price",
        column_class_name="Numeric",
        column_class=Numeric,
        params={
            "default": None,
            "digits": (14, 4),
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.alter_column(
        table_class_name="Order",
        tablename="customer_order",
        column_name="status",
        db_column_name="status",
        params={
            "choices": Enum(
                "OrderStatus",
                {
                    "AWAITING_APPROVAL": "awaiting_approval",
                    "APPROVED": "approved",
                    "SENT_TO_SELLER": "sent_to_seller",
                    "SENT_TO_ERP": "sent_to_erp",
                    "AWAITING_CONSENT": "awaiting_consent",
                    "CONFIRMED": "confirmed",
                    "IN_FULFILMENT": "in_fulfilment",
                    "PARTLY_SHIPPED": "partly_shipped",
                    "SHIPPED": "shipped",
                    "DELIVERED": "delivered",
                    "INVOICED": "invoiced",
                    "PAID": "paid",
                    "REJECTED": "rejected",
                    "CANCELLED": "cancelled",
                },
            )
        },
        old_params={
            "choices": Enum(
                "OrderStatus",
                {
                    "AWAITING_APPROVAL": "awaiting_approval",
                    "APPROVED": "approved",
                    "SENT_TO_SELLER": "sent_to_seller",
                    "CONFIRMED": "confirmed",
                    "IN_FULFILMENT": "in_fulfilment",
                    "PARTLY_SHIPPED": "partly_shipped",
                    "SHIPPED": "shipped",
                    "DELIVERED": "delivered",
                    "INVOICED": "invoiced",
                    "PAID": "paid",
                    "REJECTED": "rejected",
                    "CANCELLED": "cancelled",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="OrderEvent",
        tablename="order_event",
        column_name="status",
        db_column_name="status",
        params={
            "choices": Enum(
                "OrderStatus",
                {
                    "AWAITING_APPROVAL": "awaiting_approval",
                    "APPROVED": "approved",
                    "SENT_TO_SELLER": "sent_to_seller",
                    "SENT_TO_ERP": "sent_to_erp",
                    "AWAITING_CONSENT": "awaiting_consent",
                    "CONFIRMED": "confirmed",
                    "IN_FULFILMENT": "in_fulfilment",
                    "PARTLY_SHIPPED": "partly_shipped",
                    "SHIPPED": "shipped",
                    "DELIVERED": "delivered",
                    "INVOICED": "invoiced",
                    "PAID": "paid",
                    "REJECTED": "rejected",
                    "CANCELLED": "cancelled",
                },
            )
        },
        old_params={
            "choices": Enum(
                "OrderStatus",
                {
                    "AWAITING_APPROVAL": "awaiting_approval",
                    "APPROVED": "approved",
                    "SENT_TO_SELLER": "sent_to_seller",
                    "CONFIRMED": "confirmed",
                    "IN_FULFILMENT": "in_fulfilment",
                    "PARTLY_SHIPPED": "partly_shipped",
                    "SHIPPED": "shipped",
                    "DELIVERED": "delivered",
                    "INVOICED": "invoiced",
                    "PAID": "paid",
                    "REJECTED": "rejected",
                    "CANCELLED": "cancelled",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
