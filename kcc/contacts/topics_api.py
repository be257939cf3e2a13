"""Routes for /api/v1/contact-moments/{id}/topics: the topics confirmed on a contact moment."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from kcc.auth.access import STAFF_AND_SYSTEM, requires
from kcc.contacts import topics as assignment
from kcc.http.blueprint import Blueprint
from kcc.privacy.activities import Activity
from kcc.topics.schemas import MomentTopicsInSchema, MomentTopicsSchema

moments_blp = Blueprint(
    "contact_moment_topics",
    __name__,
    url_prefix="/api/v1/contact-moments",
    description="The topics confirmed on a contact moment.",
)


@moments_blp.route("/<uuid:contact_moment_id>/topics")
class ContactMomentTopics(MethodView):
    @requires(*STAFF_AND_SYSTEM, activity=Activity.CUSTOMER_CONTACT)
    @moments_blp.response(200, MomentTopicsSchema)
    def get(self, contact_moment_id: uuid.UUID) -> dict[str, Any]:
        """The topics confirmed on a contact moment"""
        topics = assignment.topics_of_moment(contact_moment_id)
        return {"contact_moment_id": contact_moment_id, "topics": topics}

    @requires(*STAFF_AND_SYSTEM, activity=Activity.CUSTOMER_CONTACT)
    @moments_blp.arguments(MomentTopicsInSchema)
    @moments_blp.response(200, MomentTopicsSchema)
    def put(self, data: dict[str, Any], contact_moment_id: uuid.UUID) -> dict[str, Any]:
        """Confirm the topics of a contact moment (journeys listening for one start or move)"""
        topics = assignment.set_topics(contact_moment_id, data["topics"], source=data["source"])
        return {"contact_moment_id": contact_moment_id, "topics": topics}
