"""HTTP routes of ordering: the ordering grid and the cart."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from litestar import Request, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Response

from portal import clock
from portal.accounts.companies import company_profile
from portal.accounts.guards import Caller, requires
from portal.accounts.roles import Permission
from portal.accounts.scope import Scope
from portal.accounts.tokens import LinkSigner
from portal.aftersales import messages
from portal.aftersales.shipments import order_deliveries
from portal.catalog import CatalogQuery, category_options
from portal.config import Settings
from portal.errors import Invalid, NotAllowed, NotFound
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.jobs import send_after_response
from portal.mail import Postbox
from portal.ordering import cart, checkout, confirmations, lists, orders, quick_order, recurring, reorder, unconfirmed
from portal.ordering.grid import GridPage, grid_facets, grid_page, grid_rows
from portal.ordering.tables import OrderStatus
from portal.web import page, redirect, wants_fragment
from portal.web.forms import FormData, record_id, record_ids
from portal.web.limits import BodyKind, body_kind

Html = Response[Any]


@get("/order", guards=[requires(Permission.CATALOG_VIEW)])
async def ordering_grid(request: Request[Any, Any, Any], caller: Caller) -> Html:
    query = CatalogQuery.from_parameters(dict(request.query_params.dict()))
    if wants_fragment(request):
        # The rows answer at once; the facets, counted over every match, follow in a request
        # of their own (/order/facets). The address follows the search, so a reload or a
        # shared link shows the same rows.
        address = f"/order?{query.parameters()}" if query.parameters() else "/order"
        grid = await grid_page(caller, query, with_facets=False)
        return page(request, "ordering/grid.html", block="results", grid=grid, headers={"HX-Replace-Url": address})
    grid = await grid_page(caller, query)
    return page(
        request,
        "ordering/grid.html",
        grid=grid,
        categories=await category_options(),
        summary=await cart.cart_summary(caller),
    )


@get("/order/facets", guards=[requires(Permission.CATALOG_VIEW)])
async def ordering_grid_facets(request: Request[Any, Any, Any], caller: Caller) -> Html:
    query = CatalogQuery.from_parameters(dict(request.query_params.dict()))
    if not wants_fragment(request):
        return redirect(request, f"/order?{query.parameters()}")
    grid = GridPage(query=query, rows=[], has_next=False, facets=await grid_facets(caller, query))
    return page(request, "ordering/grid.html", block="facets", grid=grid)


async def _row_response(
    request: Request[Any, Any, Any],
    caller: Scope,
    product_id: int,
    *,
    added: cart.AddedToCart | None = None,
    errors: dict[str, str] | None = None,
    quantity: str = "",
) -> Html:
    """The grid row of one product, re-rendered with its feedback, and the cart summary."""
    rows = await grid_rows(caller, [product_id])
    return page(
        request,
        "ordering/grid.html",
        blocks=["row", "cart_summary"],
        status_code=422 if errors else 200,
        row=rows[0],
        added=added,
        errors=errors or {},
        typed_quantity=quantity,
        summary=(await cart.cart_view(caller)).totals,
    )


@post("/cart/lines", guards=[requires(Permission.CART_EDIT)])
async def add_to_cart(request: Request[Any, Any, Any], caller: Caller) -> Html:
    form = await FormData.of(request)
    product_id = record_id(form.get("product_id")) or 0
    try:
        added = await cart.add_to_cart(caller, product_id, form.get("quantity"))
    except Invalid as error:
        if request.headers.get("hx-request") != "true":
            flash(request, error.message, "error")
            return redirect(request, _back_to(request))
        return await _row_response(request, caller, product_id, errors=error.errors, quantity=form.get("quantity"))
    if request.headers.get("hx-request") != "true":
        flash(request, _("Added to the cart."), "success")
        return redirect(request, _back_to(request))
    return await _row_response(request, caller, product_id, added=added)


def _back_to(request: Request[Any, Any, Any]) -> str:
    """Without JavaScript a form post comes back to the page it was sent from."""
    referer = request.headers.get("referer", "")
    base = str(request.base_url).rstrip("/")
    return referer.removeprefix(base) if referer.startswith(base + "/") else "/order"


@get("/cart", guards=[requires(Permission.CART_EDIT)])
async def cart_page(request: Request[Any, Any, Any], caller: Caller) -> Html:
    return page(request, "ordering/cart.html", view=await cart.cart_view(caller), errors={}, changed=None)


@post("/cart/lines/{line_id:int}", guards=[requires(Permission.CART_EDIT)])
async def change_cart_line(request: Request[Any, Any, Any], caller: Caller, line_id: FromPath[int]) -> Html:
    form = await FormData.of(request)
    errors: dict[str, str] = {}
    changed = None
    try:
        changed = await cart.change_line(caller, line_id, form.get("quantity"), form.get("note"))
    except Invalid as error:
        errors = error.errors
    view = await cart.cart_view(caller)
    if request.headers.get("hx-request") != "true":
        if errors:
            flash(request, "; ".join(errors.values()), "error")
        return redirect(request, "/cart")
    line = view.line(line_id)
    return page(
        request,
        "ordering/cart.html",
        blocks=["line", "totals"] if line else ["totals"],
        status_code=422 if errors else 200,
        view=view,
        line=line,
        errors=errors,
        changed=changed,
        typed_quantity=form.get("quantity"),
    )


@post("/cart/lines/{line_id:int}/delete", guards=[requires(Permission.CART_EDIT)])
async def remove_cart_line(request: Request[Any, Any, Any], caller: Caller, line_id: FromPath[int]) -> Html:
    await cart.remove_line(caller, line_id)
    if request.headers.get("hx-request") != "true":
        flash(request, _("The line is removed."), "success")
        return redirect(request, "/cart")
    return page(request, "ordering/cart.html", blocks=["totals"], view=await cart.cart_view(caller))


# --- Checkout and orders ---------------------------------------------------------------------


@get("/checkout", guards=[requires(Permission.CART_EDIT)])
async def checkout_form(request: Request[Any, Any, Any], caller: Caller) -> Html:
    view = await checkout.checkout_view(caller)
    return page(request, "ordering/checkout.html", view=view, errors={}, form={})


@post("/checkout", guards=[requires(Permission.CART_EDIT)])
async def checkout_submit(
    request: Request[Any, Any, Any],
    caller: Caller,
    signer: NamedDependency[LinkSigner],
    postbox: NamedDependency[Postbox],
) -> Html:
    form = await FormData.of(request)
    try:
        placed = await checkout.place_order(
            caller,
            checkout.CheckoutForm(
                submission_key=form.get("submission_key"),
                po_number=form.get("po_number"),
                delivery_address_id=form.get("delivery_address_id"),
                requested_delivery_on=form.get("requested_delivery_on"),
                note=form.get("note"),
                pay_in_advance=form.get("pay_in_advance") == "1",
            ),
            signer,
            postbox,
        )
    except Invalid as error:
        view = await checkout.checkout_view(caller)
        return page(
            request, "ordering/checkout.html", status_code=422, view=view, errors=error.errors, form=form.as_dict()
        )
    if placed.status is OrderStatus.AWAITING_APPROVAL:
        flash(request, _("Order %(number)s is waiting for approval.") % {"number": placed.number}, "success")
    else:
        flash(request, _("Order %(number)s is sent to the seller.") % {"number": placed.number}, "success")
    return send_after_response(redirect(request, f"/orders/{placed.order_id}"), postbox, *placed.mails)


@get("/orders", guards=[requires(Permission.ORDER_VIEW)])
async def order_list(request: Request[Any, Any, Any], caller: Caller, settings: NamedDependency[Settings]) -> Html:
    filters = orders.OrderFilters.from_parameters(dict(request.query_params.items()))
    found, has_next = await orders.list_orders(caller, filters)
    return page(
        request,
        "ordering/orders.html",
        block="results",
        orders=found,
        waits=await unconfirmed.list_waits(found, clock.now(), unconfirmed.expected_confirmation(settings)),
        has_next=has_next,
        filters=filters,
        statuses=list(OrderStatus),
        people=await orders.who_ordered(caller),
    )


@get("/orders/{order_id:int}", guards=[requires(Permission.ORDER_VIEW)])
async def order_page(
    request: Request[Any, Any, Any], caller: Caller, order_id: FromPath[int], settings: NamedDependency[Settings]
) -> Html:
    order = await orders.order_detail(caller.company_id, order_id)
    again = await reorder.reorder_lines(caller, order_id) if caller.can(Permission.CART_EDIT) else []
    return page(
        request,
        "ordering/order.html",
        # Refreshed when the order or one of its shipments announces a change: the deliveries
        # in place, the state, its wait for confirmation, lines, details and timeline beside them
        # (out of band).
        blocks=["deliveries", "heading", "wait", "lines", "details", "timeline"],
        order=order,
        wait=unconfirmed.order_wait(order, clock.now(), unconfirmed.expected_confirmation(settings)),
        reorder_lines=again,
        deliveries=await order_deliveries(caller, order_id),
        conversation=await messages.conversation(caller, await messages.order_thread(caller, order_id)),
        errors={},
    )


@post("/orders/{order_id:int}/reorder", guards=[requires(Permission.CART_EDIT)])
async def reorder_order(request: Request[Any, Any, Any], caller: Caller, order_id: FromPath[int]) -> Html:
    form = await FormData.of(request)
    return await _lines_back_in_cart(
        request, reorder.reorder(caller, order_id, _chosen(form, "line_id")), f"/orders/{order_id}"
    )


def _chosen(form: FormData, field: str) -> set[int]:
    return set(record_ids(form.getall(field)))


async def _lines_back_in_cart(request: Request[Any, Any, Any], putting: Awaitable[int], otherwise: str) -> Html:
    """Put lines into the cart: to the cart with how many went in, or back with why none did."""
    try:
        added = await putting
    except Invalid as error:
        flash(request, error.message, "error")
        return redirect(request, otherwise)
    flash(
        request,
        ngettext("%(num)s line is back in the cart.", "%(num)s lines are back in the cart.", added) % {"num": added},
        "success",
    )
    return redirect(request, "/cart")


@get("/order/regular", guards=[requires(Permission.CART_EDIT)])
async def regular_products(request: Request[Any, Any, Any], caller: Caller) -> Html:
    return page(
        request,
        "ordering/regular.html",
        regular=await reorder.bought_regularly(caller),
        summary=await cart.cart_summary(caller),
    )


@post("/order/regular", guards=[requires(Permission.CART_EDIT)])
async def add_regular_products(request: Request[Any, Any, Any], caller: Caller) -> Html:
    form = await FormData.of(request)
    try:
        added = await reorder.add_regular_products(caller, _chosen(form, "product_id"))
    except Invalid as error:
        flash(request, error.message, "error")
        return redirect(request, "/order/regular")
    flash(
        request,
        ngettext("%(num)s product added to the cart.", "%(num)s products added to the cart.", added) % {"num": added},
        "success",
    )
    return redirect(request, "/cart")


async def _decides_for_order(caller: Scope, order_id: int) -> None:
    """The author of the order or an approver of the company decides on it."""
    order = await orders.order_detail(caller.company_id, order_id)
    if order.placed_by_id != caller.user_id and not caller.can(Permission.ORDER_APPROVE):
        raise NotAllowed(_("Only the person who placed the order or an approver can decide on it."))


@post("/orders/{order_id:int}/cancel", guards=[requires(Permission.ORDER_VIEW)])
async def cancel_order(request: Request[Any, Any, Any], caller: Caller, order_id: FromPath[int]) -> Html:
    form = await FormData.of(request)
    await _decides_for_order(caller, order_id)
    await orders.cancel_order(caller, order_id, form.get("reason"))
    flash(request, _("The order is cancelled."), "success")
    return redirect(request, f"/orders/{order_id}")


@post("/orders/{order_id:int}/cancellation-request", guards=[requires(Permission.ORDER_VIEW)])
async def request_cancellation(request: Request[Any, Any, Any], caller: Caller, order_id: FromPath[int]) -> Html:
    form = await FormData.of(request)
    await _decides_for_order(caller, order_id)
    await orders.request_cancellation(caller, order_id, form.get("reason"))
    flash(request, _("The seller is asked to cancel the order."), "success")
    return redirect(request, f"/orders/{order_id}")


@post("/orders/{order_id:int}/accept-prices", guards=[requires(Permission.ORDER_VIEW)])
async def accept_changed_prices(request: Request[Any, Any, Any], caller: Caller, order_id: FromPath[int]) -> Html:
    await _decides_for_order(caller, order_id)
    await confirmations.accept_changed_prices(caller, order_id)
    flash(request, _("You accepted the new prices; the order is confirmed."), "success")
    return redirect(request, f"/orders/{order_id}")


# --- Quick order -------------------------------------------------------------------------------


def _quick_order_page(
    request: Request[Any, Any, Any],
    report: quick_order.QuickOrderReport | None,
    *,
    errors: dict[str, str] | None = None,
    pasted: str = "",
    summary: cart.CartTotals | None = None,
) -> Html:
    """The quick order page, or for htmx only its report: bad input answers 422 with the message."""
    return page(
        request,
        "ordering/quick_order.html",
        block="report",
        status_code=422 if errors else 200,
        report=report,
        errors=errors or {},
        pasted=pasted,
        summary=summary,
    )


async def _submitted_order_list(request: Request[Any, Any, Any]) -> list[quick_order.ParsedLine]:
    """The lines to check: the report's edited table when it is sent back, else the upload or the paste."""
    form = await FormData.of(request, long_fields=("lines",))
    if form.getall("code"):
        return quick_order.lines_from_form(
            form.getall("line"), form.getall("code"), form.getall("quantity"), form.get("remove")
        )
    upload = (await request.form()).get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        content = await upload.read(quick_order.MAX_FILE_BYTES + 1)
        return quick_order.read_order_list("", upload.filename, content)
    return quick_order.read_order_list(form.raw("lines"))


