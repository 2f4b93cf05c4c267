"""Where uploaded files' bytes are kept: behind a small protocol, on local disk outside the web
root, so they reach a browser only through a route that checks who is asking."""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Protocol

from portal.config import Settings


class FileStorage(Protocol):
    """Bytes under a key. Keys are relative paths with `/` between the parts, made by `content_key`."""

    async def save(self, key: str, content: bytes) -> None: ...

    async def read(self, key: str) -> bytes:
        """Raises FileNotFoundError when nothing is stored under `key`."""
        ...

    async def delete(self, key: str) -> None:
        """Nothing stored under `key` is no error."""
        ...


def content_key(content: bytes) -> str:
    """The key named by the content's SHA-256: the same file uploaded twice is kept once, and the
    first two hex digits spread the files over 256 folders instead of one huge one."""
    digest = hashlib.sha256(content).hexdigest()
    return f"{digest[:2]}/{digest}"


class LocalDiskStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    async def save(self, key: str, content: bytes) -> None:
        await asyncio.to_thread(self._write, self._path(key), content)

    async def read(self, key: str) -> bytes:
        return await asyncio.to_thread(self._path(key).read_bytes)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    def _path(self, key: str) -> Path:
        parts = PurePosixPath(key).parts
        # A key naming a place outside the root would let whoever controls it write anywhere.
        if not parts or "\\" in key or "\0" in key or PurePosixPath(key).is_absolute() or ".." in parts:
            raise ValueError(f"not a storage key: {key!r}")
        return self.root.joinpath(*parts)

    @staticmethod
    def _write(path: Path, content: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed into place, so a reader never sees half a file, and a crash
        # mid-write leaves only a stray temporary file, never a damaged stored one.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def storage_for(settings: Settings) -> FileStorage:
    return LocalDiskStorage(settings.files_dir or settings.var_dir / "files")


_bound: FileStorage | None = None


def use_file_storage(storage: FileStorage) -> None:
    """Makes `storage` the one domain code keeps uploaded files in, in this process (set at
    start-up, as `use_job_queue` does for the job queue)."""
    global _bound
    _bound = storage


def file_storage() -> FileStorage:
    if _bound is None:
        raise RuntimeError("no file storage in this process: create_app() sets one")
    return _bound
