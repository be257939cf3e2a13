"""A failing journey isolates its own event; declared data only; triggers follow the version."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from sqlalchemy import select, update

from journeys.models import JourneyDelivery, LifeEvent
from kcc.db import db, utcnow
from tests.conftest import Caller
from tests.journeys.conftest import Resident, cloud_event, load, small_doc, to_yaml
from tests.journeys.test_triggers import instances_of, post_event


def overflowing(app: Flask) -> None:
    """A journey whose stored document overflows at run time (as one accepted before the
    duration checks could): each event fails inside the engine."""
    from journeys.models import JourneyVersion

    doc = small_doc(key="broken")
    load(app, to_yaml(doc))
    doc["states"]["waiting"]["timers"] = [{"after": "P9999999W", "event": "progress"}]
    with app.app_context():
        db.session().execute(
            update(JourneyVersion)
            .values(document=doc, checksum="overflowing")
            .where(
                JourneyVersion.number == 1,
                JourneyVersion.journey_id.in_(select_journey("broken")),
            )
        )
        db.session().commit()
        db.remove()


def select_journey(key: str):  # type: ignore[no-untyped-def]
    from journeys.models import Journey

    return select(Journey.id).where(Journey.key == key)


def test_a_failing_journey_does_not_block_another_listening_to_the_same_event(
    app: Flask,
    system: Caller,
    agent: Caller,
    make_caller: Callable[..., Caller],
    make_resident: Callable[[], Resident],
    run_jobs: Callable[[], int],
) -> None:
    load(app, to_yaml(small_doc()))
    overflowing(app)
    resident = make_resident()
    response = post_event(system, cloud_event("nl.test.started", resident.bsn))
    assert response.status_code == 202
    assert "its journeys are moved" not in response.get_json()["detail"]
    run_jobs()
    assert [i["journey"] for i in instances_of(agent, resident)] == ["small"]
    owner = make_caller("process_owner")
    failures = owner.get("/api/v1/journeys/broken/deliveries").get_json()["items"]
    assert [(f["status"], f["attempts"], f["event"]) for f in failures] == [
        ("failed", 1, "nl.test.started")
    ]
    assert "longer than 100 years" in failures[0]["error"]
    assert failures[0]["next_attempt_at"] is not None
    assert agent.get("/api/v1/journeys/broken/deliveries").status_code == 403

    # The retry is due later, with backoff; once due it fails again and waits longer.
    from journeys.deliveries import retry_deliveries

    with app.app_context():
        assert retry_deliveries() == 0
        db.session().execute(
            update(JourneyDelivery).values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        db.session().commit()
        db.remove()
        assert retry_deliveries() == 0
    [again] = owner.get("/api/v1/journeys/broken/deliveries").get_json()["items"]
    assert again["attempts"] == 2


def test_event_data_is_cut_to_declared_fields_and_a_bsn_field_is_sealed(
    app: Flask,
    builtins: list[str],
    system: Caller,
    make_resident: Callable[[], Resident],
    run_jobs: Callable[[], int],
) -> None:
    resident = make_resident()
    deceased = make_resident()
    body = cloud_event(
        "nl.brp.death-registered",
        resident.bsn,
        municipality_code="0268",
        deceased_bsn=deceased.bsn,
        street="Hoogstraat 1",
    )
    assert post_event(system, body).status_code == 202
    run_jobs()
    with app.app_context():
        row = db.session().scalar(select(LifeEvent).where(LifeEvent.type == body["type"]))
        assert row is not None
        assert row.data == {"municipality_code": "0268"}
        assert deceased.bsn not in str(row.data) and deceased.bsn not in (row.sealed or "")
        from journeys.lifeevents import reveal_sealed

        assert reveal_sealed(row) == {"deceased_bsn": deceased.bsn}
        db.remove()


def test_a_bsn_in_a_plain_declared_field_is_refused(
    app: Flask, system: Caller, make_resident: Callable[[], Resident]
) -> None:
    load(app, to_yaml(small_doc(data_used=[{"field": "data.note"}])))
    resident = make_resident()
    other = make_resident()
    response = post_event(
        system, cloud_event("nl.test.started", resident.bsn, note=f"bsn {other.bsn}")
    )
    assert response.status_code == 422
    assert response.get_json()["invalid_params"][0]["name"] == "data.note"
    with app.app_context():
        assert db.session().scalar(select(LifeEvent.id)) is None
        db.remove()
