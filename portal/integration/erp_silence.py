"""The ERP's silence as the page being rendered shows it: noted before the handler runs, read by
the layout's banner. Kept apart from the lookup (`erp_health`) so the templates can read it
without importing what the lookup needs."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ErpSilence:
    """The ERP has not been heard from since `since`, `ago` now; `waiting` orders of the caller's customers
    wait for it."""

    since: datetime
    ago: timedelta
    waiting: int


_page_silence: ContextVar[ErpSilence | None] = ContextVar("erp_silence", default=None)


def note_page_silence(silence: ErpSilence | None) -> None:
    _page_silence.set(silence)


def page_silence() -> ErpSilence | None:
    """For the layout: the silence noted for this request, if any."""
    return _page_silence.get()
