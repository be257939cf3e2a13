"""A klantcontact's references (read as uuids in one query) are its rows, whichever way it is read:
a page without expand, a page with expand, the item, and a page filtered on a partij."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from kcc.contacts.models import ContactMoment
from kcc.db import db
from kcc.tasks.models import Task
from klantinteracties.models import ContactAttachment
from tests.conftest import Caller
from tests.klantinteracties.test_flows import BASE, person, post, token
from tests.klantinteracties.test_query_counts import EXPAND, N, seeded  # noqa: F401

REFERENCES = {
    "hadBetrokkenen": "betrokkenen",
    "gingOverOnderwerpobjecten": "onderwerpobjecten",
    "leiddeTotInterneTaken": "internetaken",
    "omvatteBijlagen": "bijlagen",
}


def _get(caller: Caller, path: str) -> Any:
    response = caller.client.get(BASE + path, headers=token(caller))
    assert response.status_code == 200, (path, response.get_json())
    return response.get_json()


def _rows(app: Flask) -> dict[str, dict[str, list[str]]]:
    """Every klantcontact's related rows by uuid, oldest first, read through the ORM."""
    with app.app_context():
        session = db.session()
        found = {}
        for moment in session.scalars(select(ContactMoment)):
            tasks = session.scalars(
                select(Task.uuid).where(Task.contact_moment_id == moment.id).order_by(Task.id)
            )
            attachments = session.scalars(
                select(ContactAttachment.uuid)
                .where(ContactAttachment.contact_moment_id == moment.id)
                .order_by(ContactAttachment.id)
            )
            found[str(moment.uuid)] = {
                "hadBetrokkenen": [str(i.uuid) for i in moment.involvements],
                "gingOverOnderwerpobjecten": [str(o.uuid) for o in moment.objects],
                "leiddeTotInterneTaken": [str(t) for t in tasks],
                "omvatteBijlagen": [str(a) for a in attachments],
            }
        db.remove()
    return found


def _without_expand(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key != "_expand"}


def test_references_are_the_rows_in_every_read(app: Flask, seeded: Caller) -> None:  # noqa: F811
    rows = _rows(app)
    plain = _get(seeded, f"/klantcontacten?pageSize={N}")["results"]
    expanded = _get(seeded, f"/klantcontacten?pageSize={N}&expand={EXPAND['klantcontacten']}")
    assert len(plain) == N and len(rows) == N
    base = plain[0]["url"].rsplit("/klantcontacten/", 1)[0]
    for item, full in zip(plain, expanded["results"], strict=True):
        assert item["_expand"] == {}
        assert _without_expand(full) == _without_expand(item)
        assert _get(seeded, f"/klantcontacten/{item['uuid']}") == item
        for name, path in REFERENCES.items():
            wanted = rows[item["uuid"]][name]
            assert item[name] == [{"uuid": u, "url": f"{base}/{path}/{u}"} for u in wanted], name
            assert [row["uuid"] for row in full["_expand"][name]] == wanted, name
    assert sum(len(rows[i["uuid"]]["hadBetrokkenen"]) for i in plain) == 3 * N - 1
    # The page of one partij (what a KISS or Open Inwoner client asks for) shows the same.
    first = _get(seeded, f"/betrokkenen/{plain[0]['hadBetrokkenen'][0]['uuid']}")
    partij = first["wasPartij"]["uuid"]
    filtered = _get(seeded, f"/klantcontacten?pageSize=20&hadBetrokkene__wasPartij__uuid={partij}")
    by_uuid = {item["uuid"]: item for item in plain}
    assert filtered["results"]
    for item in filtered["results"]:
        assert item == by_uuid[item["uuid"]]


MAAK = {
    "klantcontact": {
        "kanaal": "telefoon",
        "onderwerp": "Afval",
        "taal": "nld",
        "vertrouwelijk": False,
    },
    "betrokkene": {"rol": "klant", "initiator": True},
}


@pytest.mark.parametrize(
    ("betrokkene", "onderwerpobject"),
    [
        ({"wasPartij": "partij"}, None),
        ({"wasPartij": "partij", "contactnaam": {"voornaam": "Ann"}}, "zaak"),
        ({"wasPartij": None, "contactnaam": {"voornaam": "Ann", "achternaam": "Bos"}}, "zaak"),
        (None, "zaak"),
    ],
    ids=["partij", "partij-contactnaam-object", "anonymous", "no-betrokkene"],
)
@pytest.mark.parametrize("who", ["system", "agent"])
def test_maak_klantcontact_answers_what_is_read_back(
    request: pytest.FixtureRequest,
    who: str,
    betrokkene: dict[str, Any] | None,
    onderwerpobject: str | None,
) -> None:
    """The answer is built from the rows in hand, without reading them back: it is what a read
    of each object gives."""
    caller: Caller = request.getfixturevalue(who)
    body: dict[str, Any] = {"klantcontact": MAAK["klantcontact"]}
    if betrokkene is not None:
        given = {**MAAK["betrokkene"], **betrokkene}
        if given["wasPartij"] == "partij":
            given["wasPartij"] = {"uuid": person(caller)["uuid"]}
        body["betrokkene"] = given
    if onderwerpobject is not None:
        body["onderwerpobject"] = {
            "onderwerpobjectidentificator": {
                "objectId": "Z-1",
                "codeObjecttype": onderwerpobject,
                "codeRegister": "openzaak",
                "codeSoortObjectId": "id",
            }
        }
    made = post(caller, "/maak-klantcontact", body)
    assert made.status_code == 201, made.get_json()
    answer = made.get_json()
    read = _get(caller, f"/klantcontacten/{answer['klantcontact']['uuid']}")
    assert _without_expand(read) == answer["klantcontact"]
    for name, path in (("betrokkene", "betrokkenen"), ("onderwerpobject", "onderwerpobjecten")):
        if name in body:
            assert _get(caller, f"/{path}/{answer[name]['uuid']}") == {
                **answer[name],
                **({"_expand": {}} if path == "betrokkenen" else {}),
            }
        else:
            assert name not in answer
