"""Retention removes what expired in batches, keeps counts, can dry-run, and finishes after an interruption."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select

from kcc.contacts.models import ContactMoment
from kcc.db import db, unit_of_work
from kcc.rights.retention_models import RetentionCount
from tests.conftest import Caller

OLD = datetime(2022, 3, 1, tzinfo=UTC)


def _moments(app: Flask, agent: Caller, old: int, new: int) -> str:
    party = agent.post("/api/v1/parties", json={"type": "person", "surname": "Bakker"}).get_json()[
        "id"
    ]
    for i in range(old + new):
        when = (OLD + timedelta(hours=i)) if i < old else datetime.now(UTC) - timedelta(days=1)
        body = {
            "channel": "phone" if i % 2 else "counter",
            "direction": "inbound",
            "subject": "vraag",
            "text": f"t{i}",
            "occurred_at": when.isoformat(),
            "parties": [{"party_id": party, "role": "resident"}],
        }
        assert agent.post("/api/v1/contact-moments", json=body).status_code == 201
    return party


def _count(app: Flask) -> tuple[int, int]:
    with app.app_context():
        moments = db.session().scalar(select(func.count()).select_from(ContactMoment)) or 0
        counted = (
            db.session().scalar(
                select(func.coalesce(func.sum(RetentionCount.count), 0)).where(
                    RetentionCount.category == "contact_moments"
                )
            )
            or 0
        )
        db.remove()
    return int(moments), int(counted)


def test_interrupted_run_finishes_on_rerun(app: Flask, agent: Caller) -> None:
    from kcc.rights.retention import CATEGORIES, run_category, run_retention

    _moments(app, agent, old=25, new=3)
    with app.app_context():
        dry = run_retention(dry_run=True)
        db.remove()
    assert dry["contact_moments"] == 25 and _count(app) == (28, 0)
    with app.app_context():
        cutoff = datetime.now(UTC) - timedelta(days=730)
        partial = run_category(
            CATEGORIES["contact_moments"], cutoff, batch=10, progress=lambda *_: None, max_batches=2
        )
        db.remove()
    assert partial == 20 and _count(app) == (8, 20)
    with app.app_context():
        again = run_retention(batch=10)
        db.remove()
    assert again["contact_moments"] == 5 and _count(app) == (3, 25)
    with app.app_context():
        last = run_retention(batch=10)
        by_channel = dict(
            db.session()
            .execute(
                select(RetentionCount.kind, RetentionCount.count).where(
                    RetentionCount.category == "contact_moments"
                )
            )
            .all()
        )
        db.remove()
    assert last["contact_moments"] == 0 and by_channel == {"counter": 13, "phone": 12}


def test_failing_batch_rolls_back_whole(app: Flask, agent: Caller) -> None:
    from kcc.rights import retention

    _moments(app, agent, old=6, new=0)
    category = retention.CATEGORIES["contact_moments"]
    calls = {"n": 0}

    def crash(ids: list[int]) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("killed mid-batch")
        category.remove(ids)

    broken = retention.Category(category.name, category.default_days, category.expired, crash)
    with app.app_context():
        cutoff = datetime.now(UTC) - timedelta(days=730)
        with pytest.raises(RuntimeError, match="killed mid-batch"):
            retention.run_category(broken, cutoff, batch=4, progress=lambda *_: None)
        db.remove()
    assert _count(app) == (2, 4)
    with app.app_context():
        retention.run_category(category, cutoff, batch=4, progress=lambda *_: None)
        db.remove()
    assert _count(app) == (0, 6)


def test_open_task_is_a_legal_hold_and_cli_dry_run(app: Flask, agent: Caller) -> None:
    party = _moments(app, agent, old=2, new=0)
    with app.app_context(), unit_of_work() as session:
        moment_id = session.scalar(select(ContactMoment.uuid).order_by(ContactMoment.id).limit(1))
    response = agent.post(
        "/api/v1/tasks",
        json={
            "kind": "complaint",
            "party_id": party,
            "contact_moment_id": str(moment_id),
            "description": "Klacht",
            "received_at": OLD.isoformat(),
            "assigned_team": "KCC",
        },
    )
    assert response.status_code == 201, response.get_json()
    from flask.cli import ScriptInfo

    from kcc.cli import main

    runner = CliRunner()
    info = ScriptInfo(create_app=lambda: app)
    dry = runner.invoke(main, ["retention", "run", "--dry-run"], obj=info)
    assert "contact_moments: would remove 1" in dry.output, dry.output
    real = runner.invoke(main, ["retention", "run"], obj=info)
    assert "contact_moments: removed 1" in real.output, real.output
    assert _count(app)[0] == 1
