"""What every integration test shares: English messages (Polish has tests of its own), and the
postbox the webhook sender writes to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from portal.config import Settings
from portal.i18n import use_locale
from portal.mail import Postbox, mailer_for
from portal.web.templating import build_environment


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with use_locale("en"):
        yield


@pytest.fixture
def postbox(settings: Settings) -> Postbox:
    return Postbox(build_environment(auto_reload=False), mailer_for(settings), settings.base_url)
