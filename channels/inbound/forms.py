"""Web form submissions: a contact moment on ``web`` for the submitter, and a task when asked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from channels.inbound.threading import party_for_address
from kcc.constants import AddressKind, Channel, Direction, PartyType
from kcc.contacts.services import ContactInput, InvolvementInput, record_contact
from kcc.db import db
from kcc.parties.models import Party
from kcc.parties.services import (
    AddressInput,
    PartyInput,
    PartyQuery,
    register_party,
    search_parties,
)
from kcc.privacy.bsn import named_bsn, scrub
from kcc.tasks.models import Task
from kcc.tasks.services import TaskInput, create_task


@dataclass
class FormSubmission:
    form_id: str
    submission_id: str
    subject: str = ""
    language: str = "nl"
    submitter: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    task: dict[str, str] | None = None

    def __post_init__(self) -> None:
        # A field named bsn or burgerservicenummer identifies the resident like the
        # submitter's own BSN: the party is found by its lookup hash, never by the number.
        if not self.submitter.get("bsn") and (bsn := named_bsn(self.fields)):
            self.submitter = {**self.submitter, "bsn": bsn}


@dataclass(frozen=True)
class FormResult:
    contact_moment_id: uuid.UUID
    task_id: uuid.UUID | None
    created: bool


def _submitter_party(submitter: dict[str, str]) -> Party | None:
    bsn = submitter.get("bsn")
    if bsn:
        found, _ = search_parties(PartyQuery(bsn=bsn), 1, None)
        if found:
            return found[0]
        if submitter.get("surname"):
            addresses = [
                AddressInput(kind=kind, address=submitter[kind])
                for kind in (AddressKind.EMAIL, AddressKind.PHONE)
                if submitter.get(kind)
            ]
            return register_party(
                PartyInput(
                    type=PartyType.PERSON,
                    bsn=bsn,
                    given_names=submitter.get("given_names"),
                    surname_prefix=submitter.get("surname_prefix"),
                    surname=submitter["surname"],
                    digital_addresses=addresses,
                )
            )
    for kind in (AddressKind.EMAIL, AddressKind.PHONE):
        if submitter.get(kind):
            return party_for_address(kind, submitter[kind])
    return None


def _text(fields: dict[str, Any]) -> str:
    return "\n".join(f"{name}: {value}" for name, value in fields.items())[:10_000]


def _lock_submission(external_id: str) -> None:
    """Serialise copies of one submission (PostgreSQL) until the first one's transaction ends.

    The website retries with a fresh signature; a copy racing the first would otherwise
    register the submitter a second time before the contact moment's unique key is reached.
    """
    db.lock(external_id)


def submit_form(data: FormSubmission) -> FormResult:
    """Record a submission once per ``submission_id``; a repeat returns what the first created."""
    external_id = f"form:{data.form_id}:{data.submission_id}"
    _lock_submission(external_id)
    party = _submitter_party(data.submitter)
    recorded = record_contact(
        ContactInput(
            channel=Channel.WEB,
            direction=Direction.INBOUND,
            subject=(data.subject or f"Formulier {data.form_id}")[:200],
            text=_text(scrub(data.fields)[0]),  # masks named BSN fields of 8 digits too
            language=data.language,
            parties=[InvolvementInput(party.uuid)] if party is not None else [],
            external_id=external_id,
            details={
                "form_id": data.form_id,
                "submission_id": data.submission_id,
                "fields": data.fields,
            },
        )
    )
    moment = recorded.contact_moment
    task_id = None
    if recorded.created and data.task:
        task = create_task(
            TaskInput(
                kind=data.task["kind"],
                party_id=party.uuid if party is not None else None,
                contact_moment_id=moment.uuid,
                assigned_team=data.task.get("team") or "KCC",
                description=data.task.get("description") or moment.subject,
            )
        )
        task_id = task.uuid
    elif not recorded.created:
        # A repeated submission answers with the task its first delivery created.
        task_id = db.session().scalar(
            select(Task.uuid).where(Task.contact_moment_id == moment.id).order_by(Task.id).limit(1)
        )
    return FormResult(moment.uuid, task_id, recorded.created)
