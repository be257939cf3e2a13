"""The customer view page: the resident at a glance, the timeline, conversations and actions."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, render_template, request

from kcc.auth.models import User
from kcc.constants import Channel, Direction, Outcome, TaskKind
from kcc.contacts.schemas import ContactMomentSchema
from kcc.db import utcnow
from kcc.parties.schemas import PartySchema
from kcc.privacy.activities import Activity
from kcc.tasks.schemas import TaskSchema
from kcc.view.services import customer_view
from kcc.web.pages import STAFF_PAGES, html_errors, page

bp = html_errors(Blueprint("web_customer", __name__, template_folder="../templates"))

PAGE_SIZE = 25


def _filtered(moments: list[dict[str, Any]], channel: str, direction: str) -> list[dict[str, Any]]:
    return [
        m
        for m in moments
        if (not channel or m.get("channel") == channel)
        and (not direction or m.get("direction") == direction)
    ]


@bp.get("/parties/<uuid:party_id>")
@page(*STAFF_PAGES, activity=Activity.CUSTOMER_CONTACT)
def customer(user: User, party_id: uuid.UUID) -> str:
    cursor = request.args.get("cursor") or None
    view = customer_view(party_id, PAGE_SIZE, cursor)
    channel = (
        request.args.get("channel", "") if request.args.get("channel") in list(Channel) else ""
    )
    direction = (
        request.args.get("direction", "")
        if request.args.get("direction") in list(Direction)
        else ""
    )
    moments = ContactMomentSchema(many=True).dump(view.contact_moments)
    conversations = view.sections.get("conversations", [])
    return render_template(
        "customer.html",
        user=user,
        party=PartySchema().dump(view.party),
        moments=_filtered(moments, channel, direction),
        moment_count=len(moments),
        next_cursor=view.next_cursor,
        tasks=TaskSchema(many=True).dump(view.open_tasks),
        open_conversations=[c for c in conversations if c.get("status") != "closed"],
        journeys=view.sections.get("journeys", []),
        suggestions=view.sections.get("suggestions", []),
        consents=view.sections.get("consents", []),
        channel=channel,
        direction=direction,
        channels=list(Channel),
        outcomes=list(Outcome),
        task_kinds=list(TaskKind),
        now=utcnow(),
    )
