"""Klantinteracties changes core records only through the core: its events, its log, its rules."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Flask
from sqlalchemy import func, select

from kcc.consent.models import ConsentRecord
from kcc.db import db
from kcc.events.models import OutboxEvent
from kcc.parties.models import Party
from tests.conftest import Caller
from tests.klantinteracties.test_flows import BASE, get, person, post, token

IBAN = "NL91ABNA0417164300"


def delete(caller: Caller, path: str) -> Any:
    return caller.client.delete(BASE + path, headers=token(caller))


def patch(caller: Caller, path: str, data: dict[str, Any]) -> Any:
    return caller.client.patch(BASE + path, json=data, headers=token(caller))


def events(app: Flask, name: str) -> list[dict[str, Any]]:
    with app.app_context():
        rows = db.session().scalars(
            select(OutboxEvent.payload).where(OutboxEvent.name == name).order_by(OutboxEvent.id)
        )
        found = [dict(row) for row in rows]
        db.remove()
    return found


def consents_of(app: Flask, party_uuid: str) -> int:
    with app.app_context():
        count = db.session().scalar(
            select(func.count())
            .select_from(ConsentRecord)
            .join(Party, Party.id == ConsentRecord.party_id)
            .where(Party.uuid == UUID(party_uuid))
        )
        db.remove()
    return count or 0


def test_deleting_a_partij_erases_it_keeps_its_consents_and_hides_it(
    app: Flask, system: Caller, agent: Caller
) -> None:
    partij = person(system)
    uuid = partij["uuid"]
    granted = agent.post(
        f"/api/v1/parties/{uuid}/consents", json={"purpose": "proactive", "channel": "sms"}
    )
    assert granted.status_code == 201, granted.get_json()
    account = post(system, "/rekeningnummers", {"partij": {"uuid": uuid}, "iban": IBAN})
    assert account.status_code == 201, account.get_json()

    deleted = delete(system, f"/partijen/{uuid}")

    assert deleted.status_code == 204, deleted.get_json()
    assert consents_of(app, uuid) == 1
    removed = events(app, "party.removed")
    assert [e["party_id"] for e in removed] == [uuid]
    assert removed[0]["erased"]["identity"] == 2  # the partij and its BSN
    assert get(system, f"/partijen/{uuid}").status_code == 404
    assert get(system, "/partijen").get_json()["count"] == 0
    assert get(system, f"/rekeningnummers/{account.get_json()['uuid']}").status_code == 404
    assert agent.get(f"/api/v1/parties/{uuid}").status_code == 404
    assert agent.get("/api/v1/parties?q=Jansen").get_json()["items"] == []
    assert agent.get("/api/v1/parties?bsn=111222333").get_json()["items"] == []
    again = delete(system, f"/partijen/{uuid}")
    assert again.status_code == 404 and again.get_json()["code"] == "not_found"
    refer = post(
        system,
        "/digitaleadressen",
        {
            "verstrektDoorPartij": {"uuid": uuid},
            "adres": "a@example.nl",
            "soortDigitaalAdres": "email",
        },
    )
    assert refer.status_code == 400
    assert refer.get_json()["invalidParams"][0]["name"] == "verstrektDoorPartij.uuid"


def test_deleting_a_partij_with_an_open_complaint_is_refused(
    app: Flask, system: Caller, agent: Caller
) -> None:
    uuid = person(system)["uuid"]
    complaint = agent.post(
        "/api/v1/tasks",
        json={
            "kind": "complaint",
            "party_id": uuid,
            "description": "Klacht over de behandeling aan de balie",
            "assigned_team": "KCC",
        },
    )
    assert complaint.status_code == 201, complaint.get_json()

    refused = delete(system, f"/partijen/{uuid}")

    assert refused.status_code == 409
    assert refused.mimetype == "application/json"
    body = refused.get_json()
    assert body["code"] == "conflict" and body["status"] == 409 and body["title"]
    assert body["type"].endswith("/conflict") and body["instance"].startswith("urn:uuid:")
    assert "complaint" in body["detail"] and "Awb" in body["detail"]
    assert refused.headers["API-Version"] == "0.9.0"
    kept = get(system, f"/partijen/{uuid}")
    assert kept.status_code == 200
    assert kept.get_json()["partijIdentificatie"]["volledigeNaam"] == "Anna Jansen"
    assert events(app, "party.removed") == []


def test_an_iban_that_fails_its_check_digits_is_refused_on_its_field(system: Caller) -> None:
    uuid = person(system)["uuid"]
    refused = post(
        system, "/rekeningnummers", {"partij": {"uuid": uuid}, "iban": "NL91ABNA0417164301"}
    )
    assert refused.status_code == 400
    params = refused.get_json()["invalidParams"]
    assert params[0]["name"] == "iban" and "check digits" in params[0]["reason"]
    bad_bic = post(
        system,
        "/rekeningnummers",
        {"partij": {"uuid": uuid}, "iban": IBAN, "bic": "ABNANL2"},
    )
    assert bad_bic.status_code == 400 and bad_bic.get_json()["invalidParams"][0]["name"] == "bic"


def test_a_bank_account_is_exported_and_erased_with_the_party(
    system: Caller, agent: Caller, supervisor: Caller
) -> None:
    uuid = person(system)["uuid"]
    made = post(
        system,
        "/rekeningnummers",
        {"partij": {"uuid": uuid}, "iban": "nl91abna0417164300", "bic": "ABNANL2A"},
    )
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["iban"] == IBAN

    exported = agent.get(f"/api/v1/parties/{uuid}/export").get_json()
    accounts = exported["bank_accounts"]
    assert [(a["iban"], a["bic"]) for a in accounts] == [(IBAN, "ABNANL2A")]

    erased = supervisor.post(
        f"/api/v1/parties/{uuid}/erasure", json={"reason": "the resident asked in writing"}
    )
    assert erased.status_code == 200 and erased.get_json()["complete"] is True
    after = agent.get(f"/api/v1/parties/{uuid}/export").get_json()
    assert after["bank_accounts"] == []
    assert get(system, f"/rekeningnummers/{made.get_json()['uuid']}").status_code == 404


def _updated(app: Flask, uuid: str) -> list[list[str]]:
    return [e["fields"] for e in events(app, "party.updated") if e["party_id"] == uuid]


def test_identifiers_addresses_and_accounts_changed_here_record_the_partys_change(
    app: Flask, system: Caller
) -> None:
    created = post(
        system,
        "/partijen",
        {
            "soortPartij": "persoon",
            "indicatieActief": True,
            "partijIdentificatie": {"contactnaam": {"voornaam": "Bo", "achternaam": "Smit"}},
        },
    )
    assert created.status_code == 201, created.get_json()
    uuid = created.get_json()["uuid"]
    identifier = post(
        system,
        "/partij-identificatoren",
        {
            "identificeerdePartij": {"uuid": uuid},
            "partijIdentificator": {
                "codeObjecttype": "natuurlijk_persoon",
                "codeSoortObjectId": "bsn",
                "objectId": "123456782",
                "codeRegister": "brp",
            },
        },
    )
    assert identifier.status_code == 201, identifier.get_json()
    assert _updated(app, uuid) == [["identifiers"]]

    address = post(
        system,
        "/digitaleadressen",
        {
            "verstrektDoorPartij": {"uuid": uuid},
            "adres": "bo@example.nl",
            "soortDigitaalAdres": "email",
        },
    ).get_json()
    changed = patch(system, f"/digitaleadressen/{address['uuid']}", {"adres": "b.smit@example.nl"})
    assert changed.status_code == 200 and changed.get_json()["adres"] == "b.smit@example.nl"
    assert _updated(app, uuid)[1:] == [["digital_addresses"], ["digital_addresses"]]

    account = post(system, "/rekeningnummers", {"partij": {"uuid": uuid}, "iban": IBAN})
    assert delete(system, f"/rekeningnummers/{account.get_json()['uuid']}").status_code == 204
    assert delete(system, f"/digitaleadressen/{address['uuid']}").status_code == 204
    assert (
        delete(system, f"/partij-identificatoren/{identifier.get_json()['uuid']}").status_code
        == 204
    )
    assert _updated(app, uuid)[3:] == [
        ["bank_accounts"],
        ["bank_accounts"],
        ["digital_addresses"],
        ["identifiers"],
    ]
    assert get(system, f"/partijen/{uuid}").get_json()["partijIdentificatoren"] == []


def test_a_klantcontact_deleted_here_records_its_deletion(app: Flask, system: Caller) -> None:
    uuid = person(system)["uuid"]
    made = post(
        system,
        "/maak-klantcontact",
        {
            "klantcontact": {
                "kanaal": "telefoon",
                "onderwerp": "Paspoort",
                "inhoud": "Vraag over de afspraak",
                "taal": "nld",
                "vertrouwelijk": False,
                "nummer": "42",
            },
            "betrokkene": {"wasPartij": {"uuid": uuid}, "rol": "klant", "initiator": True},
            "onderwerpobject": {
                "onderwerpobjectidentificator": {
                    "objectId": "Z-2026-007",
                    "codeObjecttype": "zaak",
                    "codeRegister": "openzaak",
                    "codeSoortObjectId": "id",
                }
            },
        },
    )
    assert made.status_code == 201, made.get_json()
    contact = made.get_json()["klantcontact"]
    assert contact["nummer"] == "42"
    assert (
        made.get_json()["onderwerpobject"]["onderwerpobjectidentificator"]["codeSoortObjectId"]
        == "id"
    )

    assert delete(system, f"/klantcontacten/{contact['uuid']}").status_code == 204

    deleted = events(app, "contact_moment.deleted")
    assert deleted == [{"contact_moment_id": contact["uuid"], "party_ids": [uuid]}]
    assert get(system, f"/klantcontacten/{contact['uuid']}").status_code == 404
    assert get(system, f"/betrokkenen/{made.get_json()['betrokkene']['uuid']}").status_code == 404


def test_betrokkenen_and_onderwerpobjecten_change_through_the_core(
    app: Flask, system: Caller
) -> None:
    uuid = person(system)["uuid"]
    contact = post(
        system,
        "/klantcontacten",
        {"kanaal": "balie", "onderwerp": "Afval", "taal": "nld", "vertrouwelijk": False},
    ).get_json()
    betrokkene = post(
        system,
        "/betrokkenen",
        {
            "hadKlantcontact": {"uuid": contact["uuid"]},
            "wasPartij": {"uuid": uuid},
            "rol": "klant",
            "initiator": True,
        },
    )
    assert betrokkene.status_code == 201, betrokkene.get_json()
    twice = post(
        system,
        "/betrokkenen",
        {
            "hadKlantcontact": {"uuid": contact["uuid"]},
            "wasPartij": {"uuid": uuid},
            "rol": "klant",
            "initiator": False,
        },
    )
    assert twice.status_code == 400
    assert twice.get_json()["invalidParams"][0] == {
        "name": "wasPartij",
        "code": "unique",
        "reason": "already involved in this role",
    }
    item = post(
        system,
        "/onderwerpobjecten",
        {
            "klantcontact": {"uuid": contact["uuid"]},
            "onderwerpobjectidentificator": {
                "objectId": "Z-1",
                "codeObjecttype": "zaak",
                "codeRegister": "openzaak",
                "codeSoortObjectId": "id",
            },
        },
    )
    assert item.status_code == 201, item.get_json()
    assert delete(system, f"/onderwerpobjecten/{item.get_json()['uuid']}").status_code == 204
    assert delete(system, f"/betrokkenen/{betrokkene.get_json()['uuid']}").status_code == 204
    changes = [
        (e["change"], e["contact_moment_id"])
        for e in events(app, "contact_moment.involvement_changed")
    ]
    assert changes == [("added", contact["uuid"]), ("removed", contact["uuid"])]
    objects = [(e["change"], e["id"]) for e in events(app, "contact_moment.subject_object_changed")]
    assert objects == [("added", "Z-1"), ("removed", "Z-1")]


def test_an_interne_taak_changed_and_deleted_here_records_the_tasks_events(
    app: Flask, system: Caller
) -> None:
    uuid = person(system)["uuid"]
    contact = post(
        system,
        "/maak-klantcontact",
        {
            "klantcontact": {
                "kanaal": "telefoon",
                "onderwerp": "Afval",
                "taal": "nld",
                "vertrouwelijk": False,
            },
            "betrokkene": {"wasPartij": {"uuid": uuid}, "rol": "klant", "initiator": True},
        },
    ).get_json()["klantcontact"]
    actor = post(
        system,
        "/actoren",
        {
            "naam": "Team Afval",
            "soortActor": "organisatorische_eenheid",
            "indicatieActief": True,
            "actorIdentificatie": {"omschrijving": "Afval"},
        },
    ).get_json()
    taak = post(
        system,
        "/internetaken",
        {
            "gevraagdeHandeling": "Terugbellen",
            "aanleidinggevendKlantcontact": {"uuid": contact["uuid"]},
            "toegewezenAanActoren": [{"uuid": actor["uuid"]}],
            "status": "te_verwerken",
            "nummer": "T-1",
        },
    )
    assert taak.status_code == 201, taak.get_json()
    assert taak.get_json()["nummer"] == "T-1"
    renumbered = patch(system, f"/internetaken/{taak.get_json()['uuid']}", {"nummer": "T-2"})
    assert renumbered.status_code == 200 and renumbered.get_json()["nummer"] == "T-2"
    assert delete(system, f"/internetaken/{taak.get_json()['uuid']}").status_code == 204
    assert [e["fields"] for e in events(app, "task.changed")][-1].count("number") == 1
    deleted = events(app, "task.deleted")
    assert deleted == [{"task_id": taak.get_json()["uuid"], "kind": "callback", "party_id": uuid}]


def test_unlinking_an_account_or_a_given_address_from_its_partij_keeps_it(
    app: Flask, system: Caller
) -> None:
    from tests.klantinteracties.test_anonymous import contact_request

    uuid = person(system)["uuid"]
    account = post(system, "/rekeningnummers", {"partij": {"uuid": uuid}, "iban": IBAN}).get_json()
    unlinked = patch(system, f"/rekeningnummers/{account['uuid']}", {"partij": None})
    assert unlinked.status_code == 200, unlinked.get_json()
    assert unlinked.get_json()["partij"] is None
    assert get(system, f"/rekeningnummers/{account['uuid']}").status_code == 200
    assert _updated(app, uuid)[-2:] == [["bank_accounts"], ["bank_accounts"]]

    made = contact_request(system)
    adres = made["adres"]["uuid"]
    adopted = patch(system, f"/digitaleadressen/{adres}", {"verstrektDoorPartij": {"uuid": uuid}})
    assert adopted.status_code == 200, adopted.get_json()
    released = patch(system, f"/digitaleadressen/{adres}", {"verstrektDoorPartij": None})
    assert released.status_code == 200, released.get_json()
    kept = get(system, f"/digitaleadressen/{adres}").get_json()
    assert kept["verstrektDoorPartij"] is None
    assert kept["verstrektDoorBetrokkene"]["uuid"] == made["betrokkene"]["uuid"]
    assert get(system, f"/partijen/{uuid}").get_json()["digitaleAdressen"] == []
