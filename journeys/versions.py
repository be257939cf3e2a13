"""Journey definitions and their versions: upload, publish, retire, and the compiled cache."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from journeys.constants import InstanceStatus, VersionStatus
from journeys.machine import CompiledCache
from journeys.models import Journey, JourneyInstance, JourneyVersion
from journeys.validation import Definition, compile_document, validate
from kcc.db import db, utcnow
from kcc.errors import Conflict, NotFound, ValidationFailed

_cache = CompiledCache()


class InvalidDocument(ValidationFailed):
    """A journey document with problems; ``problems`` lists each with its path."""

    def __init__(self, problems: list[dict[str, object]]) -> None:
        first = problems[0]
        detail = f"the journey document has {len(problems)} problem(s); first: {first['path'] or '(document)'}: {first['message']}"
        super().__init__(
            detail,
            invalid_params=[_param(p) for p in problems],
        )
        self.problems = problems


def _param(problem: dict[str, object]) -> dict[str, str]:
    """A problem as an RFC 9457 invalid param: the path as name, the message (and line) as reason."""
    message = str(problem["message"])
    line = f" (line {problem['line']})" if problem.get("line") and "line " not in message else ""
    return {"name": str(problem["path"]) or "document", "reason": f"{message}{line}"}


def checksum(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _validated(source: str) -> Definition:
    result = validate(source)
    if not result.ok or result.definition is None:
        raise InvalidDocument(result.problem_dicts())
    return result.definition


def get_journey(key: str) -> Journey:
    journey = db.session().scalar(
        select(Journey).where(Journey.key == key).options(selectinload(Journey.versions))
    )
    if journey is None:
        raise NotFound(_l("no journey with key '%(key)s'", key=key))
    return journey


def list_journeys() -> list[Journey]:
    return list(
        db.session().scalars(
            select(Journey).order_by(Journey.key).options(selectinload(Journey.versions))
        )
    )


def get_version(key: str, number: int) -> JourneyVersion:
    version = db.session().scalar(
        select(JourneyVersion)
        .join(Journey)
        .where(Journey.key == key, JourneyVersion.number == number)
    )
    if version is None:
        raise NotFound(_l("journey '%(key)s' has no version %(number)s", key=key, number=number))
    return version


@dataclass(frozen=True)
class Stored:
    version: JourneyVersion
    outcome: str  # created, replaced, unchanged


def create_journey(source: str, author: str | None) -> JourneyVersion:
    """A new journey with its first draft version; the key comes from the document."""
    definition = _validated(source)
    if db.session().scalar(select(Journey.id).where(Journey.key == definition.key)) is not None:
        raise Conflict(
            _l(
                "a journey with key '%(key)s' exists; upload a new version to it instead",
                key=definition.key,
            )
        )
    return store_version(source, author, expected_key=None).version


def store_version(source: str, author: str | None, expected_key: str | None) -> Stored:
    """Store a valid document as a draft. The same number again replaces a draft, never a published one."""
    definition = _validated(source)
    if expected_key is not None and definition.key != expected_key:
        raise ValidationFailed.field(
            "key",
            _l(
                "the document is for journey '%(key)s', not '%(expected_key)s'",
                key=definition.key,
                expected_key=expected_key,
            ),
        )
    session = db.session()
    journey = session.scalar(select(Journey).where(Journey.key == definition.key))
    if journey is None:
        journey = Journey(key=definition.key)
        session.add(journey)
        session.flush()
    digest = checksum(source)
    version = session.scalar(
        select(JourneyVersion).where(
            JourneyVersion.journey_id == journey.id, JourneyVersion.number == definition.number
        )
    )
    if version is not None:
        if version.checksum == digest:
            return Stored(version, "unchanged")
        if version.status != VersionStatus.DRAFT:
            raise Conflict(
                _l(
                    "version %(number)s of '%(key)s' is %(status)s and cannot change; give the document a new version number",
                    number=definition.number,
                    key=definition.key,
                    status=version.status,
                )
            )
        version.source, version.document, version.checksum = source, definition.document, digest
        version.created_by = author
        version.approved_by = version.approved_at = None  # changed content needs a new approval
        session.flush()
        return Stored(version, "replaced")
    version = JourneyVersion(
        journey_id=journey.id,
        number=definition.number,
        status=VersionStatus.DRAFT,
        source=source,
        document=definition.document,
        checksum=digest,
        created_by=author,
    )
    session.add(version)
    session.flush()
    return Stored(version, "created")


def publish(key: str, number: int) -> JourneyVersion:
    """Publish a draft after validating it again; the previously published version retires."""
    version = get_version(key, number)
    if version.status == VersionStatus.PUBLISHED:
        raise Conflict(
            _l("version %(number)s of '%(key)s' is published already", number=number, key=key)
        )
    if version.status == VersionStatus.RETIRED:
        raise Conflict(
            _l(
                "version %(number)s of '%(key)s' is retired; upload a new version to publish it again",
                number=number,
                key=key,
            )
        )
    _validated(version.source)
    now = utcnow()
    db.session().execute(
        update(JourneyVersion)
        .where(
            JourneyVersion.journey_id == version.journey_id,
            JourneyVersion.status == VersionStatus.PUBLISHED,
        )
        .values(status=VersionStatus.RETIRED, retired_at=now)
    )
    version.status, version.published_at = VersionStatus.PUBLISHED, now
    db.session().flush()
    forget_published()
    db.after_commit(forget_published, key="journeys.published")
    return version


def definition_for(version_id: int, digest: str | None = None) -> Definition:
    """The compiled definition of a stored version (compiled once per version and content, then cached)."""
    if digest is None:
        digest = db.session().scalar(
            select(JourneyVersion.checksum).where(JourneyVersion.id == version_id)
        )
        if digest is None:
            raise NotFound(_l("no journey version %(version_id)s", version_id=version_id))
    found = _cache.get((version_id, digest))
    if found is not None:
        return found  # type: ignore[no-any-return]
    version = db.session().get(JourneyVersion, version_id)
    if version is None:
        raise NotFound(_l("no journey version %(version_id)s", version_id=version_id))
    definition = Definition(version.document, compile_document(version.document), version.id)
    _cache.put((version_id, version.checksum), definition)
    return definition


def published_versions() -> list[tuple[int, str, str]]:
    """(version id, journey key, checksum) of every published version."""
    rows = db.session().execute(
        select(JourneyVersion.id, Journey.key, JourneyVersion.checksum)
        .join(Journey)
        .where(JourneyVersion.status == VersionStatus.PUBLISHED)
    )
    return [(row[0], row[1], row[2]) for row in rows]


def listening_versions() -> list[tuple[int, str]]:
    """(version id, checksum) of every version events may reach: the published ones, and
    those that running instances are on (an instance hears events by its own version)."""
    running = (
        select(JourneyInstance.id)
        .where(
            JourneyInstance.version_id == JourneyVersion.id,
            JourneyInstance.status == InstanceStatus.ACTIVE,
        )
        .exists()
    )
    rows = db.session().execute(
        select(JourneyVersion.id, JourneyVersion.checksum).where(
            or_(JourneyVersion.status == VersionStatus.PUBLISHED, running)
        )
    )
    return [(row[0], row[1]) for row in rows]


# What ``recently_published`` last read: (monotonic time, versions).
_recent: tuple[float, list[tuple[int, str, str]]] | None = None


def recently_published(max_age: float = 1.0) -> list[tuple[int, str, str]]:
    """``published_versions()`` as read at most ``max_age`` seconds ago in this process.

    For decisions made on every request (does any journey listen for this contact moment?)
    where a version published in another process may take that long to count. A publish in
    this process counts at once.
    """
    global _recent
    now = time.monotonic()
    recent = _recent
    if recent is not None and now - recent[0] < max_age:
        return recent[1]
    versions = published_versions()
    _recent = (now, versions)
    return versions


# What ``recently_listening`` last read: (monotonic time, versions).
_listening: tuple[float, list[tuple[int, str]]] | None = None


def recently_listening(max_age: float = 1.0) -> list[tuple[int, str]]:
    """``listening_versions()`` as read at most ``max_age`` seconds ago in this process."""
    global _listening
    now = time.monotonic()
    recent = _listening
    if recent is not None and now - recent[0] < max_age:
        return recent[1]
    versions = listening_versions()
    _listening = (now, versions)
    return versions


def forget_published() -> None:
    global _recent, _listening
    _recent = None
    _listening = None


def newest_published(key: str) -> JourneyVersion:
    version = db.session().scalar(
        select(JourneyVersion)
        .join(Journey)
        .where(Journey.key == key, JourneyVersion.status == VersionStatus.PUBLISHED)
        .order_by(JourneyVersion.number.desc())
        .limit(1)
    )
    if version is None:
        raise NotFound(_l("journey '%(key)s' has no published version", key=key))
    return version


@dataclass(frozen=True)
class Loaded:
    """What loading one file did: the key and number, created/replaced/unchanged, published or not."""

    key: str
    number: int
    outcome: str
    status: str


def load_source(source: str, author: str, publish_it: bool) -> Loaded:
    """Store one document (a built-in or an operator's file) and publish it when asked."""
    stored = store_version(source, author, expected_key=None)
    version = stored.version
    key = str(version.document["key"])
    if publish_it and version.status == VersionStatus.DRAFT:
        publish(key, version.number)
    return Loaded(key, version.number, stored.outcome, version.status)
