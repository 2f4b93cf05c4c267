"""Uploaded files: accepted for what their bytes are, not for their names or the browser's word;
kept outside the web root; handed back only to their company's users and the seller's."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from litestar.datastructures import UploadFile
from PIL import Image
from pypdf import PdfWriter

from portal.accounts.roles import Role
from portal.accounts.tables import CompanyKind
from portal.aftersales.attachments import (
    CheckedFile,
    attachment_for_download,
    attachments_of,
    check_upload,
    check_uploads,
    save_attachment,
)
from portal.aftersales.tables import (
    Attachment,
    AttachmentPurpose,
    Complaint,
    ComplaintReason,
    Message,
    WantedResolution,
)
from portal.config import Settings
from portal.errors import Invalid, NotFound
from portal.i18n import use_locale
from portal.storage import LocalDiskStorage, content_key, storage_for, use_file_storage
from tests.aftersales.orders import make_confirmed_order
from tests.factories import Person, make_company, make_person
from tests.query_counter import count_queries

MB = 1024 * 1024
LIMIT = 10 * MB


@pytest.fixture
def files_dir(settings: Settings) -> Path:
    use_file_storage(storage_for(settings))
    return settings.var_dir / "files"


def stored_files(files_dir: Path) -> list[Path]:
    return [path for path in files_dir.rglob("*") if path.is_file()]


def upload(filename: str, content: bytes, claimed_type: str = "application/octet-stream") -> UploadFile:
    return UploadFile(content_type=claimed_type, filename=filename, file_data=content)


async def accepted(filename: str, content: bytes) -> CheckedFile:
    return await check_upload(upload(filename, content), "files", LIMIT)


async def refusal(filename: str, content: bytes, max_bytes: int = LIMIT) -> str:
    with use_locale("en"), pytest.raises(Invalid) as refused:
        await check_upload(upload(filename, content), "files", max_bytes)
    return refused.value.errors["files"]


def picture(image_format: str) -> bytes:
    out = BytesIO()
    Image.new("RGB", (64, 48), "orange").save(out, format=image_format)
    return out.getvalue()


def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["SKU", "Ilość"])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def archive(*entries: tuple[str, str]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as zipped:
        for name, text in entries:
            # OpenDocument wants its `mimetype` first and uncompressed, where readers look for it.
            zipped.writestr(
                name, text, compress_type=zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


def docx() -> bytes:
    return archive(
        (
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument'
            '.wordprocessingml.document.main+xml"/></Types>',
        ),
        ("_rels/.rels", '<?xml version="1.0"?><Relationships/>'),
        ("word/document.xml", '<?xml version="1.0"?><w:document/>'),
    )


def opendocument(mime: str) -> bytes:
    return archive(
        ("mimetype", mime),
        ("content.xml", '<?xml version="1.0"?><office:document-content/>'),
        ("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>'),
    )


def ole(marker_at_512: bytes) -> bytes:
    """The Office 97–2003 container with the bytes filetype tells a Word from an Excel file by;
    no real DOC or XLS can be written without Office or LibreOffice."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    return (header + bytes(504) + marker_at_512).ljust(4096, b"\0")


def heic() -> bytes:
    """An ISO media container whose brand says HEIC: Pillow cannot decode HEIC, so this is all
    that is checked."""
    ftyp = b"ftyp" + b"heic" + bytes(4) + b"mif1heic"
    return (len(ftyp) + 4).to_bytes(4, "big") + ftyp + bytes(64)


