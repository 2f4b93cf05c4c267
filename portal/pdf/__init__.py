"""PDFs with WeasyPrint: rendered in renderer processes (`portal.pdf_writer`), never on the
request workers, and kept in the database until the data they show changes, so the second
download is served from storage."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from portal.finance.tables import StoredPdf
from portal.pdf_writer import render_pdf

__all__ = ["fingerprint", "render_pdf", "stored_pdf"]


def fingerprint(data: Any) -> str:
    """A stable digest of whatever a document shows; a different digest means render again."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


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