@get("/order/quick", guards=[requires(Permission.CART_EDIT)])
async def quick_order_form(request: Request[Any, Any, Any], caller: Caller) -> Html:
    return _quick_order_page(request, None, summary=await cart.cart_summary(caller))


@post("/order/quick/check", guards=[requires(Permission.CART_EDIT)], opt=body_kind(BodyKind.PASTE))
async def check_quick_order(request: Request[Any, Any, Any], caller: Caller) -> Html:
    """The report on the pasted or uploaded lines, or on the report's lines as edited; adds nothing."""
    pasted = (await FormData.of(request, long_fields=("lines",))).raw("lines")
    # Never echoed back whole: a paste over the limit is refused, not returned in the textarea.
    pasted = "" if quick_order.paste_too_long(pasted) else pasted
    summary = None if wants_fragment(request) else await cart.cart_summary(caller)
    try:
        lines = await _submitted_order_list(request)
    except Invalid as error:
        return _quick_order_page(request, None, errors=error.errors, pasted=pasted, summary=summary)
    report = await quick_order.check_lines(caller, lines)
    return _quick_order_page(request, report, pasted=pasted, summary=summary)


@post("/order/quick/add", guards=[requires(Permission.CART_EDIT)], opt=body_kind(BodyKind.PASTE))
async def add_quick_order(request: Request[Any, Any, Any], caller: Caller) -> Html:
    """Adds the report's lines that are ready, checked once more as sent; the others stay out."""
    form = await FormData.of(request)
    summary = None if wants_fragment(request) else await cart.cart_summary(caller)
    try:
        lines = quick_order.lines_from_form(form.getall("line"), form.getall("code"), form.getall("quantity"))
    except Invalid as error:
        return _quick_order_page(request, None, errors=error.errors, summary=summary)
    report = await quick_order.check_lines(caller, lines)
    if not report.ready:
        message = _("None of the lines can be added yet. Fix the lines marked below and check them again.")
        return _quick_order_page(request, report, errors={"lines": message}, summary=summary)
    try:
        added = await cart.add_many_to_cart(caller, report.cart_lines())
    except (Invalid, NotFound):
        # A price or the assortment changed since the check: show the report as it is now.
        report = await quick_order.check_lines(caller, lines)
        message = _("Some lines changed since they were checked. Look at them again before adding.")
        return _quick_order_page(request, report, errors={"lines": message}, summary=summary)
    message = ngettext("%(num)s line added to the cart.", "%(num)s lines added to the cart.", len(added)) % {
        "num": len(added)
    }
    if report.attention_count:
        message += " " + ngettext(
            "%(num)s line with a problem was left out.",
            "%(num)s lines with problems were left out.",
            report.attention_count,
        ) % {"num": report.attention_count}
    flash(request, message, "success")
    return redirect(request, "/cart")


