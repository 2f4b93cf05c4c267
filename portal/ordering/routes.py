"""HTTP routes of ordering: the ordering grid and the cart."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Response

from portal.accounts.guards import Caller, requires
from portal.accounts.roles import Permission
from portal.accounts.scope import Scope
from portal.catalog import CatalogQuery, category_options, visible_products
from portal.errors import Invalid
from portal.i18n import gettext as _
from portal.ordering import cart
from portal.ordering.grid import grid_page, grid_rows
from portal.web import page, redirect, wants_fragment
from portal.web.forms import FormData

Html = Response[Any]


@get("/order", guards=[requires(Permission.CATALOG_VIEW)])
async def ordering_grid(request: Request[Any, Any, Any], caller: Caller) -> Html:
    query = CatalogQuery.from_parameters(dict(request.query_params.dict()))
    grid = await grid_page(caller, query)
    if wants_fragment(request):
        # The address follows the search, so a reload or a shared link shows the same rows.
        address = f"/order?{query.parameters()}" if query.parameters() else "/order"
        return page(
            request, "ordering/grid.html", blocks=["results", "facets"], grid=grid, headers={"HX-Replace-Url": address}
        )
    return page(
        request,
        "ordering/grid.html",
        grid=grid,
        categories=await category_options(),
        summary=await cart.cart_summary(caller),
    )


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
    rows = await grid_rows(caller, await visible_products(caller, [product_id]))
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
    product_id = int(form.get("product_id")) if form.get("product_id").isdigit() else 0
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


router = Router(
    path="/",
    route_handlers=[ordering_grid, add_to_cart, cart_page, change_cart_line, remove_cart_line],
)
