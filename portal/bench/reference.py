"""The benchmark's yardsticks: a tiny Litestar app with no database, served next to the portal.

`GET /plain` answers a few bytes of text: what the server, Litestar and one request cost.
`GET /table` renders a 50-row grid (SKU, name, price, stock, quantity field) with the portal's
own Jinja environment (`build_environment`, its filters and escaping), like the ordering
grid's partial but with nothing from the database: every portal scenario is compared to it.

    python -m portal.bench.reference --port 8101 --workers 2
"""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

import uvicorn
from litestar import Litestar, MediaType, get
from litestar.response import Response

from portal.runtime import tune_garbage_collector
from portal.web.templating import build_environment

ROWS = 50

TABLE_TEMPLATE = """\
<table class="grid" id="results">
  <thead><tr><th>{{ _("SKU") }}</th><th>{{ _("Product") }}</th><th>{{ _("Net price") }}</th><th>{{ _("Stock") }}</th><th></th></tr></thead>
  <tbody>
  {% for row in rows %}
    <tr id="row-{{ row.id }}" data-product="{{ row.id }}">
      <td class="sku"><a href="/products/{{ row.id }}">{{ row.sku }}</a></td>
      <td>{{ row.name }}{% if row.note %} <small>{{ row.note }}</small>{% endif %}</td>
      <td class="num">{% if row.list_price > row.price %}<s>{{ row.list_price|unit_price }}</s> {% endif %}{{ row.price|unit_price }}</td>
      <td class="num">{{ row.stock|quantity }} {{ row.unit|unit(row.stock) }}</td>
      <td><form hx-post="/cart/lines" hx-target="#row-{{ row.id }}">
        <input type="hidden" name="product_id" value="{{ row.id }}">
        <input name="quantity" inputmode="numeric" aria-label="{{ _("Quantity") }}" value="">
      </form></td>
    </tr>
  {% endfor %}
  </tbody>
</table>
"""


def table_rows(count: int = ROWS) -> list[dict[str, Any]]:
    """Rows shaped like the grid's: made once, as a cache would hand them over."""
    return [
        {
            "id": 1000 + number,
            "sku": f"DIN933-M{number % 24 + 3}X{number * 5 + 10}-88ZN",
            "name": f"Śruba z łbem sześciokątnym DIN 933 M{number % 24 + 3}×{number * 5 + 10} kl. 8.8 ocynk <{number}>",
            "note": "min. 100 szt." if number % 7 == 0 else "",
            "price": Decimal("0.2800") + Decimal(number) / 100,
            "list_price": Decimal("0.3294") + Decimal(number) / 100,
            "stock": number * 37,
            "unit": "pc",
        }
        for number in range(count)
    ]


def create_reference_app() -> Litestar:
    environment = build_environment(auto_reload=False)
    template = environment.from_string(TABLE_TEMPLATE)
    rows = table_rows()

    @get("/plain", media_type=MediaType.TEXT, sync_to_thread=False)
    def plain() -> str:
        return "Hello, world!"

    @get("/table", media_type=MediaType.HTML, sync_to_thread=False)
    def table() -> Response[str]:
        return Response(template.render(rows=rows), media_type=MediaType.HTML)

    return Litestar(route_handlers=[plain, table], debug=False, openapi_config=None)


app = create_reference_app()
# The same start-up as `portal serve` (portal/asgi.py), in each worker, so the comparison is fair.
tune_garbage_collector()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m portal.bench.reference", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    uvicorn.run("portal.bench.reference:app", host=args.host, port=args.port, workers=args.workers, log_level="warning")


if __name__ == "__main__":
    main()
