"""Related rows carried inside one statement as JSON, so a page needs one round trip: a scalar
subquery that aggregates rows into a JSON array, written for the engine in use."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString


def json_array(engine: Engine, fields: Mapping[str, str], source: str, *values: Any) -> QueryString:
    """The rows of `SELECT <fields> <source>` as one JSON array of objects (`[]` when there are
    none): json_agg on PostgreSQL, json_group_array on SQLite. Read it with `read_json_array`."""
    pairs = ", ".join(f"'{name}', {expression}" for name, expression in fields.items())
    if engine.engine_type == "postgres":
        return QueryString(f"(SELECT COALESCE(json_agg(json_build_object({pairs})), '[]') {source})", *values)
    return QueryString(f"(SELECT json_group_array(json_object({pairs})) {source})", *values)


_DECODER = json.JSONDecoder(parse_float=Decimal)


def read_json_array(value: str | None) -> list[dict[str, Any]]:
    """What `json_array` selected; numbers with a fraction come back as exact Decimals."""
    return _DECODER.decode(value) if value else []


def read_json_date(value: str | None) -> date | None:
    """A date inside `json_array`'s objects: ISO text on both engines."""
    return date.fromisoformat(value) if value else None
