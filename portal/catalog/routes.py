"""HTTP routes of the catalog: the product page, product documents and pictures."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote as percent_encoded

from litestar import Request, Router, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Response

from portal.accounts.guards import Caller, requires
from portal.accounts.roles import Permission
from portal.catalog.details import document_file, product_image
from portal.ordering.cart import cart_summary
from portal.ordering.grid import product_offer
from portal.web import page, wants_fragment
from portal.web.forms import whole_number

Html = Response[Any]


@get("/products/{product_id:int}", guards=[requires(Permission.CATALOG_VIEW)])
async def product_page(
    request: Request[Any, Any, Any],
    caller: Caller,
    product_id: FromPath[int],
    quantity: Annotated[str, QueryParameter(name="quantity")] = "",
) -> Html:
    """The whole page; for htmx (the grid's "why this price?") only the price explanation."""
    wanted = whole_number(quantity, minimum=1, maximum=1_000_000)
    offer = await product_offer(caller, product_id, wanted)
    context: dict[str, Any] = {"offer": offer, "product": offer.details.product, "quote": offer.quote}
    if wants_fragment(request):
        return page(request, "catalog/product.html", block="explanation", **context)
    return page(request, "catalog/product.html", summary=await cart_summary(caller), **context)


@get("/documents/{document_id:int}", guards=[requires(Permission.CATALOG_VIEW)])
async def download_document(caller: Caller, document_id: FromPath[int]) -> Response[bytes]:
    document = await document_file(caller, document_id)
    return Response(
        content=document.content,
        media_type=document.media_type,
        headers={
            # RFC 6266: Polish letters in a file name travel percent-encoded.
            "Content-Disposition": f"attachment; filename*=UTF-8''{percent_encoded(document.filename)}",
        },
    )


@get("/product-images/{image_id:int}", guards=[requires(Permission.CATALOG_VIEW)])
async def show_image(caller: Caller, image_id: FromPath[int]) -> Response[bytes]:
    # Only PNG, JPEG, GIF and WebP are ever stored as product images (portal.catalog.erp_files), so
    # shown inline from the portal's own address they carry no script.
    image = await product_image(caller, image_id)
    return Response(content=image.content, media_type=image.media_type)


router = Router(path="/", route_handlers=[product_page, download_document, show_image])
