"""What Open Klant's clients (KISS, Open Inwoner, Open Formulieren) rely on, one test each,
against the API: the behaviours Open Klant 2.x shows where the standard leaves room."""

from __future__ import annotations

from typing import Any

from tests.conftest import Caller
from tests.klantinteracties.test_flows import BASE, get, person, post, token


def _ok(response: Any, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/json"
    return response.get_json()  # type: ignore[no-any-return]


def _patch(caller: Caller, path: str, data: dict[str, Any]) -> Any:
    return caller.client.patch(BASE + path, json=data, headers=token(caller))


def _contact(caller: Caller, **fields: Any) -> dict[str, Any]:
    body = {"kanaal": "telefoon", "onderwerp": "Afval", "taal": "nld", "vertrouwelijk": False}
    return _ok(post(caller, "/klantcontacten", {**body, **fields}))


def test_kanaal_is_free_text_kept_as_written(system: Caller) -> None:
    made = _contact(system, kanaal="Balie Stadskantoor")
    assert made["kanaal"] == "Balie Stadskantoor"
    assert _ok(get(system, f"/klantcontacten/{made['uuid']}"), 200)["kanaal"] == (
        "Balie Stadskantoor"
    )
    too_long = post(
        system,
        "/klantcontacten",
        {"kanaal": "k" * 51, "onderwerp": "x", "taal": "nld", "vertrouwelijk": False},
    )
    assert too_long.status_code == 400
    assert too_long.get_json()["invalidParams"][0]["name"] == "kanaal"


def test_a_phone_number_is_kept_as_given_and_found_in_any_form(system: Caller) -> None:
    partij = person(system)
    made = _ok(
        post(
            system,
            "/digitaleadressen",
            {
                "verstrektDoorPartij": {"uuid": partij["uuid"]},
                "adres": "06 44938475",
                "soortDigitaalAdres": "telefoonnummer",
            },
        )
    )
    assert made["adres"] == "06 44938475"
    for written in ("0644938475", "+31644938475", "06 44938475"):
        found = _ok(get(system, f"/digitaleadressen?adres={written.replace('+', '%2B')}"), 200)
        assert [r["uuid"] for r in found["results"]] == [made["uuid"]], written


def test_errors_are_application_json_with_invalid_params_in_dutch(system: Caller) -> None:
    bad = post(system, "/klantcontacten", {"onderwerp": "x"})
    assert bad.status_code == 400
    assert bad.mimetype == "application/json"
    answer = bad.get_json()
    assert {"type", "code", "title", "status", "detail", "instance", "invalidParams"} <= set(answer)
    reasons = {p["name"]: (p["code"], p["reason"]) for p in answer["invalidParams"]}
    assert reasons["taal"] == ("required", "Dit veld is vereist.")
    assert reasons["vertrouwelijk"] == ("required", "Dit veld is vereist.")


def test_an_identificator_may_name_no_partij(system: Caller) -> None:
    made = _ok(
        post(
            system,
            "/partij-identificatoren",
            {
                "identificeerdePartij": None,
                "partijIdentificator": {
                    "codeObjecttype": "niet_natuurlijk_persoon",
                    "codeSoortObjectId": "kvk_nummer",
                    "objectId": "69599084",
                    "codeRegister": "hr",
                },
            },
        )
    )
    assert made["identificeerdePartij"] is None
    read = _ok(get(system, f"/partij-identificatoren/{made['uuid']}"), 200)
    assert read["identificeerdePartij"] is None


def test_nummer_is_generated_for_partij_klantcontact_and_interne_taak(system: Caller) -> None:
    partij = person(system)
    contact = _contact(system)
    actor = _ok(
        post(
            system,
            "/actoren",
            {"naam": "Balie", "soortActor": "organisatorische_eenheid", "indicatieActief": True},
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
                "status": "te_verwerken",
            },
        )
    )
    for made in (partij, contact, taak):
        assert made["nummer"].isdigit() and len(made["nummer"]) == 10, made["nummer"]
    given = _contact(system, nummer="KC-77")
    assert given["nummer"] == "KC-77"


def test_empty_address_groups_are_objects_and_isstandaardadres_defaults_false(
    system: Caller,
) -> None:
    partij = person(system)
    for group in ("bezoekadres", "correspondentieadres"):
        address = partij[group]
        assert isinstance(address, dict), group
        assert address["straatnaam"] == "" and address["adresregel1"] == ""
    made = _ok(
        post(
            system,
            "/digitaleadressen",
            {
                "verstrektDoorPartij": {"uuid": partij["uuid"]},
                "adres": "anna@example.nl",
                "soortDigitaalAdres": "email",
            },
        )
    )
    assert made["isStandaardAdres"] is False


def test_lists_without_expand_carry_an_empty_expand(system: Caller) -> None:
    person(system)
    _contact(system)
    for path in ("/partijen", "/klantcontacten"):
        rows = _ok(get(system, path), 200)["results"]
        assert rows and all(row["_expand"] == {} for row in rows), path
    expanded = _ok(get(system, "/partijen?expand=digitaleAdressen"), 200)["results"][0]
    assert expanded["_expand"] == {"digitaleAdressen": []}


