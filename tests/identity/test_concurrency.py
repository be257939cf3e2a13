"""Concurrent merges of one pair on PostgreSQL: rows are locked; one wins, the other gets 409."""

from __future__ import annotations

import os
import threading

import pytest

from tests.conftest import Caller
from tests.identity.conftest import contact, merge, person

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("KCC_TEST_DATABASE_URL"), reason="needs KCC_TEST_DATABASE_URL"
    ),
]


def _race(app, callers, calls):
    """Run each call with its own client in its own thread, all released at once."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index):
        own = Caller(
            app.test_client(), callers[index].token, callers[index].user_id, callers[index].role
        )
        barrier.wait()
        results[index] = calls[index](own)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_the_same_merge_twice_at_once_one_wins(app, make_caller):
    agents = [make_caller("agent"), make_caller("agent")]
    for round_ in range(5):
        a, b = person(agents[0], f"Race{round_}"), person(agents[0], f"Race{round_}")
        contact(agents[0], b["id"])
        responses = _race(app, agents, [lambda c, a=a, b=b: merge(c, a["id"], b["id"])] * 2)
        assert sorted(r.status_code for r in responses) == [201, 409], [r.json for r in responses]
        view = agents[0].get(f"/api/v1/parties/{a['id']}/view").json
        assert len(view["contact_moments"]["items"]) == 1


def test_opposite_merges_at_once_one_wins(app, make_caller):
    agents = [make_caller("agent"), make_caller("supervisor")]
    for round_ in range(5):
        a, b = person(agents[0], f"Cross{round_}"), person(agents[0], f"Cross{round_}")
        responses = _race(
            app,
            agents,
            [
                lambda c, a=a, b=b: merge(c, a["id"], b["id"]),
                lambda c, a=a, b=b: merge(c, b["id"], a["id"]),
            ],
        )
        assert sorted(r.status_code for r in responses) == [201, 409], [r.json for r in responses]
        states = [agents[0].get(f"/api/v1/parties/{p['id']}").json["is_active"] for p in (a, b)]
        assert sorted(states) == [False, True]


def test_the_same_undo_twice_at_once_one_wins(app, make_caller):
    agents = [make_caller("agent"), make_caller("agent")]
    a, b = person(agents[0], "Undo"), person(agents[0], "Undo")
    contact(agents[0], b["id"])
    record = merge(agents[0], a["id"], b["id"]).json
    responses = _race(app, agents, [lambda c: c.post(f"/api/v1/merges/{record['id']}/undo")] * 2)
    assert sorted(r.status_code for r in responses) == [200, 409], [r.json for r in responses]
    assert (
        len(agents[0].get(f"/api/v1/parties/{b['id']}/view").json["contact_moments"]["items"]) == 1
    )
