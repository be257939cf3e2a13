"""The processing-log page in people's words: who (the user's name), about whom (the party's
name), and the processing activity, with filters by user, party (name or BSN) and activity."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from kcc.auth.models import User
from kcc.constants import Action
from kcc.db import db
from kcc.errors import KccError
from kcc.parties.models import Party
from kcc.parties.services import search_parties
from kcc.privacy.activities import Activity
from kcc.privacy.services import log_processing
from kcc.web.search import detect

MATCHES = 10


@dataclass
class PartyChoice:
    """What a search for the party filter found: one party to filter on, or several to pick."""

    party: uuid.UUID | None = None
    choices: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None


def find_party(text: str) -> PartyChoice:
    """The party a supervisor means by a name, BSN, phone number or e-mail address (or id)."""
    text = text.strip()
    if not text:
        return PartyChoice()
    try:
        return PartyChoice(party=uuid.UUID(text))
    except ValueError:
        pass
    detected = detect(text)
    if detected is None:
        return PartyChoice()
    try:
        parties, _next = search_parties(detected.query, MATCHES, None)
    except KccError:
        return PartyChoice(error=_("No resident or business matches this search."))
    if not parties:
        return PartyChoice(error=_("No resident or business matches this search."))
    if len(parties) == 1:
        return PartyChoice(party=parties[0].uuid)
    return PartyChoice(choices=[{"id": str(p.uuid), "name": p.display_name} for p in parties])


def staff() -> list[User]:
    """The users a supervisor can filter the log by, by name."""
    return list(db.session().scalars(select(User).order_by(User.display_name, User.name)))


def activities() -> list[str]:
    return [a.value for a in Activity]


def in_words(items: list[dict[str, Any]], users: list[User]) -> list[dict[str, Any]]:
    """Each record with the user's and the party's name beside the ids.

    Showing a party's name is a read of their data: it is written to the log itself.
    """
    names = {str(u.uuid): u.display_name or u.name for u in users}
    party_ids = {uuid.UUID(str(i["party_id"])) for i in items if i.get("party_id")}
    parties: Mapping[str, str] = {}
    if party_ids:
        rows = db.session().scalars(select(Party).where(Party.uuid.in_(party_ids)))
        parties = {str(p.uuid): p.display_name for p in rows}
        log_processing(sorted(party_ids, key=str), Action.READ)
    return [
        {
            **item,
            "user_name": names.get(str(item["actor_id"])),
            "party_name": parties.get(str(item.get("party_id"))),
        }
        for item in items
    ]
