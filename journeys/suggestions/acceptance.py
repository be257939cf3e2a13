"""The signed link in every proactive message that answers the offer: yes (or no) in one click.

Signed like the withdrawal link, under its own salt: a stop link never answers an offer and
an answer link never withdraws. Opening the page changes nothing (SMS apps and mail scanners
open links to show a preview); the resident's button press (a POST with the page's CSRF
token) does. A yes takes exactly the path of a JA by SMS or an agent's accept: the
suggestion is accepted and ``suggestion.accepted`` hands it over (task, confirmation,
CloudEvent). Pressing again changes nothing and says so.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from journeys.suggestions.constants import SuggestionStatus
from journeys.suggestions.models import Suggestion
from journeys.suggestions.withdrawal import LinkTarget, base_url, link_token, read_link
from kcc.consent.services import lock_consents
from kcc.db import db

SALT = "kcc.suggestion-answer"
PATH = "/offer/"
ANSWERED_BY = "resident:web"


class Outcome(StrEnum):
    """What pressing a button on the page came to."""

    ACCEPTED = "accepted"  # the yes is recorded now; the hand-over follows
    DECLINED = "declined"  # the no is recorded now
    ALREADY_ACCEPTED = "already_accepted"  # said yes before: nothing changed
    ALREADY_DECLINED = "already_declined"  # said no before: nothing changed
    CLOSED = "closed"  # expired or withdrawn: nothing can be answered any more


# Which outcomes change nothing because the answer asked for was given before.
REPEATS = {
    (True, SuggestionStatus.ACCEPTED): Outcome.ALREADY_ACCEPTED,
    (False, SuggestionStatus.DECLINED): Outcome.ALREADY_DECLINED,
    (True, SuggestionStatus.DECLINED): Outcome.ALREADY_DECLINED,
    (False, SuggestionStatus.ACCEPTED): Outcome.ALREADY_ACCEPTED,
}


@dataclass(frozen=True)
class Answered:
    target: LinkTarget
    outcome: Outcome


def answer_token(suggestion_uuid: uuid.UUID, language: str) -> str:
    return link_token(suggestion_uuid, language, SALT)


def answer_link(suggestion_uuid: uuid.UUID, language: str) -> str:
    """The absolute URL of the page that answers one suggestion's offer."""
    return f"{base_url()}{PATH}{answer_token(suggestion_uuid, language)}"


def read_offer(token: str) -> LinkTarget:
    """The suggestion, party and language an answer link names; ``LinkProblem`` when not valid."""
    return read_link(token, SALT)


def state_of(suggestion: Suggestion) -> Outcome | None:
    """How the page opens: ``None`` while the offer can be answered, else what became of it."""
    if suggestion.status == SuggestionStatus.ACCEPTED:
        return Outcome.ALREADY_ACCEPTED
    if suggestion.status == SuggestionStatus.DECLINED:
        return Outcome.ALREADY_DECLINED
    if suggestion.status in (SuggestionStatus.EXPIRED, SuggestionStatus.WITHDRAWN):
        return Outcome.CLOSED
    return None


def answer(token: str, accepted: bool) -> Answered:
    """Record the resident's yes or no from the page, once; a repeat or a closed offer changes nothing."""
    target = read_offer(token)
    lock_consents(target.party.id)  # the same lock the SMS answer and a withdrawal take
    query = (
        select(Suggestion)
        .where(Suggestion.id == target.suggestion.id)
        .execution_options(populate_existing=True)
    )
    if db.dialect == "postgresql":
        query = query.with_for_update()
    suggestion = db.session().scalars(query).one()
    target = LinkTarget(suggestion, target.party, target.language)
    before = state_of(suggestion)
    if before is not None:
        outcome = REPEATS.get((accepted, SuggestionStatus(suggestion.status)), Outcome.CLOSED)
        return Answered(target, outcome)
    from journeys.suggestions.services import record_answer  # services send with this link

    record_answer(suggestion, accepted, ANSWERED_BY)
    return Answered(target, Outcome.ACCEPTED if accepted else Outcome.DECLINED)
