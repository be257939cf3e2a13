"""The service catalogue: the services a journey's suggestions may name, kept in the database
by process owners (``/api/v1/journey-services`` and the studio's services page).

``service(key)`` and ``services()`` give each service as a plain dict (key, title and
description in nl and en, link, department, team, active). They are read once per database
transaction (a request or a job has one) and again after a change in it, so a change shows
at the next request or job in every process, and a change rolled back is forgotten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from journeys.catalogue.models import JourneyService
from kcc.db import db

if TYPE_CHECKING:
    from flask import Flask

_CACHE = "journeys.catalogue"

__all__ = ["forget_services", "init_app", "is_offered", "service", "service_dict", "services"]


def service_dict(row: JourneyService) -> dict[str, Any]:
    """A stored service in the shape journeys, suggestions and pages read."""
    return {
        "key": row.key,
        "title": {"nl": row.title_nl, "en": row.title_en},
        "description": {"nl": row.description_nl, "en": row.description_en},
        "link": row.link,
        "department": row.department,
        "team": row.team,
        "active": row.is_active,
    }


def services() -> dict[str, dict[str, Any]]:
    """Every service in the catalogue by key (inactive ones too), read once per transaction."""
    session = db.session()
    cached: dict[str, dict[str, Any]] | None
    transaction, cached = session.info.get(_CACHE, (None, None))
    if cached is None or transaction is None or transaction is not session.get_transaction():
        rows = session.scalars(select(JourneyService).order_by(JourneyService.key))
        cached = {row.key: service_dict(row) for row in rows}
        session.info[_CACHE] = (session.get_transaction(), cached)
    return cached


def service(key: str) -> dict[str, Any] | None:
    """The service with this key, or None."""
    return services().get(key)


def is_offered(key: str) -> bool:
    """Whether the service is in the catalogue and offered (active)."""
    entry = service(key)
    return entry is not None and bool(entry["active"])


def forget_services() -> None:
    """Read the catalogue again at its next use in this session (after a change)."""
    db.session().info.pop(_CACHE, None)


def init_app(app: Flask) -> None:
    """Register the catalogue's routes."""
    from journeys.catalogue.api import blp

    app.extensions["kcc.api"].register_blueprint(blp)
