"""Callback requests (contactverzoeken) routed to a colleague, a team or a department.

A colleague gets the request in their own queue, a team in its queue, and a department in
its default team's queue. The receiver is told by e-mail (the colleague's own address, else
their team's mailbox; the team's; or the department's own, else its default team's).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from kcc.constants import TaskKind
from kcc.directory.services import (
    Destination,
    route_to_colleague,
    route_to_department,
    route_to_team,
)
from kcc.errors import ValidationFailed
from kcc.events.outbox import record
from kcc.tasks import announce
from kcc.tasks.events import ContactRequested
from kcc.tasks.mail import console_link, queue_staff_mail
from kcc.tasks.models import Task
from kcc.tasks.services import TaskInput, create_task


@dataclass
class ContactRequestInput:
    """Who asked, about what, and where the request goes (exactly one receiver)."""

    description: str
    party_id: uuid.UUID | None = None
    contact_moment_id: uuid.UUID | None = None
    note: str = ""
    due_at: datetime | None = None
    to_user_id: uuid.UUID | None = None
    to_team: str | None = None
    to_department: str | None = None


def _destination(data: ContactRequestInput) -> Destination:
    chosen = [
        name
        for name in ("to_user_id", "to_team", "to_department")
        if getattr(data, name) is not None
    ]
    if len(chosen) != 1:
        raise ValidationFailed.field(
            "to_user_id", _l("send the request to exactly one colleague, team or department")
        )
    if data.to_user_id is not None:
        return route_to_colleague(data.to_user_id, field="to_user_id")
    if data.to_team is not None:
        return route_to_team(data.to_team, field="to_team")
    assert data.to_department is not None
    return route_to_department(data.to_department, field="to_department")


def request_contact(data: ContactRequestInput) -> Task:
    """Create the callback task in the receiver's queue and queue the e-mail that tells them.

    Every check runs before anything is written, so a bad receiver leaves nothing behind.
    """
    destination = _destination(data)
    task = create_task(
        TaskInput(
            kind=TaskKind.CALLBACK,
            party_id=data.party_id,
            contact_moment_id=data.contact_moment_id,
            assigned_user_id=destination.user.uuid if destination.user else None,
            assigned_team=destination.team,
            description=data.description,
            note=data.note,
            due_at=data.due_at,
        )
    )
    record(
        ContactRequested(
            task_id=str(task.uuid),
            party_id=str(task.party.uuid) if task.party else None,
            to_user_id=str(data.to_user_id) if data.to_user_id else None,
            to_team=data.to_team,
            to_department=data.to_department,
        )
    )
    if destination.email:
        due = task.due_at.strftime("%d-%m-%Y") if task.due_at else "-"
        queue_staff_mail(
            task,
            destination.email,
            f"Nieuw contactverzoek voor {destination.label}",
            (
                f"Er staat een nieuw contactverzoek voor {destination.label} klaar.\n\n"
                f"Terugbellen vóór: {due}\n"
                f"Openen in de console: {console_link(f'/tasks/{task.uuid}')}\n\n"
                "Om de privacy van de inwoner te beschermen staan de gegevens alleen in de "
                "console.\n"
            ),
        )
    announce.task_changed(task, "task.assigned")
    return task
