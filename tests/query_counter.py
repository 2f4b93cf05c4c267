"""Counting the SQL statements a block of code sends, to hold hot pages to a fixed number.

    with count_queries() as queries:
        await resolve_prices(scope, quantities)
    assert queries.count == 4, queries.statements

Every Piccolo query (select, insert, raw …) and every DDL statement goes through the engine's
`run_querystring` or `run_ddl`, on SQLite and PostgreSQL alike, inside a transaction or not; the
counter wraps both on the engine the tables are bound to (`portal.database.use_database`).
Transaction control (BEGIN, COMMIT) is not counted, nor are cursors opened by `.batch()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest.mock import patch

from piccolo.engine import engine_finder
from piccolo.engine.base import Engine


@dataclass
class QueryCount:
    # The SQL of each statement, in the order sent, with its values filled in.
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries(engine: Engine | None = None) -> Iterator[QueryCount]:
    """Count the statements sent to `engine` (the tables' engine by default) inside the block."""
    counted_engine = engine or engine_finder()
    assert counted_engine is not None, "count_queries needs a database: use the `db` fixture"
    counted = QueryCount()
    # Engines have __slots__, so the methods are wrapped on the class, counting this engine only.
    engine_class = type(counted_engine)
    run_querystring = engine_class.run_querystring
    run_ddl = engine_class.run_ddl

    async def counted_querystring(self: Engine, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        if self is counted_engine:
            counted.statements.append(str(querystring))
        return await run_querystring(self, querystring, *args, **kwargs)

    async def counted_ddl(self: Engine, ddl: str, *args: Any, **kwargs: Any) -> Any:
        if self is counted_engine:
            counted.statements.append(ddl)
        return await run_ddl(self, ddl, *args, **kwargs)

    with ExitStack() as patches:
        patches.enter_context(patch.object(engine_class, "run_querystring", counted_querystring))
        patches.enter_context(patch.object(engine_class, "run_ddl", counted_ddl))
        yield counted
