"""Files people attach to complaints, messages and shipments: which uploads are accepted, judged by
what their bytes are rather than by their names, and who may download them again."""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from io import BytesIO
from typing import Any, overload

import filetype
from babel.numbers import format_decimal
from litestar.datastructures import UploadFile
from PIL import Image

from portal.accounts.customer_scope import customers_seen_by
from portal.accounts.scope import Scope
from portal.aftersales.tables import Attachment, AttachmentPurpose
from portal.errors import Invalid, NotFound
from portal.i18n import current_locale
from portal.i18n import gettext as _
from portal.storage import content_key, file_storage

FILENAME_MAX_LENGTH = 200
# Decoding a picture takes about four bytes per pixel: a 10 MB PNG of one colour could otherwise
# unfold into gigabytes. 40 million pixels is past any phone photo once JPEGs are decoded at 1/8.
_MAX_DECODED_PIXELS = 40_000_000
# PDF readers look for the end-of-file marker this far from the end, allowing trailing bytes.
_PDF_TAIL = 1024

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check: the name to show, the type its content really is."""

    filename: str
    content_type: str
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class AttachmentView:
    id: int
    filename: str
    content_type: str
    size: int
    purpose: AttachmentPurpose
    created_at: datetime


class _Flaw(Enum):
    NOT_ACCEPTED = "not_accepted"
    DAMAGED = "damaged"
    TOO_MANY_PIXELS = "too_many_pixels"
    NOT_UTF8 = "not_utf8"


@dataclass(frozen=True)
class _Kind:
    label: str
    content_type: str
    extensions: tuple[str, ...]
    # Whether the bytes past the first few hold up: magic bytes alone are easy to glue onto anything.
    flaw: Callable[[bytes], _Flaw | None]


class _Reading(BytesIO):
    """The bytes of a picture being decoded, noting whether the decoder asked for more than there
    were. WeasyPrint, imported by this process, sets Pillow's LOAD_TRUNCATED_IMAGES for everyone,
    and with it Pillow fills in the missing part of a cut-short JPEG or GIF instead of failing."""

    ran_out = False

    def read(self, size: int | None = -1, /) -> bytes:
        data = super().read(size)
        if size is not None and size > 0 and not data:
            self.ran_out = True
        return data


def _picture_flaw(content: bytes) -> _Flaw | None:
    # Pillow raises many kinds of errors on bytes that only start like a picture; any of them
    # means the file cannot be shown, which is all that matters here.
    try:
        with Image.open(BytesIO(content)) as picture:
            picture.verify()
        reading = _Reading(content)
        with Image.open(reading) as picture:
            if picture.format == "JPEG":
                picture.draft("RGB", (picture.width // 8, picture.height // 8))
            if picture.width * picture.height > _MAX_DECODED_PIXELS:
                return _Flaw.TOO_MANY_PIXELS
            # Opening tries other formats' headers too, reading past the end of a small file.
            reading.ran_out = False
            picture.load()
    except Exception:
        return _Flaw.DAMAGED
    return _Flaw.DAMAGED if reading.ran_out else None


def _heic_flaw(content: bytes) -> _Flaw | None:
    # Pillow cannot decode HEIC without a plugin; the container's signature is all we check.
    return None


def _pdf_flaw(content: bytes) -> _Flaw | None:
    return None if b"%%EOF" in content[-_PDF_TAIL:] else _Flaw.DAMAGED


def _archive_flaw(*required: str) -> Callable[[bytes], _Flaw | None]:
    """Office documents are ZIP archives: readable only when the archive is whole and holds the
    parts its format requires."""

    def flaw(content: bytes) -> _Flaw | None:
        try:
            with zipfile.ZipFile(BytesIO(content)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return _Flaw.DAMAGED
        return None if names.issuperset(required) else _Flaw.DAMAGED

    return flaw


def _no_flaw(content: bytes) -> _Flaw | None:
    # Old Office files: filetype already looked past the container's signature into the document.
    # Text: checked while it was recognised as text.
    return None


_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"
_KINDS = {
    kind.content_type: kind
    for kind in (
        _Kind("JPEG", "image/jpeg", ("jpg", "jpeg", "jpe", "jfif"), _picture_flaw),
        _Kind("PNG", "image/png", ("png",), _picture_flaw),
        _Kind("WebP", "image/webp", ("webp",), _picture_flaw),
        _Kind("GIF", "image/gif", ("gif",), _picture_flaw),
        _Kind("HEIC", "image/heic", ("heic", "heif"), _heic_flaw),
        _Kind("PDF", "application/pdf", ("pdf",), _pdf_flaw),
        _Kind(
            "DOCX",
            f"{_OOXML}.wordprocessingml.document",
            ("docx",),
            _archive_flaw("[Content_Types].xml", "word/document.xml"),
        ),
        _Kind(
            "XLSX",
            f"{_OOXML}.spreadsheetml.sheet",
            ("xlsx",),
            _archive_flaw("[Content_Types].xml", "xl/workbook.xml"),
        ),
        _Kind("ODT", f"{_ODF}.text", ("odt",), _archive_flaw("mimetype", "content.xml")),
        _Kind("ODS", f"{_ODF}.spreadsheet", ("ods",), _archive_flaw("mimetype", "content.xml")),
        _Kind("DOC", "application/msword", ("doc",), _no_flaw),
        _Kind("XLS", "application/vnd.ms-excel", ("xls",), _no_flaw),
    )
}
_CSV = _Kind("CSV", "text/csv; charset=utf-8", ("csv",), _no_flaw)
_TEXT = _Kind("TXT", "text/plain; charset=utf-8", ("txt",), _no_flaw)
_ACCEPTED_EXTENSIONS = frozenset(extension for kind in (*_KINDS.values(), _CSV, _TEXT) for extension in kind.extensions)
# HTML, SVG and XML are text too, but a browser would run what they hold.
_MARKUP = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<[!?a-zA-Z]")


def _recognise(content: bytes, extension: str) -> tuple[_Kind | None, _Flaw | None]:
    """What the bytes are, whatever the name says, and what is wrong with them."""
    guessed = filetype.guess(content)
    kind = _KINDS.get(guessed.mime) if guessed is not None else None
    if kind is None:
        # Some signatures are short enough to begin a line of text too: "MZ" is a Windows program.
        return _recognise_text(content, extension)
    return kind, kind.flaw(content)


def _recognise_text(content: bytes, extension: str) -> tuple[_Kind | None, _Flaw | None]:
    if b"\0" in content or _MARKUP.match(content):
        return None, _Flaw.NOT_ACCEPTED
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        # Excel in Polish saves CSV in Windows-1250 unless told otherwise: worth saying so.
        named_as_text = extension in _CSV.extensions + _TEXT.extensions
        return None, _Flaw.NOT_UTF8 if named_as_text else _Flaw.NOT_ACCEPTED
    return (_CSV if extension in _CSV.extensions else _TEXT), None


def _clean_filename(filename: str) -> str:
    """The last part of the path only (some browsers send the whole of it), without control and
    invisible formatting characters (a right-to-left override can make `gpj.exe` read as `exe.jpg`)."""
    basename = re.split(r"[/\\]", filename)[-1]
    visible = "".join(c for c in unicodedata.normalize("NFC", basename) if unicodedata.category(c) not in {"Cc", "Cf"})
    return visible.strip()


def _extension(filename: str) -> str:
    """The part after the last dot when it looks like an extension; `Protokół 12.05.2026` has none."""
    stem, dot, suffix = filename.rpartition(".")
    if stem and dot and len(suffix) <= 5 and suffix.isalnum() and not suffix.isdigit():
        return suffix.lower()
    return ""


def _stored_filename(filename: str, extension: str, kind: _Kind) -> str:
    """A name no longer than the column, keeping its extension, and given one when it had none."""
    if not extension:
        filename = f"{filename or 'file'}.{kind.extensions[0]}"
        extension = kind.extensions[0]
    if len(filename) <= FILENAME_MAX_LENGTH:
        return filename
    stem = filename[: -len(extension) - 1]
    return f"{stem[: FILENAME_MAX_LENGTH - len(extension) - 1].rstrip()}.{extension}"


def _megabytes(size: int) -> str:
    return format_decimal(Decimal(size) / (1024 * 1024), format="#,##0.#", locale=current_locale())


async def check_upload(upload: UploadFile, field: str, max_bytes: int) -> CheckedFile:
    """The upload when it is a file we accept, else `Invalid` naming the file and what is wrong."""
    filename = _clean_filename(upload.filename or "")
    shown = {"name": filename}
    # One byte past the limit is enough to know it is too large, without reading all of it.
    content = await upload.read(max_bytes + 1)
    if not content:
        raise Invalid({field: _("The file “%(name)s” is empty.") % shown})
    if len(content) > max_bytes:
        raise Invalid({field: _("“%(name)s” is larger than %(limit)s MB.") % {**shown, "limit": _megabytes(max_bytes)}})
    extension = _extension(filename)
    kind, flaw = await asyncio.to_thread(_recognise, content, extension)
    if kind is not None and extension and extension not in kind.extensions:
        raise Invalid(
            {
                field: _("“%(name)s” ends in .%(extension)s but is in %(format)s format.")
                % {**shown, "extension": extension, "format": kind.label}
            }
        )
    if kind is None:
        if flaw is _Flaw.NOT_UTF8:
            message = _("“%(name)s” is not saved as UTF-8: save it again choosing the UTF-8 encoding.")
        elif extension in _ACCEPTED_EXTENSIONS:
            message = _("“%(name)s” ends in .%(extension)s but is not in that format.")
        else:
            message = _(
                "“%(name)s” is not a kind of file we accept. Send photos (JPEG, PNG, WebP, HEIC, GIF), "
                "PDF, Word, Excel or OpenDocument files, or CSV or text files."
            )
        raise Invalid({field: message % {**shown, "extension": extension}})
    if flaw is _Flaw.TOO_MANY_PIXELS:
        raise Invalid({field: _("“%(name)s” has too many pixels: send a smaller picture.") % shown})
    if flaw is not None:
        raise Invalid(
            {
                field: _("“%(name)s” is damaged or incomplete: it cannot be read as %(format)s.")
                % {**shown, "format": kind.label}
            }
        )
    return CheckedFile(_stored_filename(filename, extension, kind), kind.content_type, content)


async def check_uploads(uploads: Iterable[UploadFile | str], field: str, max_bytes: int) -> list[CheckedFile]:
    """Each upload checked. A file input left at "no file chosen" is sent as an empty part without
    a file name, which Litestar hands over as an empty string: no file at all, not an empty one."""
    checked = []
    for upload in uploads:
        if isinstance(upload, str):
            continue
        if not upload.filename:
            if not await upload.read(1):
                continue
            await upload.seek(0)
        checked.append(await check_upload(upload, field, max_bytes))
    return checked


async def save_attachment(
    file: CheckedFile,
    *,
    company_id: int,
    purpose: AttachmentPurpose,
    uploaded_by: int | None,
    complaint_id: int | None = None,
    message_id: int | None = None,
    shipment_id: int | None = None,
) -> int:
    """Keeps the file for `company_id` and answers the attachment's id; call it inside the
    transaction that saves what it is attached to, once everything has been checked."""
    key = content_key(file.content)
    # The bytes first: a transaction rolled back afterwards leaves an unreferenced file behind,
    # which is harmless, while the other order could leave a row pointing at nothing.
    await file_storage().save(key, file.content)
    rows = await Attachment.insert(
        Attachment(
            company=company_id,
            storage_key=key,
            filename=file.filename,
            content_type=file.content_type,
            size=file.size,
            purpose=purpose,
            complaint=complaint_id,
            message=message_id,
            shipment=shipment_id,
            uploaded_by=uploaded_by,
        )
    ).returning(Attachment.id)
    return int(rows[0]["id"])


_VIEW_COLUMNS = (
    Attachment.id,
    Attachment.filename,
    Attachment.content_type,
    Attachment.size,
    Attachment.purpose,
    Attachment.created_at,
)


def _view(row: dict[str, Any]) -> AttachmentView:
    return AttachmentView(
        id=row["id"],
        filename=row["filename"],
        content_type=row["content_type"],
        size=row["size"],
        purpose=AttachmentPurpose(row["purpose"]),
        created_at=row["created_at"],
    )


@overload
async def attachments_of(*, complaint_id: int) -> list[AttachmentView]: ...
@overload
async def attachments_of(*, shipment_id: int) -> list[AttachmentView]: ...
@overload
async def attachments_of(*, message_ids: Collection[int]) -> dict[int, list[AttachmentView]]: ...
async def attachments_of(
    *, complaint_id: int | None = None, message_ids: Collection[int] | None = None, shipment_id: int | None = None
) -> list[AttachmentView] | dict[int, list[AttachmentView]]:
    """The files of one complaint or shipment, oldest first; or of several messages at once, by
    message (every asked id has its list, empty or not). The caller has already found what they
    are attached to for its caller, so no company is checked here."""
    if sum(owner is not None for owner in (complaint_id, message_ids, shipment_id)) != 1:
        raise TypeError("attachments_of takes exactly one of complaint_id, message_ids, shipment_id")
    if message_ids is not None:
        by_message: dict[int, list[AttachmentView]] = {message_id: [] for message_id in message_ids}
        if by_message:
            rows = (
                await Attachment.select(*_VIEW_COLUMNS, Attachment.message)
                .where(Attachment.message.is_in(list(by_message)))
                .order_by(Attachment.created_at)
                .order_by(Attachment.id)
            )
            for row in rows:
                by_message[row["message"]].append(_view(row))
        return by_message
    owner = Attachment.complaint == complaint_id if complaint_id is not None else Attachment.shipment == shipment_id
    rows = await Attachment.select(*_VIEW_COLUMNS).where(owner).order_by(Attachment.created_at).order_by(Attachment.id)
    return [_view(row) for row in rows]


async def attachment_for_download(caller: Scope, attachment_id: int) -> tuple[AttachmentView, bytes]:
    """The file and its bytes, for those who see the company it belongs to (its users, the
    seller's staff who see that customer); anyone else is told it does not exist, so ids reveal
    nothing."""
    where = (Attachment.id == attachment_id) & customers_seen_by(caller, Attachment.company)
    row = await Attachment.select(*_VIEW_COLUMNS, Attachment.storage_key).where(where).first()
    if row is None:
        raise NotFound(_("This file does not exist."))
    try:
        content = await file_storage().read(row["storage_key"])
    except FileNotFoundError:
        # The row outlived its bytes (a restored database, a lost disk): gone for the reader too.
        log.warning("attachment %s has no stored file %s", attachment_id, row["storage_key"])
        raise NotFound(_("This file does not exist.")) from None
    return _view(row), content
