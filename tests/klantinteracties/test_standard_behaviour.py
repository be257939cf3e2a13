"""What the standard's clients rely on beyond the schemas: errors and API-Version on every
answer, pagination links, ``url`` references, text filters and the telefoonnummer rule."""

from __future__ import annotations

from typing import Any

from tests.conftest import Caller
from tests.klantinteracties.test_flows import BASE, get, person, post, token

HOST = "http://kcc.test"


def _contact(caller: Caller, partij: str, **fields: Any) -> dict[str, Any]:
    made = post(
        caller,
        "/maak-klantcontact",
        {
            "klantcontact": {
                "kanaal": "telefoon",
                "onderwerp": "Afval",
                "taal": "nld",
                "vertrouwelijk": False,
                **fields,
            },
            "betrokkene": {"wasPartij": {"uuid": partij}, "rol": "klant", "initiator": True},
        },
    )
    assert made.status_code == 201, made.get_json()
    return made.get_json()["klantcontact"]  # type: ignore[no-any-return]


def test_unknown_paths_and_methods_answer_in_the_standards_shape(
    system: Caller, client: Any
) -> None:
    for path in ("/bestaatniet", "/partijen/geen-uuid", "/partijen/"):
        response = client.get(BASE + path, headers=token(system))
        assert response.status_code == 404, path
        assert response.headers["API-Version"] == "0.9.0"
        assert response.mimetype == "application/json"
        assert response.get_json()["code"] == "not_found"
    wrong = client.put(BASE + "/partijen", headers=token(system), json={})
    assert wrong.status_code == 405 and wrong.get_json()["code"] == "method_not_allowed"
    assert wrong.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert wrong.headers["API-Version"] == "0.9.0"
    ours = client.get("/api/v1/bestaatniet")
    assert ours.status_code == 404 and ours.headers["API-Version"] != "0.9.0"
    assert "code" not in ours.get_json()
    anonymous = client.get(BASE + "/partijen")
    assert anonymous.status_code == 401 and anonymous.headers["API-Version"] == "0.9.0"
    assert "Authorization: Token <token>" in anonymous.get_json()["detail"]
    assert anonymous.headers["WWW-Authenticate"].startswith("Token")


def test_pagination_links_keep_the_filters_and_can_be_followed(system: Caller, client: Any) -> None:
    for i, bsn in enumerate(["111222333", "123456782", "999993653"]):
        person(system, bsn, f"Naam{i}")
    first = get(system, "/partijen?soortPartij=persoon&pageSize=2").get_json()
    assert first["count"] == 3 and first["previous"] is None
    assert first["next"].startswith(HOST + BASE + "/partijen?")
    assert "soortPartij=persoon" in first["next"] and "page=2" in first["next"]
    second = client.get(first["next"].removeprefix(HOST), headers=token(system)).get_json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert "page=1" in second["previous"]
    seen = {p["uuid"] for p in first["results"] + second["results"]}
    assert len(seen) == 3
    assert get(system, "/partijen?pageSize=501").get_json()["count"] == 3  # capped at 500
    beyond = get(system, "/partijen?pageSize=2&page=3")
    assert beyond.status_code == 404 and beyond.headers["API-Version"] == "0.9.0"


def test_url_references_lead_to_the_objects_and_filter_like_uuids(
    system: Caller, client: Any
) -> None:
    partij = person(system)
    contact = _contact(system, partij["uuid"])
    assert contact["url"] == f"{HOST}{BASE}/klantcontacten/{contact['uuid']}"
    betrokkene = contact["hadBetrokkenen"][0]
    followed = client.get(betrokkene["url"].removeprefix(HOST), headers=token(system))
    assert followed.status_code == 200
    back = followed.get_json()
    assert back["wasPartij"] == {"uuid": partij["uuid"], "url": partij["url"]}
    by_url = get(system, f"/klantcontacten?hadBetrokkene__wasPartij__url={partij['url']}")
    by_uuid = get(system, f"/klantcontacten?hadBetrokkene__wasPartij__uuid={partij['uuid']}")
    assert by_url.get_json()["count"] == by_uuid.get_json()["count"] == 1
    assert (
        get(system, f"/betrokkenen?hadKlantcontact__url={contact['url']}").get_json()["count"] == 1
    )


