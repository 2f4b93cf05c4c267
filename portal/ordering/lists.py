"""Shopping lists: named lists of products and quantities, private to their owner or shared with
the company, made from the cart or a past order, and put into the cart whole or in part.
Only the owner changes a list; colleagues use a shared one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from piccolo.custom_types import Combinable

from portal.accounts.scope import Scope
from portal.errors import Invalid, NotAllowed, NotFound
from portal.i18n import gettext as _
from portal.ordering.cart import add_many_to_cart, cart_view
from portal.ordering.grid import GridRow, grid_rows
from portal.ordering.orders import order_detail
from portal.ordering.tables import ShoppingList, ShoppingListLine

MAX_NAME_LENGTH = 120


@dataclass(frozen=True)
class ListSummary:
    id: int
    name: str
    shared: bool
    owner_name: str
    mine: bool
    line_count: int


@dataclass(frozen=True)
class ListLine:
    id: int
    quantity: int
    note: str
    # None when the product is no longer in the company's assortment.
    row: GridRow | None


@dataclass(frozen=True)
class ListDetail:
    summary: ListSummary
    lines: list[ListLine]


def _readable_by(caller: Scope) -> Combinable:
    return (ShoppingList.company == caller.company_id) & (
        (ShoppingList.owner == caller.user_id) | (ShoppingList.shared == True)  # noqa: E712
    )


async def shopping_lists(caller: Scope) -> list[ListSummary]:
    rows = (
        await ShoppingList.select(
            ShoppingList.id,
            ShoppingList.name,
            ShoppingList.shared,
            ShoppingList.owner,
            ShoppingList.owner.name.as_alias("owner_name"),
        )
        .where(_readable_by(caller))
        .order_by(ShoppingList.name)
    )
    counts: dict[int, int] = {}
    for line in await ShoppingListLine.select(ShoppingListLine.shopping_list).where(
        ShoppingListLine.shopping_list.is_in([row["id"] for row in rows] or [0])
    ):
        counts[line["shopping_list"]] = counts.get(line["shopping_list"], 0) + 1
    return [
        ListSummary(
            row["id"],
            row["name"],
            bool(row["shared"]),
            row["owner_name"],
            row["owner"] == caller.user_id,
            counts.get(row["id"], 0),
        )
        for row in rows
    ]


async def _summary(caller: Scope, list_id: int) -> ListSummary:
    for summary in await shopping_lists(caller):
        if summary.id == list_id:
            return summary
    raise NotFound(_("This list does not exist."))


async def list_detail(caller: Scope, list_id: int) -> ListDetail:
    summary = await _summary(caller, list_id)
    lines = (
        await ShoppingListLine.select().where(ShoppingListLine.shopping_list == list_id).order_by(ShoppingListLine.id)
    )
    rows = {row.product.id: row for row in await grid_rows(caller, [line["product"] for line in lines])}
    return ListDetail(
        summary,
        [ListLine(line["id"], line["quantity"], line["note"], rows.get(line["product"])) for line in lines],
    )


async def create_list(caller: Scope, name: str, shared: bool, lines: Sequence[tuple[int, int, str]] = ()) -> int:
    """A new list of the caller's, with (product, quantity, note) lines."""
    name = name.strip()
    if not name:
        raise Invalid({"name": _("Give the list a name.")})
    if len(name) > MAX_NAME_LENGTH:
        raise Invalid({"name": _("Keep the name under 120 characters.")})
    created = await ShoppingList.insert(
        ShoppingList(company=caller.company_id, owner=caller.user_id, name=name, shared=shared)
    ).returning(ShoppingList.id)
    list_id: int = created[0]["id"]
    merged: dict[int, tuple[int, str]] = {}
    for product, quantity, note in lines:
        earlier = merged.get(product, (0, ""))
        merged[product] = (earlier[0] + quantity, earlier[1] or note)
    if merged:
        await ShoppingListLine.insert(
            *(
                ShoppingListLine(shopping_list=list_id, product=product, quantity=quantity, note=note)
                for product, (quantity, note) in merged.items()
            )
        )
    return list_id


async def list_from_cart(caller: Scope, name: str, shared: bool) -> int:
    cart = await cart_view(caller)
    if not cart.lines:
        raise Invalid({"name": _("Your cart is empty.")})
    return await create_list(caller, name, shared, [(line.product.id, line.quantity, line.note) for line in cart.lines])


async def list_from_order(caller: Scope, order_id: int, name: str, shared: bool) -> int:
    order = await order_detail(caller.company_id, order_id)
    return await create_list(
        caller, name, shared, [(line.product_id, line.quantity, line.note) for line in order.lines]
    )


async def add_list_to_cart(caller: Scope, list_id: int, line_ids: set[int] | None = None) -> int:
    """Put the chosen lines (all when None) that can still be ordered into the cart."""
    detail = await list_detail(caller, list_id)
    chosen = [
        line
        for line in detail.lines
        if line.row is not None and line.row.quote is not None and (line_ids is None or line.id in line_ids)
    ]
    if not chosen:
        raise Invalid({"lines": _("Choose at least one line that can still be ordered.")})
    await add_many_to_cart(caller, [(line.row.product.id, line.quantity) for line in chosen if line.row])
    return len(chosen)


async def _owned(caller: Scope, list_id: int) -> ListSummary:
    summary = await _summary(caller, list_id)
    if not summary.mine:
        raise NotAllowed(_("Only the list's owner changes it."))
    return summary


async def delete_list(caller: Scope, list_id: int) -> None:
    await _owned(caller, list_id)
    await ShoppingList.delete().where(ShoppingList.id == list_id)


async def remove_list_line(caller: Scope, list_id: int, line_id: int) -> None:
    await _owned(caller, list_id)
    await ShoppingListLine.delete().where(
        (ShoppingListLine.id == line_id) & (ShoppingListLine.shopping_list == list_id)
    )
