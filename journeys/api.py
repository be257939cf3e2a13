"""Routes for /api/v1/journeys: definitions, versions, publishing, diagrams, simulation, stats."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from journeys import diagram, governance, versions
from journeys.instances import version_stats
from journeys.models import Journey, JourneyVersion
from journeys.schemas import (
    DiagramSchema,
    DocumentInSchema,
    JourneyListSchema,
    JourneySchema,
    SimulateInSchema,
    StatsSchema,
    VersionDetailSchema,
)
from journeys.simulate import simulate
from kcc.auth.access import current_user, requires
from kcc.constants import Role
from kcc.errors import ValidationFailed
from kcc.http.blueprint import Blueprint
from kcc.http.field_messages import translated_reason
from kcc.privacy.activities import Activity

YAML_TYPES = ("application/yaml", "text/yaml", "application/x-yaml", "text/x-yaml")
DESIGNERS = (Role.PROCESS_OWNER, Role.ADMIN)
READERS = (Role.PROCESS_OWNER, Role.ADMIN, Role.SUPERVISOR, Role.AGENT)
ACTIVITY = Activity.PROACTIVE_SERVICE
UPLOAD_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "text/yaml": {"schema": {"type": "string"}},
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["document"],
                    "properties": {"document": {"type": "string"}},
                }
            },
        },
    }
}

blp = Blueprint(
    "journeys",
    __name__,
    url_prefix="/api/v1/journeys",
    description="Life-event journeys: documents, versions, diagrams and simulation.",
)


def document_text() -> str:
    """The uploaded document: a YAML body, or JSON ``{"document": "..."}``."""
    if request.mimetype in YAML_TYPES:
        text = request.get_data(as_text=True)
        if not text.strip():
            raise ValidationFailed.field("document", _l("the body is empty"))
        return text
    body = request.get_json(silent=True)
    if body is None:
        raise ValidationFailed.field(
            "body", _l('send YAML as application/yaml, or JSON {"document": "..."}')
        )
    errors = (
        DocumentInSchema().validate(body)
        if isinstance(body, dict)
        else {"body": [_l("must be a JSON object")]}
    )
    if errors:
        raise ValidationFailed.field(
            next(iter(errors)),
            "; ".join(translated_reason(str(m)) for m in next(iter(errors.values()))),
        )
    return str(body["document"])


def journey_json(journey: Journey) -> dict[str, Any]:
    published = next((v for v in reversed(journey.versions) if v.status == "published"), None)
    shown = published or (journey.versions[-1] if journey.versions else None)
    document = shown.document if shown is not None else {}
    return {
        "key": journey.key,
        "title": document.get("title"),
        "description": document.get("description"),
        "published_version": published.number if published else None,
        "suspended_at": journey.suspended_at,
        "suspended_reason": journey.suspended_reason,
        "versions": journey.versions,
        "created_at": journey.created_at,
    }


def version_json(version: JourneyVersion, outcome: str | None = None) -> dict[str, Any]:
    return {
        "journey": version.document.get("key"),
        "number": version.number,
        "status": version.status,
        "checksum": version.checksum,
        "created_at": version.created_at,
        "created_by": version.created_by,
        "published_at": version.published_at,
        "retired_at": version.retired_at,
        "approved_by": version.approved_by,
        "approved_at": version.approved_at,
        "suspended_at": version.suspended_at,
        "suspended_reason": version.suspended_reason,
        "source": version.source,
        "document": version.document,
        "outcome": outcome,
    }


@blp.route("")
class Journeys(MethodView):
    @requires(*READERS, activity=ACTIVITY)
    @blp.response(200, JourneyListSchema)
    def get(self) -> dict[str, Any]:
        """List journey definitions with their versions"""
        return {"items": [journey_json(j) for j in versions.list_journeys()]}

    @requires(*DESIGNERS, activity=ACTIVITY)
    @blp.doc(**UPLOAD_DOC)
    @blp.response(201, VersionDetailSchema)
    def post(self) -> dict[str, Any]:
        """Create a journey from a document; it becomes the journey's first draft version"""
        source = document_text()
        version = versions.create_journey(source, str(current_user().uuid))
        return version_json(version, "created")


@blp.route("/<string:key>")
class JourneyItem(MethodView):
    @requires(*READERS, activity=ACTIVITY)
    @blp.response(200, JourneySchema)
    def get(self, key: str) -> dict[str, Any]:
        """One journey with its versions"""
        return journey_json(versions.get_journey(key))


@blp.route("/<string:key>/versions")
class JourneyVersions(MethodView):
    @requires(*DESIGNERS, activity=ACTIVITY)
    @blp.doc(**UPLOAD_DOC)
    @blp.response(201, VersionDetailSchema)
    def post(self, key: str) -> Any:
        """Upload a version (a draft); 422 lists every problem with its path"""
        versions.get_journey(key)
        source = document_text()
        stored = versions.store_version(source, str(current_user().uuid), expected_key=key)
        return version_json(
            stored.version, stored.outcome
        ), 200 if stored.outcome == "unchanged" else 201


@blp.route("/<string:key>/versions/<int:number>")
class JourneyVersionItem(MethodView):
    @requires(*READERS, activity=ACTIVITY)
    @blp.response(200, VersionDetailSchema)
    def get(self, key: str, number: int) -> dict[str, Any]:
        """One version with its document"""
        return version_json(versions.get_version(key, number))


@blp.route("/<string:key>/versions/<int:number>/publish")
class PublishVersion(MethodView):
    @requires(*DESIGNERS, activity=ACTIVITY)
    @blp.response(200, VersionDetailSchema)
    def post(self, key: str, number: int) -> dict[str, Any]:
        """Publish an approved draft (the published version before it retires); 409 when not
        approved, already published, or when it drops a trigger running instances need"""
        version, _ = governance.publish_approved(key, number)
        return version_json(version)


@blp.route("/<string:key>/versions/<int:number>/diagram")
class VersionDiagram(MethodView):
    @requires(*READERS, activity=ACTIVITY)
    @blp.response(200, DiagramSchema)
    def get(self, key: str, number: int) -> dict[str, Any]:
        """The statechart as Mermaid (always) and SVG (when Graphviz is installed)"""
        version = versions.get_version(key, number)
        definition = versions.definition_for(version.id, version.checksum)
        return {
            "mermaid": diagram.mermaid(definition),
            "svg": diagram.svg(definition),
            "dot": diagram.dot(definition),
        }


@blp.route("/<string:key>/versions/<int:number>/simulate")
class SimulateVersion(MethodView):
    @requires(*DESIGNERS, Role.SUPERVISOR, activity=ACTIVITY)
    @blp.arguments(SimulateInSchema)
    @blp.response(200)
    def post(self, data: dict[str, Any], key: str, number: int) -> dict[str, Any]:
        """Run events and timers against a version without storing anything"""
        version = versions.get_version(key, number)
        definition = versions.definition_for(version.id, version.checksum)
        return simulate(definition, data["steps"], data["language"])


@blp.route("/<string:key>/versions/<int:number>/stats")
class VersionStats(MethodView):
    @requires(*DESIGNERS, Role.SUPERVISOR, activity=ACTIVITY)
    @blp.response(200, StatsSchema)
    def get(self, key: str, number: int) -> dict[str, Any]:
        """Instances per state and status, and the completion rate"""
        return version_stats(key, number)
