"""Domain events: small frozen dataclasses with a stable name, and the subscriber registry."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, TypeVar

E = TypeVar("E", bound="DomainEvent")


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

EVENT_TYPES: dict[str, type[DomainEvent]] = {}
_SUBSCRIBERS: dict[str, dict[str, Handler]] = {}


def event_type(cls: type[E]) -> type[E]:
    """Class decorator: registers a domain event class under its ``name``."""
    if not cls.name or (cls.name in EVENT_TYPES and EVENT_TYPES[cls.name] is not cls):
        raise ValueError(f"event name missing or taken: {cls.name!r}")
    EVENT_TYPES[cls.name] = cls
    return cls


def subscribe(event_name: str, handler: Handler, key: str | None = None) -> None:
    """Register ``handler`` for events called ``event_name`` (``*`` for all).

    ``key`` names the subscriber in the delivery record; it must stay stable across releases.
    """
    key = key or f"{handler.__module__}.{handler.__qualname__}"
    _SUBSCRIBERS.setdefault(event_name, {})[key] = handler


def unsubscribe(event_name: str, key: str) -> None:
    _SUBSCRIBERS.get(event_name, {}).pop(key, None)


def subscribers_for(event_name: str) -> dict[str, Handler]:
    found = dict(_SUBSCRIBERS.get("*", {}))
    found.update(_SUBSCRIBERS.get(event_name, {}))
    return found