# --- Shopping lists ----------------------------------------------------------------------------


@get("/lists", guards=[requires(Permission.CART_EDIT)])
async def shopping_lists(request: Request[Any, Any, Any], caller: Caller) -> Html:
    return page(request, "ordering/lists.html", lists=await lists.shopping_lists(caller), errors={})


@post("/lists", guards=[requires(Permission.CART_EDIT)])
async def create_shopping_list(request: Request[Any, Any, Any], caller: Caller) -> Html:
    form = await FormData.of(request)
    name, shared, source = form.get("name"), form.get("shared") == "1", form.get("source")
    try:
        source_order = record_id(source.removeprefix("order:")) if source.startswith("order:") else None
        if source_order is not None:
            list_id = await lists.list_from_order(caller, source_order, name, shared)
        else:
            list_id = await lists.list_from_cart(caller, name, shared)
    except Invalid as error:
        flash(request, error.message, "error")
        return redirect(request, _back_to(request))
    flash(request, _("The list is saved."), "success")
    return redirect(request, f"/lists/{list_id}")


@get("/lists/{list_id:int}", guards=[requires(Permission.CART_EDIT)])
async def shopping_list(request: Request[Any, Any, Any], caller: Caller, list_id: FromPath[int]) -> Html:
    return page(
        request,
        "ordering/list.html",
        detail=await lists.list_detail(caller, list_id),
        company=await company_profile(caller),
        errors={},
        form={},
    )


