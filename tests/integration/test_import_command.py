"""`portal import`: the report on the terminal, and an exit code a script can trust."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal.catalog.tables import Warehouse
from portal.cli import main
from portal.config import Settings
from portal.database import connection_pool, engine_for, use_database
from tests.integration.resources import WAREHOUSES, registered

MAPPING = """
resource = "test-warehouses"
[columns]
"Kod" = "code"
"Nazwa" = "name"
"Miasto" = "address.city"
"""


@pytest.fixture
def command(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """The command pointed at the test's database, the warehouses known to it; a folder for files."""
    monkeypatch.setenv("PORTAL_DATABASE_URL", settings.database_url or "")
    (tmp_path / "magazyny.toml").write_text(MAPPING, encoding="utf-8")
    with registered(WAREHOUSES):
        yield tmp_path


def stored_warehouses(settings: Settings) -> dict[str, str]:
    async def read() -> dict[str, str]:
        engine = engine_for(settings)
        use_database(engine)
        async with connection_pool(engine):
            return {row["code"]: row["name"] for row in await Warehouse.select(Warehouse.code, Warehouse.name)}

    return asyncio.run(read())


def run(*arguments: str) -> int:
    try:
        main(["import", *arguments])
    except SystemExit as exited:
        return int(exited.code or 0)
    return 0


def test_a_dry_run_prints_each_problem_by_line_and_column_changes_nothing_and_fails(
    command: Path, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    export = command / "magazyny.csv"
    export.write_bytes("Kod;Nazwa;Miasto\nW1;Główny;Łódź\nW2;;Kraków\n".encode("cp1250"))
    mapping = str(command / "magazyny.toml")
    assert run("test-warehouses", str(export), "--mapping", mapping, "--dry-run") == 1
    out = capsys.readouterr().out
    assert "test-warehouses from magazyny.csv (csv, 2 rows, 2 items): created 1" in out
    assert "rejected 1" in out
    assert "line 3, column 'Nazwa' (name): Field required" in out
    assert "dry run" in out
    assert stored_warehouses(settings) == {}


def test_an_import_of_good_rows_succeeds_and_a_second_run_finds_them_unchanged(
    command: Path, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    export = command / "magazyny.csv"
    export.write_bytes("Kod;Nazwa;Miasto\nW1;Główny;Łódź\nW2;Zapasowy;Kraków\n".encode("cp1250"))
    mapping = str(command / "magazyny.toml")
    assert run("test-warehouses", str(export), "--mapping", mapping) == 0
    assert "created 2" in capsys.readouterr().out
    assert stored_warehouses(settings) == {"W1": "Główny", "W2": "Zapasowy"}
    assert run("test-warehouses", str(export), "--mapping", mapping, "--full") == 0
    out = capsys.readouterr().out
    assert "unchanged 2" in out and "deactivated 0" in out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nothing-like-it", "{folder}/magazyny.csv"], "there is no resource 'nothing-like-it'"),
        (["test-warehouses", "{folder}/missing.csv"], "No such file"),
        (["test-warehouses", "{folder}/magazyny.csv", "--mapping", "{folder}/bad.toml"], "/columns/Kod: "),
        (["test-warehouses", "{folder}/other.csv", "--mapping", "{folder}/magazyny.toml"], "no column 'Kod'"),
        (["test-warehouses", "{folder}/magazyny.xls"], "Old Excel files"),
    ],
)
def test_what_cannot_be_imported_at_all_is_said_on_stderr_with_exit_code_2(
    command: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    (command / "magazyny.csv").write_text("Kod;Nazwa;Miasto\nW1;A;B\n")
    (command / "magazyny.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (command / "other.csv").write_text("code;name\nW1;A\n")
    (command / "bad.toml").write_text('[columns]\n"Kod" = "no_such_field"\n')
    assert run(*(part.format(folder=command) for part in arguments)) == 2
    assert message in capsys.readouterr().err
