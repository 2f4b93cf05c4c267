"""PDFs with WeasyPrint: rendered in a worker thread so no request waits on another's PDF, and
kept in the database until the data they show changes, so the second download is instant."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import weasyprint

from portal.config import PROJECT_ROOT
from portal.finance.tables import StoredPdf

log = logging.getLogger(__name__)
# WeasyPrint takes a core for a while per document: two at a time keep the rest of the app responsive.
_rendering = asyncio.Semaphore(2)
STATIC_DIR = PROJECT_ROOT / "static"


def fingerprint(data: Any) -> str:
    """A stable digest of whatever a document shows; a different digest means render again."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


async def render_pdf(html: str) -> bytes:
    async with _rendering:
        return await asyncio.to_thread(_write_pdf, html)


def _write_pdf(html: str) -> bytes:
    pdf = weasyprint.HTML(string=html, base_url=str(STATIC_DIR)).write_pdf()
    assert pdf is not None
    return pdf


async def stored_pdf(
    document_type: str, document_id: int, locale: str, data_fingerprint: str, render: Callable[[], Awaitable[bytes]]
) -> bytes:
    """The stored PDF when its data is unchanged, else a fresh one, stored for next time."""
    where = (
        (StoredPdf.document_type == document_type)
        & (StoredPdf.document_id == document_id)
        & (StoredPdf.locale == locale)
    )
    kept = await StoredPdf.select(StoredPdf.fingerprint, StoredPdf.content).where(where).first()
    if kept is not None and kept["fingerprint"] == data_fingerprint:
        return bytes(kept["content"])
    content = await render()
    if kept is None:
        await StoredPdf.insert(
            StoredPdf(
                document_type=document_type,
                document_id=document_id,
                locale=locale,
                fingerprint=data_fingerprint,
                content=content,
            )
        ).on_conflict(action="DO NOTHING")
    else:
        await StoredPdf.update({StoredPdf.fingerprint: data_fingerprint, StoredPdf.content: content}).where(where)
    return content
