"""Files an ERP sends with a product, documents and pictures: inline as base64, or as a public
https address fetched once, when the item is written, through the portal's one outgoing guard
(`portal.outgoing.guard`). Either way no larger than MAX_FILE_BYTES. Kept in StoredFile by their
SHA-256, so a datasheet a hundred variants share is stored once, and dropped when nothing refers
to them any more."""

from __future__ import annotations

import base64
import binascii
import hashlib
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass

import httpx
from pydantic import Field, model_validator

from portal.catalog.bulk_writes import chunks, insert_rows, placeholders
from portal.catalog.erp_fields import NestedItem
from portal.catalog.tables import StoredFile
from portal.i18n import gettext as _
from portal.integration.resources import Rejected
from portal.outgoing.guard import Guard, OutgoingRefused, ResponseTooLarge

MAX_FILE_BYTES = 10 * 1024 * 1024
# Four base64 characters carry three bytes.
MAX_BASE64_CHARACTERS = -(-MAX_FILE_BYTES // 3) * 4
FETCH_TIMEOUT_SECONDS = 20.0

# The guard files are fetched through: public https addresses only (never this machine, not even
# in the demo), answers up to the file size limit. A module attribute, so tests can put a guard
# with a fake network in its place.
file_guard = Guard(timeout_seconds=FETCH_TIMEOUT_SECONDS, max_response_bytes=MAX_FILE_BYTES)

# Pictures are shown inline from the portal's own address: only formats that cannot carry script
# (no SVG), recognised by their first bytes rather than by what the ERP calls them.
_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


class FileSource(NestedItem):
    content_base64: str | None = Field(
        default=None,
        max_length=MAX_BASE64_CHARACTERS,
        description=f"The file's bytes in base64, at most {MAX_FILE_BYTES // (1024 * 1024)} MB. Give this or `url`.",
    )
    url: str | None = Field(
        default=None,
        max_length=2000,
        pattern=r"^https://\S+$",
        description="A public https address the portal fetches the file from once, when the item is written "
        f"(at most {MAX_FILE_BYTES // (1024 * 1024)} MB, no redirects). Give this or `content_base64`.",
    )

    @model_validator(mode="after")
    def one_source(self) -> FileSource:
        if (self.content_base64 is None) == (self.url is None):
            raise ValueError("give either content_base64 or url")
        return self


@dataclass(frozen=True)
class FileContent:
    sha256: str
    media_type: str
    content: bytes


async def load_document(source: FileSource, where: str, filename: str) -> FileContent:
    """The document's bytes, its media type told by its file name (it is always downloaded, never
    shown inline)."""
    content = await _content(source, where)
    media_type, _encoding = mimetypes.guess_type(filename)
    return FileContent(hashlib.sha256(content).hexdigest(), media_type or "application/octet-stream", content)


async def load_image(source: FileSource, where: str) -> FileContent:
    content = await _content(source, where)
    media_type = image_type(content)
    if media_type is None:
        raise Rejected(_source_field(source, where), _("The picture is not a PNG, JPEG, GIF or WebP image."))
    return FileContent(hashlib.sha256(content).hexdigest(), media_type, content)


def image_type(content: bytes) -> str | None:
    for signature, media_type in _IMAGE_SIGNATURES:
        if content.startswith(signature):
            return media_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def _source_field(source: FileSource, where: str) -> str:
    return f"{where}/content_base64" if source.content_base64 is not None else f"{where}/url"


async def _content(source: FileSource, where: str) -> bytes:
    field = _source_field(source, where)
    if source.content_base64 is not None:
        try:
            # MIME-style base64 is broken into lines.
            content = base64.b64decode("".join(source.content_base64.split()), validate=True)
        except (binascii.Error, ValueError):
            raise Rejected(field, _("This is not valid base64.")) from None
        if len(content) > MAX_FILE_BYTES:
            raise Rejected(field, _file_too_large())
    else:
        assert source.url is not None
        content = await _fetch(source.url, field)
    if not content:
        raise Rejected(field, _("The file is empty."))
    return content


async def _fetch(url: str, field: str) -> bytes:
    try:
        async with file_guard.client() as client:
            response = await client.get(url)
    except ResponseTooLarge:
        raise Rejected(field, _file_too_large()) from None
    except OutgoingRefused as refusal:
        raise Rejected(field, refusal.message) from None
    except httpx.HTTPError:
        raise Rejected(field, _("The file could not be fetched from this address.")) from None
    if response.status_code != 200:
        raise Rejected(
            field, _("This address answered {status} instead of the file.").format(status=response.status_code)
        )
    return response.content


def _file_too_large() -> str:
    return _("The file is larger than {size} MB.").format(size=MAX_FILE_BYTES // (1024 * 1024))


async def store_files(files: Iterable[FileContent]) -> None:
    """Keep the files not kept yet; one already stored under its SHA-256 is the same file."""
    unique = {file.sha256: file for file in files}
    await insert_rows(
        StoredFile,
        ("sha256", "media_type", "size", "content"),
        [(file.sha256, file.media_type, len(file.content), file.content) for file in unique.values()],
        then="ON CONFLICT (sha256) DO NOTHING",
    )


async def forget_unused_files(sha256s: Iterable[str]) -> None:
    """Drop the given files that no product document or picture refers to any more."""
    for chunk in chunks(sorted(set(sha256s))):
        await StoredFile.raw(
            f"DELETE FROM stored_file WHERE sha256 IN ({placeholders(len(chunk))})"
            " AND NOT EXISTS (SELECT 1 FROM product_document d WHERE d.file = stored_file.sha256)"
            " AND NOT EXISTS (SELECT 1 FROM product_image i WHERE i.file = stored_file.sha256)",
            *chunk,
        )
