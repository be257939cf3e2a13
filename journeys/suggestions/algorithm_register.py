"""A journey's publication in the Dutch Algorithm Register's publication standard (version 1.0).

The fields, their names, formats (``begin_date`` as ``yyyy-mm``) and value lists (theme,
status, publication category) are those of the standard (MinBZK, Algoritmeregister
publicatiestandaard 1.0), as written down in ``journeys/schema/algoritmeregister-1.0.schema.json``;
a test validates every built-in journey's export against it. Everything comes from the
journey's document (its ``algorithm_register`` section, its declared data and triggers) and
the municipality's details; a field the document does not fill is left out, never filled
with a copied text. ``?lang=en`` gives the same publication wholly in English.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from journeys.constants import VersionStatus
from journeys.models import JourneyVersion
from journeys.versions import get_journey
from kcc.auth.access import STAFF, Role, requires
from kcc.consent.texts import controller
from kcc.errors import NotFound
from kcc.http.blueprint import Blueprint
from kcc.privacy.activities import Activity

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schema" / "algoritmeregister-1.0.schema.json"
STANDARD_VERSION = "1.0"
LANG_CODES = {"nl": "nld", "en": "eng"}  # ISO 639-3, as the standard's 'lang' field asks

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
WORDS = {
    "nl": {
        "in_house": "Intern ontwikkeld",
        "method": (
            "Regelgebaseerd en niet zelflerend: een toestandsdiagram (python-statemachine) met "
            "vaste overgangen op gebeurtenissen en termijnen. Geen voorspellend of lerend model. "
            "Elke stap wordt vastgelegd met de oorzaak. De reis heeft {states} toestanden en "
            "reageert op: {triggers}."
        ),
        "bsn": "BSN, alleen om de bewoner te vinden (niet bewaard)",
        "sensitive": "alleen versleuteld bewaard",
    },
    "en": {
        "in_house": "Developed in-house",
        "method": (
            "Rule-based and not self-learning: a statechart (python-statemachine) with fixed "
            "transitions on events and deadlines. No predictive or learning model. Every step is "
            "recorded with its cause. The journey has {states} states and reacts to: {triggers}."
        ),
        "bsn": "BSN, only to find the resident (not stored)",
        "sensitive": "stored only encrypted",
    },
}


@cache
def standard() -> dict[str, Any]:
    """The publication standard's rules as a JSON Schema (with the English value labels)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _label(kind: str, value: str, language: str) -> str:
    if language == "nl":
        return value
    return str(standard()["x-english-labels"][kind].get(value, value))


def _text(block: Any, language: str) -> str:
    if isinstance(block, dict):
        return str(block.get(language) or "")
    return str(block or "")


def _month(version: JourneyVersion | None, attribute: str) -> str | None:
    moment = getattr(version, attribute) if version is not None else None
    return moment.strftime("%Y-%m") if moment is not None else None


def _source_data(doc: dict[str, Any], language: str) -> str:
    words = WORDS[language]
    lines = [words["bsn"]]
    for item in doc.get("data_used") or []:
        text = _text(item.get("description"), language) or str(item["field"])
        if item.get("sensitive") or str(item["field"]).endswith("bsn"):
            text = f"{text} ({words['sensitive']})"
        lines.append(text)
    return "; ".join(dict.fromkeys(lines))


def _triggers(doc: dict[str, Any]) -> str:
    return ", ".join(dict.fromkeys(str(t["on"]) for t in doc.get("triggers") or []))


def publication(
    version: JourneyVersion, language: str = "nl", first: JourneyVersion | None = None
) -> dict[str, Any]:
    """The register publication of one journey version, in ``language`` (nl or en)."""
    doc = version.document
    register = doc.get("algorithm_register") or {}
    owner = controller()
    words = WORDS[language]
    states = len(doc.get("states") or {}) or len(doc["statechart"]["states"])
    lawful = _text(register.get("lawful_basis"), language) or (
        str((doc.get("processing") or {}).get("legal_basis") or "") if language == "nl" else ""
    )
    fields: dict[str, Any] = {
        "name": _text(doc.get("title"), language)[:100],
        "description_short": _text(doc.get("description"), language)[:350],
        "organization": owner["name"],
        "category": [_label("category", c, language) for c in register.get("category") or []],
        "status": _label("status", STATUS[VersionStatus(version.status)], language),
        "begin_date": _month(first, "published_at"),
        "end_date": _month(version, "retired_at")
        if version.status == VersionStatus.RETIRED
        else None,
        "contact_email": owner["email"],
        "website": register.get("public_page"),
        "publication_category": _label(
            "publication_category",
            str(register.get("publication_category") or "Overige algoritmes"),
            language,
        ),
        "goal": _text(register.get("purpose_and_impact"), language),
        "proportionality": _text(register.get("proportionality"), language),
        "human_intervention": _text(register.get("human_intervention"), language),
        "risks": _text(register.get("risk_management"), language),
        "lawful_basis": lawful,
        "lawful_basis_grouping": list(register.get("lawful_basis_links") or []),
        "process_index_url": register.get("process_index_url"),
        "impacttoetsen_grouping": list(register.get("impact_assessments") or []),
        "impacttoetsen": _text(register.get("impact_assessments_note"), language),
        "source_data": _source_data(doc, language),
        "source_data_grouping": list(register.get("source_data_links") or []),
        "methods_and_models": words["method"].format(states=states, triggers=_triggers(doc)),
        "provider": register.get("provider") or words["in_house"],
        "publiccode": register.get("source_code"),
        "lang": LANG_CODES[language],
        "standard_version": STANDARD_VERSION,
        "source_id": register.get("source_id") or f"kcc-journey-{doc['key']}",
        "tags": ", ".join(t for t in (register.get("department"), str(doc["key"]), "KCC") if t),
    }
    return {name: value for name, value in fields.items() if value not in (None, "", [])}


def register_entry(key: str, language: str = "nl") -> dict[str, Any]:
    """The publication of the journey's published version (else its newest version)."""
    journey = get_journey(key)
    if not journey.versions:
        raise NotFound(_l("journey '%(key)s' has no versions", key=key))
    published = [v for v in journey.versions if v.status == VersionStatus.PUBLISHED]
    first = next((v for v in journey.versions if v.published_at is not None), None)
    return publication((published or journey.versions)[-1], language, first)


class RegisterArgs(ma.Schema):
    lang = ma.fields.String(load_default="nl", validate=ma.validate.OneOf(["nl", "en"]))


def _field(spec: dict[str, Any]) -> ma.fields.Field:
    if spec.get("type") == "array":
        return ma.fields.List(ma.fields.Raw())
    return ma.fields.String()


RegisterSchema = ma.Schema.from_dict(
    {name: _field(spec) for name, spec in standard()["properties"].items()},
    name="AlgorithmRegisterSchema",
)


@blp.route("/<string:key>/algorithm-register")
class AlgorithmRegister(MethodView):
    @requires(*STAFF, Role.PROCESS_OWNER, activity=Activity.SUPERVISION)
    @blp.arguments(RegisterArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, RegisterSchema)
    def get(self, args: dict[str, Any], key: str) -> dict[str, Any]:
        """The journey as published in the Algorithm Register's publication standard 1.0"""
        return register_entry(key, args["lang"])
