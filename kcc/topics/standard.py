"""The life-event topics every installation has: the built-in journeys listen for them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.engine import Connection

from kcc.db import utcnow
from kcc.topics.models import Topic

UPL = "http://standaarden.overheid.nl/owms/terms/"


@dataclass(frozen=True)
class StandardTopic:
    """A topic of the standard set, by key; ``parent`` names another standard topic."""

    key: str
    name_nl: str
    name_en: str
    parent: str | None
    synonyms: tuple[str, ...]
    phrasings: tuple[str, ...] = ()
    upl: str = ""


STANDARD_TOPICS: tuple[StandardTopic, ...] = (
    StandardTopic(
        "burgerzaken",
        "Burgerzaken",
        "Civil affairs",
        None,
        ("basisregistratie personen", "brp", "gemeentelijke basisadministratie", "civil registry"),
    ),
    StandardTopic(
        "verhuizen",
        "Verhuizen",
        "Moving house",
        "burgerzaken",
        (
            "verhuizing",
            "verhuisd",
            "verhuis",
            "adreswijziging",
            "nieuw adres",
            "adres wijzigen",
            "inschrijven",
            "inschrijving",
            "uitschrijven",
            "verhuizen",
            "moving",
            "moved",
            "move",
            "new address",
            "change of address",
            "relocation",
        ),
        ("ik ben verhuisd", "wij gaan verhuizen", "ik woon nu op", "mijn nieuwe adres is"),
        UPL + "Verhuizing",
    ),
    StandardTopic(
        "geboorte",
        "Geboorte",
        "Birth",
        "burgerzaken",
        (
            "geboorteaangifte",
            "aangifte geboorte",
            "baby",
            "kindje",
            "bevallen",
            "geboren",
            "pasgeboren",
            "erkenning",
            "birth",
            "born",
            "newborn",
            "registering a baby",
        ),
        ("ons kindje is geboren", "aangifte doen van de geboorte", "our baby was born"),
        UPL + "Geboorteaangifte",
    ),
    StandardTopic(
        "overlijden",
        "Overlijden",
        "Death of a relative",
        "burgerzaken",
        (
            "overleden",
            "overlijdensakte",
            "overlijdensaangifte",
            "gestorven",
            "begrafenis",
            "crematie",
            "nabestaande",
            "weduwe",
            "rouw",
            "death",
            "died",
            "passed away",
            "funeral",
            "bereavement",
            "deceased",
        ),
        ("mijn vader is overleden", "mijn moeder is gestorven", "my husband passed away"),
        UPL + "Overlijden_aangifte",
    ),
    StandardTopic(
        "18-jaar",
        "18 jaar worden",
        "Turning 18",
        "burgerzaken",
        (
            "18 jaar",
            "achttien",
            "meerderjarig",
            "volwassen worden",
            "zorgverzekering afsluiten",
            "digid aanvragen",
            "turning 18",
            "eighteen",
            "coming of age",
        ),
        ("ik word 18", "mijn zoon wordt 18", "mijn dochter wordt achttien", "I turn 18"),
    ),
    StandardTopic(
        "ondernemen",
        "Ondernemen",
        "Business",
        None,
        ("ondernemer", "bedrijf", "zakelijk", "onderneming", "zzp", "zzp'er", "business"),
    ),
    StandardTopic(
        "bedrijf-starten",
        "Bedrijf starten",
        "Starting a business",
        "ondernemen",
        (
            "starter",
            "starten",
            "eigen bedrijf",
            "inschrijven kvk",
            "kamer van koophandel",
            "eenmanszaak",
            "vestigen",
            "start a business",
            "starting a company",
            "self-employed",
            "freelancer",
        ),
        ("ik wil een eigen bedrijf beginnen", "ik start als zzp'er", "I want to start a business"),
        UPL + "Starten_van_een_bedrijf",
    ),
)


def insert_standard_topics(connection: Connection) -> None:
    """Insert the standard topics that are missing, without events (a fresh installation's
    catalogue: run by the migration that made the table)."""
    table = cast(Table, Topic.__table__)
    existing = dict(tuple(r) for r in connection.execute(select(table.c.key, table.c.id)))
    now = utcnow()
    for standard in STANDARD_TOPICS:
        if standard.key in existing:
            continue
        result = connection.execute(
            insert(table)
            .values(
                uuid=uuid.uuid4(),
                key=standard.key,
                name_nl=standard.name_nl,
                name_en=standard.name_en,
                parent_id=existing.get(standard.parent or ""),
                synonyms=list(standard.synonyms),
                phrasings=list(standard.phrasings),
                upl_uri=standard.upl,
                description="",
                is_active=True,
                created_at=now,
                updated_at=now,
            )
            .returning(table.c.id)
        )
        existing[standard.key] = result.scalar_one()
