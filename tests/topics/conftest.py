"""Fixtures for topics and the knowledge base: the demo directory and catalogue, an admin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from kcc.db import db, unit_of_work
from tests.conftest import Caller


@pytest.fixture()
def admin(make_caller: Callable[..., Caller]) -> Caller:
    return make_caller("admin", team="ICT")


@pytest.fixture()
def directory(app: Flask) -> None:
    """The demo municipality's departments and teams."""
    from kcc.demo import DEPARTMENTS, TEAMS
    from kcc.directory.services import create_department, create_team, find_team

    with app.app_context(), unit_of_work():
        for key, name, email in DEPARTMENTS:
            create_department(key, name, email=email)
        for key, name, department, email in TEAMS:
            if find_team(key) is not None:  # one of the suite's own teams
                continue
            create_team(key, name, department_key=department, email=email)
    with app.app_context():
        db.remove()


@pytest.fixture()
def catalogue(app: Flask, directory: None) -> dict[str, str]:
    """The demo catalogue; topic ids by key."""
    from sqlalchemy import select

    from kcc.demo.topics import load_topics
    from kcc.topics.models import Topic

    with app.app_context(), unit_of_work():
        load_topics()
    with app.app_context():
        ids = {key: str(uid) for key, uid in db.session().execute(select(Topic.key, Topic.uuid))}
        db.remove()
    return ids


def topic_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "key": "hondenpoep",
        "name_nl": "Hondenpoep",
        "name_en": "Dog mess",
        "synonyms": ["hondenstront", "uitwerpselen", "dog poo"],
        "owner_team": "Afval",
    }
    body.update(changes)
    return body


from tests.journeys.conftest import builtins, make_resident, process_owner  # noqa: E402, F401
