"""The versioned consent texts and the controller's details, read from texts.yaml."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from flask_babel import lazy_gettext as _l

from kcc.consent.constants import JOURNEY_PREFIX, PROACTIVE
from kcc.consent.purposes import Purpose, known_purposes, purposes_published_by
from kcc.db import utcnow
from kcc.errors import ValidationFailed

TEXTS_PATH = Path(__file__).with_name("texts.yaml")
LANGUAGES = ("nl", "en")


@cache
def catalogue() -> dict[str, Any]:
    return yaml.safe_load(TEXTS_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


NO_SUBJECTS = {"nl": "nog geen onderwerpen", "en": "no subjects yet"}


def _family(purpose: str) -> str:
    if purpose == PROACTIVE:
        return PROACTIVE
    return "journey" if purpose.startswith(JOURNEY_PREFIX) else "purpose"


def _filled(template: str, purpose: str, language: str) -> str:
    """The template with the purpose's own title and description, never its key."""
    if "{titles}" in template:
        titles = [p.title_in(language) for p in purposes_published_by(utcnow())]
        return template.replace("{titles}", "; ".join(titles) or NO_SUBJECTS[language])
    declared: Purpose | None = known_purposes().get(purpose)
    if declared is not None:
        description = declared.description_in(language).strip()
        if description and description[-1] not in ".!?":
            description += "."
        template = template.replace("{title}", declared.title_in(language))
        template = template.replace("{description}", description)
    return template.replace("{journey}", purpose.removeprefix(JOURNEY_PREFIX))


def consent_text(purpose: str, language: str, version: int | None = None) -> tuple[int, str]:
    """(version, exact text) of the consent text for ``purpose``; the newest when no version is given.

    The text is built from the declared purpose's title and description in the resident's
    language; the general consent lists the titles of the purposes published now.
    """
    versions = catalogue()["purposes"][_family(purpose)]
    if version is None:
        chosen = max(versions, key=lambda v: v["version"])
    else:
        chosen = next((v for v in versions if v["version"] == version), None)
        if chosen is None:
            known = ", ".join(str(v["version"]) for v in versions)
            raise ValidationFailed.field(
                "text_version",
                _l(
                    "no consent text version %(version)s; known: %(known)s",
                    version=version,
                    known=known,
                ),
            )
    if language not in LANGUAGES:
        language = "en"
    text = _filled(str(chosen[language]), purpose, language)
    return int(chosen["version"]), text


def controller() -> dict[str, Any]:
    return dict(catalogue()["controller"])


def policy_url() -> str:
    return str(catalogue()["policy_url"])


def jurisdiction() -> str:
    return str(catalogue()["jurisdiction"])