def test_text_filters_find_words_inside_ignoring_case(system: Caller) -> None:
    partij = person(system)
    _contact(
        system,
        partij["uuid"],
        onderwerp="Grofvuil ophalen",
        inhoud="De container is NIET geleegd",
        reactie="Melding doorgezet naar de reiniging",
    )
    _contact(system, partij["uuid"], onderwerp="Paspoort")

    def count(path: str) -> int:
        response = get(system, path)
        assert response.status_code == 200, response.get_json()
        return response.get_json()["count"]  # type: ignore[no-any-return]

    assert count("/klantcontacten?onderwerp=grofvuil") == 1
    assert count("/klantcontacten?inhoud=niet%20geleegd") == 1
    assert count("/klantcontacten?reactie=REINIGING") == 1
    assert count("/klantcontacten?onderwerp=100%25") == 0  # % is a character, not a wildcard
    post(
        system,
        "/digitaleadressen",
        {
            "verstrektDoorPartij": {"uuid": partij["uuid"]},
            "adres": "anna@example.nl",
            "soortDigitaalAdres": "email",
            "omschrijving": "Werk e-mail",
        },
    )
    assert count("/digitaleadressen?omschrijving=werk") == 1
    post(system, "/actoren", {"naam": "Team Burgerzaken", "soortActor": "organisatorische_eenheid"})
    assert count("/actoren?naam=burgerzaken") == 1
    for name in ("ondernemer", "mantelzorger"):
        category = post(system, "/categorieen", {"naam": name}).get_json()
        post(
            system,
            "/categorie-relaties",
            {"partij": {"uuid": partij["uuid"]}, "categorie": {"uuid": category["uuid"]}},
        )
    assert count("/partijen?categorierelatie__categorie__naam=student,mantelzorger") == 1
    assert count("/partijen?categorierelatie__categorie__naam=student") == 0


def test_service_numbers_are_no_telefoonnummer(system: Caller) -> None:
    partij = person(system)
    for number in ("0800 1234567", "0900-1234567", "1400", "14024"):
        refused = post(
            system,
            "/digitaleadressen",
            {
                "verstrektDoorPartij": {"uuid": partij["uuid"]},
                "adres": number,
                "soortDigitaalAdres": "telefoonnummer",
            },
        )
        assert refused.status_code == 400, number
        assert refused.get_json()["invalidParams"][0]["name"] == "adres"
    mobile = post(
        system,
        "/digitaleadressen",
        {
            "verstrektDoorPartij": {"uuid": partij["uuid"]},
            "adres": "0031612345678",
            "soortDigitaalAdres": "telefoonnummer",
        },
    )
    assert mobile.status_code == 201 and mobile.get_json()["adres"] == "0031612345678"
    found = get(system, "/digitaleadressen?adres=%2B31612345678").get_json()
    assert [a["uuid"] for a in found["results"]] == [mobile.get_json()["uuid"]]


def test_kanaal_is_kept_as_written_and_read_in_any_spelling(system: Caller, app: Any) -> None:
    partij = person(system)
    chat = _contact(system, partij["uuid"], kanaal="Live chat")
    assert chat["kanaal"] == "Live chat"
    ours = system.get(f"/api/v1/contact-moments/{chat['uuid']}").get_json()
    assert ours["channel"] == "chat"
    assert _contact(system, partij["uuid"], kanaal="E-Mail")["kanaal"] == "E-Mail"
    # Free text (up to 50 characters): a name no mapping knows is the default channel (web),
    # the municipality's own names (KCC_KI_CHANNELS) map onto the channel they are.
    free = post(
        system,
        "/klantcontacten",
        {"kanaal": "postduif", "onderwerp": "x", "taal": "nld", "vertrouwelijk": False},
    )
    assert free.status_code == 201 and free.get_json()["kanaal"] == "postduif"
    assert (
        system.get(f"/api/v1/contact-moments/{free.get_json()['uuid']}").get_json()["channel"]
        == "web"
    )
    before = app.config["KI_CHANNELS"]
    app.config["KI_CHANNELS"] = {"Balie Stadskantoor": "counter"}
    try:
        counter = _contact(system, partij["uuid"], kanaal="balie stadskantoor")
    finally:
        app.config["KI_CHANNELS"] = before
    assert (
        system.get(f"/api/v1/contact-moments/{counter['uuid']}").get_json()["channel"] == "counter"
    )
    listed = get(system, "/klantcontacten?kanaal=postduif").get_json()
    assert [c["uuid"] for c in listed["results"]] == [free.get_json()["uuid"]]
    too_long = post(
        system,
        "/klantcontacten",
        {"kanaal": "x" * 51, "onderwerp": "x", "taal": "nld", "vertrouwelijk": False},
    )
    assert too_long.status_code == 400
    assert too_long.get_json()["invalidParams"][0] == {
        "name": "kanaal",
        "code": "max_length",
        "reason": "Zorg ervoor dat dit veld niet meer dan 50 karakters bevat.",
    }
