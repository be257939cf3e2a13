"""Translations: pages in Dutch unless English is asked for; the API as its caller asks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel import negotiate_locale
from babel.support import NullTranslations
from flask import Flask, has_request_context, request, session
from flask_babel import Babel, get_locale, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from kcc.web.registry import shell
from kcc.web.security import is_page_request

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
API_LANGUAGE = "en"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
CATALOG_KEY = "kcc.web.catalog"


def select_locale() -> str:
    """The language of this answer.

    Pages: the language asked for in the URL, else the one remembered, else Dutch. The API
    and the webhooks: the caller's ``Accept-Language``, else English (what scripts and other
    systems have always read). Outside a request (a job, the command line): English.
    """
    if not has_request_context():
        return API_LANGUAGE
    if not is_page_request():
        return caller_language()
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        if session.get("lang") != asked:
            session["lang"] = asked
        return asked
    remembered = session.get("lang")
    return remembered if remembered in LANGUAGES else DEFAULT_LANGUAGE


def caller_language() -> str:
    """The first language in the caller's ``Accept-Language`` we speak (``nl-BE`` is Dutch)."""
    preferred = [tag.replace("-", "_") for tag, _quality in request.accept_languages]
    return negotiate_locale(preferred, LANGUAGES) or API_LANGUAGE


def page_language() -> str:
    """The language of this page: ``nl`` or ``en``."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def catalog() -> NullTranslations:
    """This request's translations, looked up once per request.

    Flask-Babel resolves the domain, the locale and the cached catalog on every call; a page
    with a few hundred strings pays for that a few hundred times, so templates use this.
    """
    if not has_request_context():
        translations: NullTranslations = get_translations()
        return translations
    found: NullTranslations | None = request.environ.get(CATALOG_KEY)
    if found is None:
        found = request.environ[CATALOG_KEY] = get_translations()
    return found


@pass_context
def template_gettext(context: Context, string: str, **variables: Any) -> str:
    """``_()`` in templates: Jinja's new-style gettext (escaping, %-format) on ``catalog()``."""
    text = catalog().ugettext(string)
    if context.eval_ctx.autoescape:
        # Trusted catalog text, as in Jinja's own gettext; Markup.__mod__ escapes the variables.
        text = Markup(text)  # noqa: S704
    return text % variables


def init_babel(app: Flask) -> None:
    """One domain over the packages' catalogues and the shell's (last, so its words win)."""
    directories = [*shell(app).translations, str(TRANSLATIONS)]
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(directories))
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(
        get_locale=get_locale, _=template_gettext, gettext=template_gettext
    )
