"""Names of catalog codes in the reader's language, for templates."""

from __future__ import annotations

from collections.abc import Callable

from portal.catalog.tables import DocumentKind, Unit, VatRate
from portal.i18n import gettext as _
from portal.i18n import ngettext

_UNIT_LABELS: dict[str, Callable[[int], str]] = {
    Unit.PIECE: lambda quantity: ngettext("pc", "pcs", quantity),
    Unit.KILOGRAM: lambda quantity: _("kg"),
    Unit.METRE: lambda quantity: _("m"),
    Unit.LITRE: lambda quantity: _("l"),
    Unit.PACK: lambda quantity: ngettext("pack", "packs", quantity),
    Unit.SET: lambda quantity: ngettext("set", "sets", quantity),
    Unit.ROLL: lambda quantity: ngettext("roll", "rolls", quantity),
}


def unit_label(unit: str, quantity: int = 1) -> str:
    """The unit after a quantity: "1 pc", "5 pcs", "3 m". Only the one unit asked for is
    translated: a grid page asks fifty times."""
    label = _UNIT_LABELS.get(unit)
    return label(quantity) if label else unit


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
