"""KISS (Klantinteractie-Servicesysteem) as it calls the standard API: find or register a
person, a business or a branch, register a contact with its betrokkene, onderwerpobject,
callback address and callback task, and read it all back with expands. The bodies and query
parameters are the ones KISS sends (a KvK number may be registered before its organisation)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.conftest import Caller
from tests.klantinteracties.test_flows import get, post, token

KVK = "69599084"
BRANCH = "000037178598"


def _ok(response: Any, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/json"
    return response.get_json()  # type: ignore[no-any-return]


def _identificator(caller: Caller, code: str, value: str) -> dict[str, Any] | None:
    found = _ok(
        get(
            caller,
            f"/partij-identificatoren?partijIdentificatorCodeSoortObjectId={code}"
            f"&partijIdentificatorObjectId={value}",
        ),
        200,
    )
    return found["results"][0] if found["results"] else None


KVK_CODES = {"codeObjecttype": "niet_natuurlijk_persoon", "codeRegister": "hr"}
BRANCH_CODES = {"codeObjecttype": "vestiging", "codeRegister": "hr"}


def _organisatie(caller: Caller, naam: str) -> dict[str, Any]:
    return _ok(
        post(
            caller,
            "/partijen",
            {
                "digitaleAdressen": [],
                "rekeningnummers": [],
                "voorkeursRekeningnummer": None,
                "voorkeursDigitaalAdres": None,
                "soortPartij": "organisatie",
                "indicatieGeheimhouding": False,
                "indicatieActief": True,
                "partijIdentificatie": {"naam": naam},
                "bezoekadres": None,
                "correspondentieadres": None,
            },
        )
    )


def register_branch(caller: Caller) -> dict[str, Any]:
    """KISS's ensureOrganisatie for a branch: the KvK number first, held by no partij yet."""
    kvk = _identificator(caller, "kvk_nummer", KVK)
    if kvk is None:
        kvk = _ok(
            post(
                caller,
                "/partij-identificatoren",
                {
                    "identificeerdePartij": None,
                    "partijIdentificator": {
                        **KVK_CODES,
                        "codeSoortObjectId": "kvk_nummer",
                        "objectId": KVK,
                    },
                },
            )
        )
    assert kvk["identificeerdePartij"] is None
    branch = _organisatie(caller, "Bakkerij De Korenschoof, filiaal Centrum")
    _ok(
        post(
            caller,
            "/partij-identificatoren",
            {
                "identificeerdePartij": {"uuid": branch["uuid"], "url": branch["url"]},
                "partijIdentificator": {
                    **BRANCH_CODES,
                    "codeSoortObjectId": "vestigingsnummer",
                    "objectId": BRANCH,
                },
                "subIdentificatorVan": {"uuid": kvk["uuid"]},
            },
        )
    )
    return branch


