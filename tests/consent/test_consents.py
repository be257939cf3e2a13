"""Residents' consents: granted, listed, withdrawn (once), with receipts; STOP withdraws SMS consent."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from flask import Flask

from tests.conftest import Caller


def _party(agent: Caller, phone: str = "+31612345678") -> str:
    body = {
        "type": "person",
        "given_names": "Fatima",
        "surname": "El Amrani",
        "preferred_language": "en",
        "digital_addresses": [{"kind": "phone", "address": phone}],
    }
    response = agent.post("/api/v1/parties", json=body)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def test_grant_list_and_receipt(agent: Caller) -> None:
    party = _party(agent)
    granted = agent.post(
        f"/api/v1/parties/{party}/consents",
        json={"purpose": "proactive", "channel": "sms", "method": "counter"},
    )
    assert granted.status_code == 201, granted.get_json()
    consent = granted.get_json()
    assert consent["action"] == "granted" and consent["active"] is True
    assert consent["language"] == "en" and consent["text_version"] == 2
    assert "withdraw this consent at any time" in consent["text"]
    assert "asks me first about new subjects" in consent["text"]
    listed = agent.get(f"/api/v1/parties/{party}/consents").get_json()
    assert [c["id"] for c in listed["current"]] == [consent["id"]]
    receipt = agent.get(f"/api/v1/parties/{party}/consents/{consent['id']}/receipt")
    assert receipt.status_code == 200
    body = receipt.get_json()
    for field in (
        "version",
        "jurisdiction",
        "consentTimestamp",
        "collectionMethod",
        "consentReceiptID",
        "language",
        "piiPrincipalId",
        "piiControllers",
        "policyUrl",
        "services",
        "sensitive",
        "spiCat",
    ):
        assert field in body, field
    assert body["version"] == "KI-CR-v1.1.0" and body["jurisdiction"] == "NL"
    assert body["collectionMethod"] == "counter" and body["piiPrincipalId"] == party
    assert body["consentReceiptID"] == consent["id"] and body["status"] == "granted"
    assert body["services"][0]["purposes"][0]["consentType"] == "EXPLICIT"
    view = agent.get(f"/api/v1/parties/{party}/view").get_json()
    assert view["consents"][0]["status"] == "granted" and view["consents"][0]["channel"] == "sms"


def test_unknown_purpose_or_channel_is_422(agent: Caller) -> None:
    party = _party(agent)
    for body, name in (
        ({"purpose": "marketing", "channel": "sms"}, "purpose"),
        ({"purpose": "journey:no-such-journey", "channel": "sms"}, "purpose"),
        ({"purpose": "proactive", "channel": "pigeon"}, "channel"),
        ({"purpose": "proactive", "channel": "sms", "method": "telepathy"}, "method"),
    ):
        response = agent.post(f"/api/v1/parties/{party}/consents", json=body)
        assert response.status_code == 422, body
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["invalid_params"][0]["name"] == name
    assert agent.get(f"/api/v1/parties/{party}/consents").get_json()["items"] == []


def test_withdraw_once_then_409(agent: Caller) -> None:
    party = _party(agent)
    consent = agent.post(
        f"/api/v1/parties/{party}/consents", json={"purpose": "proactive", "channel": "any"}
    ).get_json()
    first = agent.post(
        f"/api/v1/parties/{party}/consents/{consent['id']}/withdraw", json={"method": "phone"}
    )
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["action"] == "withdrawn"
    second = agent.post(f"/api/v1/parties/{party}/consents/{consent['id']}/withdraw", json={})
    assert second.status_code == 409
    assert "withdrawn already" in second.get_json()["detail"]
    listed = agent.get(f"/api/v1/parties/{party}/consents").get_json()
    assert listed["current"] == []
    assert [c["action"] for c in listed["items"]] == ["withdrawn", "granted"]
    receipt = agent.get(f"/api/v1/parties/{party}/consents/{consent['id']}/receipt").get_json()
    assert receipt["status"] == "withdrawn" and receipt["withdrawnTimestamp"] is not None
    missing = agent.post(f"/api/v1/parties/{party}/consents/{uuid.uuid4()}/withdraw", json={})
    assert missing.status_code == 404


def test_expired_consent_is_not_current(app: Flask, agent: Caller) -> None:
    party = _party(agent)
    soon = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    agent.post(
        f"/api/v1/parties/{party}/consents",
        json={"purpose": "proactive", "channel": "sms", "expires_at": soon},
    )
    past = agent.post(
        f"/api/v1/parties/{party}/consents",
        json={"purpose": "proactive", "channel": "email", "expires_at": "2020-01-01T00:00:00Z"},
    )
    assert past.status_code == 422
    from sqlalchemy import update

    from kcc.consent.models import ConsentRecord
    from kcc.db import db, unit_of_work

    with app.app_context(), unit_of_work() as session:
        session.execute(
            update(ConsentRecord).values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    with app.app_context():
        db.remove()
    assert agent.get(f"/api/v1/parties/{party}/consents").get_json()["current"] == []
    assert (
        agent.get(f"/api/v1/parties/{party}/view").get_json()["consents"][0]["status"] == "expired"
    )


def test_sms_stop_withdraws_sms_consent_only(app: Flask, agent: Caller, run_jobs) -> None:  # type: ignore[no-untyped-def]
    party = _party(agent, "+31611112222")
    agent.post(f"/api/v1/parties/{party}/consents", json={"purpose": "proactive", "channel": "sms"})
    agent.post(
        f"/api/v1/parties/{party}/consents", json={"purpose": "proactive", "channel": "email"}
    )
    from channels.events import SmsOptedOut
    from kcc.db import db, unit_of_work
    from kcc.events.outbox import record

    with app.app_context():
        with unit_of_work():
            record(
                SmsOptedOut(
                    address="+31611112222",
                    source="keyword",
                    keyword="STOP",
                    evidence_message_id=None,
                )
            )
        db.remove()
    run_jobs()
    listed = agent.get(f"/api/v1/parties/{party}/consents").get_json()
    assert [c["channel"] for c in listed["current"]] == ["email"]
    withdrawal = listed["items"][0]
    assert withdrawal["action"] == "withdrawn" and withdrawal["method"] == "sms"
    assert "STOP" in withdrawal["evidence"]
