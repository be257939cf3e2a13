"""People's words for journeys on the pages: a journey's title and its states' labels from its
document, and a service's title from the catalogue, in the page's language."""

from __future__ import annotations

from typing import Any

from journeys.catalogue import service
from journeys.versions import get_version, newest_published
from kcc.errors import NotFound


def _in(words: Any, lang: str, fallback: str) -> str:
    if isinstance(words, dict):
        return str(words.get(lang) or words.get("nl") or words.get("en") or fallback)
    return str(words) if words else fallback


def journey_words(key: str, number: int, states: list[str], lang: str) -> dict[str, Any]:
    """The journey's title and the labels of the states it is in (unlabelled parents left out)."""
    try:
        document = get_version(key, number).document or {}
    except NotFound:
        return {"title": key, "states": states}
    info = document.get("states") or {}
    labelled = [
        _in(info[s]["label"], lang, s)
        for s in states
        if isinstance(info.get(s), dict) and info[s].get("label")
    ]
    return {
        "title": _in(document.get("title"), lang, key),
        "states": labelled or [s.replace("_", " ") for s in states],
    }


def service_title(key: str, lang: str) -> str:
    """A service's title from the catalogue, or its key when the catalogue does not know it."""
    entry = service(key)
    return _in(entry.get("title"), lang, key) if entry else key


def journey_title(key: str | None, lang: str) -> str:
    """The title of the journey's newest published version, or its key."""
    if not key:
        return ""
    try:
        document = newest_published(key).document or {}
    except NotFound:
        return key
    return _in(document.get("title"), lang, key)
