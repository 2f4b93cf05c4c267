"""Set-based writes for the catalog's ERP resources: many rows a statement, as SQL both SQLite
and PostgreSQL run, so a first load of a hundred thousand products or stock levels costs a few
hundred statements rather than a few hundred thousand."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from piccolo.table import Table

# SQLite and PostgreSQL both take at most 32,766 bind parameters in one statement.
MAX_PARAMETERS = 30_000
# Codes or ids in one `IN (…)` list.
KEYS_PER_STATEMENT = 1000

T = TypeVar("T")


def chunks(values: Sequence[T], size: int = KEYS_PER_STATEMENT) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def placeholders(count: int) -> str:
    return ", ".join(["{}"] * count)


async def insert_rows(
    table: type[Table], columns: Sequence[str], rows: Sequence[Sequence[Any]], *, then: str = ""
) -> list[dict[str, Any]]:
    """`INSERT INTO table (columns) VALUES … <then>` in as few statements as the parameter limit
    allows; `then` is an ON CONFLICT clause and/or RETURNING, whose rows are answered."""
    if not rows:
        return []
    names = ", ".join(f'"{column}"' for column in columns)
    row_placeholders = f"({placeholders(len(columns))})"
    answered: list[dict[str, Any]] = []
    for chunk in chunks(rows, MAX_PARAMETERS // len(columns)):
        answered += await table.raw(
            f'INSERT INTO "{table._meta.tablename}" ({names}) VALUES {", ".join([row_placeholders] * len(chunk))} {then}',
            *(value for row in chunk for value in row),
        )
    return answered


def update_all_but(key: Iterable[str], columns: Sequence[str]) -> str:
    """The SET list of an upsert that overwrites every column but the key's."""
    keys = set(key)
    return ", ".join(f'"{column}" = excluded."{column}"' for column in columns if column not in keys)


async def rows_by_key(table: type[Table], key: str, values: Iterable[str], *columns: str) -> dict[str, dict[str, Any]]:
    """The rows whose `key` column is one of `values`, by that value, with `columns`."""
    wanted = sorted(set(values))
    selected = ", ".join(f'"{column}"' for column in (key, *columns))
    found: dict[str, dict[str, Any]] = {}
    for chunk in chunks(wanted):
        for row in await table.raw(
            f'SELECT {selected} FROM "{table._meta.tablename}" WHERE "{key}" IN ({placeholders(len(chunk))})', *chunk
        ):
            found[row[key]] = row
    return found
