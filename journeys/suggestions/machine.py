"""The life of a suggestion: proposed -> (approved) -> sent -> accepted / declined / expired, or withdrawn."""

from __future__ import annotations

from typing import Protocol

from flask_babel import lazy_gettext as _l
from statemachine import State, StateMachine
from statemachine.exceptions import TransitionNotAllowed

from journeys.suggestions.constants import SuggestionStatus as S
from kcc.errors import Conflict


class SuggestionLife(StateMachine):
    """Transitions a suggestion may make; its row's ``status`` holds the state."""

    proposed = State(initial=True, value=S.PROPOSED.value)
    approved = State(value=S.APPROVED.value)
    sent = State(value=S.SENT.value)
    accepted = State(final=True, value=S.ACCEPTED.value)
    declined = State(final=True, value=S.DECLINED.value)
    expired = State(final=True, value=S.EXPIRED.value)
    withdrawn = State(final=True, value=S.WITHDRAWN.value)
    withheld = State(final=True, value=S.WITHHELD.value)

    approve = proposed.to(approved)
    # A suggestion that needs an agent's approval goes out only from ``approved``.
    deliver = proposed.to(sent, unless="needs_approval") | approved.to(sent)
    accept = proposed.to(accepted) | approved.to(accepted) | sent.to(accepted)
    decline = proposed.to(declined) | approved.to(declined) | sent.to(declined)
    expire = proposed.to(expired) | approved.to(expired) | sent.to(expired)
    withdraw = proposed.to(withdrawn) | approved.to(withdrawn) | sent.to(withdrawn)
    withhold = proposed.to(withheld) | approved.to(withheld)


PAST = {
    "approve": "approved",
    "deliver": "sent",
    "accept": "accepted",
    "decline": "declined",
    "expire": "expired",
    "withdraw": "withdrawn",
    "withhold": "withheld",
}

# The statuses as words in a problem's detail (the same words as the pages' labels).
WORDS = {
    "proposed": _l("proposed"),
    "approved": _l("approved"),
    "sent": _l("sent"),
    "accepted": _l("accepted"),
    "declined": _l("declined"),
    "expired": _l("expired"),
    "withdrawn": _l("withdrawn"),
}


class HasStatus(Protocol):
    status: str

    @property
    def needs_approval(self) -> bool: ...


AGENT_ACTIONS = ("approve", "withhold", "accept", "decline")


def agent_actions(status: str, needs_approval: bool) -> list[str]:
    """What an agent may do with a suggestion now: the enabled events among approve, withhold,
    accept and decline, read off the transitions above without building a machine (the customer
    view lists 20 suggestions per page; a test compares this with the machine)."""
    if status not in (S.PROPOSED, S.APPROVED, S.SENT):
        return []
    first = ["approve"] if status == S.PROPOSED and needs_approval else []
    unsent = ["withhold"] if status in (S.PROPOSED, S.APPROVED) else []
    return [*first, *unsent, "accept", "decline"]


def can(row: HasStatus, event: str) -> bool:
    machine = SuggestionLife(row, state_field="status")
    return event in {e.id for e in machine.enabled_events()}


def move(row: HasStatus, event: str) -> None:
    """Apply ``event`` to the row's status; a move the life does not allow is a 409."""
    machine = SuggestionLife(row, state_field="status")
    try:
        machine.send(event)
    except TransitionNotAllowed:
        if event == "deliver" and row.status == S.PROPOSED and row.needs_approval:
            raise Conflict(
                _l("this suggestion needs an agent's approval before it is sent")
            ) from None
        raise Conflict(
            _l(
                "a %(status)s suggestion cannot be %(done)s",
                status=WORDS.get(row.status, row.status),
                done=WORDS.get(PAST.get(event, event), event),
            )
        ) from None
