"""Every relation the standard's representations read, as one batched query each (see ``batch``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.attributes import set_committed_value

from kcc.contacts.models import ContactMoment, Involvement
from kcc.db import db
from kcc.klantinteracties.batch import loader
from kcc.klantinteracties.models import (
    Actor,
    ActorContactMoment,
    BankAccount,
    CategoryRelation,
    ContactAttachment,
    Representation,
    TaskActor,
)
from kcc.parties.models import DigitalAddress, Party
from kcc.tasks.models import Task


def fill(
    rows: Sequence[Any], attribute: str, column: InstrumentedAttribute[Any], *order: Any
) -> None:
    """Load a one-to-many collection of every row that has not loaded it yet, in one query."""
    todo = [row for row in rows if attribute in inspect(row).unloaded]
    if not todo:
        return
    found: dict[Any, list[Any]] = defaultdict(list)
    stmt = select(column.class_).where(column.in_([row.id for row in todo])).order_by(*order)
    for child in db.session().scalars(stmt):
        found[getattr(child, column.key)].append(child)
    for row in todo:
        set_committed_value(row, attribute, found.get(row.id, []))


def _by_id(model: Any) -> Any:
    def load(keys: list[Any]) -> Iterable[tuple[Any, Any]]:
        return (
            (row.id, row) for row in db.session().scalars(select(model).where(model.id.in_(keys)))
        )

    return load


loader("party", many=False)(_by_id(Party))
loader("moment", many=False)(_by_id(ContactMoment))
loader("involvement", many=False)(_by_id(Involvement))


@loader("party.involvements")
def _party_involvements(keys: list[Any]) -> Iterable[tuple[Any, Any]]:
    stmt = select(Involvement).where(Involvement.party_id.in_(keys)).order_by(Involvement.id)
    return ((row.party_id, row) for row in db.session().scalars(stmt))


@loader("party.relations")
def _party_relations(keys: list[Any]) -> Iterable[tuple[Any, Any]]:
    stmt = (
        select(CategoryRelation)
        .where(CategoryRelation.party_id.in_(keys))
        .order_by(CategoryRelation.id)
    )
    return ((row.party_id, row) for row in db.session().scalars(stmt))


@loader("party.accounts")
def _party_accounts(keys: list[Any]) -> Iterable[tuple[Any, Any]]:
    stmt = select(BankAccount).where(BankAccount.party_id.in_(keys)).order_by(BankAccount.id)
    return ((row.party_id, row) for row in db.session().scalars(stmt))


@loader("party.represented")
def _party_represented(keys: list[Any]) -> Iterable[tuple[Any, Any]]:
    stmt = (
        select(Representation.representative_id, Party.uuid)
        .join(Party, Party.id == Representation.represented_id)
        .where(Representation.representative_id.in_(keys))
        .order_by(Representation.id)
    )
    return ((key, value) for key, value in db.session().execute(stmt))


@loader("involvement.addresses")
def _involvement_addresses(keys: list[Any]) -> Iterable[tuple[Any, Any]]:
    stmt = (
        select(DigitalAddress)
        .where(DigitalAddress.involvement_id.in_(keys))
        .order_by(DigitalAddress.id)
    )
    return ((row.involvement_id, row) for row in db.session().scalars(stmt))


@loader("moment.tasks")
def _moment_tasks(keys: list[Any]) -> Iterable[tuple[Any, Any]]:
    stmt = select(Task).where(Task.contact_moment_id.in_(keys)).order_by(Task.id)
    return ((row.contact_moment_id, row) for row in db.session().scalars(stmt))


@loader("moment.attachments")
def _moment_attachments(keys: list[Any]) -> Iterable[tuple[Any, Any]]:
    stmt = (
        select(ContactAttachment)
        .where(ContactAttachment.contact_moment_id.in_(keys))
        .order_by(ContactAttachment.id)
    )
    return ((row.contact_moment_id, row) for row in db.session().scalars(stmt))


@loader("moment.actors")
def _moment_actors(keys: list[Any]) -> Iterable[tuple[Any, Any]]:
    stmt = (
        select(ActorContactMoment)
        .where(ActorContactMoment.contact_moment_id.in_(keys))
        .order_by(ActorContactMoment.id)
    )
    return ((row.contact_moment_id, row.actor) for row in db.session().scalars(stmt))


@loader("user.actor", many=False)
def _user_actor(keys: list[Any]) -> Iterable[tuple[Any, Any]]:
    return (
        (row.user_id, row)
        for row in db.session().scalars(select(Actor).where(Actor.user_id.in_(keys)))
    )


@loader("task.actors")
def _task_actors(keys: list[Any]) -> Iterable[tuple[Any, Any]]:
    stmt = select(TaskActor).where(TaskActor.task_id.in_(keys)).order_by(TaskActor.id)
    return ((row.task_id, row.actor) for row in db.session().scalars(stmt))
