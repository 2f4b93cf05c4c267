"""PDFs are rendered outside the request worker's process."""

from __future__ import annotations

import asyncio
import os

from portal.pdf_writer import _renderers, render_pdf


async def test_a_pdf_comes_back_from_a_renderer_process() -> None:
    pdf = await render_pdf("<h1>Faktura FV/2026/11/0001</h1><p>Zażółć gęślą jaźń</p>")
    renderer = await asyncio.get_running_loop().run_in_executor(_renderers(), os.getpid)

    assert pdf.startswith(b"%PDF-")
    assert renderer != os.getpid()
