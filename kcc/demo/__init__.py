"""Believable demo data for Nijmegen: residents, businesses, contact moments and tasks."""

from __future__ import annotations

import random
from datetime import timedelta

import click
from sqlalchemy import select

from kcc.auth.models import User
from kcc.auth.passwords import hash_password
from kcc.auth.services import create_user, issue_token
from kcc.constants import Channel
from kcc.contacts.services import ContactInput, InvolvementInput, ObjectInput, record_contact
from kcc.db import db, utcnow
from kcc.demo.answers import load_knowledge
from kcc.demo.people import DEMO_PASSWORD, EXAMPLE_BSN, EXAMPLE_PHONE, business, resident
from kcc.directory.services import create_department, create_team, update_department
from kcc.parties.services import register_party
from kcc.privacy.context import system_processing
from kcc.tasks.services import TaskInput, create_task, update_task

STAFF = (
    ("demo-agent", "agent", "Sanne de Vries", "KCC"),
    ("demo-supervisor", "supervisor", "Mehmet Yilmaz", "KCC"),
    ("demo-process-owner", "process_owner", "Anouk van den Berg", "Dienstverlening"),
    ("demo-admin", "admin", "Ruud Janssen", "ICT"),
    ("demo-system", "system", "Open Formulieren", None),
)

DEPARTMENTS = (
    ("Publiekszaken", "Publiekszaken", "publiekszaken@example.nijmegen.nl"),
    ("Juridische Zaken", "Juridische Zaken", "juridischezaken@example.nijmegen.nl"),
    ("Stadsbeheer", "Stadsbeheer", "stadsbeheer@example.nijmegen.nl"),
    ("Bedrijfsvoering", "Bedrijfsvoering", ""),
)
TEAMS = (
    ("KCC", "Klantcontactcentrum", "Publiekszaken", "kcc@example.nijmegen.nl"),
    ("Burgerzaken", "Burgerzaken", "Publiekszaken", "burgerzaken@example.nijmegen.nl"),
    (
        "Klachtencoördinatie",
        "Klachtencoördinatie",
        "Juridische Zaken",
        "klachten@example.nijmegen.nl",
    ),
    ("Bezwaar en beroep", "Bezwaar en beroep", "Juridische Zaken", "bezwaar@example.nijmegen.nl"),
    ("Parkeren", "Parkeren", "Stadsbeheer", "parkeren@example.nijmegen.nl"),
    ("Afval", "Afval en reiniging", "Stadsbeheer", "afval@example.nijmegen.nl"),
    ("Dienstverlening", "Dienstverlening", "Bedrijfsvoering", ""),
    ("ICT", "ICT", "Bedrijfsvoering", ""),
)
# The team that takes a callback request sent to the department as a whole.
DEFAULT_TEAMS = (
    ("Publiekszaken", "Burgerzaken"),
    ("Juridische Zaken", "Klachtencoördinatie"),
    ("Stadsbeheer", "Afval"),
    ("Bedrijfsvoering", "Dienstverlening"),
)

SUBJECTS = {
    Channel.COUNTER: [
        "Paspoort aanvragen",
        "Rijbewijs ophalen",
        "Uittreksel BRP",
        "Verhuizing doorgeven",
    ],
    Channel.PHONE: [
        "Vraag over afvalpas",
        "Parkeervergunning",
        "Melding openbare ruimte",
        "WOZ-beschikking",
    ],
    Channel.WEB: [
        "Melding losliggende tegel",
        "Aanvraag bijzondere bijstand",
        "Verhuizing doorgeven",
    ],
    Channel.CHAT: ["Openingstijden Stadswinkel", "Vraag over afvalkalender", "Afspraak maken"],
    Channel.SMS: ["Herinnering afspraak", "Vraag over grofvuil", "Bevestiging melding"],
    Channel.EMAIL: ["Bezwaar parkeerboete", "Vraag over kwijtschelding", "Klacht behandeling"],
}
OUTCOMES = ["answered", "answered", "answered", "forwarded", "callback_requested", "task_created"]


def load_demo(seed: int = 14024) -> None:
    """Create demo users and data once; print the logins and tokens."""
    if db.session().scalar(select(User.id).where(User.name == "demo-agent")) is not None:
        _fresh_tokens()
        return
    rng = random.Random(seed)
    with system_processing("kcc demo-data", "kcc.system"):
        _directory()
        tokens = {name: _user(name, role, display, team) for name, role, display, team in STAFF}
        agent = db.session().scalar(select(User).where(User.name == "demo-agent"))
        assert agent is not None
        residents = [register_party(resident(rng, i)) for i in range(60)]
        businesses = [register_party(business(rng, i)) for i in range(6)]
        _contacts(rng, residents + businesses, agent)
        _tasks(rng, residents, agent)
        _life_events(residents, agent)
        topics, answers = load_knowledge()
    db.commit()
    click.echo(f"Topic catalogue: {topics} topics added; knowledge base: {answers} answers.")
    click.echo(
        "Demo data loaded: 60 residents, 6 businesses, contact moments on every channel, tasks."
    )
    click.echo(f"Web sign-in for every demo user: password '{DEMO_PASSWORD}'.")
    for name, token in tokens.items():
        click.echo(f"  {name:<20} API token: {token}")
    _example()


