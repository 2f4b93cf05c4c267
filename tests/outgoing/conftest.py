from collections.abc import Iterator

import pytest

from portal.i18n import use_locale


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The guard's messages read in English here; Polish has tests of its own."""
    with use_locale("en"):
        yield
