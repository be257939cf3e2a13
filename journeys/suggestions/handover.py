"""A resident's yes reaches a person: a task for the team the service catalogue names, a
confirmation to the resident that says what happens next, and a CloudEvent to the systems
subscribed to the service."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from journeys.catalogue import service
from journeys.outgoing.delivery import record_requested
from journeys.suggestions.models import Suggestion
from kcc.constants import TaskKind
from kcc.db import db
from kcc.directory.services import TeamInfo, find_team, require_active_team
from kcc.errors import ValidationFailed
from kcc.events.base import EventEnvelope
from kcc.messaging import available_channels, send_to_party
from kcc.parties.models import Party
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing
from kcc.tasks.services import TaskInput, create_task

FALLBACK_TEAM = "KCC"
CONFIRMATION = {
    "nl": (
        "Dank u wel. U zei ja tegen: {service}. Wij geven dit door aan {team}. "
        "Zij nemen binnen 5 werkdagen contact met u op. Meer informatie: {link}"
    ),
    "en": (
        "Thank you. You said yes to: {service}. We pass this on to {team}. "
        "They will contact you within 5 working days. More information: {link}"
    ),
}
CONFIRMATION_PREFIX = "suggestion-confirmation"


def team_for(service_key: str) -> tuple[str, str]:
    """(team key, note): the catalogue's team when it takes work, else the contact centre's."""
    entry = service(service_key) or {}
    named = str(entry.get("team") or "")
    try:
        return require_active_team(named, field="team").key, ""
    except ValidationFailed as problem:
        note = f"The catalogue names team '{named}' for this service, but {problem.detail}."
        return FALLBACK_TEAM, note


def hand_over(suggestion: Suggestion, party: Party) -> str:
    """Make the task for the accepted suggestion (once) and confirm to the resident."""
    if suggestion.task_id:
        return suggestion.task_id
    entry = service(suggestion.service) or {}
    team_key, note = team_for(suggestion.service)
    title = (entry.get("title") or {}).get("nl") or suggestion.service
    task = create_task(
        TaskInput(
            kind=TaskKind.FOLLOW_UP,
            party_id=party.uuid,
            assigned_team=team_key,
            description=f"De inwoner zei ja tegen het aanbod '{title}'. Neem contact op en regel het.",
            note=" ".join(p for p in (note, f"Antwoord via {suggestion.answered_by}.") if p),
        )
    )
    suggestion.task_id = str(task.uuid)
    record_requested(suggestion.uuid, suggestion.service, party.id, party.uuid, suggestion.task_id)
    _confirm(suggestion, party, entry, find_team(team_key))
    db.session().flush()
    return suggestion.task_id


def _confirm(
    suggestion: Suggestion, party: Party, entry: dict[str, Any], team: TeamInfo | None
) -> None:
    language = "en" if party.preferred_language == "en" else "nl"
    titles = entry.get("title") or {}
    text = CONFIRMATION[language].format(
        service=titles.get(language) or titles.get("nl") or suggestion.service,
        team=team.name
        if team is not None
        else ("het klantcontactcentrum" if language == "nl" else "the contact centre"),
        link=entry.get("link") or "https://www.nijmegen.nl",
    )
    channels = [suggestion.channel] if suggestion.channel else []
    channels += [c for c in (party.preferred_channel, "sms", "email") if c and c not in channels]
    for channel in channels:
        if channel in available_channels() and send_to_party(
            channel, party.uuid, text, language, f"{CONFIRMATION_PREFIX}:{suggestion.uuid}"
        ):
            return


def on_accepted(envelope: EventEnvelope) -> None:
    """``suggestion.accepted``: the task and the confirmation (safe to run twice)."""
    session = db.session()
    query = select(Suggestion).where(
        Suggestion.uuid == uuid.UUID(str(envelope.data["suggestion_id"]))
    )
    if db.dialect == "postgresql":
        query = query.with_for_update()
    suggestion = session.scalar(query.execution_options(populate_existing=True))
    if suggestion is None:
        return
    party = session.get(Party, suggestion.party_id)
    if party is None or party.removed_at is not None:
        return
    with system_processing("suggestions.hand_over", Activity.PROACTIVE_SERVICE):
        hand_over(suggestion, party)
