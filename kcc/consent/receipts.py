"""Consent receipts with the fields of the Kantara Initiative Consent Receipt Specification 1.1."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kcc.consent.constants import PROACTIVE, ConsentAction
from kcc.consent.models import ConsentRecord
from kcc.consent.texts import controller, jurisdiction, policy_url
from kcc.db import db
from kcc.parties.models import Party

RECEIPT_VERSION = "KI-CR-v1.1.0"
SERVICE = "Proactieve dienstverlening / proactive service"
PII_CATEGORIES = [
    "name",
    "phone number",
    "e-mail address",
    "life events from the population register (BRP)",
]


def _purpose_text(row: ConsentRecord) -> str:
    if row.purpose == PROACTIVE:
        return "Proactive messages about municipal services that fit the resident's life events"
    return f"Messages about the services of the life-event journey '{row.purpose.removeprefix('journey:')}'"


def receipt(
    party: Party, row: ConsentRecord, withdrawal: ConsentRecord | None = None
) -> dict[str, Any]:
    """The receipt of one grant (or of a withdrawal), ready to hand to the resident."""
    details = controller()
    termination = "Withdraw at any time: text STOP, say so in the chat, at the counter or by phone, or use the API."
    body: dict[str, Any] = {
        "version": RECEIPT_VERSION,
        "jurisdiction": jurisdiction(),
        "consentTimestamp": int(row.recorded_at.timestamp()),
        "collectionMethod": row.method,
        "consentReceiptID": str(row.uuid),
        "publicKey": None,
        "language": row.language,
        "piiPrincipalId": str(party.uuid),
        "piiControllers": [
            {
                "piiController": details["name"],
                "onBehalf": False,
                "contact": details["contact"],
                "address": {"streetAddress": details["address"], "addressCountry": jurisdiction()},
                "email": details["email"],
                "phone": details["phone"],
                "piiControllerUrl": details["url"],
            }
        ],
        "policyUrl": policy_url(),
        "services": [
            {
                "service": SERVICE,
                "purposes": [
                    {
                        "purpose": _purpose_text(row),
                        "purposeCategory": ["Proactive service (" + row.purpose + ")"],
                        "consentType": "EXPLICIT",
                        "piiCategory": PII_CATEGORIES,
                        "primaryPurpose": True,
                        "termination": termination,
                        "thirdPartyDisclosure": False,
                        "thirdPartyName": None,
                    }
                ],
            }
        ],
        "sensitive": False,
        "spiCat": [],
        # Fields beyond the specification that make the receipt self-explanatory.
        "status": ConsentAction.WITHDRAWN if withdrawal is not None else row.action,
        "channel": row.channel,
        "consentText": row.text,
        "consentTextVersion": row.text_version,
        "expiresAt": row.expires_at.isoformat() if row.expires_at else None,
        "withdrawnTimestamp": int(withdrawal.recorded_at.timestamp())
        if withdrawal is not None
        else None,
    }
    return body


def receipt_for(party: Party, row: ConsentRecord) -> dict[str, Any]:
    """The receipt of a grant (saying whether it was withdrawn since), or of a withdrawal."""
    session = db.session()
    if row.action == ConsentAction.GRANTED:
        withdrawal = session.scalar(
            select(ConsentRecord).where(ConsentRecord.withdraws_id == row.id)
        )
        return receipt(party, row, withdrawal)
    grant = session.get(ConsentRecord, row.withdraws_id) if row.withdraws_id is not None else None
    return receipt(party, grant or row, row)
