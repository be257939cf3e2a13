"""Every list of the standard costs the same number of SQL statements for 1 row as for 50, with
and without ``expand``; an item with 50 related rows costs what one with 1 does (no N+1)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from kcc.auth.models import User
from kcc.contacts.models import ContactMoment, Involvement, SubjectObject
from kcc.db import db
from kcc.parties.identifiers import mask_bsn
from kcc.parties.models import BankAccount, DigitalAddress, Party, PartyIdentifier
from kcc.parties.services import BSN_CONTEXT, bsn_lookup
from kcc.tasks.models import Task
from klantinteracties.models import (
    Actor,
    ActorContactMoment,
    Category,
    CategoryRelation,
    ContactAttachment,
    Representation,
    TaskActor,
)
from tests.conftest import Caller, valid_bsn
from tests.klantinteracties.test_flows import BASE, token
from tests.klantinteracties.test_maak_alone import maak
from tests.statements import counted_statements

N = 50
CONTACTNAAM = {"voornaam": "Jan", "achternaam": "Vries"}
EXPAND = {
    "partijen": "betrokkenen,betrokkenen.hadKlantcontact,categorieRelaties,digitaleAdressen",
    "klantcontacten": "gingOverOnderwerpobjecten,hadBetrokkenen,hadBetrokkenen.digitaleAdressen,"
    "hadBetrokkenen.wasPartij,leiddeTotInterneTaken,omvatteBijlagen",
    "betrokkenen": "digitaleAdressen",
    "digitaleadressen": "verstrektDoorBetrokkene,verstrektDoorBetrokkene.hadKlantcontact,"
    "verstrektDoorBetrokkene.hadKlantcontact.leiddeTotInterneTaken",
}
LISTS = (
    "actoren",
    "actorklantcontacten",
    "betrokkenen",
    "bijlagen",
    "categorie-relaties",
    "categorieen",
    "digitaleadressen",
    "internetaken",
    "klantcontacten",
    "onderwerpobjecten",
    "partij-identificatoren",
    "partijen",
    "rekeningnummers",
    "vertegenwoordigingen",
)


def _bsns() -> list[str]:
    found: dict[str, None] = {}
    seed = 500
    while len(found) < N:
        found[valid_bsn(seed)] = None
        seed += 1
    return list(found)


def _parties(app: Flask) -> list[Party]:
    cipher = app.extensions["kcc.cipher"]
    parties = []
    for i, bsn in enumerate(_bsns()):
        party = Party(
            type="person" if i % 2 else "contact_person",
            given_names="Anna",
            surname=f"Jansen {i}",
            search_name=f"anna jansen {i}",
            visiting_address={"adresregel1": f"Straat {i}", "land": "6030"},
        )
        party.identifiers.append(
            PartyIdentifier(
                kind="bsn",
                lookup=bsn_lookup(bsn),
                display=mask_bsn(bsn),
                value_encrypted=cipher.encrypt(bsn, BSN_CONTEXT),
            )
        )
        party.addresses.append(
            DigitalAddress(
                kind="email", address=f"anna{i}@example.nl", is_default=True, is_preferred=True
            )
        )
        parties.append(party)
    return parties


def _moment(i: int, party: Party, heavy: Party, agent: User, was: Any) -> ContactMoment:
    """A contact with a partij, an anonymous betrokkene and the heavy partij as representative."""
    at = datetime(2026, 10, 1, tzinfo=UTC) + timedelta(hours=i)
    moment = ContactMoment(
        channel="phone", subject=f"Vraag {i}", occurred_at=at, agent_id=agent.id, details={}
    )
    moment.involvements = [
        Involvement(party=party, role="resident", occurred_at=at, details={}),
        Involvement(
            party=None, role="resident", occurred_at=at, details={"contactnaam": CONTACTNAAM}
        ),
    ]
    if party is not heavy:
        moment.involvements.append(Involvement(party=heavy, role="representative", occurred_at=at))
    moment.objects = [
        SubjectObject(object_type="zaak", object_id=f"Z-{i}", was_contact_moment_id=was)
    ]
    return moment


def _seed(app: Flask, agent_uuid: uuid.UUID) -> None:
    with app.app_context():
        session = db.session()
        agent = session.scalars(select(User).where(User.uuid == agent_uuid)).one()
        category = Category(name="ondernemer")
        employee = Actor(kind="medewerker", name="Mia", user_id=agent.id)
        team = Actor(kind="organisatorische_eenheid", name="Team Afval")
        organisation = Party(type="organisation", name="Bakkerij", search_name="bakkerij")
        parties = _parties(app)
        # The partijen first, so that the first of each page (pageSize 1) has every relation.
        session.add_all([category, employee, team, *parties])
        session.flush()
        session.add(organisation)
        session.flush()
        for party in parties:
            if party.type == "contact_person":
                party.organisation_id = organisation.id
        was = None
        for i, party in enumerate(parties):
            moment = _moment(i, party, parties[0], agent, was)
            session.add(moment)
            session.flush()
            was = moment.id
            for involvement in moment.involvements:
                session.add(
                    DigitalAddress(
                        kind="phone",
                        address=f"+3161234{i:02d}{involvement.id % 100:02d}",
                        involvement_id=involvement.id,
                    )
                )
            task = Task(
                kind="callback",
                party_id=party.id,
                contact_moment_id=moment.id,
                description="Terugbellen",
                received_at=moment.occurred_at,
            )
            session.add_all(
                [
                    task,
                    ContactAttachment(contact_moment_id=moment.id, object_id=f"D-{i}"),
                    ActorContactMoment(actor_id=team.id, contact_moment_id=moment.id),
                    Representation(
                        representative_id=party.id, represented_id=parties[(i + 1) % N].id
                    ),
                    BankAccount(party_id=party.id, iban="NL91ABNA0417164300", is_preferred=True),
                    CategoryRelation(party_id=party.id, category_id=category.id),
                ]
            )
            session.flush()
            session.add(TaskActor(task_id=task.id, actor_id=team.id))
        db.commit()
        db.remove()


def _cost(caller: Caller, path: str) -> tuple[int, Any]:
    with counted_statements() as seen:
        response = caller.client.get(BASE + path, headers=token(caller))
    assert response.status_code == 200, (path, response.get_json())
    return len(seen), response.get_json()


@pytest.fixture()
def seeded(app: Flask, system: Caller, agent: Caller) -> Caller:
    _seed(app, agent.user_id)
    return system


@pytest.mark.parametrize("expanded", [False, True], ids=["plain", "expand"])
def test_list_costs_do_not_grow_with_the_page(seeded: Caller, expanded: bool) -> None:
    grew = {}
    for path in LISTS:
        query = f"&expand={EXPAND[path]}" if expanded and path in EXPAND else ""
        one, _ = _cost(seeded, f"/{path}?pageSize=1{query}")
        many, page = _cost(seeded, f"/{path}?pageSize={N}{query}")
        if path not in ("actoren", "categorieen"):
            assert len(page["results"]) == N, path
        if many > one:
            grew[path] = (one, many)
    assert grew == {}, "statements per request grew with the page (pageSize 1 -> 50)"


def test_item_costs_do_not_grow_with_its_relations(seeded: Caller) -> None:
    heavy, _, light = _cost(seeded, "/partijen?pageSize=3")[1]["results"]  # two contactpersonen
    assert len(heavy["betrokkenen"]) == N and len(light["betrokkenen"]) == 1
    expand = f"?expand={EXPAND['partijen']}"
    light_cost, _ = _cost(seeded, f"/partijen/{light['uuid']}{expand}")
    heavy_cost, body = _cost(seeded, f"/partijen/{heavy['uuid']}{expand}")
    assert len(body["_expand"]["betrokkenen"]) == N
    assert heavy_cost <= light_cost


def test_maak_klantcontact_reads_its_partij_once(system) -> None:
    """The partij read to answer with is the one the core's insert links: not looked up again."""
    from tests.klantinteracties.test_flows import person, post
    from tests.statements import counted_statements

    partij = person(system)
    body = {
        "klantcontact": {
            "kanaal": "telefoon",
            "onderwerp": "Afval",
            "taal": "nld",
            "vertrouwelijk": False,
        },
        "betrokkene": {"wasPartij": {"uuid": partij["uuid"]}, "rol": "klant", "initiator": True},
    }
    with counted_statements() as asked:
        made = post(system, "/maak-klantcontact", body)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["betrokkene"]["wasPartij"]["uuid"] == partij["uuid"]
    reads = [s for s in asked if s.lstrip().upper().startswith("SELECT") and "FROM parties" in s]
    assert len(reads) == 1, reads


