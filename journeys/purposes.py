"""The consent purposes journeys declare, handed to the core's consent registry.

A document declares its purposes under ``purposes`` (key, title and description in Dutch and
English) and each suggestion names one. The registry learns them from the versions that were
ever published: the texts from the newest such version, and the moment a purpose was first
published from the oldest, so that a general consent never reaches a purpose published after
it was given.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from journeys.declared import named_purposes
from journeys.models import Journey, JourneyVersion
from journeys.versions import recently_published
from kcc.consent.purposes import Purpose
from kcc.db import db

# (the published versions it was read for, the purposes read)
_cache: tuple[tuple[tuple[int, str, str], ...], dict[str, Purpose]] | None = None


def _read() -> dict[str, Purpose]:
    rows = db.session().execute(
        select(Journey.key, JourneyVersion.document, JourneyVersion.published_at)
        .join(Journey, Journey.id == JourneyVersion.journey_id)
        .where(JourneyVersion.published_at.is_not(None))
        .order_by(JourneyVersion.published_at, JourneyVersion.id)
    )
    first: dict[str, datetime] = {}
    texts: dict[str, dict[str, Any]] = {}
    owners: dict[str, set[str]] = {}
    for journey_key, document, published_at in rows:
        declared = (document or {}).get("purposes") or {}
        for key in {*declared, *named_purposes(document or {})}:
            first.setdefault(key, published_at)
            owners.setdefault(key, set()).add(journey_key)
        for key, body in declared.items():
            texts[key] = body or {}
    return {
        key: Purpose(
            key=key,
            title=dict(body.get("title") or {}),
            description=dict(body.get("description") or {}),
            declared_at=first.get(key),
            declared_by=tuple(sorted(owners.get(key, ()))),
        )
        for key, body in texts.items()
    }


def forget_purposes() -> None:
    """Drop what was read (a test's database was emptied)."""
    global _cache
    _cache = None


def declared_purposes() -> dict[str, Purpose]:
    """The purposes of every version ever published (read again when what is published changes)."""
    global _cache
    stamp = tuple(sorted(recently_published()))
    cached = _cache
    if cached is not None and cached[0] == stamp:
        return cached[1]
    purposes = _read()
    _cache = (stamp, purposes)
    return purposes
