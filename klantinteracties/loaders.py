"""Every relation the standard's representations read, as one batched query each (see ``batch``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Uuid, bindparam, cast, inspect, literal_column, null, select, union_all
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import BindParameter

from kcc.contacts.models import ContactMoment, Involvement, SubjectObject
from kcc.db import db
from kcc.parties.models import BankAccount, DigitalAddress, Party
from kcc.tasks.models import Task
from klantinteracties.batch import loader
from klantinteracties.models import (
    Actor,
    ActorContactMoment,
    CategoryRelation,
    ContactAttachment,
    Representation,
    TaskActor,
)


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


def _children(column: InstrumentedAttribute[Any]) -> Any:
    """The rows whose ``column`` (a foreign key) holds one of the keys, oldest first."""
    model = column.class_

    def load(keys: list[Any]) -> Iterable[tuple[Any, Any]]:
        stmt = select(model).where(column.in_(keys)).order_by(model.id)
        return ((getattr(row, column.key), row) for row in db.session().scalars(stmt))

    return load


loader("party", many=False)(_by_id(Party))
loader("moment", many=False)(_by_id(ContactMoment))
loader("involvement", many=False)(_by_id(Involvement))
loader("party.involvements")(_children(Involvement.party_id))
loader("party.relations")(_children(CategoryRelation.party_id))
loader("party.accounts")(_children(BankAccount.party_id))
loader("involvement.addresses")(_children(DigitalAddress.involvement_id))
loader("moment.tasks")(_children(Task.contact_moment_id))
loader("moment.attachments")(_children(ContactAttachment.contact_moment_id))


@loader("party.represented")
def _party_represented(keys: list[Any]) -> Iterable[tuple[Any, Any]]:
    stmt = (
        select(Representation.representative_id, Party.uuid)
        .join(Party, Party.id == Representation.represented_id)
        .where(Representation.representative_id.in_(keys))
        .order_by(Representation.id)
    )
    return ((key, value) for key, value in db.session().execute(stmt))


# What klantcontacten refer to by uuid, in one statement for a page: rows of (kind, klantcontact,
# id, uuid, the betrokkene's partij), each kind oldest first. The kinds: 0 betrokkenen,
# 1 onderwerpobjecten, 2 interne taken, 3 bijlagen.
_MOMENTS: BindParameter[Any] = bindparam("moments", expanding=True)


def _refs_of(kind: int, column: InstrumentedAttribute[Any], party: Any = None) -> Any:
    model = column.class_
    return select(
        literal_column(str(kind)).label("kind"),
        column.label("moment"),
        model.id.label("id"),
        model.uuid.label("uuid"),
        party if party is not None else cast(null(), Uuid).label("party"),
    ).where(column.in_(_MOMENTS))


_MOMENT_REFS = union_all(
    _refs_of(0, Involvement.contact_moment_id, Party.uuid.label("party")).outerjoin_from(
        Involvement, Party, Party.id == Involvement.party_id
    ),
    _refs_of(1, SubjectObject.contact_moment_id),
    _refs_of(2, Task.contact_moment_id),
    _refs_of(3, ContactAttachment.contact_moment_id),
).order_by("kind", "id")


@loader("moment.refs", many=False)
def _moment_refs(keys: list[Any]) -> Iterable[tuple[Any, Any]]:
    """Per klantcontact four lists (betrokkenen, onderwerpobjecten, interne taken, bijlagen)
    of ``(uuid, partij uuid or None)``: its references without loading the rows themselves."""
    found: dict[Any, tuple[list[Any], ...]] = {key: ([], [], [], []) for key in keys}
    for kind, moment, _, item_uuid, party in db.session().execute(_MOMENT_REFS, {"moments": keys}):
        found[moment][kind].append((item_uuid, party))
    return found.items()


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
