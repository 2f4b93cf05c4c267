"""Names of catalog codes in the reader's language, for templates."""

from __future__ import annotations

from portal.catalog.tables import DocumentKind, Unit, VatRate
from portal.i18n import gettext as _
from portal.i18n import ngettext


def unit_label(unit: str, quantity: int = 1) -> str:
    """The unit after a quantity: "1 pc", "5 pcs", "3 m"."""
    labels = {
        Unit.PIECE: ngettext("pc", "pcs", quantity),
        Unit.KILOGRAM: _("kg"),
        Unit.METRE: _("m"),
        Unit.LITRE: _("l"),
        Unit.PACK: ngettext("pack", "packs", quantity),
        Unit.SET: ngettext("set", "sets", quantity),
        Unit.ROLL: ngettext("roll", "rolls", quantity),
    }
    return labels.get(Unit(unit), unit) if unit in Unit.__members__.values() else unit


def vat_label(rate: str) -> str:
    return _("exempt") if rate == VatRate.EXEMPT else f"{rate}%"


def document_kind_label(kind: str) -> str:
    labels = {
        DocumentKind.DATASHEET: _("Datasheet"),
        DocumentKind.CAD: _("CAD drawing"),
        DocumentKind.SAFETY_DATA_SHEET: _("Safety data sheet"),
        DocumentKind.MANUAL: _("Manual"),
        DocumentKind.CERTIFICATE: _("Certificate"),
    }
    return labels.get(DocumentKind(kind), kind) if kind in DocumentKind.__members__.values() else kind
