"""Routes for a party's consents: list, grant, withdraw, and the receipt of one consent."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask.views import MethodView
from marshmallow import validate

from kcc.auth.access import STAFF_AND_SYSTEM, current_user, requires
from kcc.consent import services
from kcc.consent.constants import CollectionMethod
from kcc.consent.receipts import receipt_for
from kcc.consent.sections import record_dict
from kcc.consent.services import ConsentInput
from kcc.consent.withdrawals import withdraw_consent
from kcc.constants import Action
from kcc.http.blueprint import Blueprint
from kcc.http.schemas import StrictSchema, Timestamp
from kcc.parties.services import get_party
from kcc.privacy.activities import Activity
from kcc.privacy.services import log_processing

blp = Blueprint(
    "consents",
    __name__,
    url_prefix="/api/v1/parties",
    description="What a party agreed to be contacted about.",
)

METHODS = [m.value for m in CollectionMethod]


class ConsentInSchema(StrictSchema):
    purpose = ma.fields.String(
        required=True,
        validate=validate.Length(1, 80),
        metadata={
            "description": "A purpose a journey declares (e.g. 'proactive-moving'), or 'proactive' for "
            "every purpose published now (not later ones)."
        },
    )
    channel = ma.fields.String(
        required=True,
        validate=validate.Length(1, 10),
        metadata={"description": "sms, email or any"},
    )
    method = ma.fields.String(
        load_default="api",
        validate=validate.Length(1, 20),
        metadata={"description": "How the resident gave it: " + ", ".join(METHODS)},
    )
    language = ma.fields.String(
        load_default=None,
        validate=validate.OneOf(["nl", "en"]),
        metadata={"description": "Language of the text agreed to; default the party's."},
    )
    text_version = ma.fields.Integer(
        load_default=None,
        validate=validate.Range(1, 10000),
        metadata={"description": "Version of the text shown; default the newest."},
    )
    expires_at = Timestamp(load_default=None)
    contact_moment_id = ma.fields.UUID(
        load_default=None, metadata={"description": "The contact moment in which it was given."}
    )
    evidence = ma.fields.String(load_default="", validate=validate.Length(max=300))


class WithdrawSchema(StrictSchema):
    method = ma.fields.String(load_default="api", validate=validate.Length(1, 20))
    contact_moment_id = ma.fields.UUID(load_default=None)
    evidence = ma.fields.String(load_default="", validate=validate.Length(max=300))


class ConsentSchema(ma.Schema):
    id = ma.fields.String()
    purpose = ma.fields.String()
    channel = ma.fields.String()
    action = ma.fields.String(metadata={"description": "granted or withdrawn"})
    recorded_at = ma.fields.String()
    method = ma.fields.String()
    language = ma.fields.String()
    text_version = ma.fields.Integer(allow_none=True)
    text = ma.fields.String(metadata={"description": "The exact text agreed to."})
    expires_at = ma.fields.String(allow_none=True)
    active = ma.fields.Boolean(metadata={"description": "Whether this grant is in force now."})
    withdrawn_by = ma.fields.String(allow_none=True)
    evidence = ma.fields.String()


class ConsentListSchema(ma.Schema):
    items = ma.fields.List(
        ma.fields.Nested(ConsentSchema), metadata={"description": "The history, newest first."}
    )
    current = ma.fields.List(
        ma.fields.Nested(ConsentSchema), metadata={"description": "The grants in force now."}
    )


@blp.route("/<uuid:party_id>/consents")
class Consents(MethodView):
    @requires(*STAFF_AND_SYSTEM, activity=Activity.PROACTIVE_SERVICE)
    @blp.response(200, ConsentListSchema)
    def get(self, party_id: uuid.UUID) -> dict[str, Any]:
        """The consent history of a party and the consents in force"""
        party = get_party(party_id)
        rows = services.history(party.id)
        ended = {r.withdraws_id: r for r in rows if r.withdraws_id is not None}
        current = services.current_grants(party.id)
        return {
            "items": [record_dict(r, ended.get(r.id)) for r in rows],
            "current": [record_dict(r) for r in current],
        }

    @requires(*STAFF_AND_SYSTEM, activity=Activity.PROACTIVE_SERVICE)
    @blp.arguments(ConsentInSchema)
    @blp.response(201, ConsentSchema)
    def post(self, data: dict[str, Any], party_id: uuid.UUID) -> dict[str, Any]:
        """Record a consent the resident gave"""
        row = services.grant_consent(
            party_id, ConsentInput(**data, recorded_by_id=current_user().id)
        )
        return record_dict(row)


@blp.route("/<uuid:party_id>/consents/<uuid:consent_id>/withdraw")
class ConsentWithdraw(MethodView):
    @requires(*STAFF_AND_SYSTEM, activity=Activity.PROACTIVE_SERVICE)
    @blp.arguments(WithdrawSchema)
    @blp.response(200, ConsentSchema)
    def post(
        self, data: dict[str, Any], party_id: uuid.UUID, consent_id: uuid.UUID
    ) -> dict[str, Any]:
        """Withdraw a consent now; a second withdrawal is a 409"""
        row = withdraw_consent(
            party_id,
            consent_id,
            data["method"],
            data["contact_moment_id"],
            current_user().id,
            data["evidence"],
        )
        return record_dict(row)


RECEIPT_FIELDS = (
    "version",
    "jurisdiction",
    "consentTimestamp",
    "collectionMethod",
    "consentReceiptID",
    "publicKey",
    "language",
    "piiPrincipalId",
    "piiControllers",
    "policyUrl",
    "services",
    "sensitive",
    "spiCat",
    "status",
    "channel",
    "consentText",
    "consentTextVersion",
    "expiresAt",
    "withdrawnTimestamp",
)
ReceiptSchema = ma.Schema.from_dict(
    {name: ma.fields.Raw(allow_none=True) for name in RECEIPT_FIELDS}, name="ConsentReceiptSchema"
)


@blp.route("/<uuid:party_id>/consents/<uuid:consent_id>/receipt")
class ConsentReceipt(MethodView):
    @requires(*STAFF_AND_SYSTEM, activity=Activity.PROACTIVE_SERVICE)
    @blp.response(200, ReceiptSchema)
    def get(self, party_id: uuid.UUID, consent_id: uuid.UUID) -> dict[str, Any]:
        """The consent receipt (Kantara Consent Receipt 1.1) of one consent or withdrawal"""
        party, row = services.get_record(party_id, consent_id)
        log_processing([party.uuid], Action.READ)
        return receipt_for(party, row)
