"""Keeping the service catalogue: add, change, deactivate and remove services.

Every service names an active team of the directory (the team that gets a task when a
resident says yes) and has a title in Dutch and English. A service that a published journey
names stays offered; one that residents were offered, or that systems subscribe to, is
deactivated rather than removed, so that its title stays readable in their history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from journeys.catalogue import forget_services
from journeys.catalogue.events import JourneyServiceChanged
from journeys.catalogue.models import JourneyService
from journeys.catalogue.uses import published_uses
from journeys.outgoing.models import ServiceSubscriber
from journeys.suggestions.models import Suggestion
from kcc.db import db, utcnow
from kcc.directory.services import require_active_team
from kcc.errors import Conflict, NotFound, ValidationFailed
from kcc.events.outbox import record
from kcc.pagination import decode_cursor, encode_cursor

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,63}$")
TEXT_FIELDS = ("title_nl", "title_en", "description_nl", "description_en", "link", "department")


@dataclass
class ServiceInput:
    """A service as a process owner describes it."""

    key: str
    title_nl: str
    title_en: str
    team: str
    description_nl: str = ""
    description_en: str = ""
    link: str = ""
    department: str = ""
    is_active: bool = True


def get_service(key: str, *, for_update: bool = False) -> JourneyService:
    """The service with this key (locked until the transaction ends when ``for_update``, so
    that two changes on one version cannot both pass); NotFound otherwise."""
    query = select(JourneyService).where(JourneyService.key == key)
    if for_update and db.dialect == "postgresql":
        query = query.with_for_update()
    row = db.session().scalar(query)
    if row is None:
        raise NotFound(_l("no service '%(key)s' in the service catalogue", key=key))
    return row


def list_services(
    *, include_inactive: bool, limit: int, cursor: str | None
) -> tuple[list[JourneyService], str | None]:
    """Services by key after ``cursor``."""
    after = decode_cursor(cursor, {"key": str})
    stmt = select(JourneyService).order_by(JourneyService.key)
    if not include_inactive:
        stmt = stmt.where(JourneyService.is_active.is_(True))
    if after is not None:
        stmt = stmt.where(JourneyService.key > after["key"])
    rows = list(db.session().scalars(stmt.limit(limit + 1)))
    page = rows[:limit]
    next_cursor = encode_cursor({"key": page[-1].key}) if len(rows) > limit else None
    return page, next_cursor


def create_service(data: ServiceInput, by: str | None) -> JourneyService:
    """Add a service; its key must be new and its team an active team of the directory."""
    if not KEY_PATTERN.match(data.key):
        raise ValidationFailed.field(
            "key", _l("2 to 64 lower-case letters, digits and hyphens, starting with a letter")
        )
    if db.session().scalar(select(JourneyService.id).where(JourneyService.key == data.key)):
        raise Conflict(_l("a service with key '%(key)s' is in the catalogue already", key=data.key))
    row = JourneyService(key=data.key, version=1)
    _titles(data.title_nl, data.title_en)
    _team(data.team)
    for name in TEXT_FIELDS:
        setattr(row, name, getattr(data, name).strip())
    row.team, row.is_active, row.updated_by = data.team, data.is_active, by
    db.session().add(row)
    db.session().flush()
    _changed(row, "added")
    return row


def update_service(
    key: str, changes: dict[str, Any], by: str | None, expected_version: int | None = None
) -> JourneyService:
    """Change a service (its key stays: journeys name it); ``expected_version`` guards
    against overwriting a change made in the meantime."""
    row = get_service(key, for_update=True)
    if expected_version is not None and expected_version != row.version:
        raise Conflict(
            _l(
                "service '%(key)s' was changed meanwhile (now version %(version)s, by %(by)s);"
                " reload it and make your change again",
                key=key,
                version=row.version,
                by=row.updated_by or _l("the seed"),
            )
        )
    if changes.get("key", key) != key:
        raise ValidationFailed.field("key", _l("a service's key cannot change; add a new service"))
    changes = {k: v for k, v in changes.items() if k != "key" and getattr(row, k) != v}
    if not changes:
        return row  # nothing new: no version, no event
    _titles(changes.get("title_nl", row.title_nl), changes.get("title_en", row.title_en))
    if "team" in changes:
        _team(changes["team"])
        row.team = changes["team"]
    if changes.get("is_active") is False and row.is_active:
        _refuse_while_published(row.key, removing=False)
    for name in TEXT_FIELDS:
        if name in changes:
            setattr(row, name, str(changes[name]).strip())
    if "is_active" in changes:
        row.is_active = bool(changes["is_active"])
    row.version += 1
    row.updated_by, row.updated_at = by, utcnow()
    db.session().flush()
    _changed(row, "changed")
    return row


def delete_service(key: str, by: str | None) -> None:
    """Remove a service added by mistake; one that is used is deactivated instead."""
    row = get_service(key, for_update=True)
    _refuse_while_published(key, removing=True)
    offered = db.session().scalar(
        select(func.count()).select_from(Suggestion).where(Suggestion.service == key)
    )
    subscribers = db.session().scalar(
        select(func.count()).select_from(ServiceSubscriber).where(ServiceSubscriber.service == key)
    )
    if offered or subscribers:
        raise Conflict(
            _l(
                "service '%(key)s' was offered to residents %(offered)s time(s) and has"
                " %(subscribers)s subscriber(s); deactivate it instead (is_active: false)",
                key=key,
                offered=offered,
                subscribers=subscribers,
            )
        )
    row.version += 1
    row.updated_by = by
    _changed(row, "removed")
    db.session().delete(row)
    db.session().flush()


def _refuse_while_published(key: str, removing: bool) -> None:
    uses = "; ".join(published_uses({key}))
    if uses and removing:
        raise Conflict(
            _l(
                "service '%(key)s' cannot be removed: %(uses)s. Publish versions without it first.",
                key=key,
                uses=uses,
            )
        )
    if uses:
        raise Conflict(
            _l(
                "service '%(key)s' cannot be deactivated: %(uses)s."
                " Publish versions without it first.",
                key=key,
                uses=uses,
            )
        )


def _titles(title_nl: str, title_en: str) -> None:
    for name, value in (("title_nl", title_nl), ("title_en", title_en)):
        if not str(value).strip():
            raise ValidationFailed.field(name, _l("a title in this language is required"))


def _team(team: str) -> None:
    if not str(team or "").strip():
        raise ValidationFailed.field("team", _l("name the directory team that picks up a yes"))
    require_active_team(team, field="team")


def _changed(row: JourneyService, change: str) -> None:
    forget_services()
    record(
        JourneyServiceChanged(key=row.key, change=change, version=row.version, by=row.updated_by)
    )
