"""Anonymous contact requests as KISS sends them: a betrokkene known only by the name and
addresses given, read back through the standard and our own API, later linked to a partij."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from kcc.db import db
from tests.conftest import Caller
from tests.klantinteracties.test_flows import BSN, get, patch, person, post, token

CONTACTNAAM = {"voornaam": "Jan", "voorvoegselAchternaam": "de", "achternaam": "Vries"}


def contact_request(
    caller: Caller, when: str | None = None, partij: str | None = None
) -> dict[str, Any]:
    """KISS: a klantcontact with a betrokkene (no partij), the phone number they left, a task."""
    klantcontact: dict[str, Any] = {
        "kanaal": "telefoon",
        "onderwerp": "Terugbelverzoek",
        "inhoud": "Wil teruggebeld worden over de aanslag",
        "taal": "nld",
        "vertrouwelijk": False,
        "indicatieContactGelukt": True,
    }
    if when:
        klantcontact["plaatsgevondenOp"] = when
    made = post(
        caller,
        "/maak-klantcontact",
        {
            "klantcontact": klantcontact,
            "betrokkene": {
                "wasPartij": {"uuid": partij} if partij else None,
                "rol": "klant",
                "initiator": True,
                "contactnaam": CONTACTNAAM,
                "organisatienaam": "",
            },
        },
    )
    assert made.status_code == 201, made.get_json()
    betrokkene = made.get_json()["betrokkene"]
    adres = post(
        caller,
        "/digitaleadressen",
        {
            "verstrektDoorBetrokkene": {"uuid": betrokkene["uuid"]},
            "verstrektDoorPartij": None,
            "adres": "0612345678",
            "soortDigitaalAdres": "telefoonnummer",
            "omschrijving": "terugbellen",
        },
    )
    assert adres.status_code == 201, adres.get_json()
    return {
        "klantcontact": made.get_json()["klantcontact"],
        "betrokkene": betrokkene,
        "adres": adres.get_json(),
    }


def test_anonymous_contact_request_is_kept_read_back_and_linked_later(
    system: Caller, agent: Caller, supervisor: Caller
) -> None:
    made = contact_request(system)
    betrokkene, adres = made["betrokkene"], made["adres"]
    contact = made["klantcontact"]
    assert betrokkene["wasPartij"] is None and betrokkene["volledigeNaam"] == "Jan de Vries"
    assert adres["verstrektDoorPartij"] is None
    assert adres["verstrektDoorBetrokkene"]["uuid"] == betrokkene["uuid"]
    assert adres["adres"] == "0612345678"  # kept as written, matched as +31612345678
    actor = post(
        system,
        "/actoren",
        {"naam": "Team Belastingen", "soortActor": "organisatorische_eenheid"},
    ).get_json()
    taak = post(
        system,
        "/internetaken",
        {
            "gevraagdeHandeling": "Terugbellen",
            "aanleidinggevendKlantcontact": {"uuid": contact["uuid"]},
            "toegewezenAanActoren": [{"uuid": actor["uuid"]}],
            "status": "te_verwerken",
        },
    )
    assert taak.status_code == 201, taak.get_json()

    read = get(system, f"/betrokkenen/{betrokkene['uuid']}?expand=digitaleAdressen").get_json()
    assert read["contactnaam"] == {"voorletters": "", **CONTACTNAAM} and read["wasPartij"] is None
    assert [a["adres"] for a in read["_expand"]["digitaleAdressen"]] == ["0612345678"]
    full = get(
        system,
        f"/klantcontacten/{contact['uuid']}?expand=hadBetrokkenen,hadBetrokkenen.wasPartij,"
        "hadBetrokkenen.digitaleAdressen,leiddeTotInterneTaken",
    ).get_json()
    involved = full["_expand"]["hadBetrokkenen"][0]
    assert involved["_expand"]["wasPartij"] is None
    assert involved["_expand"]["digitaleAdressen"][0]["uuid"] == adres["uuid"]
    assert full["_expand"]["leiddeTotInterneTaken"][0]["gevraagdeHandeling"] == "Terugbellen"

    def count(path: str) -> int:
        response = get(system, path)
        assert response.status_code == 200, response.get_json()
        return response.get_json()["count"]  # type: ignore[no-any-return]

    assert count("/klantcontacten?hadBetrokkene__wasPartij=false") == 1
    assert count("/klantcontacten?hadBetrokkene__wasPartij=true") == 0
    assert count("/klantcontacten?hadBetrokkene__digitaaladres__adres__icontains=612345") == 1
    assert count(f"/klantcontacten?hadBetrokkene__uuid={betrokkene['uuid']}") == 1
    assert count("/betrokkenen?contactnaamAchternaam=Vries") == 1
    assert count("/betrokkenen?verstrektedigitaalAdres__adres=0612345678") == 1
    assert count(f"/digitaleadressen?verstrektDoorBetrokkene__uuid={betrokkene['uuid']}") == 1
    assert count("/digitaleadressen?adres=06 12345678") == 1

    ours = system.get(f"/api/v1/contact-moments/{contact['uuid']}").get_json()
    assert ours["parties"] == [
        {"party_id": None, "role": "resident", "contact_name": "Jan de Vries"}
    ]
    listed = system.get("/api/v1/contact-moments?channel=phone").get_json()["items"]
    assert listed[0]["parties"][0]["party_id"] is None
    assert system.get("/api/v1/tasks").get_json()["items"][0]["party_id"] is None

    # The caller turns out to be a known resident: the betrokkene is linked to their partij.
    partij = person(system)
    linked = patch(
        system, f"/betrokkenen/{betrokkene['uuid']}", {"wasPartij": {"uuid": partij["uuid"]}}
    )
    assert linked.status_code == 200, linked.get_json()
    assert linked.get_json()["wasPartij"]["uuid"] == partij["uuid"]
    assert linked.get_json()["volledigeNaam"] == "Jan de Vries"
    assert linked.get_json()["digitaleAdressen"][0]["uuid"] == adres["uuid"]
    assert count(f"/klantcontacten?hadBetrokkene__wasPartij__uuid={partij['uuid']}") == 1
    assert (
        count(f"/klantcontacten?hadBetrokkene__wasPartij__partijIdentificator__objectId={BSN}") == 1
    )
    assert count("/klantcontacten?hadBetrokkene__wasPartij=true") == 1
    # The number left for this contact stays the contact's; it does not join the partij's own.
    assert get(system, f"/partijen/{partij['uuid']}").get_json()["digitaleAdressen"] == []
    assert count(f"/digitaleadressen?verstrektDoorPartij__uuid={partij['uuid']}") == 0
    expanded = get(
        system, f"/partijen/{partij['uuid']}?expand=betrokkenen.hadKlantcontact"
    ).get_json()
    assert (
        expanded["_expand"]["betrokkenen"][0]["_expand"]["hadKlantcontact"]["uuid"]
        == contact["uuid"]
    )

    view = agent.get(f"/api/v1/parties/{partij['uuid']}/view").get_json()
    assert [m["id"] for m in view["contact_moments"]["items"]] == [contact["uuid"]]
    assert view["contact_moments"]["items"][0]["parties"][0]["party_id"] == partij["uuid"]
    export = agent.get(f"/api/v1/parties/{partij['uuid']}/export").get_json()
    given = [a for a in export["addresses"] if a.get("contact_moment_id") == contact["uuid"]]
    assert [a["address"] for a in given] == ["+31612345678"]
    assert export["contact_moments"][0]["involved_as"][0]["contactnaam"] == CONTACTNAAM
    log = supervisor.get(f"/api/v1/processing-log?party={partij['uuid']}").get_json()["items"]
    assert any(r["action"] == "update" and "/betrokkenen/" in r["operation"] for r in log)


def test_a_known_betrokkene_may_leave_an_address_for_this_contact_only(system: Caller) -> None:
    partij = person(system)
    own = post(
        system,
        "/digitaleadressen",
        {
            "verstrektDoorPartij": {"uuid": partij["uuid"]},
            "adres": "anna@example.nl",
            "soortDigitaalAdres": "email",
            "isStandaardAdres": True,
        },
    )
    assert own.status_code == 201, own.get_json()
    made = contact_request(system, partij=partij["uuid"])
    again = post(
        system,
        "/digitaleadressen",
        {
            "verstrektDoorBetrokkene": {"uuid": made["betrokkene"]["uuid"]},
            "adres": "anna@example.nl",
            "soortDigitaalAdres": "email",
        },
    )
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["verstrektDoorPartij"] is None
    registered = get(system, f"/partijen/{partij['uuid']}").get_json()["digitaleAdressen"]
    assert [a["uuid"] for a in registered] == [own.get_json()["uuid"]]
    assert system.get(f"/api/v1/parties/{partij['uuid']}").get_json()["digital_addresses"][0][
        "is_default"
    ]


def test_an_address_says_who_gave_it_when_it_is_known(system: Caller) -> None:
    # As in Open Klant, an address may be registered before anyone is known to have given it.
    loose = post(
        system, "/digitaleadressen", {"adres": "X@example.nl", "soortDigitaalAdres": "email"}
    )
    assert loose.status_code == 201, loose.get_json()
    assert loose.get_json()["verstrektDoorPartij"] is None
    assert loose.get_json()["verstrektDoorBetrokkene"] is None
    assert loose.get_json()["adres"] == "X@example.nl"
    found = get(system, "/digitaleadressen?adres=x@example.nl").get_json()
    assert [a["uuid"] for a in found["results"]] == [loose.get_json()["uuid"]]
    made = contact_request(system)
    other = person(system)
    adopted = patch(
        system,
        f"/digitaleadressen/{made['adres']['uuid']}",
        {"verstrektDoorPartij": {"uuid": other["uuid"]}},
    )
    assert adopted.status_code == 200, adopted.get_json()
    assert adopted.get_json()["verstrektDoorPartij"]["uuid"] == other["uuid"]
    assert adopted.get_json()["verstrektDoorBetrokkene"]["uuid"] == made["betrokkene"]["uuid"]


def test_deleting_a_betrokkene_takes_only_the_addresses_no_partij_keeps(system: Caller) -> None:
    made = contact_request(system)
    partij = person(system)
    kept = post(
        system,
        "/digitaleadressen",
        {
            "verstrektDoorBetrokkene": {"uuid": made["betrokkene"]["uuid"]},
            "verstrektDoorPartij": {"uuid": partij["uuid"]},
            "adres": "jan@example.nl",
            "soortDigitaalAdres": "email",
        },
    ).get_json()
    deleted = system.client.delete(
        f"/klantinteracties/api/v1/betrokkenen/{made['betrokkene']['uuid']}",
        headers=token(system),
    )
    assert deleted.status_code == 204
    assert get(system, f"/digitaleadressen/{made['adres']['uuid']}").status_code == 404
    left = get(system, f"/digitaleadressen/{kept['uuid']}").get_json()
    assert left["verstrektDoorBetrokkene"] is None
    assert left["verstrektDoorPartij"]["uuid"] == partij["uuid"]
    gone = system.client.delete(
        f"/klantinteracties/api/v1/klantcontacten/{contact_request(system)['klantcontact']['uuid']}",
        headers=token(system),
    )
    assert gone.status_code == 204
    assert (
        get(system, "/digitaleadressen?soortDigitaalAdres=telefoonnummer").get_json()["count"] == 0
    )


def test_retention_removes_anonymous_contacts_with_their_addresses(
    app: Flask, system: Caller
) -> None:
    from kcc.rights.retention import run_retention

    old = contact_request(system, when="2022-03-01T10:00:00Z")
    new = contact_request(system)
    with app.app_context():
        removed = run_retention(now=datetime(2026, 11, 1, tzinfo=UTC))
        db.remove()
    assert removed["contact_moments"] == 1
    assert get(system, f"/digitaleadressen/{old['adres']['uuid']}").status_code == 404
    assert get(system, f"/betrokkenen/{old['betrokkene']['uuid']}").status_code == 404
    assert get(system, f"/digitaleadressen/{new['adres']['uuid']}").status_code == 200


def named_betrokkene(caller: Caller, made: dict[str, Any], rol: str, achternaam: str) -> Any:
    """One more betrokkene of the contact request ``made``: no partij, only a name."""
    return post(
        caller,
        "/betrokkenen",
        {
            "hadKlantcontact": {"uuid": made["klantcontact"]["uuid"]},
            "rol": rol,
            "initiator": False,
            "contactnaam": {"achternaam": achternaam},
        },
    )


def test_erasure_takes_the_anonymous_part_of_the_residents_contacts(
    agent: Caller, supervisor: Caller, system: Caller
) -> None:
    partij = person(system)
    made = contact_request(system, partij=partij["uuid"])
    extra = named_betrokkene(system, made, "vertegenwoordiger", "Buurvrouw")
    assert extra.status_code == 201, extra.get_json()
    assert extra.get_json()["wasPartij"] is None
    erased = supervisor.post(
        f"/api/v1/parties/{partij['uuid']}/erasure",
        json={"reason": "request by letter of 1 December 2026"},
    )
    assert erased.status_code == 200, erased.get_json()
    assert erased.get_json()["erased"]["contact_moments"] == 1
    assert get(system, f"/klantcontacten/{made['klantcontact']['uuid']}").status_code == 404
    assert get(system, f"/digitaleadressen/{made['adres']['uuid']}").status_code == 404
    assert get(system, "/betrokkenen").get_json()["count"] == 0


def test_merge_and_undo_carry_the_involvement_and_leave_the_anonymous_one(
    agent: Caller, system: Caller
) -> None:
    survivor = person(system)
    duplicate = agent.post("/api/v1/parties", json={"type": "person", "surname": "Jansen"})
    duplicate = {"uuid": duplicate.get_json()["id"]}
    made = contact_request(system, partij=duplicate["uuid"])
    anonymous = named_betrokkene(system, made, "klant", "Onbekend").get_json()
    merged = agent.post(
        f"/api/v1/parties/{survivor['uuid']}/merge",
        json={"duplicate_id": duplicate["uuid"], "reason": "same person"},
    )
    assert merged.status_code == 201, merged.get_json()
    moved = get(system, f"/betrokkenen/{made['betrokkene']['uuid']}").get_json()
    assert moved["wasPartij"]["uuid"] == survivor["uuid"]
    assert moved["digitaleAdressen"][0]["uuid"] == made["adres"]["uuid"]
    assert get(system, f"/betrokkenen/{anonymous['uuid']}").get_json()["wasPartij"] is None
    undone = agent.post(f"/api/v1/merges/{merged.get_json()['id']}/undo")
    assert undone.status_code == 200, undone.get_json()
    back = get(system, f"/betrokkenen/{made['betrokkene']['uuid']}").get_json()
    assert back["wasPartij"]["uuid"] == duplicate["uuid"]
    assert get(system, f"/betrokkenen/{anonymous['uuid']}").get_json()["wasPartij"] is None


def test_sms_stop_reaches_the_partij_also_when_the_number_was_left_anonymously(
    app: Flask, system: Caller, agent: Caller, run_jobs: Any
) -> None:
    from channels.events import SmsOptedOut
    from kcc.db import unit_of_work
    from kcc.events.models import OutboxEvent
    from kcc.events.outbox import record

    party = agent.post(
        "/api/v1/parties",
        json={
            "type": "person",
            "surname": "Visser",
            "digital_addresses": [{"kind": "phone", "address": "+31612345678"}],
        },
    ).get_json()["id"]
    granted = agent.post(
        f"/api/v1/parties/{party}/consents", json={"purpose": "proactive", "channel": "sms"}
    )
    assert granted.status_code == 201, granted.get_json()
    contact_request(system)
    with app.app_context():
        with unit_of_work():
            record(
                SmsOptedOut(
                    address="+31612345678",
                    source="keyword",
                    keyword="STOP",
                    evidence_message_id=None,
                )
            )
        db.remove()
    run_jobs()
    with app.app_context():
        event = (
            db.session()
            .scalars(select(OutboxEvent).where(OutboxEvent.name == "sms.opted_out"))
            .one()
        )
        handled, error = event.handled_at, event.last_error
        db.remove()
    assert error is None and handled is not None
    assert agent.get(f"/api/v1/parties/{party}/consents").get_json()["current"] == []
