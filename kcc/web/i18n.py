"""Translations: Dutch by default, English on request (?lang=en, remembered in the session)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request, session
from flask_babel import Babel, get_locale

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def select_locale() -> str:
    """The language asked for in the URL, else the one remembered, else Dutch."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        if session.get("lang") != asked:
            session["lang"] = asked
        return asked
    remembered = session.get("lang")
    return remembered if remembered in LANGUAGES else DEFAULT_LANGUAGE


def init_babel(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(get_locale=get_locale)
