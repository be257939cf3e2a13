"""The actions offered to an agent are exactly the events the suggestion's life allows."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from journeys.suggestions.constants import SuggestionStatus
from journeys.suggestions.machine import AGENT_ACTIONS, agent_actions, can


@dataclass
class Row:
    status: str
    needs_approval: bool


@pytest.mark.parametrize("needs_approval", [False, True])
@pytest.mark.parametrize("status", [s.value for s in SuggestionStatus])
def test_agent_actions_match_the_life_machine(status: str, needs_approval: bool) -> None:
    row = Row(status, needs_approval)
    allowed = [event for event in AGENT_ACTIONS if can(row, event)]
    if status == SuggestionStatus.PROPOSED and not needs_approval:
        # The machine would allow approving an unneeded approval; nobody is asked to.
        allowed.remove("approve")
    assert agent_actions(status, needs_approval) == allowed
