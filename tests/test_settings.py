"""Settings are validated at start with messages that name what is wrong."""

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from portal.accounts.roles import Role
from portal.app import create_app
from portal.config import Mode, Settings, load_settings
from portal.database import connection_pool
from tests.factories import make_company, make_person, post_form
from tests.mailbox import Mailbox


def test_production_refuses_to_start_without_a_secret_key() -> None:
    with pytest.raises(ValidationError, match="PORTAL_SECRET_KEY is required in production"):
        Settings(mode=Mode.PRODUCTION, secret_key=None)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("database_url", "mysql://localhost/x", "postgresql://"),
        ("valkey_url", "http://localhost", "redis://"),
        ("smtp_url", "mail.example.com", "smtp://"),
        ("base_url", "portal.example.com", "absolute http"),
    ],
)
def test_a_malformed_url_is_named_with_what_it_should_look_like(field: str, value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings.model_validate({field: value})


def test_the_demo_makes_a_secret_key_once_and_keeps_it(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path)
    first = settings.resolved_secret_key()
    assert len(first) >= 32
    assert Settings(var_dir=tmp_path).resolved_secret_key() == first


def test_the_command_prints_the_bad_setting_and_exits_instead_of_a_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from portal.cli import main; main(['migrate'])"],
        env={"PORTAL_DATABASE_URL": "mysql://nope", "PORTAL_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "PORTAL_DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


async def test_the_demo_mails_links_to_the_port_it_serves_on(
    settings: Settings, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`PORT=8080 make demo` mailed links to :8000, where nothing answers. The app is built as the
    demo builds it, from the environment."""
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "8080")
    for name in ("mode", "database_url", "secret_key", "smtp_url", "var_dir", "key_prefix"):
        monkeypatch.setenv(f"PORTAL_{name.upper()}", str(getattr(settings, name)))
    app = create_app(load_settings())
    async with (
        connection_pool(app.state["engine"]),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8080") as client,  # type: ignore[arg-type]
    ):
        buyer = await make_person(await make_company(), Role.BUYER)
        sent = await post_form(client, "/password/forgot", {"email": buyer.email})
        assert sent.status_code == 200
    text = mailbox.text_of(mailbox.last_to(buyer.email))
    assert "http://127.0.0.1:8080/password/reset/" in text and ":8000" not in text


def test_the_base_url_follows_the_port_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "8080")
    assert load_settings().base_url == "http://127.0.0.1:8080"
    monkeypatch.delenv("PORT")
    monkeypatch.setenv("PORTAL_PORT", "8123")
    assert load_settings().base_url == "http://127.0.0.1:8123"


def test_an_explicit_base_url_wins_over_the_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("PORTAL_BASE_URL", "https://portal.hurtownia.example/")
    assert load_settings().base_url == "https://portal.hurtownia.example"


def test_the_price_tolerance_is_a_percentage_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTAL_PRICE_TOLERANCE_PERCENT", raising=False)
    assert load_settings().price_tolerance_percent == Decimal("2")
    monkeypatch.setenv("PORTAL_PRICE_TOLERANCE_PERCENT", "3.5")
    assert load_settings().price_tolerance_percent == Decimal("3.5")
    monkeypatch.setenv("PORTAL_PRICE_TOLERANCE_PERCENT", "-1")
    with pytest.raises(ValidationError, match="price_tolerance_percent"):
        load_settings()