def test_an_empty_nummeraanduiding_id_is_accepted(system: Caller) -> None:
    partij = person(system)
    changed = _patch(
        system,
        f"/partijen/{partij['uuid']}",
        {
            "soortPartij": "persoon",
            "bezoekadres": {
                "nummeraanduidingId": "",
                "adresregel1": "Stationsplein 1",
                "adresregel2": "1012 AB Amsterdam",
                "adresregel3": "",
                "land": "NL",
            },
        },
    )
    assert _ok(changed, 200)["bezoekadres"]["adresregel1"] == "Stationsplein 1"


def test_a_time_without_a_zone_is_dutch_local_time(system: Caller) -> None:
    winter = _contact(system, plaatsgevondenOp="2026-12-03T10:00:00")
    summer = _contact(system, plaatsgevondenOp="2026-07-01T10:00:00")
    assert winter["plaatsgevondenOp"] in ("2026-12-03T09:00:00Z", "2026-12-03T10:00:00+01:00")
    assert summer["plaatsgevondenOp"] in ("2026-07-01T08:00:00Z", "2026-07-01T10:00:00+02:00")


def test_a_digitaal_adres_may_be_given_by_nobody_yet(system: Caller) -> None:
    made = _ok(
        post(
            system,
            "/digitaleadressen",
            {"adres": "0201234567", "soortDigitaalAdres": "telefoonnummer", "omschrijving": ""},
        )
    )
    assert made["verstrektDoorPartij"] is None and made["verstrektDoorBetrokkene"] is None
    assert made["adres"] == "0201234567"


def test_patching_an_actor_needs_only_part_of_its_identification(system: Caller) -> None:
    actor = _ok(
        post(
            system,
            "/actoren",
            {
                "naam": "Fatima de Vries",
                "soortActor": "medewerker",
                "indicatieActief": True,
                "actoridentificator": {
                    "objectId": "fdevries",
                    "codeObjecttype": "mdw",
                    "codeRegister": "msei",
                    "codeSoortObjectId": "gebruikersnaam",
                },
                "actorIdentificatie": {
                    "functie": "KCC-medewerker",
                    "emailadres": "f.devries@gemeente.nl",
                    "telefoonnummer": "0201234567",
                },
            },
        )
    )
    changed = _ok(
        _patch(
            system,
            f"/actoren/{actor['uuid']}",
            {"soortActor": "medewerker", "actorIdentificatie": {"emailadres": "fv@gemeente.nl"}},
        ),
        200,
    )
    assert changed["actorIdentificatie"] == {
        "functie": "KCC-medewerker",
        "emailadres": "fv@gemeente.nl",
        "telefoonnummer": "0201234567",
    }
    assert changed["naam"] == "Fatima de Vries"


def test_url_filters_take_the_last_segment_and_find_nothing_for_other_text(
    system: Caller,
) -> None:
    partij = person(system)
    contact = _contact(system)
    _ok(
        post(
            system,
            "/betrokkenen",
            {
                "wasPartij": {"uuid": partij["uuid"]},
                "hadKlantcontact": {"uuid": contact["uuid"]},
                "rol": "klant",
                "initiator": True,
            },
        )
    )
    elsewhere = f"https://openklant.example.nl/klantinteracties/api/v1/partijen/{partij['uuid']}"
    for value in (partij["url"], elsewhere, partij["uuid"]):
        found = _ok(get(system, f"/betrokkenen?wasPartij__url={value}"), 200)
        assert found["count"] == 1, value
    for value in ("geen-url", "https://example.nl/", "12"):
        found = _ok(get(system, f"/betrokkenen?wasPartij__url={value}"), 200)
        assert found["count"] == 0 and found["results"] == [], value
    # Open Klant takes the betrokkenen's __uuid filters as text too: no 400, nothing found.
    assert _ok(get(system, f"/betrokkenen?wasPartij__uuid={partij['uuid']}"), 200)["count"] == 1
    for name in ("wasPartij__uuid", "hadKlantcontact__uuid", "verstrektedigitaalAdres__uuid"):
        assert _ok(get(system, f"/betrokkenen?{name}=geen-uuid"), 200)["count"] == 0, name
    assert get(system, "/klantcontacten?hadBetrokkene__uuid=geen-uuid").status_code == 400


def test_page_zero_and_pages_past_the_end_are_invalid_pages(system: Caller) -> None:
    person(system)
    for page in ("0", "2"):
        answer = get(system, f"/partijen?page={page}")
        assert answer.status_code == 404 and answer.mimetype == "application/json"
        assert answer.get_json()["detail"] == "Ongeldige pagina."
    assert _ok(get(system, "/partijen?page=1"), 200)["count"] == 1


