"""The versioned consent texts and the controller's details, read from texts.yaml."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kcc.consent.constants import PROACTIVE
from kcc.errors import ValidationFailed

TEXTS_PATH = Path(__file__).with_name("texts.yaml")
LANGUAGES = ("nl", "en")


@cache
def catalogue() -> dict[str, Any]:
    return yaml.safe_load(TEXTS_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _family(purpose: str) -> str:
    return PROACTIVE if purpose == PROACTIVE else "journey"


def consent_text(purpose: str, language: str, version: int | None = None) -> tuple[int, str]:
    """(version, exact text) of the consent text for ``purpose``; the newest when no version is given."""
    versions = catalogue()["purposes"][_family(purpose)]
    if version is None:
        chosen = max(versions, key=lambda v: v["version"])
    else:
        chosen = next((v for v in versions if v["version"] == version), None)
        if chosen is None:
            known = ", ".join(str(v["version"]) for v in versions)
            raise ValidationFailed.field(
                "text_version", f"no consent text version {version}; known: {known}"
            )
    if language not in LANGUAGES:
        language = "en"
    text = str(chosen[language]).replace("{journey}", purpose.removeprefix("journey:"))
    return int(chosen["version"]), text


def controller() -> dict[str, Any]:
    return dict(catalogue()["controller"])


def policy_url() -> str:
    return str(catalogue()["policy_url"])


def jurisdiction() -> str:
    return str(catalogue()["jurisdiction"])
