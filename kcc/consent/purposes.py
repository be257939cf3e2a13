"""The purposes a resident can consent to, as declared by the packages that send for them.

The consent registry knows no purpose of its own. A package that sends proactive messages
(the journeys) registers a source that lists the purposes its published documents declare:
a key, a title and a description in Dutch and English, and when the purpose was first
published. A grant is for one declared purpose; the general ``proactive`` grant covers only
the purposes that were published when it was given, so no consent reaches a purpose that
did not exist when the resident agreed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

from kcc.consent.constants import PROACTIVE
from kcc.errors import ValidationFailed

PURPOSE_KEY = re.compile(r"^[a-z][a-z0-9-]{1,63}$")
LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class Purpose:
    """One declared purpose: what the resident is asked to agree to, in their words."""

    key: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    declared_at: datetime | None = None
    declared_by: tuple[str, ...] = field(default=())

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title.get("en") or self.title.get("nl") or ""

    def description_in(self, language: str) -> str:
        return (
            self.description.get(language)
            or self.description.get("en")
            or self.description.get("nl")
            or ""
        )


PurposeSource = Callable[[], Mapping[str, Purpose]]
_sources: list[PurposeSource] = []


def register_purpose_source(source: PurposeSource) -> None:
    """Let a package declare purposes: ``source()`` returns its purposes by key, read fresh."""
    if source not in _sources:
        _sources.append(source)


def known_purposes() -> dict[str, Purpose]:
    """Every declared purpose by key (the first source that declares a key wins)."""
    found: dict[str, Purpose] = {}
    for source in _sources:
        for key, purpose in source().items():
            found.setdefault(key, purpose)
    return found


def missing_titles(purpose: Purpose) -> list[str]:
    """The languages in which a purpose lacks a title or a description."""
    return [
        f"{part}.{language}"
        for part, texts in (("title", purpose.title), ("description", purpose.description))
        for language in LANGUAGES
        if not str(texts.get(language) or "").strip()
    ]


def require_purpose(key: str) -> Purpose | None:
    """The declared purpose ``key`` (``None`` for the general ``proactive``); else a 422."""
    if key == PROACTIVE:
        return None
    known = known_purposes()
    purpose = known.get(key)
    if purpose is None:
        names = ", ".join(sorted(known)) or "none are published"
        raise ValidationFailed.field(
            "purpose",
            _l(
                "unknown purpose '%(key)s'; use 'proactive' or a declared purpose (%(names)s)",
                key=key,
                names=names,
            ),
        )
    return purpose


def covered_by_general(purpose_key: str, granted_at: datetime) -> bool:
    """Whether a general ``proactive`` grant given at ``granted_at`` covers ``purpose_key``:
    only when the purpose was published by then."""
    purpose = known_purposes().get(purpose_key)
    return (
        purpose is not None
        and purpose.declared_at is not None
        and purpose.declared_at <= granted_at
    )


def purposes_published_by(moment: datetime) -> list[Purpose]:
    """The purposes a general grant given at ``moment`` covers, by key."""
    return [
        p
        for _, p in sorted(known_purposes().items())
        if p.declared_at is not None and p.declared_at <= moment
    ]
