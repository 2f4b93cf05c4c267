"""API keys of integrations: made once by `portal api-key`, shown once, checked on each call."""

import pytest

from portal.cli import main
from portal.integration.api_keys import create_api_key, integration_for_key
from portal.integration.tables import ApiKey


async def test_a_key_names_its_integration_and_only_its_digest_is_kept(db) -> None:
    key = await create_api_key("erp")
    assert key.startswith("pk_") and len(key) > 40
    assert await integration_for_key(f"Bearer {key}") == "erp"
    assert key not in str(await ApiKey.select())


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer pk_wrong", "Basic abc", "pk_nobearer"])
async def test_anything_but_an_active_key_names_no_integration(db, header: str) -> None:
    key = await create_api_key("erp")
    assert await integration_for_key(header) is None
    await ApiKey.update({ApiKey.active: False}).where(ApiKey.name == "erp")
    assert await integration_for_key(f"Bearer {key}") is None


def test_the_command_prints_a_new_key_once_and_refuses_a_second_for_the_same_name(
    settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PORTAL_DATABASE_URL", settings.database_url)
    main(["api-key", "dpd-feed"])
    assert "pk_" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["api-key", "dpd-feed"])
