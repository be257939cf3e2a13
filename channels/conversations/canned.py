"""Canned replies: a team's reusable answers, with placeholders filled in safely.

A placeholder is a name in braces (``{name}``); filling one in is a plain text replacement
from a fixed list, so a reply can never run code or reach attributes (no ``str.format``, no
template engine). An unknown placeholder is refused when the reply is saved.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from channels.conversations.models import CannedReply
from channels.conversations.services import get_conversation
from channels.models import ChatSession, Conversation
from kcc.db import db
from kcc.directory.services import require_active_team
from kcc.errors import Conflict, NotFound, ValidationFailed

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
PLACEHOLDERS = ("name", "given_names", "surname", "agent")
# What {name} says when the resident is not known by name yet.
UNKNOWN_NAME = {"nl": "inwoner", "en": "resident"}
BODY_CHARS = 5000


@dataclass(frozen=True)
class CannedInput:
    team: str
    title: str
    body: str


def _check(data: CannedInput) -> None:
    require_active_team(data.team, field="team")
    if not data.title.strip():
        raise ValidationFailed.field("title", _l("a canned reply needs a title"))
    if not data.body.strip():
        raise ValidationFailed.field("body", _l("a canned reply needs a text"))
    unknown = sorted({p for p in PLACEHOLDER.findall(data.body) if p not in PLACEHOLDERS})
    if unknown:
        raise ValidationFailed.field(
            "body",
            _l(
                "unknown placeholder %(unknown)s; known: %(known)s",
                unknown="{" + unknown[0] + "}",
                known=", ".join("{" + p + "}" for p in PLACEHOLDERS),
            ),
        )


def _unique(team: str, title: str, except_id: int | None = None) -> None:
    stmt = select(CannedReply.id).where(CannedReply.team == team, CannedReply.title == title)
    found = db.session().scalar(stmt)
    if found is not None and found != except_id:
        raise Conflict(
            _l("team %(team)r has a canned reply titled %(title)r already", team=team, title=title)
        )


def create_canned(data: CannedInput) -> CannedReply:
    """Add a canned reply to a team."""
    _check(data)
    _unique(data.team, data.title.strip())
    reply = CannedReply(team=data.team, title=data.title.strip(), body=data.body.strip())
    db.session().add(reply)
    db.session().flush()
    return reply


def get_canned(canned_uuid: uuid.UUID) -> CannedReply:
    found = db.session().scalar(select(CannedReply).where(CannedReply.uuid == canned_uuid))
    if found is None:
        raise NotFound(_l("no canned reply with id %(canned_uuid)s", canned_uuid=canned_uuid))
    return found


def update_canned(canned_uuid: uuid.UUID, data: CannedInput) -> CannedReply:
    """Change a canned reply's team, title or text."""
    reply = get_canned(canned_uuid)
    _check(data)
    _unique(data.team, data.title.strip(), reply.id)
    reply.team, reply.title, reply.body = data.team, data.title.strip(), data.body.strip()
    db.session().flush()
    return reply


def delete_canned(canned_uuid: uuid.UUID) -> None:
    db.session().delete(get_canned(canned_uuid))
    db.session().flush()


def list_canned(teams: list[str] | None = None) -> list[CannedReply]:
    """Canned replies, by team and title; only those of ``teams`` when given."""
    stmt = select(CannedReply).order_by(CannedReply.team, CannedReply.title)
    if teams is not None:
        stmt = stmt.where(CannedReply.team.in_(teams))
    return list(db.session().scalars(stmt))


def fill(body: str, values: dict[str, str]) -> str:
    """Replace each known placeholder by its value; anything else stays as typed."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def _values(conversation: Conversation, agent_name: str) -> dict[str, str]:
    party = conversation.party
    given = (party.given_names or "") if party is not None else ""
    surname = ""
    if party is not None and party.surname:
        surname = " ".join(p for p in (party.surname_prefix, party.surname) if p)
    name = " ".join(p for p in (given, surname) if p)
    if not name:
        name = db.session().scalar(
            select(ChatSession.display_name).where(ChatSession.conversation_id == conversation.id)
        ) or UNKNOWN_NAME.get(conversation.language, UNKNOWN_NAME["nl"])
    return {
        "name": name,
        "given_names": given or name,
        "surname": surname or name,
        "agent": agent_name,
    }


def canned_for_conversation(
    conversation_uuid: uuid.UUID, teams: list[str], agent_name: str
) -> list[dict[str, object]]:
    """The canned replies of ``teams`` (and of the conversation's queue), filled in for this
    conversation's resident."""
    conversation = get_conversation(conversation_uuid)
    wanted = [*teams, *([conversation.assigned_team] if conversation.assigned_team else [])]
    values = _values(conversation, agent_name)
    return [
        {"id": r.uuid, "team": r.team, "title": r.title, "text": fill(r.body, values)}
        for r in list_canned(sorted(set(wanted)))
    ]
