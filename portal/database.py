"""The database engine: chosen from the settings, bound to every table, migrated from code."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration
from piccolo.columns import Column
from piccolo.columns.combination import Where
from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.query.methods.select import Select
from piccolo.querystring import QueryString
from piccolo.table import Table

from portal import piccolo_conf
from portal.config import Settings

os.environ.setdefault("PICCOLO_CONF", "portal.piccolo_conf")


def engine_for(settings: Settings) -> Engine:
    url = settings.database_url
    if url is None:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        return sqlite_engine(str(settings.sqlite_path))
    if urlsplit(url).scheme == "sqlite":
        return sqlite_engine(url.removeprefix("sqlite:///"))
    # JIT compiling pays off for analytics, not for a page's millisecond queries: on the grid's
    # search it added 35 ms of compilation to a 6 ms query. asyncpg prepares every statement, and
    # after five runs PostgreSQL may switch to a generic plan that cannot see the values: how
    # many products a filter keeps (an attribute value, a company's purchases) may decide
    # between collecting them and walking the SKU index. So each run is planned for its own
    # values: about 1 ms for the grid's statement, and 3 ms more than generic plans for the
    # product page's ten (measured on the bench's large data set).
    server_settings = {"jit": "off", "plan_cache_mode": "force_custom_plan"}
    return PostgresEngine(config={"dsn": url, "server_settings": server_settings}, extensions=())


def sqlite_engine(path: str) -> SQLiteEngine:
    # A busy timeout turns concurrent writers into waiting writers instead of "database is locked".
    return SQLiteEngine(path=path, timeout=30)


def all_tables() -> Iterator[type[Table]]:
    yield Migration
    for app_config in piccolo_conf.APP_REGISTRY.app_configs.values():
        yield from app_config.table_classes


def use_database(engine: Engine) -> None:
    """Point Piccolo and every table at `engine`."""
    piccolo_conf.DB = engine
    for table in all_tables():
        table._meta.db = engine


async def migrate() -> None:
    result = await run_forwards("all")
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}")


AfterCommit = Callable[[], Awaitable[None]]

# What waits for the outermost write transaction of this task to commit.
_waiting_for_commit: ContextVar[list[AfterCommit] | None] = ContextVar("waiting_for_commit", default=None)


def write_transaction(engine: Engine) -> AbstractAsyncContextManager[object]:
    """A transaction for a check-then-write decision. SQLite takes its write lock at BEGIN
    (IMMEDIATE), so a concurrent writer waits instead of deciding on stale data; PostgreSQL
    callers lock the rows they decide on (`lock_rows_for_decision`). Inside another transaction
    it joins that one. Once the outermost commits, it runs what `after_commit` left waiting."""
    return _write_transaction(engine)


@asynccontextmanager
async def _write_transaction(engine: Engine) -> AsyncIterator[object]:
    if engine.current_transaction.get() is not None:
        async with engine.transaction() as joined:
            yield joined
        return
    waiting: list[AfterCommit] = []
    token = _waiting_for_commit.set(waiting)
    try:
        begin = (
            engine.transaction(transaction_type=TransactionType.immediate)
            if isinstance(engine, SQLiteEngine)
            else engine.transaction()
        )
        async with begin as transaction:
            yield transaction
    finally:
        _waiting_for_commit.reset(token)
    for callback in waiting:
        await callback()


async def after_commit(callback: AfterCommit) -> None:
    """Runs `callback` once the write transaction this code runs in has committed, and never if it
    rolls back: for what must see the committed rows, such as forgetting a cached scope (a
    request between the forgetting and the commit would cache the old rows again). Outside a
    write transaction it runs at once. A savepoint rolled back inside the transaction does not
    take its callbacks back: they must be harmless then (forgetting a cache is)."""
    waiting = _waiting_for_commit.get()
    if waiting is None:
        await callback()
    else:
        waiting.append(callback)


def contains_text(column: Column, text: str) -> Where:
    """Case-insensitive substring match: ILIKE on PostgreSQL; SQLite's LIKE already ignores case."""
    pattern = f"%{text}%"
    return column.like(pattern) if column._meta.engine_type == "sqlite" else column.ilike(pattern)


async def serialise_on(name: str) -> None:
    """Holds, until this transaction ends, a lock on `name` that every other transaction asking
    for the same name waits for (PostgreSQL's advisory lock; SQLite's write transaction already
    runs alone): for decisions about rows that may not exist yet."""
    engine = engine_finder()
    if isinstance(engine, PostgresEngine):
        await engine.run_querystring(QueryString("SELECT pg_advisory_xact_lock(hashtext({}))", name))


def lock_rows_for_decision(query: Select) -> Select:
    """`SELECT … FOR UPDATE` where the database has it (SQLite locks the whole file instead)."""
    return query if isinstance(query.table._meta.db, SQLiteEngine) else query.lock_rows()


@asynccontextmanager
async def connection_pool(engine: Engine) -> AsyncIterator[None]:
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=10)
        try:
            yield
        finally:
            await engine.close_connection_pool()
    else:
        yield


def composite_indexes_migration(
    app_name: str, migration_id: str, description: str, indexes: dict[str, str]
) -> Callable[[], Awaitable[MigrationManager]]:
    """A migration's `forwards` that creates indexes Piccolo cannot declare (composite, unique
    over several columns), as SQL both SQLite and PostgreSQL accept. `indexes` maps an index
    name to its CREATE statement."""

    async def forwards() -> MigrationManager:
        manager = MigrationManager(migration_id=migration_id, app_name=app_name, description=description)
        for name, create in indexes.items():

            async def create_index(statement: str = create) -> None:
                await _migration_engine().run_ddl(statement)

            async def drop_index(index: str = name) -> None:
                await _migration_engine().run_ddl(f"DROP INDEX {index}")

            manager.add_raw(create_index)
            manager.add_raw_backwards(drop_index)
        return manager

    return forwards


def one_engine_migration(
    app_name: str,
    migration_id: str,
    description: str,
    engine_type: str,
    statements: Sequence[str],
    backwards: Sequence[str],
) -> Callable[[], Awaitable[MigrationManager]]:
    """A migration's `forwards` that runs SQL of one engine's own (`"postgres"` or `"sqlite"`:
    triggers, extensions, index options) in order, and on the other engine does nothing; going
    back runs `backwards`."""

    async def forwards() -> MigrationManager:
        manager = MigrationManager(migration_id=migration_id, app_name=app_name, description=description)

        async def run_forwards() -> None:
            await _run_on(engine_type, statements)

        async def run_backwards() -> None:
            await _run_on(engine_type, backwards)

        manager.add_raw(run_forwards)
        manager.add_raw_backwards(run_backwards)
        return manager

    return forwards


async def _run_on(engine_type: str, statements: Sequence[str]) -> None:
    engine = _migration_engine()
    if engine.engine_type == engine_type:
        for statement in statements:
            await engine.run_ddl(statement)


def _migration_engine() -> Engine:
    engine = engine_finder()
    assert engine is not None, "migrations run with an engine configured"
    return engine
