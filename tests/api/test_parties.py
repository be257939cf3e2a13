"""Registering persons, organisations and contact persons; identifiers and digital addresses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from kcc.db import db
from kcc.parties.models import DigitalAddress, Party, PartyIdentifier

BSN = "111222333"


def person(**extra: object) -> dict[str, object]:
    return {"type": "person", "given_names": "Anna", "surname": "Jansen", **extra}


def organisation(**extra: object) -> dict[str, object]:
    return {"type": "organisation", "name": "Bakkerij Het Waalbrood", **extra}


def count(app, model) -> int:
    with app.app_context():
        try:
            return db.session().scalar(select(func.count()).select_from(model)) or 0
        finally:
            db.remove()


def assert_invalid(response, field: str) -> None:
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert field in [p["name"] for p in response.json["invalid_params"]], response.json


def test_register_person_reads_back_masked_bsn(agent):
    created = agent.post(
        "/api/v1/parties", json=person(bsn=BSN, surname_prefix="van der", preferred_language="en")
    )
    assert created.status_code == 201, created.json
    body = created.json
    assert body["type"] == "person"
    assert body["bsn_masked"] == "*****2333"
    assert "bsn" not in body
    assert body["display_name"] == "Anna van der Jansen"
    assert body["preferred_language"] == "en"
    again = agent.get(f"/api/v1/parties/{body['id']}")
    assert again.status_code == 200
    assert again.json["bsn_masked"] == "*****2333"
    assert BSN not in again.get_data(as_text=True)


def test_bsn_with_dots_and_spaces_is_accepted(agent):
    created = agent.post("/api/v1/parties", json=person(bsn="1112.22.333"))
    assert created.status_code == 201, created.json
    assert created.json["bsn_masked"] == "*****2333"


def test_bsn_of_eight_digits_gets_its_leading_zero(agent):
    created = agent.post("/api/v1/parties", json=person(bsn="12345672"))
    assert created.status_code == 201, created.json
    found = agent.get("/api/v1/parties?bsn=012345672")
    assert [p["id"] for p in found.json["items"]] == [created.json["id"]]


@pytest.mark.parametrize(
    "bsn",
    [
        "111222334",  # wrong check digit
        "12345673",  # eight digits, padded with a zero, still wrong
        "11122233a",  # a letter
        "abcdefghi",
        "1112223334",  # ten digits
        "1234567",  # seven digits
        "000000000",
    ],
)
def test_invalid_bsn_is_rejected_and_nothing_stored(app, agent, bsn):
    response = agent.post("/api/v1/parties", json=person(bsn=bsn))
    assert_invalid(response, "bsn")
    assert count(app, Party) == 0
    assert count(app, PartyIdentifier) == 0


def test_duplicate_bsn_is_a_conflict_and_nothing_stored(app, agent):
    assert agent.post("/api/v1/parties", json=person(bsn=BSN)).status_code == 201
    again = agent.post("/api/v1/parties", json=person(bsn="111 222 333", surname="Anders"))
    assert again.status_code == 409, again.json
    assert again.mimetype == "application/problem+json"
    assert "BSN" in again.json["detail"]
    assert count(app, Party) == 1


def test_bsn_is_stored_encrypted_and_found_by_keyed_hash(app, agent):
    created = agent.post("/api/v1/parties", json=person(bsn=BSN))
    assert created.status_code == 201
    with app.app_context():
        rows = db.session().execute(text("SELECT * FROM party_identifiers")).mappings().all()
        db.remove()
    assert len(rows) == 1
    for value in rows[0].values():
        assert BSN not in str(value)
    assert rows[0]["display"] == "*****2333"
    assert len(rows[0]["lookup"]) == 64
    found = agent.get(f"/api/v1/parties?bsn={BSN}")
    assert [p["id"] for p in found.json["items"]] == [created.json["id"]]


def test_invalid_bsn_in_search_is_422(agent):
    assert_invalid(agent.get("/api/v1/parties?bsn=123456789"), "bsn")


def test_organisation_identifiers_are_validated(app, agent):
    assert_invalid(agent.post("/api/v1/parties", json=organisation(kvk="1234567")), "kvk")
    assert_invalid(agent.post("/api/v1/parties", json=organisation(kvk="1234567a")), "kvk")
    assert_invalid(
        agent.post("/api/v1/parties", json=organisation(kvk="12345678", rsin="123456789")), "rsin"
    )
    assert_invalid(
        agent.post("/api/v1/parties", json=organisation(kvk="12345678", branch_number="12345")),
        "branch_number",
    )
    assert_invalid(
        agent.post("/api/v1/parties", json=organisation(branch_number="000012345678")),
        "branch_number",
    )
    assert count(app, Party) == 0


def test_organisation_reads_back_its_identifiers(agent):
    created = agent.post(
        "/api/v1/parties",
        json=organisation(kvk="12345678", rsin="111222333", branch_number="000012345678"),
    )
    assert created.status_code == 201, created.json
    assert created.json["kvk"] == "12345678"
    assert created.json["rsin"] == "111222333"
    assert created.json["branch_number"] == "000012345678"
    assert created.json["bsn_masked"] is None
    assert created.json["display_name"] == "Bakkerij Het Waalbrood"
    found = agent.get("/api/v1/parties?kvk=12345678")
    assert [p["id"] for p in found.json["items"]] == [created.json["id"]]


def test_identifiers_are_unique(app, agent):
    assert (
        agent.post(
            "/api/v1/parties", json=organisation(kvk="12345678", rsin="111222333")
        ).status_code
        == 201
    )
    assert agent.post("/api/v1/parties", json=organisation(kvk="12345678")).status_code == 409
    assert (
        agent.post(
            "/api/v1/parties", json=organisation(kvk="87654321", rsin="111222333")
        ).status_code
        == 409
    )
    assert count(app, Party) == 1


def test_branches_of_one_business_share_its_kvk_number(app, agent):
    first = agent.post(
        "/api/v1/parties", json=organisation(kvk="12345678", branch_number="000012345678")
    )
    assert first.status_code == 201, first.json
    second = agent.post(
        "/api/v1/parties",
        json=organisation(name="Waalbrood Lent", kvk="12345678", branch_number="000087654321"),
    )
    assert second.status_code == 201, second.json
    assert second.json["kvk"] == "12345678"
    assert second.json["branch_number"] == "000087654321"
    same_branch = agent.post(
        "/api/v1/parties", json=organisation(kvk="12345678", branch_number="000087654321")
    )
    assert same_branch.status_code == 409
    found = agent.get("/api/v1/parties?kvk=12345678")
    assert {p["id"] for p in found.json["items"]} == {first.json["id"], second.json["id"]}


def test_type_specific_fields(app, agent):
    assert_invalid(agent.post("/api/v1/parties", json={"type": "organisation"}), "name")
    assert_invalid(agent.post("/api/v1/parties", json=organisation(bsn=BSN)), "bsn")
    assert_invalid(agent.post("/api/v1/parties", json=organisation(surname="Jansen")), "surname")
    assert_invalid(
        agent.post("/api/v1/parties", json={"type": "person", "given_names": "Anna"}), "surname"
    )
    assert_invalid(agent.post("/api/v1/parties", json=person(kvk="12345678")), "kvk")
    assert_invalid(agent.post("/api/v1/parties", json={"type": "robot", "surname": "X"}), "type")
    assert_invalid(
        agent.post("/api/v1/parties", json=person(preferred_language="xx")), "preferred_language"
    )
    assert_invalid(
        agent.post("/api/v1/parties", json=person(preferred_channel="pigeon")), "preferred_channel"
    )
    assert_invalid(agent.post("/api/v1/parties", json=person(surname="x" * 201)), "surname")
    assert count(app, Party) == 0


def test_contact_person_works_for_an_organisation(app, agent):
    org = agent.post("/api/v1/parties", json=organisation(kvk="12345678")).json
    created = agent.post(
        "/api/v1/parties",
        json={"type": "contact_person", "surname": "de Boer", "organisation_id": org["id"]},
    )
    assert created.status_code == 201, created.json
    assert created.json["organisation_id"] == org["id"]
    assert agent.get(f"/api/v1/parties/{created.json['id']}").json["organisation_id"] == org["id"]
    assert_invalid(
        agent.post("/api/v1/parties", json={"type": "contact_person", "surname": "X"}),
        "organisation_id",
    )
    private = agent.post("/api/v1/parties", json=person()).json
    assert_invalid(
        agent.post(
            "/api/v1/parties",
            json={"type": "contact_person", "surname": "X", "organisation_id": private["id"]},
        ),
        "organisation_id",
    )
    assert_invalid(
        agent.post("/api/v1/parties", json=person(organisation_id=org["id"])), "organisation_id"
    )
    assert count(app, Party) == 3


def test_unknown_fields_are_named(agent):
    response = agent.post("/api/v1/parties", json=person(shoe_size=43))
    assert_invalid(response, "shoe_size")


def test_unknown_party_is_404(agent):
    response = agent.get("/api/v1/parties/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_patch_changes_names_and_preferences(agent):
    created = agent.post("/api/v1/parties", json=person(bsn=BSN)).json
    changed = agent.patch(
        f"/api/v1/parties/{created['id']}",
        json={
            "surname": "Müller",
            "surname_prefix": None,
            "preferred_channel": "sms",
            "preferred_language": "de",
        },
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["surname"] == "Müller"
    assert changed.json["preferred_channel"] == "sms"
    assert changed.json["bsn_masked"] == "*****2333"
    assert [p["id"] for p in agent.get("/api/v1/parties?q=muller").json["items"]] == [created["id"]]


def test_patch_rules(app, agent):
    created = agent.post("/api/v1/parties", json=person(bsn=BSN)).json
    path = f"/api/v1/parties/{created['id']}"
    assert_invalid(agent.patch(path, json={"surname": ""}), "surname")
    assert_invalid(agent.patch(path, json={"surname": None}), "surname")
    assert_invalid(agent.patch(path, json={"name": "Firma"}), "name")
    assert_invalid(agent.patch(path, json={"bsn": "123456782"}), "bsn")
    assert_invalid(agent.patch(path, json={"type": "organisation"}), "type")
    assert agent.get(path).json["surname"] == "Jansen"
    org = agent.post("/api/v1/parties", json=organisation()).json
    assert_invalid(
        agent.patch(f"/api/v1/parties/{org['id']}", json={"surname": "Jansen"}), "surname"
    )
    assert_invalid(agent.patch(f"/api/v1/parties/{org['id']}", json={"name": ""}), "name")
    missing = agent.patch(
        "/api/v1/parties/00000000-0000-4000-8000-000000000000", json={"surname": "X"}
    )
    assert missing.status_code == 404


class TestDigitalAddresses:
    def test_phone_numbers_are_stored_in_e164(self, agent):
        created = agent.post(
            "/api/v1/parties",
            json=person(
                digital_addresses=[{"kind": "phone", "address": "06-12345678", "label": "mobiel"}]
            ),
        )
        assert created.status_code == 201, created.json
        [address] = created.json["digital_addresses"]
        assert address["address"] == "+31612345678"
        assert address["is_default"] is True
        assert address["label"] == "mobiel"

    @pytest.mark.parametrize(
        "notation",
        ["06 12345678", "06-12345678", "0031612345678", "+31612345678", "+31 6 1234 5678"],
    )
    def test_every_dutch_notation_finds_the_party(self, agent, notation):
        created = agent.post(
            "/api/v1/parties",
            json=person(digital_addresses=[{"kind": "phone", "address": "0612345678"}]),
        ).json
        other = agent.post(
            "/api/v1/parties",
            json=person(digital_addresses=[{"kind": "phone", "address": "0687654321"}]),
        ).json
        found = agent.get("/api/v1/parties", query_string={"phone": notation})
        assert found.status_code == 200, found.json
        assert [p["id"] for p in found.json["items"]] == [created["id"]]
        assert other["id"] not in [p["id"] for p in found.json["items"]]

    @pytest.mark.parametrize("bad", ["not a number", "12", "06123", "+999123456789012"])
    def test_invalid_phone_is_rejected(self, app, agent, bad):
        response = agent.post(
            "/api/v1/parties", json=person(digital_addresses=[{"kind": "phone", "address": bad}])
        )
        assert response.status_code == 422, response.json
        assert any("address" in p["name"] for p in response.json["invalid_params"])
        assert count(app, Party) == 0
        assert agent.get("/api/v1/parties", query_string={"phone": bad}).status_code == 422

    def test_email_is_validated_and_matched_case_insensitively(self, app, agent):
        created = agent.post(
            "/api/v1/parties",
            json=person(digital_addresses=[{"kind": "email", "address": "Anna.Jansen@Example.NL"}]),
        ).json
        assert created["digital_addresses"][0]["address"] == "anna.jansen@example.nl"
        found = agent.get("/api/v1/parties?email=ANNA.JANSEN@example.nl")
        assert [p["id"] for p in found.json["items"]] == [created["id"]]
        bad = agent.post(
            "/api/v1/parties",
            json=person(digital_addresses=[{"kind": "email", "address": "anna@"}]),
        )
        assert bad.status_code == 422
        assert count(app, Party) == 1
        assert agent.get("/api/v1/parties?email=nope").status_code == 422

    def test_one_default_per_kind(self, agent):
        party = agent.post(
            "/api/v1/parties",
            json=person(
                digital_addresses=[
                    {"kind": "phone", "address": "0612345678"},
                    {"kind": "phone", "address": "0687654321"},
                    {"kind": "email", "address": "anna@example.nl"},
                ]
            ),
        ).json
        defaults = {a["address"]: a["is_default"] for a in party["digital_addresses"]}
        assert defaults == {"+31612345678": True, "+31687654321": False, "anna@example.nl": True}

        added = agent.post(
            f"/api/v1/parties/{party['id']}/digital-addresses",
            json={"kind": "phone", "address": "020 624 1111", "is_default": True},
        )
        assert added.status_code == 201, added.json
        assert added.json["address"] == "+31206241111"
        assert added.json["is_default"] is True
        now = agent.get(f"/api/v1/parties/{party['id']}").json["digital_addresses"]
        phone_defaults = [a["address"] for a in now if a["kind"] == "phone" and a["is_default"]]
        assert phone_defaults == ["+31206241111"]
        assert [a["address"] for a in now if a["kind"] == "email" and a["is_default"]] == [
            "anna@example.nl"
        ]

        removed = agent.delete(
            f"/api/v1/parties/{party['id']}/digital-addresses/{added.json['id']}"
        )
        assert removed.status_code == 204
        now = agent.get(f"/api/v1/parties/{party['id']}").json["digital_addresses"]
        phones = [a for a in now if a["kind"] == "phone"]
        assert len(phones) == 2
        assert sum(a["is_default"] for a in phones) == 1

    def test_default_in_one_request_moves(self, agent):
        party = agent.post(
            "/api/v1/parties",
            json=person(
                digital_addresses=[
                    {"kind": "phone", "address": "0612345678"},
                    {"kind": "phone", "address": "0687654321", "is_default": True},
                ]
            ),
        )
        assert party.status_code == 201, party.json
        defaults = {a["address"]: a["is_default"] for a in party.json["digital_addresses"]}
        assert defaults == {"+31612345678": False, "+31687654321": True}

    def test_duplicate_address_and_unknown_ids(self, app, agent):
        party = agent.post(
            "/api/v1/parties",
            json=person(digital_addresses=[{"kind": "phone", "address": "0612345678"}]),
        ).json
        path = f"/api/v1/parties/{party['id']}/digital-addresses"
        assert (
            agent.post(path, json={"kind": "phone", "address": "+31 6 12345678"}).status_code == 409
        )
        assert agent.post(path, json={"kind": "fax", "address": "x"}).status_code == 422
        assert agent.post(path, json={"kind": "other", "address": "   "}).status_code == 422
        missing = "00000000-0000-4000-8000-000000000000"
        assert (
            agent.post(
                f"/api/v1/parties/{missing}/digital-addresses",
                json={"kind": "other", "address": "x"},
            ).status_code
            == 404
        )
        assert agent.delete(f"{path}/{missing}").status_code == 404
        assert count(app, DigitalAddress) == 1
        dup = agent.post(
            "/api/v1/parties",
            json=person(
                digital_addresses=[
                    {"kind": "phone", "address": "0612345678"},
                    {"kind": "phone", "address": "06-12345678"},
                ]
            ),
        )
        assert dup.status_code == 409
        assert count(app, Party) == 1

    def test_verified_at_is_kept(self, agent):
        party = agent.post(
            "/api/v1/parties",
            json=person(
                digital_addresses=[
                    {
                        "kind": "email",
                        "address": "a@example.nl",
                        "verified_at": "2026-01-02T10:00:00+01:00",
                    }
                ]
            ),
        ).json
        expected = datetime(2026, 1, 2, 9, tzinfo=UTC)
        assert datetime.fromisoformat(party["digital_addresses"][0]["verified_at"]) == expected
        again = agent.get(f"/api/v1/parties/{party['id']}").json
        assert datetime.fromisoformat(again["digital_addresses"][0]["verified_at"]) == expected

    def test_address_of_another_party_cannot_be_deleted(self, app, agent):
        one = agent.post(
            "/api/v1/parties",
            json=person(digital_addresses=[{"kind": "phone", "address": "0612345678"}]),
        ).json
        two = agent.post("/api/v1/parties", json=person()).json
        address_id = one["digital_addresses"][0]["id"]
        assert (
            agent.delete(f"/api/v1/parties/{two['id']}/digital-addresses/{address_id}").status_code
            == 404
        )
        assert count(app, DigitalAddress) == 1
