"""The Polish catalogue covers every message in the code and templates, keeps their placeholders,
and is what the portal actually speaks in Polish."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from portal.i18n import CATALOG_DIR, format_money, gettext, ngettext, use_locale
from portal.web.templating import build_environment

ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = ROOT / "babel.cfg"
PL_PO = CATALOG_DIR / "pl.po"
POLISH_PLURALS = "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"

# `%(name)s`, `%(num)d`, `%s`... as Python's %-formatting reads them; `%%` is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")

Message = str | tuple[str, ...]


def _key(message: Message) -> str:
    """The catalogue's key: the msgid, or the singular of a plural message."""
    return message if isinstance(message, str) else message[0]


@cache
def extracted() -> dict[str, tuple[Message, list[str]]]:
    """Every message babel.cfg finds in the source, with where it was found."""
    with BABEL_CFG.open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, str(BABEL_CFG))
    found: dict[str, tuple[Message, list[str]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(ROOT, method_map, options_map):
        if not _key(message):
            continue
        _message, locations = found.setdefault(_key(message), (message, []))
        locations.append(f"{filename}:{lineno}")
    return found


@cache
def polish() -> Catalog:
    with PL_PO.open("rb") as po:
        return read_po(po, locale="pl")


def _forms(string: str | Iterable[str] | None) -> tuple[str, ...]:
    """The one translation, or each plural form; nothing for an untranslated entry."""
    if string is None:
        return ()
    return (string,) if isinstance(string, str) else tuple(string)


def _translated(string: str | Iterable[str] | None) -> bool:
    forms = _forms(string)
    return bool(forms) and all(form.strip() for form in forms)


def _placeholders(text: str) -> Counter[str]:
    return Counter(p for p in PLACEHOLDER.findall(text) if p != "%%")


def test_extraction_finds_the_messages_of_code_templates_and_mail() -> None:
    messages = extracted()
    files = {location.split(":")[0] for _message, locations in messages.values() for location in locations}
    assert any(f.startswith("portal/") and f.endswith(".py") for f in files), files
    assert any(f.startswith("templates/") and f.endswith(".html") for f in files), files
    assert any(f.startswith("templates/mail/") and f.endswith(".txt") for f in files), files
    assert "Log in" in messages
    assert "Bank transfer within %(num)d day" in messages  # ngettext in a template


def test_the_catalogue_is_polish_with_polish_plural_rules() -> None:
    catalog = polish()
    assert str(catalog.locale) == "pl"
    assert catalog.num_plurals == 3
    header = PL_PO.read_text(encoding="utf-8")
    assert f'"Plural-Forms: {POLISH_PLURALS}\\n"' in header
    assert not catalog.fuzzy, "the catalogue header is marked fuzzy"


def test_every_extracted_message_has_a_polish_translation() -> None:
    catalog = polish()
    missing = []
    for key, (message, locations) in sorted(extracted().items()):
        entry = catalog.get(key)
        where = f"{message!r} ({', '.join(locations)})"
        if entry is None:
            missing.append(f"not in pl.po: {where}")
        elif entry.fuzzy:
            missing.append(f"fuzzy: {where}")
        elif not _translated(entry.string):
            missing.append(f"empty translation: {where}")
        elif isinstance(message, tuple) != isinstance(entry.id, tuple):
            missing.append(f"plural in the source but not in pl.po, or the other way round: {where}")
        elif isinstance(message, tuple) and len(_forms(entry.string)) != catalog.num_plurals:
            missing.append(f"needs {catalog.num_plurals} plural forms: {where}")
    assert not missing, (
        f"{len(missing)} message(s) lack a Polish translation; re-extract with babel.cfg and translate them "
        "in portal/locale/pl.po:\n  " + "\n  ".join(missing)
    )


def test_no_translation_is_fuzzy_or_empty() -> None:
    """Also the entries no longer in the source: a stale fuzzy guess must not linger in the file."""
    bad = [repr(entry.id) for entry in polish() if entry.id and (entry.fuzzy or not _translated(entry.string))]
    assert not bad, "fuzzy or empty entries in pl.po:\n  " + "\n  ".join(bad)


def test_translations_keep_the_placeholders_of_their_message() -> None:
    wrong = []
    for entry in polish():
        if not entry.id:
            continue
        sources = _forms(entry.id)
        expected = [_placeholders(source) for source in sources]
        for form in _forms(entry.string):
            found = _placeholders(form)
            # A plural form matches either English form: "%(num)d day" / "%(num)d days".
            if found not in expected:
                wanted = " or ".join(str(sorted(e.elements())) for e in expected)
                wrong.append(f"{entry.id!r}: {form!r} has {sorted(found.elements())}, expected {wanted}")
            # Newstyle gettext in templates always %-formats, so a stray % breaks rendering.
            stray = PLACEHOLDER.sub("", form).count("%")
            if stray:
                wrong.append(f"{entry.id!r}: {form!r} has a % that is no placeholder (write %% for a percent sign)")
    assert not wrong, "placeholders differ between msgid and msgstr:\n  " + "\n  ".join(wrong)


def test_the_portal_speaks_polish() -> None:
    with use_locale("pl"):
        assert gettext("Log in") == "Zaloguj się"
        assert gettext("Buyer") == "Kupujący"
        assert format_money(Decimal("1234.56")) == "1\xa0234,56\xa0zł"
        assert format_money(123456) == "1\xa0234,56\xa0zł"  # minor units
        invitations = {
            n: ngettext("%(num)d pending invitation", "%(num)d pending invitations", n) % {"num": n}
            for n in (1, 3, 5, 12, 22, 112)
        }
    assert invitations == {
        1: "1 oczekujące zaproszenie",
        3: "3 oczekujące zaproszenia",
        5: "5 oczekujących zaproszeń",
        12: "12 oczekujących zaproszeń",
        22: "22 oczekujące zaproszenia",
        112: "112 oczekujących zaproszeń",
    }
    with use_locale("en"):
        assert gettext("Log in") == "Log in"


def test_templates_render_polish_through_the_portals_jinja_environment() -> None:
    template = build_environment(auto_reload=False).get_template("accounts/_terms.html")

    def terms(days: int) -> str:
        return template.render(company={"payment_method": "transfer", "payment_days": days}).strip()

    with use_locale("pl"):
        assert terms(1) == "Przelew w ciągu 1 dnia"
        assert terms(3) == "Przelew w ciągu 3 dni"
        assert terms(14) == "Przelew w ciągu 14 dni"
        assert terms(22) == "Przelew w ciągu 22 dni"
    with use_locale("en"):
        assert terms(1) == "Bank transfer within 1 day"
