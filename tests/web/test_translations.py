"""Every string on the pages is marked for translation and has its Dutch text in the catalog.

The core (catalogue in kcc/web) and each package with pages (channels/web, journeys/web) keep
their own catalogue of exactly the strings their templates and code use (the pages' words and
the problems their API answers with); the app merges them.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "kcc" / "web"
PACKAGES = [ROOT / "kcc" / "web", ROOT / "channels" / "web", ROOT / "journeys" / "web"]
CATALOG = WEB / "translations" / "nl" / "LC_MESSAGES"


def _extracted(web: Path) -> set[str]:
    methods = [("web/templates/**.html", "jinja2"), ("**.py", "python")]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
    return {
        m[2]
        for m in extract_from_dir(str(web.parent), methods, keywords=keywords)
        if isinstance(m[2], str)
    }


def _po(web: Path, language: str) -> dict[str, str]:
    path = web / "translations" / language / "LC_MESSAGES" / "messages.po"
    return {m.id: m.string for m in read_po(BytesIO(path.read_bytes())) if m.id}


def _mo(web: Path, language: str) -> dict[str, str]:
    path = web / "translations" / language / "LC_MESSAGES" / "messages.mo"
    return {m.id: m.string for m in read_mo(BytesIO(path.read_bytes())) if m.id}


@pytest.mark.parametrize("web", PACKAGES, ids=lambda p: p.parent.name)
def test_every_marked_string_has_a_dutch_translation_in_its_own_catalogue(web: Path) -> None:
    extracted = _extracted(web)
    assert extracted, f"{web} marks no strings?"
    translated = _po(web, "nl")
    missing = sorted(s for s in extracted if not translated.get(s))
    assert not missing, f"untranslated in {web}: {missing[:10]}"
    for language in ("nl", "en"):
        stale = sorted(set(_po(web, language)) - extracted)
        assert not stale, f"{web} {language} keeps words no page uses: {stale[:10]}"


@pytest.mark.parametrize("web", PACKAGES, ids=lambda p: p.parent.name)
def test_compiled_catalogs_match_the_po_files(web: Path) -> None:
    for language in ("nl", "en"):
        translated = {k: v for k, v in _po(web, language).items() if v}
        assert translated == {k: v for k, v in _mo(web, language).items() if v}, language


def test_package_pages_are_translated_in_both_languages(app) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert "Chat met de gemeente" in client.get("/chat").get_data(as_text=True)
    assert "Chat with the municipality" in client.get("/chat?lang=en").get_data(as_text=True)
    from flask import render_template_string

    with app.test_request_context("/agent"):
        dutch = render_template_string('{{ _("Journey studio") }} {{ _("Open conversations") }}')
    assert dutch == "Reisstudio Open gesprekken", dutch


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
