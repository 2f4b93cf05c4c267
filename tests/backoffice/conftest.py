"""What every back-office test shares: English messages and a postbox."""

from __future__ import annotations

import pytest

from portal.config import Settings
from portal.i18n import set_locale
from portal.mail import Postbox, mailer_for
from portal.web.templating import build_environment


@pytest.fixture(autouse=True)
async def english() -> None:
    set_locale("en")


@pytest.fixture
def postbox(settings: Settings) -> Postbox:
    return Postbox(build_environment(auto_reload=False), mailer_for(settings), settings.base_url)
