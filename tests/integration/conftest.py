"""What every integration test shares: English messages (Polish has tests of its own)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from portal.i18n import use_locale


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with use_locale("en"):
        yield