def test_kiss_registers_a_branch_then_its_business_then_a_contact_with_callback(
    app: Flask, system: Caller
) -> None:
    branch = register_branch(system)
    # Found again by its branch number (KISS's findPartij for a vestiging).
    found = _ok(
        get(
            system,
            "/partijen?partijIdentificator__codeSoortObjectId=vestigingsnummer"
            f"&partijIdentificator__objectId={BRANCH}&soortPartij=organisatie",
        ),
        200,
    )
    assert [p["uuid"] for p in found["results"]] == [branch["uuid"]]
    assert found["results"][0]["_expand"] == {}
    assert branch["nummer"] == "0000000001"
    assert branch["bezoekadres"]["adresregel1"] == "" and "postcode" not in branch["bezoekadres"]
    # Later the business itself: KISS gives the waiting KvK number its partij.
    business = _organisatie(system, "Bakkerij De Korenschoof")
    kvk = _identificator(system, "kvk_nummer", KVK)
    assert kvk is not None
    updated = _ok(
        system.client.put(
            f"/klantinteracties/api/v1/partij-identificatoren/{kvk['uuid']}",
            json={
                "identificeerdePartij": {"uuid": business["uuid"]},
                "partijIdentificator": {
                    **KVK_CODES,
                    "codeSoortObjectId": "kvk_nummer",
                    "objectId": KVK,
                },
            },
            headers=token(system),
        ),
        200,
    )
    assert updated["identificeerdePartij"]["uuid"] == business["uuid"]
    assert business["nummer"] == "0000000002"

    # The contact, as KISS stores it after a call: klantcontact, betrokkene, onderwerpobject,
    # the callback number the caller gave, an actor and the callback task.
    contact = _ok(
        post(
            system,
            "/klantcontacten",
            {
                "kanaal": "Telefoon KCC",
                "onderwerp": "Terugbelverzoek over vergunning",
                "inhoud": "Belt over de terrasvergunning van het filiaal.",
                "indicatieContactGelukt": True,
                "taal": "nld",
                "vertrouwelijk": False,
                "plaatsgevondenOp": "2026-12-01T14:05:00",
            },
        )
    )
    assert contact["kanaal"] == "Telefoon KCC" and contact["nummer"] == "0000000001"
    assert contact["plaatsgevondenOp"] == "2026-12-01T13:05:00Z"
    betrokkene = _ok(
        post(
            system,
            "/betrokkenen",
            {
                "wasPartij": {"uuid": branch["uuid"]},
                "hadKlantcontact": {"uuid": contact["uuid"]},
                "rol": "klant",
                "initiator": True,
                "organisatienaam": "Bakkerij De Korenschoof",
                "contactnaam": {
                    "voorletters": "",
                    "voornaam": "Sanne",
                    "voorvoegselAchternaam": "",
                    "achternaam": "Mulder",
                },
            },
        )
    )
    assert betrokkene["bezoekadres"]["straatnaam"] == ""
    _ok(
        post(
            system,
            "/digitaleadressen",
            {
                "verstrektDoorBetrokkene": {"uuid": betrokkene["uuid"]},
                "verstrektDoorPartij": None,
                "adres": "020-1234567",
                "soortDigitaalAdres": "telefoonnummer",
                "omschrijving": "terugbelnummer",
            },
        )
    )
    _ok(
        post(
            system,
            "/onderwerpobjecten",
            {
                "klantcontact": {"uuid": contact["uuid"]},
                "wasKlantcontact": None,
                "onderwerpobjectidentificator": {
                    "objectId": "ZAAK-2026-0042",
                    "codeObjecttype": "zgw-Zaak",
                    "codeRegister": "openzaak",
                    "codeSoortObjectId": "identificatie",
                },
            },
        )
    )
    actors = _ok(get(system, "/actoren?actoridentificatorObjectId=vergunningen@gemeente.nl"), 200)
    if actors["count"]:
        actor = actors["results"][0]
    else:
        actor = _ok(
            post(
                system,
                "/actoren",
                {
                    "naam": "Team Vergunningen",
                    "soortActor": "organisatorische_eenheid",
                    "indicatieActief": True,
                    "actoridentificator": {
                        "objectId": "vergunningen@gemeente.nl",
                        "codeObjecttype": "afd",
                        "codeRegister": "obj",
                        "codeSoortObjectId": "email",
                    },
                    "actorIdentificatie": {"omschrijving": "Vergunningen"},
                },
            )
        )
    taak = _ok(
        post(
            system,
            "/internetaken",
            {
                "gevraagdeHandeling": "Terugbellen",
                "aanleidinggevendKlantcontact": {"uuid": contact["uuid"]},
                "toegewezenAanActoren": [{"uuid": actor["uuid"]}],
                "toelichting": "Graag voor vrijdag",
                "status": "te_verwerken",
            },
        )
    )
    assert taak["nummer"] == "0000000001"

    read = _ok(
        get(
            system,
            f"/klantcontacten/{contact['uuid']}?expand=leiddeTotInterneTaken,"
            "gingOverOnderwerpobjecten,hadBetrokkenen,hadBetrokkenen.digitaleAdressen,"
            "hadBetrokkenen.wasPartij",
        ),
        200,
    )
    expanded = read["_expand"]
    assert [t["nummer"] for t in expanded["leiddeTotInterneTaken"]] == ["0000000001"]
    assert (
        expanded["gingOverOnderwerpobjecten"][0]["onderwerpobjectidentificator"]["objectId"]
        == "ZAAK-2026-0042"
    )
    involved = expanded["hadBetrokkenen"][0]
    assert involved["_expand"]["wasPartij"]["uuid"] == branch["uuid"]
    assert [a["adres"] for a in involved["_expand"]["digitaleAdressen"]] == ["020-1234567"]
    assert involved["contactnaam"]["voornaam"] == "Sanne"
    # KISS's contact history of the branch.
    history = _ok(
        get(system, f"/klantcontacten?hadBetrokkene__wasPartij__uuid={branch['uuid']}"), 200
    )
    assert [c["uuid"] for c in history["results"]] == [contact["uuid"]]
    assert history["results"][0]["_expand"] == {}


@pytest.mark.parametrize("kind", ["persoon", "organisatie"])
def test_kiss_finds_or_registers_a_person_or_business_once(system: Caller, kind: str) -> None:
    code, value, codes = (
        ("bsn", "999993653", {"codeObjecttype": "natuurlijk_persoon", "codeRegister": "brp"})
        if kind == "persoon"
        else ("kvk_nummer", "12345678", KVK_CODES)
    )
    uuids = set()
    for _ in range(2):
        listed = _ok(
            get(
                system,
                f"/partijen?partijIdentificator__codeSoortObjectId={code}"
                f"&partijIdentificator__objectId={value}&soortPartij={kind}",
            ),
            200,
        )
        if listed["count"]:
            uuids.add(listed["results"][0]["uuid"])
            continue
        identification: dict[str, Any] = (
            {"contactnaam": {"voornaam": "Jan", "achternaam": "Smit"}}
            if kind == "persoon"
            else {"naam": "Smit BV"}
        )
        made = _ok(
            post(
                system,
                "/partijen",
                {
                    "soortPartij": kind,
                    "indicatieActief": True,
                    "indicatieGeheimhouding": False,
                    "voorkeurstaal": "nld",
                    "partijIdentificatie": identification,
                    "partijIdentificatoren": [
                        {
                            "identificeerdePartij": None,
                            "anderePartijIdentificator": "",
                            "partijIdentificator": {
                                **codes,
                                "codeSoortObjectId": code,
                                "objectId": value,
                            },
                        }
                    ],
                },
            )
        )
        uuids.add(made["uuid"])
    assert len(uuids) == 1
