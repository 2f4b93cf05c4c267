"""The structured e-invoice of a document (the KSeF FA(3) XML) as the ERP sends it: checked to be
one well-formed UTF-8 XML document whose root is a KSeF invoice, kept beside the invoice, and
handed only to the company's own people."""

from __future__ import annotations

from dataclasses import dataclass
from xml.parsers import expat

from portal import clock
from portal.accounts.scope import Scope
from portal.errors import NotFound
from portal.finance.invoices import document_filename
from portal.finance.tables import InvoiceXml
from portal.i18n import gettext as _

# KSeF takes an invoice of at most 3 MB with its attachments; the text is kept as the ERP sent it.
MAX_CHARACTERS = 3_000_000
ROOT_ELEMENT = "Faktura"


class _DoctypeDeclared(Exception):
    pass


def ksef_xml_problem(text: str) -> str | None:
    """Why `text` is not a KSeF e-invoice, or None when it is one. A DTD is refused outright:
    the FA(3) schema has none, and entity declarations in one are how XML bombs explode."""
    root: list[str] = []
    declared: list[str] = []
    parser = expat.ParserCreate(encoding="UTF-8", namespace_separator=" ")

    def on_declaration(version: str, encoding: str | None, standalone: int) -> None:
        declared.append(encoding or "UTF-8")

    def on_doctype(*_: object) -> None:
        raise _DoctypeDeclared

    def on_element(name: str, attributes: dict[str, str]) -> None:
        if not root:
            root.append(name.rsplit(" ", 1)[-1])

    parser.XmlDeclHandler = on_declaration
    parser.StartDoctypeDeclHandler = on_doctype
    parser.StartElementHandler = on_element
    try:
        parser.Parse(text.encode("utf-8", "surrogatepass"), True)
    except _DoctypeDeclared:
        return _("An e-invoice may not declare a DTD or entities.")
    except expat.ExpatError as error:
        return _("This is not well-formed XML: {problem}.").format(problem=error)
    if declared and declared[0].upper().replace("-", "") != "UTF8":
        return _("A KSeF e-invoice is UTF-8; this XML declares {encoding}.").format(encoding=declared[0])
    if root[0] != ROOT_ELEMENT:
        return _("A KSeF e-invoice's root element is Faktura, not {name}.").format(name=root[0])
    return None


async def keep_ksef_xml(invoice_id: int, text: str | None) -> None:
    """Store the document's e-invoice as sent, or forget it when the ERP no longer has one."""
    if text is None:
        await InvoiceXml.delete().where(InvoiceXml.invoice == invoice_id)
        return
    if await InvoiceXml.exists().where(InvoiceXml.invoice == invoice_id):
        await InvoiceXml.update({InvoiceXml.content: text, InvoiceXml.updated_at: clock.now()}).where(
            InvoiceXml.invoice == invoice_id
        )
    else:
        await InvoiceXml.insert(InvoiceXml(invoice=invoice_id, content=text))


@dataclass(frozen=True)
class KsefXmlFile:
    filename: str
    content: bytes


async def ksef_xml_file(caller: Scope, invoice_id: int) -> KsefXmlFile:
    """The e-invoice of a live document of the caller's company; anything else is not found."""
    row = (
        await InvoiceXml.select(InvoiceXml.content, InvoiceXml.invoice.number.as_alias("number"))
        .where(
            (InvoiceXml.invoice == invoice_id)
            & (InvoiceXml.invoice.company == caller.company_id)
            & (InvoiceXml.invoice.deleted == False)  # noqa: E712
        )
        .first()
    )
    if row is None:
        raise NotFound(_("This invoice has no e-invoice XML."))
    return KsefXmlFile(document_filename(row["number"], "xml"), row["content"].encode("utf-8"))
