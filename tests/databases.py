"""Fresh, isolated databases for tests: a template migrated once per run, copied per test.
PostgreSQL when PORTAL_DATABASE_URL names one (as in CI), SQLite files otherwise."""

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

    async def create(self) -> str:
        """A new database migrated like the template; its URL."""
        name = f"portal_test_{self.run_id}_{uuid.uuid4().hex[:8]}"
        if self.postgres_url:
            await self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            return _with_database(self.postgres_url, name)
        path = self.workdir / f"{name}.sqlite3"
        shutil.copyfile(self.template_file, path)
        return f"sqlite:///{path}"

    async def drop(self, url: str) -> None:
        if self.postgres_url:
            await self._admin(f'DROP DATABASE IF EXISTS "{urlsplit(url).path.lstrip("/")}" WITH (FORCE)')
        else:
            await asyncio.to_thread(Path(url.removeprefix("sqlite:///")).unlink, missing_ok=True)

    async def drop_template(self) -> None:
        if self.postgres_url:
            await self._admin(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')


@contextmanager
def database_factory(postgres_url: str | None, workdir: Path) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(postgres_url, workdir)
    asyncio.run(factory.prepare_template())
    try:
        yield factory
    finally:
        asyncio.run(factory.drop_template())
