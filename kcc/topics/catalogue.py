"""Keeping the topic catalogue: a small tree of topics with names, synonyms and owners."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from kcc.db import db, utcnow
from kcc.directory.services import require_active_team
from kcc.errors import Conflict, NotFound, ValidationFailed
from kcc.events.outbox import record
from kcc.pagination import decode_cursor, encode_cursor
from kcc.topics.events import TopicChanged
from kcc.topics.models import Topic
from kcc.topics.text import WORD, fold

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
MAX_DEPTH = 6

# Who still uses a topic key outside the catalogue (e.g. a published journey's trigger):
# each returns a sentence per use, so that removing the topic can be refused with a reason.
TopicUser = Callable[[set[str]], list[str]]
_topic_users: dict[str, TopicUser] = {}


def register_topic_user(name: str, users: TopicUser) -> None:
    """Register a check that names the uses of topic keys that forbid removing them."""
    _topic_users[name] = users


@dataclass
class TopicInput:
    """A topic as an administrator describes it."""

    key: str
    name_nl: str
    name_en: str
    parent_id: uuid.UUID | None = None
    synonyms: list[str] = field(default_factory=list)
    phrasings: list[str] = field(default_factory=list)
    upl_uri: str = ""
    owner_team: str | None = None
    description: str = ""
    is_active: bool = True


def _live() -> Select[Topic]:
    return select(Topic).where(Topic.deleted_at.is_(None))


def get_topic(topic_id: uuid.UUID) -> Topic:
    """The topic with this public id (a removed one too); NotFound otherwise."""
    topic = db.session().scalar(select(Topic).where(Topic.uuid == topic_id))
    if topic is None:
        raise NotFound(_l("no topic with id %(topic_id)s", topic_id=topic_id))
    return topic


def find_topic(key: str) -> Topic | None:
    """The live topic with this key, or None."""
    found: Topic | None = db.session().scalar(_live().where(Topic.key == key))
    return found


def list_topics(*, include_inactive: bool = True) -> list[Topic]:
    """Every live topic, by Dutch name."""
    stmt = _live().order_by(Topic.name_nl)
    if not include_inactive:
        stmt = stmt.where(Topic.is_active.is_(True))
    return list(db.session().scalars(stmt))


def create_topic(data: TopicInput) -> Topic:
    """Add a topic; its key and names must be new, its parent and owner team must exist."""
    if not KEY_PATTERN.match(data.key):
        raise ValidationFailed.field("key", _l("lower-case letters, digits and hyphens only"))
    if db.session().scalar(select(Topic.id).where(Topic.key == data.key)) is not None:
        raise Conflict(_l("a topic with key %(key)r exists already", key=data.key))
    topic = Topic(uuid=uuid.uuid4(), key=data.key)
    _apply(topic, data)
    db.session().add(topic)
    db.session().flush()
    record(TopicChanged(topic_id=str(topic.uuid), key=topic.key, change="added"))
    return topic


def update_topic(topic_id: uuid.UUID, data: TopicInput) -> Topic:
    """Change a topic (its key stays: journeys and reports name it)."""
    topic = get_topic(topic_id)
    if topic.deleted_at is not None:
        raise NotFound(_l("topic %(topic_id)s was removed", topic_id=topic_id))
    if data.key != topic.key:
        raise ValidationFailed.field("key", _l("a topic's key cannot change; add a new topic"))
    _apply(topic, data)
    topic.updated_at = utcnow()
    db.session().flush()
    record(TopicChanged(topic_id=str(topic.uuid), key=topic.key, change="changed"))
    return topic


def _apply(topic: Topic, data: TopicInput) -> None:
    _unique_names(topic, data.name_nl.strip(), data.name_en.strip())
    parent = _parent(topic, data.parent_id)
    if data.owner_team is not None:
        require_active_team(data.owner_team, field="owner_team")
    topic.name_nl = data.name_nl.strip()
    topic.name_en = data.name_en.strip()
    topic.parent_id = parent.id if parent is not None else None
    topic.synonyms = _clean(data.synonyms)
    topic.phrasings = _clean(data.phrasings)
    topic.upl_uri = data.upl_uri
    topic.owner_team = data.owner_team
    topic.description = data.description
    topic.is_active = data.is_active
    topic.updated_at = utcnow()


def _clean(words: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for word in words:
        stripped = " ".join(word.split())
        if stripped:
            seen.setdefault(stripped.lower(), stripped)
    return list(seen.values())


def _unique_names(topic: Topic, name_nl: str, name_en: str) -> None:
    for column, name, field_name in (
        (Topic.name_nl, name_nl, "name_nl"),
        (Topic.name_en, name_en, "name_en"),
    ):
        stmt = select(Topic.key).where(
            Topic.deleted_at.is_(None), func.lower(column) == name.lower()
        )
        if topic.id is not None:
            stmt = stmt.where(Topic.id != topic.id)
        other = db.session().scalar(stmt)
        if other is not None:
            raise Conflict(
                _l(
                    "topic %(other)r is already called %(name)r (%(field_name)s)",
                    other=other,
                    name=name,
                    field_name=field_name,
                )
            )


def _parent(topic: Topic, parent_id: uuid.UUID | None) -> Topic | None:
    """The new parent, refused when it is unknown, removed, the topic itself or below it."""
    if parent_id is None:
        return None
    parent = db.session().scalar(_live().where(Topic.uuid == parent_id))
    if parent is None:
        raise ValidationFailed.field(
            "parent_id", _l("no topic with id %(parent_id)s", parent_id=parent_id)
        )
    depth = 1
    walker: Topic | None = parent
    while walker is not None:
        if topic.id is not None and walker.id == topic.id:
            raise ValidationFailed.field(
                "parent_id",
                _l(
                    "topic %(key)r lies below %(key2)r: that makes a cycle",
                    key=parent.key,
                    key2=topic.key,
                ),
            )
        depth += 1
        walker = walker.parent
    if depth > MAX_DEPTH:
        raise ValidationFailed.field(
            "parent_id", _l("the tree is at most %(depth)s deep", depth=MAX_DEPTH)
        )
    return parent


def delete_topic(topic_id: uuid.UUID) -> None:
    """Remove a topic from the catalogue; refused while a narrower topic or a published
    journey still names it. Contact moments that name it keep it (for the reports)."""
    topic = get_topic(topic_id)
    if topic.deleted_at is not None:
        return
    child = db.session().scalar(_live().where(Topic.parent_id == topic.id).limit(1))
    if child is not None:
        raise Conflict(
            _l("topic %(key)r still has narrower topic %(key2)r", key=topic.key, key2=child.key)
        )
    uses = [use for users in _topic_users.values() for use in users({topic.key})]
    if uses:
        raise Conflict(
            _l("topic %(key)r is still in use: %(uses)s", key=topic.key, uses="; ".join(uses))
        )
    topic.deleted_at = utcnow()
    topic.is_active = False
    db.session().flush()
    record(TopicChanged(topic_id=str(topic.uuid), key=topic.key, change="removed"))


def ancestors_by_id() -> dict[int, list[int]]:
    """Each topic's id with the ids of its broader topics, nearest first (one query)."""
    parents: dict[int, int | None] = {
        row[0]: row[1] for row in db.session().execute(select(Topic.id, Topic.parent_id))
    }
    out: dict[int, list[int]] = {}
    for topic_id in parents:
        chain: list[int] = []
        walker = parents.get(topic_id)
        while walker is not None and walker not in chain and len(chain) < MAX_DEPTH:
            chain.append(walker)
            walker = parents.get(walker)
        out[topic_id] = chain
    return out