@pytest.mark.parametrize(
    ("filename", "make", "content_type"),
    [
        ("zdjęcie.jpg", lambda: picture("JPEG"), "image/jpeg"),
        ("zdjęcie.png", lambda: picture("PNG"), "image/png"),
        ("zdjęcie.webp", lambda: picture("WEBP"), "image/webp"),
        ("zdjęcie.gif", lambda: picture("GIF"), "image/gif"),
        ("IMG_0001.HEIC", heic, "image/heic"),
        ("protokół.pdf", pdf, "application/pdf"),
        ("pismo.docx", docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("lista.xlsx", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (
            "pismo.odt",
            lambda: opendocument("application/vnd.oasis.opendocument.text"),
            "application/vnd.oasis.opendocument.text",
        ),
        (
            "lista.ods",
            lambda: opendocument("application/vnd.oasis.opendocument.spreadsheet"),
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("pismo.doc", lambda: ole(b"\xec\xa5\xc1\x00"), "application/msword"),
        ("lista.xls", lambda: ole(b"\x09\x08\x10\x00\x00\x06\x05\x00"), "application/vnd.ms-excel"),
        ("braki.csv", lambda: "SKU;Ilość\nABC-1;2\n".encode(), "text/csv; charset=utf-8"),
        ("opis.txt", lambda: b"Karton zgnieciony w rogu.\n", "text/plain; charset=utf-8"),
    ],
)
async def test_each_accepted_kind_is_taken_with_the_type_its_content_has(filename, make, content_type) -> None:
    content = make()
    checked = await accepted(filename, content)
    assert checked == CheckedFile(filename, content_type, content)
    assert checked.size == len(content)


async def test_the_type_the_browser_claims_is_not_believed() -> None:
    checked = await check_upload(upload("protokół.pdf", pdf(), claimed_type="image/jpeg"), "files", LIMIT)
    assert checked.content_type == "application/pdf"


async def test_a_file_over_the_limit_is_refused_naming_the_limit() -> None:
    assert await refusal("opis.txt", b"a" * (MB + 1), max_bytes=MB) == "“opis.txt” is larger than 1 MB."


async def test_a_file_at_the_limit_is_taken() -> None:
    checked = await check_upload(upload("opis.txt", b"a" * MB), "files", MB)
    assert checked.size == MB


async def test_an_empty_file_is_refused() -> None:
    assert await refusal("zdjęcie.jpg", b"") == "The file “zdjęcie.jpg” is empty."


async def test_a_pdf_renamed_to_jpg_is_refused() -> None:
    assert await refusal("zdjęcie.jpg", pdf()) == "“zdjęcie.jpg” ends in .jpg but is in PDF format."


async def test_a_jpeg_renamed_to_png_is_refused() -> None:
    assert await refusal("zdjęcie.png", picture("JPEG")) == "“zdjęcie.png” ends in .png but is in JPEG format."


async def test_a_program_renamed_to_jpg_is_refused() -> None:
    program = (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200) + b"This program cannot be run in DOS mode"
    )
    assert await refusal("zdjęcie.jpg", program) == "“zdjęcie.jpg” ends in .jpg but is not in that format."


async def test_a_web_page_renamed_to_pdf_is_refused() -> None:
    page = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    assert await refusal("faktura.pdf", page) == "“faktura.pdf” ends in .pdf but is not in that format."


async def test_a_web_page_renamed_to_txt_is_refused() -> None:
    page = b"  <html><body><script>alert(1)</script></body></html>"
    assert await refusal("opis.txt", page) == "“opis.txt” ends in .txt but is not in that format."


async def test_a_zip_renamed_to_jpg_is_refused() -> None:
    assert (
        await refusal("zdjęcie.jpg", archive(("a.txt", "a"))) == "“zdjęcie.jpg” ends in .jpg but is not in that format."
    )


async def test_a_kind_we_do_not_take_is_refused_listing_what_we_do() -> None:
    assert await refusal("paczka.zip", archive(("a.txt", "a"))) == (
        "“paczka.zip” is not a kind of file we accept. Send photos (JPEG, PNG, WebP, HEIC, GIF), "
        "PDF, Word, Excel or OpenDocument files, or CSV or text files."
    )


async def test_a_good_file_with_a_name_of_another_kind_is_refused() -> None:
    assert await refusal("faktura.exe", pdf()) == "“faktura.exe” ends in .exe but is in PDF format."


async def test_jpeg_magic_bytes_glued_to_junk_are_refused() -> None:
    junk = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"not a picture at all " * 100
    assert await refusal("zdjęcie.jpg", junk) == "“zdjęcie.jpg” is damaged or incomplete: it cannot be read as JPEG."


async def test_a_jpeg_cut_short_is_refused() -> None:
    out = BytesIO()
    Image.effect_noise((400, 300), 64).convert("RGB").save(out, format="JPEG")
    cut = out.getvalue()[: len(out.getvalue()) // 2]
    assert await refusal("zdjęcie.jpg", cut) == "“zdjęcie.jpg” is damaged or incomplete: it cannot be read as JPEG."


async def test_a_png_with_a_damaged_body_is_refused() -> None:
    content = bytearray(picture("PNG"))
    content[-20] ^= 0xFF
    assert await refusal("zdjęcie.png", bytes(content)) == (
        "“zdjęcie.png” is damaged or incomplete: it cannot be read as PNG."
    )


async def test_a_picture_too_large_to_decode_safely_is_refused() -> None:
    out = BytesIO()
    Image.new("1", (8000, 6000)).save(out, format="PNG")  # 48 million pixels in a few kilobytes
    assert await refusal("plan.png", out.getvalue()) == "“plan.png” has too many pixels: send a smaller picture."


async def test_a_pdf_without_its_end_is_refused() -> None:
    content = pdf()
    assert await refusal("protokół.pdf", content[: content.rindex(b"%%EOF")]) == (
        "“protokół.pdf” is damaged or incomplete: it cannot be read as PDF."
    )


async def test_a_zip_claiming_to_be_a_workbook_without_one_is_refused() -> None:
    hollow = archive(("[Content_Types].xml", "<Types/>"), ("xl/styles.xml", "<styleSheet/>"))
    assert await refusal("lista.xlsx", hollow) == "“lista.xlsx” is damaged or incomplete: it cannot be read as XLSX."


async def test_a_csv_not_in_utf8_is_refused_saying_how_to_save_it() -> None:
    assert await refusal("braki.csv", "SKU;Ilość\n".encode("cp1250")) == (
        "“braki.csv” is not saved as UTF-8: save it again choosing the UTF-8 encoding."
    )


async def test_text_with_nul_bytes_is_refused() -> None:
    assert await refusal("opis.txt", b"abc\x00def") == "“opis.txt” ends in .txt but is not in that format."


async def test_text_beginning_like_a_program_is_still_text() -> None:
    checked = await accepted("trasy.csv", b"MZK;Warszawa\n")
    assert checked.content_type == "text/csv; charset=utf-8"


async def test_a_refusal_speaks_the_callers_language() -> None:
    with use_locale("pl"), pytest.raises(Invalid) as refused:
        await check_upload(upload("opis.txt", b"a" * (MB + 1)), "files", MB)
    assert refused.value.errors == {"files": "Plik „opis.txt” jest większy niż 1 MB."}


async def test_the_name_keeps_only_the_file_name_without_control_characters() -> None:
    checked = await accepted("C:\\fakepath\\szkoda\x07\u202egpj.exe.pdf", pdf())
    assert checked.filename == "szkodagpj.exe.pdf"


async def test_a_long_name_is_shortened_keeping_its_extension() -> None:
    checked = await accepted("ą" * 300 + ".pdf", pdf())
    assert checked.filename == "ą" * 196 + ".pdf"


async def test_a_name_without_an_extension_gets_the_one_of_its_content() -> None:
    checked = await accepted("Protokół 12.05.2026", pdf())
    assert checked.filename == "Protokół 12.05.2026.pdf"


async def test_file_inputs_left_empty_are_skipped() -> None:
    checked = await check_uploads(["", upload("", b""), upload("zdjęcie.png", picture("PNG"))], "photos", LIMIT)
    assert [file.filename for file in checked] == ["zdjęcie.png"]


async def test_one_bad_file_among_several_refuses_them_all_before_anything_is_kept(db, files_dir: Path) -> None:
    company = await make_company()

    async def attach_photos(*uploads: UploadFile) -> None:
        """As a complaint form does: every file checked first, then each one kept."""
        for file in await check_uploads(uploads, "photos", LIMIT):
            await save_attachment(file, company_id=company, purpose=AttachmentPurpose.PHOTO, uploaded_by=None)

    with pytest.raises(Invalid) as refused:
        await attach_photos(upload("zdjęcie.png", picture("PNG")), upload("zdjęcie2.jpg", pdf()))
    assert list(refused.value.errors) == ["photos"]
    assert stored_files(files_dir) == []
    assert await Attachment.count() == 0


async def test_a_saved_file_is_kept_under_its_content_hash(db, files_dir: Path) -> None:
    company = await make_company()
    file = await accepted("zdjęcie.png", picture("PNG"))
    attachment_id = await save_attachment(file, company_id=company, purpose=AttachmentPurpose.PHOTO, uploaded_by=None)
    row = await Attachment.select().where(Attachment.id == attachment_id).first()
    assert row is not None
    assert row["storage_key"] == content_key(file.content)
    assert (files_dir / row["storage_key"]).read_bytes() == file.content
    assert (row["company"], row["filename"], row["content_type"], row["size"]) == (
        company,
        "zdjęcie.png",
        "image/png",
        file.size,
    )


async def test_the_same_file_attached_twice_is_stored_once(db, files_dir: Path) -> None:
    company = await make_company()
    file = await accepted("zdjęcie.png", picture("PNG"))
    for _ in range(2):
        await save_attachment(file, company_id=company, purpose=AttachmentPurpose.PHOTO, uploaded_by=None)
    assert await Attachment.count() == 2
    assert stored_files(files_dir) == [files_dir / content_key(file.content)]


async def customer_with_a_file() -> tuple[Person, int]:
    company = await make_company()
    person = await make_person(company, Role.BUYER)
    file = await accepted("protokół.pdf", pdf())
    attachment_id = await save_attachment(
        file, company_id=company, purpose=AttachmentPurpose.DAMAGE_REPORT, uploaded_by=person.user_id
    )
    return person, attachment_id


async def test_a_user_of_the_company_downloads_its_file(db, files_dir: Path) -> None:
    person, attachment_id = await customer_with_a_file()
    view, content = await attachment_for_download(await person.scope(), attachment_id)
    assert (view.id, view.filename, view.content_type, view.purpose) == (
        attachment_id,
        "protokół.pdf",
        "application/pdf",
        AttachmentPurpose.DAMAGE_REPORT,
    )
    assert view.size == len(content) and content.startswith(b"%PDF")


async def test_another_companys_file_does_not_exist_for_a_customer(db, files_dir: Path) -> None:
    _owner, attachment_id = await customer_with_a_file()
    stranger = await make_person(await make_company(), Role.COMPANY_ADMIN)
    with pytest.raises(NotFound):
        await attachment_for_download(await stranger.scope(), attachment_id)


async def test_a_file_that_was_never_there_does_not_exist(db, files_dir: Path) -> None:
    person, attachment_id = await customer_with_a_file()
    with pytest.raises(NotFound):
        await attachment_for_download(await person.scope(), attachment_id + 1000)


async def test_the_sellers_back_office_downloads_any_customers_file(db, files_dir: Path) -> None:
    _owner, attachment_id = await customer_with_a_file()
    clerk = await make_person(await make_company(kind=CompanyKind.SELLER), Role.BACK_OFFICE)
    view, content = await attachment_for_download(await clerk.scope(), attachment_id)
    assert view.id == attachment_id and content.startswith(b"%PDF")


async def test_the_files_of_a_complaint_come_in_one_query_oldest_first(db, files_dir: Path) -> None:
    company = await make_company()
    person = await make_person(company, Role.BUYER)
    order = await make_confirmed_order(company, person.user_id, [1])
    complaint = (
        await Complaint.insert(
            Complaint(
                number="RK/2026/1",
                company=company,
                order=order.id,
                submitted_by=person.user_id,
                reason=ComplaintReason.DAMAGED_IN_TRANSPORT,
                description="Zgnieciony karton",
                wanted_resolution=WantedResolution.REPLACEMENT,
            )
        ).returning(Complaint.id)
    )[0]["id"]
    saved = [
        await save_attachment(
            await accepted(name, picture("PNG")),
            company_id=company,
            purpose=AttachmentPurpose.PHOTO,
            uploaded_by=person.user_id,
            complaint_id=complaint,
        )
        for name in ("przód.png", "bok.png")
    ]
    await save_attachment(
        await accepted("inne.png", picture("PNG")),
        company_id=company,
        purpose=AttachmentPurpose.PHOTO,
        uploaded_by=None,
    )
    with count_queries() as queries:
        files = await attachments_of(complaint_id=complaint)
    assert queries.count == 1
    assert [(file.id, file.filename) for file in files] == list(zip(saved, ["przód.png", "bok.png"], strict=True))


async def test_the_files_of_several_messages_come_in_one_query_by_message(db, files_dir: Path) -> None:
    company = await make_company()
    person = await make_person(company, Role.BUYER)
    messages = [
        (
            await Message.insert(
                Message(company=company, thread="order:1", author=person.user_id, body=body)
            ).returning(Message.id)
        )[0]["id"]
        for body in ("Zdjęcia w załączniku", "Bez załącznika")
    ]
    photo = await save_attachment(
        await accepted("zdjęcie.png", picture("PNG")),
        company_id=company,
        purpose=AttachmentPurpose.PHOTO,
        uploaded_by=person.user_id,
        message_id=messages[0],
    )
    with count_queries() as queries:
        by_message = await attachments_of(message_ids=messages)
    assert queries.count == 1
    assert {message: [file.id for file in files] for message, files in by_message.items()} == {
        messages[0]: [photo],
        messages[1]: [],
    }


@pytest.mark.parametrize("key", ["../secret_key", "ab/../../portal.sqlite3", "/etc/passwd", "ab\\..\\x", ""])
async def test_the_storage_refuses_keys_outside_its_root(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match="not a storage key"):
        await LocalDiskStorage(tmp_path).save(key, b"x")


async def test_the_storage_gives_back_what_it_kept_until_deleted(tmp_path: Path) -> None:
    storage = LocalDiskStorage(tmp_path)
    key = content_key(b"protokol")
    await storage.save(key, b"protokol")
    assert await storage.read(key) == b"protokol"
    await storage.delete(key)
    await storage.delete(key)
    with pytest.raises(FileNotFoundError):
        await storage.read(key)


def test_the_files_live_where_the_settings_say(tmp_path: Path) -> None:
    default = storage_for(Settings(var_dir=tmp_path))
    elsewhere = storage_for(Settings(var_dir=tmp_path, files_dir=tmp_path / "uploads"))
    assert isinstance(default, LocalDiskStorage) and isinstance(elsewhere, LocalDiskStorage)
    assert (default.root, elsewhere.root) == (tmp_path / "files", tmp_path / "uploads")
