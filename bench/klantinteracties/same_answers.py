"""The standard's answers (status, headers, body bytes) of two source trees on one database.

A change for speed must not change what the API returns. ``seed`` fills an empty database (the
records of ``tests/klantinteracties/test_query_counts.py`` and a few klantcontacten through
``maak-klantcontact``, by a system and by an agent); ``read`` writes every answer of a fixed list
of reads (pages with and without expand, a partij's klantcontacten, every klantcontact) to a
file. Run ``read`` with each tree on the same database and compare the files:

    python bench/klantinteracties/same_answers.py seed $DB /tmp/keys.json
    (cd $TREE && PYTHONPATH=$TREE python $HERE/same_answers.py read $DB /tmp/a.json /tmp/keys.json)
    cmp /tmp/a.json /tmp/b.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from in_process import bench_app, migrated_with_users

BASE = "/klantinteracties/api/v1"
EXPAND = (
    "gingOverOnderwerpobjecten,hadBetrokkenen,hadBetrokkenen.digitaleAdressen,"
    "hadBetrokkenen.wasPartij,leiddeTotInterneTaken,omvatteBijlagen"
)
VARYING = ("date", "x-request-id", "traceparent")


def seed(database_url: str, keys_file: str) -> None:
    app = bench_app(database_url)
    (agent_uuid, agent), (_, system) = migrated_with_users(
        app, ("same-answers-agent", "agent"), ("same-answers-system", "system")
    )
    sys.path.append(str(Path(__file__).resolve().parents[2]))  # after PYTHONPATH's tree
    from tests.klantinteracties.test_query_counts import _seed

    _seed(app, agent_uuid)
    client = app.test_client()
    listed = client.get(f"{BASE}/partijen?pageSize=1", headers={"Authorization": f"Token {system}"})
    partij = listed.get_json()["results"][0]["uuid"]
    for caller in (system, agent):
        for betrokkene in (
            {"wasPartij": {"uuid": partij}},
            {"wasPartij": None, "contactnaam": {"voornaam": "Ann"}},
        ):
            made = client.post(
                f"{BASE}/maak-klantcontact",
                headers={"Authorization": f"Token {caller}"},
                json={
                    "klantcontact": {
                        "kanaal": "telefoon",
                        "onderwerp": "Afval",
                        "taal": "nld",
                        "vertrouwelijk": False,
                    },
                    "betrokkene": {"rol": "klant", "initiator": True, **betrokkene},
                    "onderwerpobject": {
                        "onderwerpobjectidentificator": {
                            "objectId": "Z-1",
                            "codeObjecttype": "zaak",
                            "codeRegister": "openzaak",
                            "codeSoortObjectId": "id",
                        }
                    },
                },
            )
            assert made.status_code == 201, made.get_json()
    with open(keys_file, "w", encoding="utf-8") as handle:
        json.dump({"system": system, "partij": partij}, handle)


def read(database_url: str, out_file: str, keys_file: str) -> None:
    with open(keys_file, encoding="utf-8") as handle:
        keys = json.load(handle)
    client = bench_app(database_url).test_client()
    headers = {"Authorization": f"Token {keys['system']}"}
    partij = keys["partij"]
    paths = [
        "/klantcontacten?pageSize=100",
        f"/klantcontacten?pageSize=100&expand={EXPAND}",
        "/klantcontacten?pageSize=7&page=2",
        f"/klantcontacten?hadBetrokkene__wasPartij__uuid={partij}&pageSize=20",
        f"/klantcontacten?hadBetrokkene__wasPartij__uuid={partij}&pageSize=20&expand=hadBetrokkenen",
        "/betrokkenen?pageSize=200&expand=digitaleAdressen",
        "/onderwerpobjecten?pageSize=100",
        "/internetaken?pageSize=100",
        "/bijlagen?pageSize=100",
        "/partijen?pageSize=60&expand=betrokkenen,betrokkenen.hadKlantcontact,categorieRelaties,"
        "digitaleAdressen",
        "/digitaleadressen?pageSize=200&expand=verstrektDoorBetrokkene,"
        "verstrektDoorBetrokkene.hadKlantcontact,"
        "verstrektDoorBetrokkene.hadKlantcontact.leiddeTotInterneTaken",
    ]
    contacts = client.get(f"{BASE}/klantcontacten?pageSize=100", headers=headers).get_json()
    uuids = [item["uuid"] for item in contacts["results"]]
    paths += [f"/klantcontacten/{u}" for u in uuids]
    paths += [f"/klantcontacten/{u}?expand={EXPAND}" for u in uuids[:10]]
    found = {}
    for path in paths:
        answer = client.get(BASE + path, headers=headers)
        kept = sorted((k, v) for k, v in answer.headers.items() if k.lower() not in VARYING)
        found[path] = [answer.status_code, kept, answer.get_data(as_text=True)]
    with open(out_file, "w", encoding="utf-8") as handle:
        json.dump(found, handle)
    print(f"{len(paths)} answers, {sum(len(v[2]) for v in found.values())} bytes")


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seed(sys.argv[2], sys.argv[3])
    else:
        read(sys.argv[2], sys.argv[3], sys.argv[4])