def _example() -> None:
    first = EXAMPLE_PHONE[:2] + " " + EXAMPLE_PHONE[2:]
    click.echo(
        f"Example resident to search for: phone {first} (?phone=06%20{EXAMPLE_PHONE[2:]}) "
        f"or BSN {EXAMPLE_BSN} (?bsn={EXAMPLE_BSN})."
    )


def _fresh_tokens() -> None:
    """On a second run the data stays; each demo user gets a new token to print."""
    click.echo("Demo data present already. New API tokens for the demo users:")
    for name, *_ in STAFF:
        user = db.session().scalar(select(User).where(User.name == name))
        if user is not None:
            click.echo(f"  {name:<20} API token: {issue_token(user, label='demo')}")
    db.commit()
    _example()


def _directory() -> None:
    for key, name, email in DEPARTMENTS:
        create_department(key, name, email=email)
    for key, name, department, email in TEAMS:
        create_team(key, name, department_key=department, email=email)
    for department, team in DEFAULT_TEAMS:
        update_department(department, {"default_team": team})


def _user(name: str, role: str, display: str, team: str | None) -> str:
    _, token = create_user(
        name, role, display_name=display, team=team, password_hash=hash_password(DEMO_PASSWORD)
    )
    return token


def _contacts(rng: random.Random, parties: list, agent: User) -> None:
    now = utcnow()
    channels = list(SUBJECTS)
    for index in range(400):
        party = parties[index % len(parties)] if index < len(parties) else rng.choice(parties)
        channel = channels[index % len(channels)]
        occurred = now - timedelta(days=rng.uniform(0, 120), minutes=rng.randint(0, 600))
        involved = [InvolvementInput(party.uuid)]
        if rng.random() < 0.05:
            involved.append(InvolvementInput(rng.choice(parties).uuid, "representative"))
        if len({i.party_id for i in involved}) < len(involved):
            involved = involved[:1]
        objects = (
            [ObjectInput("case", f"Z-2026-{rng.randint(1, 999):03d}", "ZGW")]
            if rng.random() < 0.2
            else []
        )
        record_contact(
            ContactInput(
                channel=channel,
                direction="outbound"
                if channel == Channel.SMS and rng.random() < 0.4
                else "inbound",
                subject=rng.choice(SUBJECTS[channel]),
                text="Inwoner geholpen; zie notitie."
                if channel in (Channel.COUNTER, Channel.PHONE)
                else "",
                outcome=rng.choice(OUTCOMES),
                occurred_at=occurred,
                parties=involved,
                objects=objects,
                agent_id=agent.uuid if channel in (Channel.COUNTER, Channel.PHONE) else None,
                details=_details(rng, channel),
            ),
            recorded_by=agent.id,
        )


# Subjects the contact centre classifies as life events; published journeys start on them.
LIFE_EVENT_SUBJECTS = (
    "verhuizing",
    "verhuizing",
    "geboorteaangifte",
    "overlijden",
    "bedrijf starten",
)


def _life_events(residents: list, agent: User) -> None:
    for offset, subject in enumerate(LIFE_EVENT_SUBJECTS):
        record_contact(
            ContactInput(
                channel=Channel.COUNTER if offset % 2 else Channel.PHONE,
                subject=subject,
                text="Inwoner meldt een levensgebeurtenis.",
                outcome="answered",
                occurred_at=utcnow() - timedelta(days=offset + 1),
                parties=[InvolvementInput(residents[30 + offset].uuid)],
                agent_id=agent.uuid,
            ),
            recorded_by=agent.id,
        )


def _details(rng: random.Random, channel: str) -> dict[str, object]:
    if channel == Channel.PHONE:
        return {
            "caller_number": f"+316{rng.randint(1, 5)}{rng.randint(1000000, 9999999)}",
            "duration_seconds": rng.randint(40, 900),
        }
    if channel == Channel.COUNTER:
        return {"location": rng.choice(["Stadswinkel Nijmegen", "Stadswinkel Dukenburg"])}
    return {}


def _tasks(rng: random.Random, residents: list, agent: User) -> None:
    now = utcnow()
    for index in range(12):
        create_task(
            TaskInput(
                kind="callback",
                party_id=residents[index].uuid,
                assigned_user_id=agent.uuid if index % 2 else None,
                assigned_team="KCC",
                description="Inwoner terugbellen over de vraag van vandaag.",
                received_at=now - timedelta(days=rng.randint(0, 6)),
            )
        )
    near = create_task(
        TaskInput(
            kind="complaint",
            party_id=residents[20].uuid,
            assigned_team="Klachtencoördinatie",
            description="Klacht over de bejegening aan de balie.",
            received_at=now - timedelta(weeks=5, days=3),
        )
    )
    create_task(
        TaskInput(
            kind="objection",
            party_id=residents[21].uuid,
            assigned_team="Bezwaar en beroep",
            description="Bezwaar tegen de WOZ-beschikking 2026.",
            received_at=now - timedelta(weeks=7),
        )
    )
    done = create_task(
        TaskInput(
            kind="follow_up",
            party_id=residents[22].uuid,
            assigned_team="KCC",
            description="Nabellen melding.",
        )
    )
    update_task(done.uuid, {"status": "done"})
    del near
