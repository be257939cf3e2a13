"""The demo municipality's topic catalogue (from ``topics.txt``) and the teams that own it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from kcc.db import db
from kcc.directory.models import Department
from kcc.directory.services import create_department, create_team, find_team
from kcc.topics.catalogue import TopicInput, create_topic, find_topic
from kcc.topics.standard import STANDARD_TOPICS, UPL
from kcc.topics.suggest import TopicTerms

CATALOGUE = Path(__file__).with_name("topics.txt")
DEPARTMENT = ("Sociaal Domein", "Sociaal Domein", "sociaaldomein@example.nijmegen.nl")
OWNER_TEAMS = (
    ("Werk en Inkomen", "Werk en Inkomen", "Sociaal Domein", "werkeninkomen@example.nijmegen.nl"),
    ("Wmo", "Wmo en jeugd", "Sociaal Domein", "wmo@example.nijmegen.nl"),
    ("Belastingen", "Belastingen", "Bedrijfsvoering", "belastingen@example.nijmegen.nl"),
    ("Vergunningen", "Vergunningen", "Stadsbeheer", "vergunningen@example.nijmegen.nl"),
    ("Openbare ruimte", "Openbare ruimte", "Stadsbeheer", "openbareruimte@example.nijmegen.nl"),
)


@dataclass(frozen=True)
class DemoTopic:
    """One line of the demo catalogue."""

    key: str
    parent: str | None
    owner_team: str | None
    upl_uri: str
    name_nl: str
    name_en: str
    synonyms: tuple[str, ...]
    phrasings: tuple[str, ...]


def demo_topics() -> list[DemoTopic]:
    """The demo catalogue's topics on top of the standard ones, parents before children."""
    found = []
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, parent, team, upl, name_nl, name_en, synonyms, phrasings = line.split("|")
        found.append(
            DemoTopic(
                key,
                parent or None,
                team or None,
                UPL + upl if upl else "",
                name_nl,
                name_en,
                tuple(s.strip() for s in synonyms.split(";") if s.strip()),
                tuple(p.strip() for p in phrasings.split(";") if p.strip()),
            )
        )
    return found


def demo_index_terms() -> list[TopicTerms]:
    """The whole demo catalogue (standard topics too) as the suggester sees it, without a
    database: for the suggestion benchmark and its accuracy test."""
    standard = [
        TopicTerms(
            uuid.uuid5(uuid.NAMESPACE_URL, s.key),
            s.key,
            s.name_nl,
            s.name_en,
            s.synonyms + s.phrasings,
            (s.name_nl, s.name_en),
        )
        for s in STANDARD_TOPICS
    ]
    return standard + [
        TopicTerms(
            uuid.uuid5(uuid.NAMESPACE_URL, t.key),
            t.key,
            t.name_nl,
            t.name_en,
            t.synonyms + t.phrasings,
            (t.name_nl, t.name_en),
        )
        for t in demo_topics()
    ]


def load_topics() -> int:
    """Add the owner teams and the demo catalogue (topics present already are left alone)."""
    present = select(Department.id).where(Department.key == DEPARTMENT[0])
    if db.session().scalar(present) is None:
        create_department(DEPARTMENT[0], DEPARTMENT[1], email=DEPARTMENT[2])
    for key, name, department, email in OWNER_TEAMS:
        if find_team(key) is None:
            create_team(key, name, department_key=department, email=email)
    added = 0
    for topic in demo_topics():
        if find_topic(topic.key) is not None:
            continue
        parent = find_topic(topic.parent) if topic.parent else None
        create_topic(
            TopicInput(
                key=topic.key,
                name_nl=topic.name_nl,
                name_en=topic.name_en,
                parent_id=parent.uuid if parent is not None else None,
                synonyms=list(topic.synonyms),
                phrasings=list(topic.phrasings),
                upl_uri=topic.upl_uri,
                owner_team=topic.owner_team,
            )
        )
        added += 1
    return added
