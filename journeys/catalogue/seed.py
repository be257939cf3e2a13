"""The demo municipality's services (``journeys/catalogue.yaml``), for an empty catalogue.

Run by the migration that made the table, so that an installation keeps the services its
journeys named while the catalogue was a file; the tests start from it too.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, cast

import yaml
from sqlalchemy import Connection, Table, func, insert, select

from journeys.catalogue.models import JourneyService
from kcc.db import utcnow

SEED_PATH = Path(__file__).resolve().parents[1] / "catalogue.yaml"


@cache
def seed_entries() -> tuple[dict[str, Any], ...]:
    """The entries of the seed file, as written (read once: the tests start from it often)."""
    document = yaml.safe_load(SEED_PATH.read_text(encoding="utf-8"))
    return tuple(document["services"])


def insert_seed_services(connection: Connection) -> int:
    """Insert the seed file's services when the catalogue is empty; how many were added."""
    table = cast(Table, JourneyService.__table__)
    if connection.scalar(select(func.count()).select_from(table)):
        return 0
    now = utcnow()
    rows = [
        {
            "key": entry["key"],
            "title_nl": entry["title"]["nl"],
            "title_en": entry["title"]["en"],
            "description_nl": (entry.get("description") or {}).get("nl", ""),
            "description_en": (entry.get("description") or {}).get("en", ""),
            "link": entry.get("link") or "",
            "department": entry.get("department") or "",
            "team": entry["team"],
            "is_active": True,
            "version": 1,
            "updated_by": None,
            "created_at": now,
            "updated_at": now,
        }
        for entry in seed_entries()
    ]
    connection.execute(insert(table), rows)
    return len(rows)
