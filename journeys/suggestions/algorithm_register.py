"""A journey's publication in the fields of the national Algorithm Register (algoritmes.overheid.nl)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView

from journeys.constants import VersionStatus
from journeys.models import JourneyVersion
from journeys.versions import get_journey
from kcc.auth.access import STAFF, Role, requires
from kcc.consent.texts import controller
from kcc.errors import NotFound
from kcc.http.blueprint import Blueprint
from kcc.privacy.activities import Activity

blp = Blueprint(
    "algorithm_register",
    __name__,
    url_prefix="/api/v1/journeys",
    description="Algorithm Register publication.",
)

STATUS = {
    VersionStatus.PUBLISHED: "In gebruik",
    VersionStatus.DRAFT: "In ontwikkeling",
    VersionStatus.RETIRED: "Buiten gebruik",
}
# Fields the register's publication standard requires; the ones the document must supply are
# checked here, the rest are filled from the municipality's details and the journey itself.
REQUIRED = (
    "name",
    "organization",
    "description_short",
    "status",
    "goal",
    "impact",
    "human_intervention",
    "risk_management",
    "lawful_basis",
    "source_data",
    "methods_and_models",
    "publication_category",
    "contact_email",
    "competent_authority",
)
METHOD = (
    "Regelgebaseerd: een toestandsdiagram (python-statemachine) met vaste overgangen op gebeurtenissen en "
    "termijnen. Geen voorspellend of lerend model; elke stap wordt vastgelegd met de oorzaak."
)


def _text(block: Any, language: str) -> str:
    return str((block or {}).get(language) or "") if isinstance(block, dict) else str(block or "")


def publication(version: JourneyVersion, language: str = "nl") -> dict[str, Any]:
    """The register fields for one journey version, with the names of required fields left empty."""
    doc = version.document
    register = doc.get("algorithm_register") or {}
    owner = controller()
    fields: dict[str, Any] = {
        "name": _text(doc.get("title"), language),
        "organization": owner["name"],
        "description_short": _text(doc.get("description"), language),
        "type": "Regelgebaseerd algoritme",
        "category": ["Dienstverlening"],
        "status": STATUS.get(VersionStatus(version.status), version.status),
        "goal": _text(register.get("purpose_and_impact"), language),
        "impact": _text(register.get("purpose_and_impact"), language),
        "proportionality": _text(register.get("risk_management"), language),
        "decision_making_process": "Het algoritme neemt geen besluiten; het doet alleen suggesties die de bewoner zelf kiest.",
        "human_intervention": _text(register.get("human_intervention"), language),
        "risk_management": _text(register.get("risk_management"), language),
        "lawful_basis": str((doc.get("processing") or {}).get("legal_basis") or ""),
        "processing_activity": str((doc.get("processing") or {}).get("activity") or ""),
        "source_data": list(register.get("data_used") or []),
        "methods_and_models": METHOD,
        "publication_category": "Overige algoritmes",
        "competent_authority": f"College van burgemeester en wethouders, {owner['name']}",
        "contact_email": owner["email"],
        "website": owner["url"],
        "objection_procedure": "Er wordt geen besluit genomen; een klacht kan via het klachtenformulier van de gemeente.",
        "begin_date": version.published_at.date().isoformat() if version.published_at else None,
        "end_date": version.retired_at.date().isoformat() if version.retired_at else None,
        "version": version.number,
        "lang": language,
    }
    fields["required_missing"] = [name for name in REQUIRED if not fields.get(name)]
    return fields


def register_entry(key: str, language: str = "nl") -> dict[str, Any]:
    """The publication of the journey's published version (else its newest version)."""
    journey = get_journey(key)
    if not journey.versions:
        raise NotFound(f"journey '{key}' has no versions")
    published = [v for v in journey.versions if v.status == VersionStatus.PUBLISHED]
    return publication((published or journey.versions)[-1], language)


class RegisterArgs(ma.Schema):
    lang = ma.fields.String(load_default="nl", validate=ma.validate.OneOf(["nl", "en"]))


RegisterSchema = ma.Schema.from_dict(
    {
        name: ma.fields.Raw(allow_none=True)
        for name in (
            *REQUIRED,
            "type",
            "category",
            "proportionality",
            "decision_making_process",
            "processing_activity",
            "website",
            "objection_procedure",
            "begin_date",
            "end_date",
            "version",
            "lang",
            "required_missing",
        )
    },
    name="AlgorithmRegisterSchema",
)


@blp.route("/<string:key>/algorithm-register")
class AlgorithmRegister(MethodView):
    @requires(*STAFF, Role.PROCESS_OWNER, activity=Activity.SUPERVISION)
    @blp.arguments(RegisterArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, RegisterSchema)
    def get(self, args: dict[str, Any], key: str) -> dict[str, Any]:
        """The journey as published in the national Algorithm Register's fields"""
        return register_entry(key, args["lang"])
