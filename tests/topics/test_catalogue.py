"""The topic catalogue over HTTP: keeping the tree, and the bad input it refuses unchanged."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from kcc.db import db
from kcc.topics.models import Topic
from tests.conftest import Caller
from tests.topics.conftest import topic_body


def _count(app: Flask) -> int:
    with app.app_context():
        found = db.session().scalar(select(func.count(Topic.id)))
        db.remove()
    return int(found or 0)


def test_an_admin_adds_a_topic_under_a_parent_and_agents_find_it_as_they_type(
    admin: Caller, agent: Caller, catalogue: dict[str, str]
) -> None:
    created = admin.post(
        "/api/v1/topics",
        json=topic_body(
            parent_id=catalogue["afval"], upl_uri="http://standaarden.overheid.nl/owms/terms/Afval"
        ),
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["parent_id"] == catalogue["afval"]
    found = agent.get("/api/v1/topics?q=hondenstr").get_json()["items"]
    assert [t["key"] for t in found] == ["hondenpoep"]
    assert [t["key"] for t in agent.get("/api/v1/topics?q=Parkeerverg").get_json()["items"]] == [
        "parkeervergunning"
    ]
    assert len(agent.get("/api/v1/topics?limit=500").get_json()["items"]) >= 60


def test_the_catalogue_pages_by_key(agent: Caller, catalogue: dict[str, str]) -> None:
    first = agent.get("/api/v1/topics?limit=10").get_json()
    second = agent.get(f"/api/v1/topics?limit=10&cursor={first['next_cursor']}").get_json()
    keys = [t["key"] for t in first["items"] + second["items"]]
    assert keys == sorted(keys) and len(set(keys)) == 20


def test_only_admins_keep_the_catalogue(
    agent: Caller, supervisor: Caller, catalogue: dict[str, str]
) -> None:
    for caller in (agent, supervisor):
        assert caller.post("/api/v1/topics", json=topic_body()).status_code == 403
        assert caller.delete(f"/api/v1/topics/{catalogue['grofvuil']}").status_code == 403


def test_a_cycle_in_the_tree_is_refused_and_nothing_changes(
    app: Flask, admin: Caller, catalogue: dict[str, str]
) -> None:
    refused = admin.patch(
        f"/api/v1/topics/{catalogue['afval']}", json={"parent_id": catalogue["grofvuil"]}
    )
    assert refused.status_code == 422
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert "cycle" in refused.get_json()["detail"]
    itself = admin.patch(
        f"/api/v1/topics/{catalogue['afval']}", json={"parent_id": catalogue["afval"]}
    )
    assert itself.status_code == 422
    assert admin.get(f"/api/v1/topics/{catalogue['afval']}").get_json()["parent_id"] is None


def test_a_duplicate_name_or_key_is_refused(
    app: Flask, admin: Caller, catalogue: dict[str, str]
) -> None:
    before = _count(app)
    same_name = admin.post("/api/v1/topics", json=topic_body(name_nl="grofvuil"))
    assert same_name.status_code == 409
    assert (
        "Grofvuil" in same_name.get_json()["detail"] or "grofvuil" in same_name.get_json()["detail"]
    )
    assert admin.post("/api/v1/topics", json=topic_body(key="grofvuil")).status_code == 409
    renamed = admin.patch(f"/api/v1/topics/{catalogue['woz']}", json={"name_en": "Bulky waste"})
    assert renamed.status_code == 409
    assert _count(app) == before


def test_an_unknown_parent_or_owner_team_is_refused(
    app: Flask, admin: Caller, catalogue: dict[str, str]
) -> None:
    before = _count(app)
    unknown = admin.post(
        "/api/v1/topics", json=topic_body(parent_id="00000000-0000-4000-8000-000000000000")
    )
    assert unknown.status_code == 422
    assert unknown.get_json()["invalid_params"][0]["name"] == "parent_id"
    no_team = admin.post("/api/v1/topics", json=topic_body(owner_team="Nergens"))
    assert no_team.status_code == 422
    assert _count(app) == before


def test_a_topic_with_narrower_topics_is_not_removed_and_a_leaf_is(
    admin: Caller, agent: Caller, catalogue: dict[str, str]
) -> None:
    refused = admin.delete(f"/api/v1/topics/{catalogue['afval']}")
    assert refused.status_code == 409
    assert "grofvuil" in refused.get_json()["detail"] or "narrower" in refused.get_json()["detail"]
    assert admin.delete(f"/api/v1/topics/{catalogue['hondenbelasting']}").status_code == 204
    keys = [t["key"] for t in agent.get("/api/v1/topics?limit=500").get_json()["items"]]
    assert "hondenbelasting" not in keys and "afval" in keys
    removed = agent.get(f"/api/v1/topics/{catalogue['hondenbelasting']}").get_json()
    assert removed["removed_at"] is not None
