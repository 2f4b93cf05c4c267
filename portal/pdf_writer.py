"""WeasyPrint in processes of their own. It is pure Python for the most part: in a thread of a
request worker it would hold that worker's interpreter lock for the whole document and stall
every other request the worker serves. This module imports nothing of the portal, so a
renderer process starts with WeasyPrint alone."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import weasyprint

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# Each renderer takes a core while it works: two at a time leave the rest to the requests.
RENDERERS = 2


@cache
def _renderers() -> ProcessPoolExecutor:
    # Spawned, not forked: a fork would copy the worker's event loop, threads and connections.
    return ProcessPoolExecutor(max_workers=RENDERERS, mp_context=multiprocessing.get_context("spawn"))


def start_renderers() -> None:
    """Start the renderer processes now, in the background, so that the first PDF a worker
    renders does not also wait for a process to start and import WeasyPrint (1.7 s here)."""
    for _ in range(RENDERERS):
        _renderers().submit(_ready)


def _ready() -> None:
    """Nothing: run in a renderer, it only means the process is up with WeasyPrint loaded."""


async def render_pdf(html: str) -> bytes:
    """The PDF of `html` (relative addresses from static/), rendered in a renderer process."""
    return await asyncio.get_running_loop().run_in_executor(_renderers(), _write, html)


def _write(html: str) -> bytes:
    pdf = weasyprint.HTML(string=html, base_url=str(STATIC_DIR)).write_pdf()
    assert pdf is not None
    return pdf
