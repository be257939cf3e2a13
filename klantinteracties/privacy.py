"""The Klantinteracties tables as privacy sections: representations, categories, attachments
and the actors of contacts and tasks (bank accounts are the core's, with the party's identity)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import aliased

from kcc.contacts.models import ContactMoment, Involvement
from kcc.db import db
from kcc.parties.models import Party
from kcc.rights.sections import PrivacySection, declare_not_party_data, register_privacy_section
from kcc.tasks.models import Task
from klantinteracties.models import (
    Actor,
    ActorContactMoment,
    Category,
    CategoryRelation,
    ContactAttachment,
    Representation,
    TaskActor,
)

MOMENT_KEPT = (
    "it belongs to a contact moment and goes with it; it stays only while the moment stays "
    "(held by an open task, or another resident's contact too)"
)


def _ids(parties: list[Party]) -> list[int]:
    return [p.id for p in parties]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _count(query: Any) -> int:
    return int(db.session().scalar(select(func.count()).select_from(query.subquery())) or 0)


def _deleted(statement: Any) -> int:
    return int(db.session().execute(statement).rowcount or 0)  # type: ignore[attr-defined]


def _representations(parties: list[Party]) -> Any:
    ids = _ids(parties)
    return or_(Representation.representative_id.in_(ids), Representation.represented_id.in_(ids))


def representations_export(parties: list[Party]) -> list[dict[str, Any]]:
    """Who acts for the parties, and for whom they act."""
    agent, subject = aliased(Party), aliased(Party)
    rows = db.session().execute(
        select(agent.uuid, subject.uuid, Representation.created_at)
        .join(agent, agent.id == Representation.representative_id)
        .join(subject, subject.id == Representation.represented_id)
        .where(_representations(parties))
        .order_by(Representation.id)
    )
    return [
        {"representative": str(a), "represented": str(s), "since": _iso(at)} for a, s, at in rows
    ]


def categories_export(parties: list[Party]) -> list[dict[str, Any]]:
    rows = db.session().execute(
        select(Category.name, CategoryRelation.begin_date, CategoryRelation.end_date)
        .join(Category, Category.id == CategoryRelation.category_id, isouter=True)
        .where(CategoryRelation.party_id.in_(_ids(parties)))
        .order_by(CategoryRelation.id)
    )
    return [{"category": n, "from": _iso(b), "until": _iso(e)} for n, b, e in rows]


def _their_moments(parties: list[Party]) -> Any:
    return select(Involvement.contact_moment_id).where(Involvement.party_id.in_(_ids(parties)))


def attachments_export(parties: list[Party]) -> list[dict[str, Any]]:
    """The documents that hold (part of) the parties' contact moments, by reference."""
    rows = db.session().execute(
        select(ContactMoment.uuid, ContactAttachment)
        .join(ContactMoment, ContactMoment.id == ContactAttachment.contact_moment_id)
        .where(ContactAttachment.contact_moment_id.in_(_their_moments(parties)))
        .order_by(ContactAttachment.id)
    )
    return [
        {
            "contact_moment_id": str(moment),
            "object_id": a.object_id,
            "object_type": a.object_type,
            "register": a.register,
        }
        for moment, a in rows
    ]


def count_attachments(parties: list[Party]) -> int:
    return _count(
        select(ContactAttachment.id).where(
            ContactAttachment.contact_moment_id.in_(_their_moments(parties))
        )
    )


def _moment_actors(parties: list[Party]) -> Any:
    return select(ActorContactMoment.id).where(
        ActorContactMoment.contact_moment_id.in_(_their_moments(parties))
    )


def _task_actors(parties: list[Party]) -> Any:
    tasks = select(Task.id).where(Task.party_id.in_(_ids(parties)))
    return select(TaskActor.id).where(TaskActor.task_id.in_(tasks))


def actors_export(parties: list[Party]) -> list[dict[str, Any]]:
    """Who acted for the municipality in the parties' contacts and tasks."""
    session = db.session()
    moments = session.execute(
        select(ContactMoment.uuid, Actor.name, Actor.kind)
        .join(ActorContactMoment, ActorContactMoment.contact_moment_id == ContactMoment.id)
        .join(Actor, Actor.id == ActorContactMoment.actor_id)
        .where(ActorContactMoment.id.in_(_moment_actors(parties)))
        .order_by(ActorContactMoment.id)
    )
    tasks = session.execute(
        select(Task.uuid, Actor.name, Actor.kind)
        .join(TaskActor, TaskActor.task_id == Task.id)
        .join(Actor, Actor.id == TaskActor.actor_id)
        .where(TaskActor.id.in_(_task_actors(parties)))
        .order_by(TaskActor.id)
    )
    return [
        *({"contact_moment_id": str(m), "actor": n, "kind": k} for m, n, k in moments),
        *({"task_id": str(t), "actor": n, "kind": k} for t, n, k in tasks),
    ]


def count_actors(parties: list[Party]) -> int:
    return _count(_moment_actors(parties)) + _count(_task_actors(parties))


def _erasing(model: Any, where: Any) -> dict[str, Any]:
    """``erase`` and ``count`` for the rows of ``model`` that ``where(parties)`` selects."""

    def erase(parties: list[Party]) -> int:
        return _deleted(delete(model).where(where(parties)))

    def count(parties: list[Party]) -> int:
        return _count(select(model.id).where(where(parties)))

    return {"erase": erase, "count": count}


def register_privacy() -> None:
    """Declare the Klantinteracties tables to export and erasure."""
    for section in (
        PrivacySection(
            "representations",
            ("representations",),
            export=representations_export,
            **_erasing(Representation, _representations),
        ),
        PrivacySection(
            "categories",
            ("category_relations",),
            export=categories_export,
            **_erasing(CategoryRelation, lambda ps: CategoryRelation.party_id.in_(_ids(ps))),
        ),
        PrivacySection(
            "contact_attachments",
            ("contact_attachments",),
            export=attachments_export,
            kept_because="an attachment " + MOMENT_KEPT,
            count_kept=count_attachments,
        ),
        PrivacySection(
            "contact_actors",
            ("actor_contact_moments", "task_actors"),
            export=actors_export,
            kept_because="who acted in a contact or task " + MOMENT_KEPT,
            count_kept=count_actors,
        ),
    ):
        register_privacy_section(section)
    declare_not_party_data(
        "actors", "employees and units acting for the municipality; no resident's data"
    )
    declare_not_party_data(
        "ki_number_counters", "the last nummer generated per resource; no resident's data"
    )
    declare_not_party_data(
        "categories", "the names of the categories parties can belong to; no resident's data"
    )
