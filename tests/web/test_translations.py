"""Every string on the pages is marked for translation and has its Dutch text in the catalog."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parents[2] / "kcc" / "web"
CATALOG = WEB / "translations" / "nl" / "LC_MESSAGES"


def _extracted() -> set[str]:
    methods = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
    return {
        m[2]
        for m in extract_from_dir(str(WEB), methods, keywords=keywords)
        if isinstance(m[2], str)
    }


def test_every_marked_string_has_a_dutch_translation() -> None:
    catalog = read_po(BytesIO((CATALOG / "messages.po").read_bytes()))
    translated = {m.id: m.string for m in catalog if m.id}
    missing = sorted(s for s in _extracted() if not translated.get(s))
    assert not missing, f"untranslated: {missing[:10]}"


def test_compiled_catalog_matches_the_po_file() -> None:
    po = {m.id: m.string for m in read_po(BytesIO((CATALOG / "messages.po").read_bytes())) if m.id}
    mo = {m.id: m.string for m in read_mo(BytesIO((CATALOG / "messages.mo").read_bytes())) if m.id}
    assert po == mo
