"""How the pages write times and long texts."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError

LOCAL = ZoneInfo("Europe/Amsterdam")
MINUTES = "%Y-%m-%d %H:%M"


def local_time(value: datetime | str | None, pattern: str = MINUTES) -> str:
    """A stored UTC time (or its ISO text) as the clock in the Netherlands shows it."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(LOCAL).strftime(pattern)


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word where possible, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.8 else cut).rstrip() + "…"


@lru_cache(maxsize=256)
def language_name(code: str | None, page_language: str) -> str:
    """A language code as a word in the page's language: nl -> Nederlands (or Dutch)."""
    if not code:
        return ""
    try:
        return Locale.parse(code).get_language_name(page_language) or code
    except (ValueError, UnknownLocaleError):
        return code
