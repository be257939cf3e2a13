"""Domain events: small frozen dataclasses with a stable name, and the subscriber registry."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, TypeVar

E = TypeVar("E", bound="DomainEvent")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DomainEvent:
    """Base class; subclasses set ``name`` (e.g. ``contact_moment.recorded``)."""

    name: ClassVar[str] = ""

    def to_payload(self) -> dict[str, Any]:
        return {k: _jsonable(v) for k, v in dataclasses.asdict(self).items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class EventEnvelope:
    """What a subscriber receives: the event's id, name, time and data (a plain dict)."""

    event_id: uuid.UUID
    name: str
    occurred_at: datetime
    data: dict[str, Any]


Handler = Callable[[EventEnvelope], None]
Wants = Callable[[dict[str, Any]], bool]
Observer = Callable[[str, dict[str, Any]], None]

EVENT_TYPES: dict[str, type[DomainEvent]] = {}
_SUBSCRIBERS: dict[str, dict[str, Handler]] = {}
_WANTS: dict[tuple[str, str], Wants] = {}
_OBSERVERS: dict[str, Observer] = {}


def event_type(cls: type[E]) -> type[E]:
    """Class decorator: registers a domain event class under its ``name``."""
    if not cls.name or (cls.name in EVENT_TYPES and EVENT_TYPES[cls.name] is not cls):
        raise ValueError(f"event name missing or taken: {cls.name!r}")
    EVENT_TYPES[cls.name] = cls
    return cls


def subscribe(
    event_name: str, handler: Handler, key: str | None = None, wants: Wants | None = None
) -> None:
    """Register ``handler`` for events called ``event_name`` (``*`` for all).

    ``key`` names the subscriber in the delivery record; it must stay stable across releases.
    ``wants(data)``, when given, is asked in the recording transaction whether this event
    concerns the subscriber at all: an event that no subscriber wants is stored as handled and
    never queued (a contact moment about waste collection starts no journey, so it costs no
    job). It must be cheap and may read the database; when it fails, the event is queued.
    """
    key = key or f"{handler.__module__}.{handler.__qualname__}"
    _SUBSCRIBERS.setdefault(event_name, {})[key] = handler
    if wants is None:
        _WANTS.pop((event_name, key), None)
    else:
        _WANTS[(event_name, key)] = wants


def unsubscribe(event_name: str, key: str) -> None:
    _SUBSCRIBERS.get(event_name, {}).pop(key, None)
    _WANTS.pop((event_name, key), None)


def wanted(event_name: str, data: dict[str, Any]) -> bool:
    """Whether any subscriber of ``event_name`` wants an event with this data."""
    for key in subscribers_for(event_name):
        wants = _WANTS.get((event_name, key)) or _WANTS.get(("*", key))
        if wants is None:
            return True
        try:
            if wants(data):
                return True
        except Exception:  # a failing filter must not lose the event
            log.warning("interest check of %s failed; the event is queued", key, exc_info=True)
            return True
    return False


def subscribers_for(event_name: str) -> dict[str, Handler]:
    found = dict(_SUBSCRIBERS.get("*", {}))
    found.update(_SUBSCRIBERS.get(event_name, {}))
    return found


def observe(key: str, observer: Observer) -> None:
    """Call ``observer(name, data)`` for every event as it is recorded, in its transaction.

    For work that must share the event's transaction and cost no job (live page updates
    queued until commit); it must be cheap and must not fail the recording service.
    """
    _OBSERVERS[key] = observer


def tell_observers(name: str, data: dict[str, Any]) -> None:
    """Hand a just-recorded event to the observers; a failing observer is logged, not raised."""
    for key, observer in list(_OBSERVERS.items()):
        try:
            observer(name, data)
        except Exception:
            log.warning("observer %s failed on %s", key, name, exc_info=True)
