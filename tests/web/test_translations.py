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


ENGLISH = WEB / "translations" / "en" / "LC_MESSAGES"


def test_stored_values_that_are_not_english_words_have_an_english_label() -> None:
    """In English, 'callback_requested' reads 'callback requested', 'sms' reads 'SMS'."""
    from kcc.web.labels import LABELS

    catalog = {m.id: m.string for m in read_po(BytesIO((ENGLISH / "messages.po").read_bytes()))}
    identifiers = [str(label._args[0]) for label in LABELS]  # the msgids of the lazy strings
    needing = [i for i in identifiers if "_" in i or "." in i or i in ("sms", "bsn", "kvk")]
    assert needing, "the labels list is empty"
    missing = [i for i in needing if not catalog.get(i) or "_" in catalog[i] or "." in catalog[i]]
    assert not missing, f"no English label for: {missing}"
    mo = {m.id: m.string for m in read_mo(BytesIO((ENGLISH / "messages.mo").read_bytes())) if m.id}
    assert {i: catalog[i] for i in needing} == {i: mo[i] for i in needing}


def test_template_gettext_translates_once_per_request_and_escapes_variables(app) -> None:  # type: ignore[no-untyped-def]
    from flask import render_template_string

    source = '{{ _("Reply by %(channel)s", channel=name) }} {{ _("sms") }}'
    with app.test_request_context("/agent"):
        rendered = render_template_string(source, name="<b>x</b>")
        assert rendered == "Antwoorden via &lt;b&gt;x&lt;/b&gt; sms", rendered
    with app.test_request_context("/agent?lang=en"):
        rendered = render_template_string(source, name="<b>x</b>")
        assert rendered == "Reply by &lt;b&gt;x&lt;/b&gt; SMS", rendered


def test_every_processing_activity_has_a_label() -> None:
    from kcc.privacy.activities import Activity
    from kcc.web.labels import LABELS

    identifiers = {str(label._args[0]) for label in LABELS}
    assert {str(a) for a in Activity} <= identifiers