def unknown_topic_keys(keys: Iterable[str]) -> list[str]:
    """The keys among ``keys`` that name no live topic (asked when a journey is validated)."""
    wanted = set(keys)
    if not wanted:
        return []
    found = set(
        db.session().scalars(
            select(Topic.key).where(Topic.key.in_(wanted), Topic.deleted_at.is_(None))
        )
    )
    return sorted(wanted - found)


def topic_input(topic: Topic) -> TopicInput:
    """A stored topic as input, to change a few fields of it."""
    return TopicInput(
        key=topic.key,
        name_nl=topic.name_nl,
        name_en=topic.name_en,
        parent_id=topic.parent.uuid if topic.parent is not None else None,
        synonyms=list(topic.synonyms or []),
        phrasings=list(topic.phrasings or []),
        upl_uri=topic.upl_uri,
        owner_team=topic.owner_team,
        description=topic.description,
        is_active=topic.is_active,
    )


def search_topics(
    q: str | None, include_inactive: bool, limit: int, cursor: str | None
) -> tuple[list[Topic], str | None]:
    """Live topics by key after ``cursor``; with ``q``, those whose names, synonyms or key
    contain every word of it (search as you type: "paspo", "parkeer verg")."""
    after = decode_cursor(cursor, {"key": str})
    stmt = _live().order_by(Topic.key)
    if not include_inactive:
        stmt = stmt.where(Topic.is_active.is_(True))
    if after is not None:
        stmt = stmt.where(Topic.key > after["key"])
    topics = list(db.session().scalars(stmt))
    if q is not None:
        wanted = fold(q).split()
        if not any(WORD.search(w) for w in wanted):
            raise ValidationFailed.field("q", _l("type at least one letter or digit"))
        topics = [t for t in topics if all(w in _haystack(t) for w in wanted)]
    page = topics[:limit]
    next_cursor = encode_cursor({"key": page[-1].key}) if len(topics) > limit else None
    return page, next_cursor


def _haystack(topic: Topic) -> str:
    parts = [topic.key, topic.name_nl, topic.name_en, *(topic.synonyms or [])]
    return fold(" ".join(parts))