@pytest.mark.parametrize("has_actor", [True, False], ids=["with-actor", "without-actor"])
def test_an_employees_actor_is_read_with_the_partij(
    app: Flask, system: Caller, agent: Caller, has_actor: bool
) -> None:
    """An employee's klantcontact shows their actor; maak-klantcontact reads it in the
    statement that reads the partij, and answers what a read of the klantcontact gives."""
    from tests.klantinteracties.test_flows import get, person

    partij = person(system)
    actor_uuid = None
    if has_actor:
        with app.app_context():
            user = db.session().scalars(select(User).where(User.uuid == agent.user_id)).one()
            actor = Actor(kind="medewerker", name="Mia", user_id=user.id)
            db.session().add(actor)
            db.commit()
            actor_uuid = str(actor.uuid)
            db.remove()
    with counted_statements() as asked:
        made = maak(agent, partij)
    assert made.status_code == 201, made.get_json()
    answer = made.get_json()["klantcontact"]
    assert [a["uuid"] for a in answer["hadBetrokkenActoren"]] == ([actor_uuid] if has_actor else [])
    assert not [s for s in asked if "FROM actors" in s and "FROM parties" not in s], asked
    read = get(agent, f"/klantcontacten/{answer['uuid']}").get_json()
    assert read["hadBetrokkenActoren"] == answer["hadBetrokkenActoren"]

    # Without a partij the actor is read on its own, and shown the same.
    anonymous = maak(agent, None)
    assert anonymous.status_code == 201, anonymous.get_json()
    shown = anonymous.get_json()["klantcontact"]["hadBetrokkenActoren"]
    assert shown == answer["hadBetrokkenActoren"]


def test_an_unknown_partij_is_still_named_with_the_actor_read(agent: Caller) -> None:
    made = maak(agent, {"uuid": str(uuid.uuid4())})
    assert made.status_code == 400, made.get_json()
    assert made.get_json()["invalidParams"][0]["name"] == "betrokkene.wasPartij.uuid"
