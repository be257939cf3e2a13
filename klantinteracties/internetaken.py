"""Interne taken over the core's tasks, assigned to actoren."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, delete, exists, select

from kcc.auth.models import User
from kcc.constants import TaskKind, TaskStatus
from kcc.contacts.models import ContactMoment
from kcc.db import db
from kcc.errors import ValidationFailed
from kcc.privacy.activities import Activity
from kcc.tasks import services as tasks
from kcc.tasks.models import Task
from klantinteracties import numbers
from klantinteracties.batch import prime, related
from klantinteracties.http import Invalid, Listing, ref, renamed, resolve, url
from klantinteracties.mapping import CLOSED_TASK, TASK_DONE, task_status_out
from klantinteracties.models import Actor, TaskActor
from klantinteracties.resources import Resource, register

CORE_NAMES = {
    "assigned_team": "toegewezenAanActoren",
    "assigned_user_id": "toegewezenAanActoren",
    "contact_moment_id": "aanleidinggevendKlantcontact",
    "party_id": "aanleidinggevendKlantcontact",
}


def _stamp(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def represent_task(task: Task, _expand: set[str] | None = None) -> dict[str, Any]:
    actors = related("task.actors", task.id)
    data: dict[str, Any] = {
        "uuid": str(task.uuid),
        "url": url("internetaken", task.uuid),
        "nummer": task.number,
        "referentienummer": task.reference,
        "gevraagdeHandeling": task.description,
        "aanleidinggevendKlantcontact": ref(
            "klantcontacten", task.contact_moment.uuid if task.contact_moment else None
        ),
        "toegewezenAanActoren": [ref("actoren", a.uuid) for a in actors],
        "toelichting": task.note or "",
        "status": task_status_out(task.status),
        "toegewezenOp": _stamp(task.received_at),
        "afgehandeldOp": _stamp(task.completed_at),
    }
    if actors:
        data["toegewezenAanActor"] = ref("actoren", actors[0].uuid)
    return data


def _assignment(data: dict[str, Any]) -> tuple[list[Actor], Any, str | None]:
    """The actors, and the user and team the core assigns the task to."""
    refs = list(data.get("toegewezenAanActoren") or [])
    if not refs and data.get("toegewezenAanActor"):
        refs = [data["toegewezenAanActor"]]
    actors = [resolve(Actor, item, f"toegewezenAanActoren.{i}") for i, item in enumerate(refs)]
    if not actors:
        raise Invalid.param(
            "toegewezenAanActoren", "assign the interne taak to at least one actor", "required"
        )
    user_id = next((a.user_id for a in actors if a.user_id), None)
    user_uuid = (
        db.session().scalar(select(User.uuid).where(User.id == user_id)) if user_id else None
    )
    team = next((a.name for a in actors if a.kind == "organisatorische_eenheid"), actors[0].name)
    return actors, user_uuid, team


def _link_actors(task: Task, actors: list[Actor]) -> None:
    db.session().execute(delete(TaskActor).where(TaskActor.task_id == task.id))
    for actor in dict.fromkeys(actors):
        db.session().add(TaskActor(task_id=task.id, actor_id=actor.id))


def create_task(data: dict[str, Any]) -> Task:
    moment: ContactMoment = resolve(
        ContactMoment,
        data.get("aanleidinggevendKlantcontact"),
        "aanleidinggevendKlantcontact",
        required=True,
    )
    actors, user_uuid, team = _assignment(data)
    party = next((i.party for i in moment.involvements if i.party is not None), None)
    try:
        task = tasks.create_task(
            tasks.TaskInput(
                kind=TaskKind.CALLBACK,
                party_id=party.uuid if party else None,
                contact_moment_id=moment.uuid,
                assigned_user_id=user_uuid,
                assigned_team=team,
                description=data["gevraagdeHandeling"],
                note=data.get("toelichting") or "",
            )
        )
        extras = {k: v for k, v in _numbers(data).items() if v}
        extras["number"] = numbers.number_for("internetaak", Task.number, data.get("nummer"))
        if data["status"] == TASK_DONE:
            extras["status"] = TaskStatus.DONE
        if extras:
            task = tasks.update_task(task.uuid, extras)
    except ValidationFailed as error:
        raise renamed(error, CORE_NAMES) from None
    _link_actors(task, actors)
    return task


def _numbers(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": data.get("nummer") or None,
        "reference": data.get("referentienummer") or None,
    }


def update_task(task: Task, data: dict[str, Any]) -> Task:
    moment: ContactMoment = resolve(
        ContactMoment,
        data.get("aanleidinggevendKlantcontact"),
        "aanleidinggevendKlantcontact",
        required=True,
    )
    actors, user_uuid, team = _assignment(data)
    changes: dict[str, Any] = {
        "description": data["gevraagdeHandeling"],
        "note": data.get("toelichting") or "",
        "assigned_user_id": user_uuid,
        "assigned_team": team,
        "contact_moment_id": moment.uuid,
        **_numbers(data),
        "number": numbers.number_for("internetaak", Task.number, data.get("nummer"), task),
    }
    if task_status_out(task.status) != data["status"]:
        changes["status"] = TaskStatus.DONE if data["status"] == TASK_DONE else TaskStatus.OPEN
    try:
        task = tasks.update_task(task.uuid, changes)
    except ValidationFailed as error:
        raise renamed(error, CORE_NAMES) from None
    _link_actors(task, actors)
    return task


def prefetch_tasks(tasks: list[Task], _expand: set[str]) -> None:
    prime("task.actors", [t.id for t in tasks])
    prime("moment", [t.contact_moment_id for t in tasks])
    prime("party", [t.party_id for t in tasks])


def _moment(condition: Any) -> Any:
    return lambda stmt, value: stmt.where(
        exists().where(ContactMoment.id == Task.contact_moment_id, condition(value))
    )


def _actor(condition: Any) -> Any:
    return lambda stmt, value: stmt.where(
        exists().where(
            TaskActor.task_id == Task.id, TaskActor.actor_id == Actor.id, condition(value)
        )
    )


def _status(stmt: Select[Any], value: str) -> Select[Any]:
    closed = Task.status.in_(CLOSED_TASK)
    return stmt.where(closed if value == TASK_DONE else ~closed)


register(
    Resource(
        path="internetaken",
        model=Task,
        schema="InterneTaak",
        # The standard's interne taak always has its aanleidinggevend klantcontact (the
        # document does not allow null there): our tasks without a contact moment stay ours.
        query=lambda: select(Task).where(Task.contact_moment_id.is_not(None)),
        represent=represent_task,
        create=create_task,
        update=update_task,
        delete=lambda row: tasks.delete_task(row.uuid),
        listing=Listing(
            filters={
                "aanleidinggevendKlantcontact__uuid": (
                    "uuid",
                    _moment(lambda v: ContactMoment.uuid == v),
                ),
                "aanleidinggevendKlantcontact__url": (
                    "url",
                    _moment(lambda v: ContactMoment.uuid == v),
                ),
                "klantcontact__uuid": ("uuid", _moment(lambda v: ContactMoment.uuid == v)),
                "klantcontact__nummer": ("str", _moment(lambda v: ContactMoment.number == v)),
                "klantcontact__referentienummer": (
                    "str",
                    _moment(lambda v: ContactMoment.reference == v),
                ),
                "actoren__naam": ("str", _actor(lambda v: Actor.name == v)),
                "toegewezenAanActor__uuid": ("uuid", _actor(lambda v: Actor.uuid == v)),
                "toegewezenAanActor__url": ("url", _actor(lambda v: Actor.uuid == v)),
                "nummer": ("str", lambda stmt, v: stmt.where(Task.number == v)),
                "referentienummer": ("str", lambda stmt, v: stmt.where(Task.reference == v)),
                "status": ("enum:te_verwerken,verwerkt", _status),
                "toegewezenOp": ("datetime", lambda stmt, v: stmt.where(Task.received_at == v)),
            }
        ),
        parties=lambda rows: [row.party.uuid for row in rows if row.party is not None],
        prefetch=prefetch_tasks,
        core_logs_writes=True,
        read_activity=Activity.TASK_HANDLING,
        write_activity=Activity.TASK_HANDLING,
    )
)