@post("/lists/{list_id:int}/cart", guards=[requires(Permission.CART_EDIT)])
async def shopping_list_to_cart(request: Request[Any, Any, Any], caller: Caller, list_id: FromPath[int]) -> Html:
    form = await FormData.of(request)
    return await _lines_back_in_cart(
        request, lists.add_list_to_cart(caller, list_id, _chosen(form, "line_id")), f"/lists/{list_id}"
    )


@post("/lists/{list_id:int}/delete", guards=[requires(Permission.CART_EDIT)])
async def delete_shopping_list(request: Request[Any, Any, Any], caller: Caller, list_id: FromPath[int]) -> Html:
    await lists.delete_list(caller, list_id)
    flash(request, _("The list is deleted."), "success")
    return redirect(request, "/lists")


@post("/lists/{list_id:int}/lines/{line_id:int}/delete", guards=[requires(Permission.CART_EDIT)])
async def remove_shopping_list_line(
    request: Request[Any, Any, Any], caller: Caller, list_id: FromPath[int], line_id: FromPath[int]
) -> Html:
    await lists.remove_list_line(caller, list_id, line_id)
    return redirect(request, f"/lists/{list_id}")


# --- Recurring orders --------------------------------------------------------------------------


@get("/recurring", guards=[requires(Permission.CART_EDIT)])
async def recurring_list(request: Request[Any, Any, Any], caller: Caller) -> Html:
    return page(request, "ordering/recurring.html", schedules=await recurring.recurring_orders(caller))


