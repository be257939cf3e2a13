"""Through the Klantinteracties API: a resident, an address, a contact, a task, read by BSN."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Caller

BASE = "/klantinteracties/api/v1"
BSN = "111222333"


def token(caller: Caller) -> dict[str, str]:
    return {"Authorization": f"Token {caller.token}"}


def post(caller: Caller, path: str, data: dict[str, Any]) -> Any:
    return caller.client.post(BASE + path, json=data, headers=token(caller))


def get(caller: Caller, path: str) -> Any:
    return caller.client.get(BASE + path, headers=token(caller))


def person(caller: Caller, bsn: str = BSN, surname: str = "Jansen") -> dict[str, Any]:
    response = post(
        caller,
        "/partijen",
        {
            "soortPartij": "persoon",
            "indicatieActief": True,
            "voorkeurstaal": "nld",
            "partijIdentificatie": {
                "contactnaam": {
                    "voornaam": "Anna",
                    "voorvoegselAchternaam": "",
                    "achternaam": surname,
                }
            },
            "partijIdentificatoren": [
                {
                    "partijIdentificator": {
                        "codeObjecttype": "natuurlijk_persoon",
                        "codeSoortObjectId": "bsn",
                        "objectId": bsn,
                        "codeRegister": "brp",
                    }
                }
            ],
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def test_resident_flow_reads_back_by_bsn(system: Caller, agent: Caller) -> None:
    partij = person(system)
    assert partij["partijIdentificatie"]["volledigeNaam"] == "Anna Jansen"
    assert partij["url"] == f"http://kcc.test{BASE}/partijen/{partij['uuid']}"
    assert partij["partijIdentificatoren"][0]["partijIdentificator"]["objectId"] == BSN

    adres = post(
        system,
        "/digitaleadressen",
        {
            "verstrektDoorPartij": {"uuid": partij["uuid"]},
            "adres": "06 12345678",
            "soortDigitaalAdres": "telefoonnummer",
            "omschrijving": "mobiel",
        },
    )
    assert adres.status_code == 201, adres.get_json()
    assert adres.get_json()["adres"] == "06 12345678"  # as written; matched as +31612345678

    made = post(
        system,
        "/maak-klantcontact",
        {
            "klantcontact": {
                "kanaal": "telefoon",
                "onderwerp": "Afval",
                "inhoud": "Container niet geleegd",
                "taal": "nld",
                "vertrouwelijk": False,
                "plaatsgevondenOp": "2026-11-01T10:00:00Z",
            },
            "betrokkene": {
                "wasPartij": {"uuid": partij["uuid"]},
                "rol": "klant",
                "initiator": True,
            },
            "onderwerpobject": {
                "onderwerpobjectidentificator": {
                    "objectId": "Z-2026-001",
                    "codeObjecttype": "zaak",
                    "codeRegister": "openzaak",
                    "codeSoortObjectId": "id",
                }
            },
        },
    )
    assert made.status_code == 201, made.get_json()
    contact = made.get_json()["klantcontact"]
    assert made.get_json()["betrokkene"]["wasPartij"]["uuid"] == partij["uuid"]

    actor = post(
        system,
        "/actoren",
        {
            "naam": "Team Afval",
            "soortActor": "organisatorische_eenheid",
            "indicatieActief": True,
            "actorIdentificatie": {"omschrijving": "Afval"},
        },
    )
    assert actor.status_code == 201, actor.get_json()
    taak = post(
        system,
        "/internetaken",
        {
            "gevraagdeHandeling": "Terugbellen",
            "aanleidinggevendKlantcontact": {"uuid": contact["uuid"]},
            "toegewezenAanActoren": [{"uuid": actor.get_json()["uuid"]}],
            "status": "te_verwerken",
        },
    )
    assert taak.status_code == 201, taak.get_json()

    found = get(
        system, f"/partijen?partijIdentificator__objectId={BSN}&expand=digitaleAdressen"
    ).get_json()
    assert found["count"] == 1
    assert found["results"][0]["_expand"]["digitaleAdressen"][0]["adres"] == "06 12345678"
    contacts = get(
        system,
        f"/klantcontacten?hadBetrokkene__wasPartij__partijIdentificator__objectId={BSN}"
        "&expand=hadBetrokkenen,leiddeTotInterneTaken,gingOverOnderwerpobjecten",
    ).get_json()
    assert contacts["count"] == 1
    expanded = contacts["results"][0]["_expand"]
    assert expanded["leiddeTotInterneTaken"][0]["gevraagdeHandeling"] == "Terugbellen"
    assert (
        expanded["gingOverOnderwerpobjecten"][0]["onderwerpobjectidentificator"]["objectId"]
        == "Z-2026-001"
    )
    by_object = get(
        system, "/klantcontacten?onderwerpobject__onderwerpobjectidentificatorObjectId=Z-2026-001"
    )
    assert by_object.get_json()["count"] == 1
    tasks = get(
        system, f"/internetaken?aanleidinggevendKlantcontact__uuid={contact['uuid']}"
    ).get_json()
    assert tasks["count"] == 1 and tasks["results"][0]["status"] == "te_verwerken"

    view = agent.get(f"/api/v1/parties/{partij['uuid']}/view").get_json()
    assert [m["id"] for m in view["contact_moments"]["items"]] == [contact["uuid"]]
    assert len(view["open_tasks"]) == 1


def test_contact_moment_from_our_api_is_a_klantcontact(system: Caller) -> None:
    partij = person(system)
    moment = system.post(
        "/api/v1/contact-moments",
        json={
            "channel": "sms",
            "subject": "Vraag",
            "text": "Wanneer?",
            "parties": [{"party_id": partij["uuid"]}],
        },
    )
    assert moment.status_code == 201, moment.get_json()
    listed = get(
        system,
        f"/klantcontacten?hadBetrokkene__wasPartij__uuid={partij['uuid']}&expand=hadBetrokkenen",
    )
    result = listed.get_json()["results"][0]
    assert result["uuid"] == moment.get_json()["id"]
    assert result["kanaal"] == "sms"
    assert result["_expand"]["hadBetrokkenen"][0]["wasPartij"]["uuid"] == partij["uuid"]


def test_validation_errors_use_the_standard_shape(system: Caller) -> None:
    bad = post(
        system,
        "/partijen",
        {
            "soortPartij": "persoon",
            "indicatieActief": True,
            "partijIdentificatoren": [
                {
                    "partijIdentificator": {
                        "codeObjecttype": "natuurlijk_persoon",
                        "codeSoortObjectId": "bsn",
                        "objectId": "123456789",
                        "codeRegister": "brp",
                    }
                }
            ],
        },
    )
    assert bad.status_code == 400
    body = bad.get_json()
    assert body["invalidParams"][0]["name"] == "partijIdentificator.objectId"
    assert "eleven-check" in body["invalidParams"][0]["reason"]
    assert "123456789" not in bad.get_data(as_text=True)
    assert bad.headers["API-Version"] == "0.9.0"
    long = post(
        system,
        "/klantcontacten",
        {"kanaal": "telefoon", "onderwerp": "x" * 201, "taal": "nld", "vertrouwelijk": False},
    )
    assert long.status_code == 400 and long.get_json()["invalidParams"][0]["code"] == "max_length"
    phone = post(
        system,
        "/digitaleadressen",
        {
            "verstrektDoorPartij": {"uuid": person(system, "123456782")["uuid"]},
            "adres": "12",
            "soortDigitaalAdres": "telefoonnummer",
        },
    )
    assert phone.status_code == 400 and phone.get_json()["invalidParams"][0]["name"] == "adres"


def test_duplicate_bsn_is_refused(system: Caller) -> None:
    person(system)
    again = post(
        system,
        "/partijen",
        {
            "soortPartij": "persoon",
            "indicatieActief": True,
            "partijIdentificatoren": [
                {
                    "partijIdentificator": {
                        "codeObjecttype": "natuurlijk_persoon",
                        "codeSoortObjectId": "bsn",
                        "objectId": BSN,
                        "codeRegister": "brp",
                    }
                }
            ],
        },
    )
    assert again.status_code == 400
    assert again.get_json()["invalidParams"][0]["code"] == "unique"


def test_pagination_and_auth(system: Caller, client: Any) -> None:
    for i, bsn in enumerate(["111222333", "123456782", "999993653"]):
        person(system, bsn, f"Naam{i}")
    page = get(system, "/partijen?pageSize=2").get_json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["previous"] is None
    assert page["next"].endswith("pageSize=2&page=2")
    second = get(system, "/partijen?pageSize=2&page=2").get_json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert get(system, "/partijen?page=9").status_code == 404
    anonymous = client.get(BASE + "/partijen")
    assert anonymous.status_code == 401 and anonymous.get_json()["code"] == "not_authenticated"


@pytest.mark.parametrize("extension", ["json", "yaml"])
def test_serves_the_vng_document(client: Any, extension: str) -> None:
    response = client.get(f"{BASE}/openapi.{extension}")
    assert response.status_code == 200
    assert "http://kcc.test/klantinteracties/api/v1" in response.get_data(as_text=True)


def test_reads_by_bsn_are_in_the_processing_log(system: Caller, supervisor: Caller) -> None:
    partij = person(system)
    assert get(system, f"/partijen?partijIdentificator__objectId={BSN}").get_json()["count"] == 1
    log = supervisor.get(f"/api/v1/processing-log?party={partij['uuid']}").get_json()["items"]
    actions = {(r["action"], r["operation"].split()[0]) for r in log}
    assert ("search", "GET") in actions and ("create", "POST") in actions
    assert all(r["actor_id"] == str(system.user_id) for r in log)


def patch(caller: Caller, path: str, data: dict[str, Any]) -> Any:
    return caller.client.patch(BASE + path, json=data, headers=token(caller))


def test_patch_changes_only_what_is_sent_and_closes_tasks(system: Caller) -> None:
    partij = person(system)
    changed = patch(
        system,
        f"/partijen/{partij['uuid']}",
        {
            "partijIdentificatie": {"contactnaam": {"voornaam": "Anna", "achternaam": "de Vries"}},
            "interneNotitie": "belt liever 's middags",
        },
    )
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["partijIdentificatie"]["volledigeNaam"] == "Anna de Vries"
    assert body["partijIdentificatoren"][0]["partijIdentificator"]["objectId"] == BSN
    assert system.get(f"/api/v1/parties/{partij['uuid']}").get_json()["surname"] == "de Vries"
    assert (
        patch(system, f"/partijen/{partij['uuid']}", {"soortPartij": "organisatie"}).status_code
        == 400
    )

    made = post(
        system,
        "/maak-klantcontact",
        {
            "klantcontact": {
                "kanaal": "balie",
                "onderwerp": "Paspoort",
                "taal": "nld",
                "vertrouwelijk": False,
            },
            "betrokkene": {
                "wasPartij": {"uuid": partij["uuid"]},
                "rol": "klant",
                "initiator": True,
            },
        },
    ).get_json()
    actor = post(
        system,
        "/actoren",
        {"naam": "Burgerzaken", "soortActor": "organisatorische_eenheid", "indicatieActief": True},
    ).get_json()
    taak = post(
        system,
        "/internetaken",
        {
            "gevraagdeHandeling": "Terugbellen",
            "aanleidinggevendKlantcontact": {"uuid": made["klantcontact"]["uuid"]},
            "toegewezenAanActoren": [{"uuid": actor["uuid"]}],
            "status": "te_verwerken",
        },
    ).get_json()
    done = patch(system, f"/internetaken/{taak['uuid']}", {"status": "verwerkt"})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["afgehandeldOp"] is not None
    ours = system.get(f"/api/v1/tasks?party={partij['uuid']}").get_json()["items"]
    assert [t["status"] for t in ours] == ["done"]
    assert get(system, "/internetaken?status=verwerkt").get_json()["count"] == 1


def test_a_moment_outside_the_utc_calendar_is_refused(system: Caller) -> None:
    response = post(
        system,
        "/klantcontacten",
        {
            "kanaal": "telefoon",
            "onderwerp": "x",
            "taal": "nld",
            "vertrouwelijk": False,
            "plaatsgevondenOp": "0001-01-01T00:00:00+01:00",
        },
    )
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["invalidParams"][0]["name"] == "plaatsgevondenOp"
    listing = get(system, "/klantcontacten?plaatsgevondenOp=0001-01-01T00:00:00%2B01:00")
    assert listing.status_code == 400, listing.get_json()
