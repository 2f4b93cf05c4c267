"""Settings are validated at start with messages that name what is wrong."""

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from portal.config import Mode, Settings


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