@post("/lists/{list_id:int}/recurring", guards=[requires(Permission.CART_EDIT)])
async def schedule_list(request: Request[Any, Any, Any], caller: Caller, list_id: FromPath[int]) -> Html:
    form = await FormData.of(request)
    try:
        await recurring.schedule_list(caller, list_id, _schedule_from(form))
    except Invalid as error:
        detail = await lists.list_detail(caller, list_id)
        company = await company_profile(caller)
        return page(
            request,
            "ordering/list.html",
            status_code=422,
            detail=detail,
            company=company,
            errors=error.errors,
            form=form.as_dict(),
        )
    flash(request, _("The list will be ordered on schedule."), "success")
    return redirect(request, "/recurring")


def _schedule_from(form: FormData) -> recurring.Schedule:
    return recurring.parse_schedule(
        form.get("every"),
        form.get("unit"),
        form.get("first_on"),
        form.get("ends_on"),
        form.get("delivery_address_id"),
        form.get("po_number"),
    )


@get("/recurring/{recurring_id:int}", guards=[requires(Permission.CART_EDIT)])
async def edit_recurring(request: Request[Any, Any, Any], caller: Caller, recurring_id: FromPath[int]) -> Html:
    schedule = await recurring.schedule_of(caller, recurring_id)
    company = await company_profile(caller)
    return page(
        request, "ordering/recurring_edit.html", schedule=schedule, company=company, form=schedule.as_form(), errors={}
    )


