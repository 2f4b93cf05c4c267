"""Words of the ordering grid's rows in the reader's language, for templates."""

from __future__ import annotations

from portal.i18n import gettext as _


def grid_row_words() -> dict[str, str]:
    """What every row of the grid says, translated once per page instead of once per row; the
    entries with %(…)s are filled per row with Jinja's `format`."""
    return {
        "why": _("Why this price?"),
        "add": _("Add"),
        "own_code": _("Your part number"),
        "list_price": _("List price"),
        "price_on_request": _("Price on request"),
        "next_tier": _("from %(quantity)s: %(price)s"),
        "quantity_of": _("Quantity of %(sku)s"),
        "in_cart": _("%(quantity)s in cart"),
        "phasing_out": _("Phasing out"),
        "pack_of": _("pack of %(size)s"),
        "multiples_of": _("Sold in multiples of %(multiple)s"),
        "minimum": _("min. %(quantity)s"),
    }
