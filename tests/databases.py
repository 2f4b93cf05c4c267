"""Fresh, isolated databases for tests: a template migrated once per run, copied per test.
PostgreSQL when PORTAL_DATABASE_URL names one (as in CI), SQLite files otherwise.

On PostgreSQL a copy costs about half a second (CREATE DATABASE syncs every file to disk), so a
finished test's database is emptied and handed to the next test instead: deleting the rows of
small tables and restoring what the migrations wrote takes a few milliseconds."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from portal.config import Settings
from portal.database import connection_pool, engine_for, migrate, use_database


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


class DatabaseFactory:
    def __init__(self, postgres_url: str | None, workdir: Path) -> None:
        self.postgres_url = postgres_url
        self.workdir = workdir
        self.run_id = uuid.uuid4().hex[:8]
        self.template = f"portal_template_{self.run_id}"
        self.template_file = workdir / "template.sqlite3"
        self._made_here: set[str] = set()
        self._idle: list[str] = []
        # What the migrations left in the template: the rows they wrote and every sequence's position.
        self._migrated_rows: dict[str, str] = {}
        self._sequences: list[tuple[str, int, bool]] = []
        self._tables: list[str] = []

    @property
    def kind(self) -> str:
        return "postgresql" if self.postgres_url else "sqlite"

    async def _admin(self, statement: str) -> None:
        assert self.postgres_url
        connection = await asyncpg.connect(self.postgres_url)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    async def prepare_template(self) -> None:
        if self.postgres_url:
            await self._admin(f'CREATE DATABASE "{self.template}"')
            url = _with_database(self.postgres_url, self.template)
        else:
            url = f"sqlite:///{self.template_file}"
        engine = engine_for(Settings(database_url=url))
        use_database(engine)
        async with connection_pool(engine):
            await migrate()
        if self.postgres_url:
            await self._remember_migrated_state(url)

    async def _remember_migrated_state(self, url: str) -> None:
        connection = await asyncpg.connect(url)
        try:
            self._tables = [
                row["tablename"]
                for row in await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ]
            for table in self._tables:
                rows = await connection.fetchval(f'SELECT json_agg(t) FROM "{table}" t')
                if rows is not None:
                    self._migrated_rows[table] = rows
            self._sequences = [
                (row["name"], row["last_value"] or 1, row["last_value"] is not None)
                for row in await connection.fetch(
                    "SELECT schemaname || '.' || sequencename AS name, last_value FROM pg_sequences"
                    " WHERE schemaname = 'public'"
                )
            ]
        finally:
            await connection.close()

    async def _empty(self, name: str) -> None:
        """Back to the template's state: every row deleted, the migrations' rows written again."""
        await self._admin(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            " AND pid <> pg_backend_pid()"
        )
        connection = await asyncpg.connect(_with_database(self.postgres_url or "", name))
        try:
            async with connection.transaction():
                # Foreign keys are not checked while replicating, so the order of deletes is free.
                await connection.execute("SET LOCAL session_replication_role = replica")
                await connection.execute("; ".join(f'DELETE FROM "{table}"' for table in self._tables))
                for table, rows in self._migrated_rows.items():
                    await connection.execute(
                        f'INSERT INTO "{table}" SELECT * FROM json_populate_recordset(NULL::"{table}", $1::json)',
                        rows,
                    )
                for sequence, value, called in self._sequences:
                    await connection.execute("SELECT setval($1, $2, $3)", sequence, value, called)
        finally:
            await connection.close()

    async def create(self) -> str:
        """A new database migrated like the template; its URL."""
        if self._idle:
            name = self._idle.pop()
            await self._empty(name)
            return _with_database(self.postgres_url or "", name)
        name = f"portal_test_{self.run_id}_{uuid.uuid4().hex[:8]}"
        if self.postgres_url:
            await self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            self._made_here.add(name)
            return _with_database(self.postgres_url, name)
        path = self.workdir / f"{name}.sqlite3"
        shutil.copyfile(self.template_file, path)
        return f"sqlite:///{path}"

    async def drop(self, url: str) -> None:
        """Done with a database: one made here waits for the next test, any other goes."""
        if self.postgres_url:
            name = urlsplit(url).path.lstrip("/")
            if name in self._made_here:
                self._idle.append(name)
                return
            await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            await asyncio.to_thread(Path(url.removeprefix("sqlite:///")).unlink, missing_ok=True)

    async def drop_template(self) -> None:
        if self.postgres_url:
            for name in self._made_here:
                await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await self._admin(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')


@contextmanager
def database_factory(postgres_url: str | None, workdir: Path) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(postgres_url, workdir)
    asyncio.run(factory.prepare_template())
    try:
        yield factory
    finally:
        asyncio.run(factory.drop_template())