@post("/recurring/{recurring_id:int}", guards=[requires(Permission.CART_EDIT)])
async def update_recurring(request: Request[Any, Any, Any], caller: Caller, recurring_id: FromPath[int]) -> Html:
    form = await FormData.of(request)
    schedule = await recurring.schedule_of(caller, recurring_id)
    try:
        await recurring.update_schedule(caller, recurring_id, _schedule_from(form))
    except Invalid as error:
        company = await company_profile(caller)
        return page(
            request,
            "ordering/recurring_edit.html",
            status_code=422,
            schedule=schedule,
            company=company,
            form=form.as_dict(),
            errors=error.errors,
        )
    flash(request, _("The schedule is changed."), "success")
    return redirect(request, "/recurring")


@post("/recurring/{recurring_id:int}/{action:str}", guards=[requires(Permission.CART_EDIT)])
async def change_recurring(
    request: Request[Any, Any, Any], caller: Caller, recurring_id: FromPath[int], action: FromPath[str]
) -> Html:
    await recurring.change_schedule(caller, recurring_id, action)
    return redirect(request, "/recurring")


router = Router(
    path="/",
    route_handlers=[
        ordering_grid,
        ordering_grid_facets,
        add_to_cart,
        cart_page,
        change_cart_line,
        remove_cart_line,
        checkout_form,
        checkout_submit,
        order_list,
        order_page,
        cancel_order,
        request_cancellation,
        accept_changed_prices,
        reorder_order,
        regular_products,
        add_regular_products,
        shopping_lists,
        create_shopping_list,
        shopping_list,
        shopping_list_to_cart,
        delete_shopping_list,
        remove_shopping_list_line,
        recurring_list,
        schedule_list,
        change_recurring,
        edit_recurring,
        update_recurring,
        quick_order_form,
        check_quick_order,
        add_quick_order,
    ],
)