def test_an_onderwerpobject_may_come_before_its_klantcontact(system: Caller) -> None:
    ident = {
        "objectId": "ZAAK-2026-0001",
        "codeObjecttype": "zaak",
        "codeRegister": "openzaak",
        "codeSoortObjectId": "identificatie",
    }
    alone = _ok(post(system, "/onderwerpobjecten", {"onderwerpobjectidentificator": ident}))
    assert alone["klantcontact"] is None and alone["wasKlantcontact"] is None
    assert _ok(post(system, "/onderwerpobjecten", {"klantcontact": None}))["klantcontact"] is None
    contact = _contact(system)
    linked = _ok(
        _patch(
            system,
            f"/onderwerpobjecten/{alone['uuid']}",
            {"klantcontact": {"uuid": contact["uuid"]}},
        ),
        200,
    )
    assert linked["klantcontact"]["uuid"] == contact["uuid"]
    assert linked["onderwerpobjectidentificator"] == ident
    read = _ok(get(system, f"/klantcontacten/{contact['uuid']}"), 200)
    assert [o["uuid"] for o in read["gingOverOnderwerpobjecten"]] == [alone["uuid"]]
    found = _ok(
        get(
            system,
            "/klantcontacten?onderwerpobject__onderwerpobjectidentificatorObjectId=ZAAK-2026-0001",
        ),
        200,
    )
    assert [r["uuid"] for r in found["results"]] == [contact["uuid"]]
    unlinked = _ok(
        _patch(system, f"/onderwerpobjecten/{alone['uuid']}", {"klantcontact": None}), 200
    )
    assert unlinked["klantcontact"] is None
    assert (
        _ok(get(system, f"/klantcontacten/{contact['uuid']}"), 200)["gingOverOnderwerpobjecten"]
        == []
    )
    deleted = system.client.delete(
        BASE + f"/onderwerpobjecten/{alone['uuid']}", headers=token(system)
    )
    assert deleted.status_code == 204


def test_a_change_without_a_body_is_an_empty_change(system: Caller) -> None:
    contact = _contact(system)
    unchanged = system.client.patch(
        BASE + f"/klantcontacten/{contact['uuid']}", headers=token(system)
    )
    assert _ok(unchanged, 200)["onderwerp"] == "Afval"
    typed = system.client.patch(
        BASE + f"/klantcontacten/{contact['uuid']}",
        data="x",
        headers={**token(system), "Content-Type": "text/plain"},
    )
    assert typed.status_code == 415


def test_interne_taken_are_the_tasks_a_klantcontact_led_to(system: Caller, agent: Caller) -> None:
    ours = agent.post("/api/v1/tasks", json={"kind": "follow_up", "assigned_team": "KCC"})
    assert ours.status_code == 201, ours.get_json()
    assert _ok(get(system, "/internetaken"), 200)["count"] == 0
    assert get(system, f"/internetaken/{ours.get_json()['id']}").status_code == 404


def test_a_partial_group_in_a_change_keeps_what_it_leaves_out(system: Caller) -> None:
    partij = person(system)
    identificator = partij["partijIdentificatoren"][0]
    changed = _ok(
        _patch(
            system,
            f"/partij-identificatoren/{identificator['uuid']}",
            {"partijIdentificator": {"objectId": "123456782"}},
        ),
        200,
    )
    assert changed["partijIdentificator"] == {
        **identificator["partijIdentificator"],
        "objectId": "123456782",
    }
    # Inside a list every item is whole: a partial one is a 400 on its field, not a failure.
    partial = _patch(
        system,
        f"/partijen/{partij['uuid']}",
        {
            "partijIdentificatoren": [
                {"partijIdentificator": {"codeObjecttype": "natuurlijk_persoon"}}
            ]
        },
    )
    assert partial.status_code == 400, partial.get_json()
    names = {p["name"] for p in partial.get_json()["invalidParams"]}
    assert "partijIdentificatoren.0.partijIdentificator.objectId" in names, names


def test_hoofdonderwerptype_is_a_url_or_blank(system: Caller) -> None:
    """The document's `format: uri`, as Open Klant's URL field reads it: an absolute http(s)
    URL with a host, or nothing."""
    zaaktype = "https://catalogi.nijmegen.nl/api/v1/zaaktypen/1b7c5a3e-0b6f-4d0e-9d5c-3f1a2b4c5d6e"
    made = _contact(system, hoofdOnderwerpType=zaaktype)
    assert made["hoofdOnderwerpType"] == zaaktype
    assert not _contact(system, hoofdOnderwerpType="").get("hoofdOnderwerpType")
    for wrong in ("zaaktype", "/zaaktypen/1", "https://", "https://zaak typen.nl/", "¾\U0001a6f7"):
        bad = post(
            system,
            "/klantcontacten",
            {
                "kanaal": "telefoon",
                "onderwerp": "x",
                "taal": "nld",
                "vertrouwelijk": False,
                "hoofdOnderwerpType": wrong,
            },
        )
        assert bad.status_code == 400, wrong
        assert bad.mimetype == "application/json"
        problems = {p["name"]: p["reason"] for p in bad.get_json()["invalidParams"]}
        assert problems == {"hoofdOnderwerpType": "Voer een geldige URL in."}, wrong
    changed = _patch(system, f"/klantcontacten/{made['uuid']}", {"hoofdOnderwerpType": "geen url"})
    assert changed.status_code == 400
    assert (
        _ok(get(system, f"/klantcontacten/{made['uuid']}"), 200)["hoofdOnderwerpType"] == zaaktype
    )
