"""Routes of the front office on /api/v1/conversations/{id}: take, assign, release, snooze,
read, internal notes, canned replies filled in, and identifying the resident."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from channels.conversations import canned, handoffs, identify, notes, reads
from channels.conversations.actions import link_party
from channels.conversations.schemas import ConversationSchema
from channels.conversations.work_schemas import (
    AssignToSchema,
    CannedFilledSchema,
    IdentifySchema,
    NoteInSchema,
    NoteSchema,
    ReadSchema,
    SnoozeSchema,
)
from kcc.auth.access import STAFF, current_user, requires
from kcc.http.blueprint import Blueprint
from kcc.privacy.activities import Activity

blp = Blueprint(
    "conversation_work",
    __name__,
    url_prefix="/api/v1/conversations",
    description="Taking, handing off, snoozing and annotating conversations.",
)
CONTACT = Activity.CUSTOMER_CONTACT


def _unread(conversation: Any) -> Any:
    return reads.attach_unread([conversation], current_user().id)[0]


@blp.route("/<uuid:conversation_id>/take")
class TakeConversation(MethodView):
    @requires(*STAFF, activity=CONTACT)
    @blp.response(200, ConversationSchema)
    def post(self, conversation_id: uuid.UUID) -> Any:
        """Take the conversation (409 naming the colleague who has it already)"""
        return _unread(handoffs.take_conversation(conversation_id, current_user().id))


@blp.route("/<uuid:conversation_id>/assign")
class AssignConversation(MethodView):
    @requires(*STAFF, activity=CONTACT)
    @blp.arguments(AssignToSchema)
    @blp.response(200, ConversationSchema)
    def post(self, data: dict[str, Any], conversation_id: uuid.UUID) -> Any:
        """Give the conversation to a colleague, or transfer it to a team's queue"""
        changed = handoffs.assign_conversation(
            conversation_id, data["user_id"], data["team"], current_user().uuid
        )
        return _unread(changed)


@blp.route("/<uuid:conversation_id>/release")
class ReleaseConversation(MethodView):
    @requires(*STAFF, activity=CONTACT)
    @blp.response(200, ConversationSchema)
    def post(self, conversation_id: uuid.UUID) -> Any:
        """Put the conversation back in its team's queue, unassigned"""
        return _unread(handoffs.release_conversation(conversation_id, current_user().uuid))


@blp.route("/<uuid:conversation_id>/snooze")
class SnoozeConversation(MethodView):
    @requires(*STAFF, activity=CONTACT)
    @blp.arguments(SnoozeSchema)
    @blp.response(200, ConversationSchema)
    def post(self, data: dict[str, Any], conversation_id: uuid.UUID) -> Any:
        """Put the conversation aside until a time; a message from the resident ends it sooner"""
        changed = handoffs.snooze_conversation(conversation_id, data["until"], current_user().uuid)
        return _unread(changed)


@blp.route("/<uuid:conversation_id>/read")
class ReadConversation(MethodView):
    @requires(*STAFF, activity=CONTACT)
    @blp.response(200, ReadSchema)
    def post(self, conversation_id: uuid.UUID) -> Any:
        """Mark every message so far as read by the caller"""
        return {"unread": reads.mark_read(conversation_id, current_user().id)}


@blp.route("/<uuid:conversation_id>/notes")
class ConversationNotes(MethodView):
    @requires(*STAFF, activity=CONTACT)
    @blp.response(200, NoteSchema(many=True))
    def get(self, conversation_id: uuid.UUID) -> Any:
        """The internal notes, oldest first (never shown to the resident)"""
        return notes.list_notes(conversation_id)

    @requires(*STAFF, activity=CONTACT)
    @blp.arguments(NoteInSchema)
    @blp.response(201, NoteSchema)
    def post(self, data: dict[str, Any], conversation_id: uuid.UUID) -> Any:
        """Add an internal note for colleagues; it is never sent"""
        note = notes.add_note(conversation_id, data["body"], current_user().id)
        return next(n for n in notes.list_notes(conversation_id) if n["id"] == note.uuid)


@blp.route("/<uuid:conversation_id>/canned-replies")
class ConversationCannedReplies(MethodView):
    @requires(*STAFF, activity=CONTACT)
    @blp.response(200, CannedFilledSchema(many=True))
    def get(self, conversation_id: uuid.UUID) -> Any:
        """The canned replies of the caller's team and the conversation's queue, filled in"""
        caller = current_user()
        teams = [caller.team] if caller.team else []
        return canned.canned_for_conversation(
            conversation_id, teams, caller.display_name or caller.name
        )


@blp.route("/<uuid:conversation_id>/identify")
class IdentifyResident(MethodView):
    @requires(*STAFF, activity=CONTACT)
    @blp.arguments(IdentifySchema)
    @blp.response(200, ConversationSchema)
    def post(self, data: dict[str, Any], conversation_id: uuid.UUID) -> Any:
        """Link a known party, or register the resident from the conversation by name"""
        if data["party_id"] is not None:
            return _unread(link_party(conversation_id, data["party_id"]))
        person = identify.ResidentInput(
            surname=data["surname"],
            given_names=data["given_names"],
            surname_prefix=data["surname_prefix"],
            bsn=data["bsn"],
        )
        return _unread(identify.identify_resident(conversation_id, person))
