"""Consent per purpose: journey-wide consents become consents for the purposes they covered.

A grant for ``journey:<key>`` covered the suggestions of that journey. It is carried over,
as it stands (same channel, time, text and expiry), to one grant per purpose the journey's
versions published by then named, and the old grant is closed with a withdrawal that says
so. Nothing widens: a purpose published after the grant is not included. General
``proactive`` grants stay; they cover only purposes published before they were given.
Suggestions get the number a resident answers with when several offers are open, and the
task made when the resident said yes.

Revision ID: 0025_consent_purposes
Revises: 0024_tasks_phone
Create Date: 2026-12-03
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0025_consent_purposes"
down_revision: str | Sequence[str] | None = "0024_tasks_phone"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

records = sa.table(
    "consent_records",
    sa.column("id", sa.Integer),
    sa.column("uuid", sa.Uuid),
    sa.column("party_id", sa.Integer),
    sa.column("purpose", sa.String),
    sa.column("channel", sa.String),
    sa.column("action", sa.String),
    sa.column("recorded_at", sa.DateTime(timezone=True)),
    sa.column("method", sa.String),
    sa.column("contact_moment_id", sa.Integer),
    sa.column("recorded_by_id", sa.Integer),
    sa.column("language", sa.String),
    sa.column("text_version", sa.Integer),
    sa.column("text", sa.Text),
    sa.column("expires_at", sa.DateTime(timezone=True)),
    sa.column("withdraws_id", sa.Integer),
    sa.column("evidence", sa.String),
)
journeys = sa.table("journeys", sa.column("id", sa.Integer), sa.column("key", sa.String))
versions = sa.table(
    "journey_versions",
    sa.column("journey_id", sa.Integer),
    sa.column("document", sa.JSON),
    sa.column("published_at", sa.DateTime(timezone=True)),
)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _named(document: Any) -> set[str]:
    document = document or {}
    names = set(document.get("purposes") or {})
    for info in (document.get("states") or {}).values():
        for offer in (info or {}).get("suggestions") or []:
            if offer.get("consent_purpose"):
                names.add(str(offer["consent_purpose"]))
    return names


def _published(conn: sa.Connection) -> dict[str, list[tuple[datetime, set[str]]]]:
    rows = conn.execute(
        sa.select(journeys.c.key, versions.c.document, versions.c.published_at)
        .join(journeys, journeys.c.id == versions.c.journey_id)
        .where(versions.c.published_at.is_not(None))
    )
    found: dict[str, list[tuple[datetime, set[str]]]] = {}
    for key, document, published_at in rows:
        stamp = _utc(published_at)
        assert stamp is not None
        found.setdefault(key, []).append((stamp, _named(document)))
    return found


def upgrade() -> None:
    op.add_column("suggestions", sa.Column("task_id", sa.String(36), nullable=True))
    op.add_column("suggestions", sa.Column("reply_number", sa.Integer(), nullable=True))
    conn = op.get_bind()
    published = _published(conn)
    newest: dict[tuple[int, str, str], Any] = {}
    for row in conn.execute(sa.select(records).order_by(records.c.id.desc())):
        newest.setdefault((row.party_id, row.purpose, row.channel), row)
    now = datetime.now(UTC)
    for (_, purpose, _), grant in sorted(newest.items(), key=lambda item: item[1].id):
        expires = _utc(grant.expires_at)
        if not purpose.startswith("journey:") or grant.action != "granted":
            continue
        if expires is not None and expires <= now:
            continue
        granted_at = _utc(grant.recorded_at)
        assert granted_at is not None
        covered = sorted(
            {
                name
                for stamp, names in published.get(purpose.removeprefix("journey:"), [])
                if stamp <= granted_at
                for name in names
            }
        )
        for name in covered:
            conn.execute(
                records.insert().values(
                    uuid=uuid.uuid4(),
                    party_id=grant.party_id,
                    purpose=name,
                    channel=grant.channel,
                    action="granted",
                    recorded_at=grant.recorded_at,
                    method=grant.method,
                    contact_moment_id=grant.contact_moment_id,
                    recorded_by_id=grant.recorded_by_id,
                    language=grant.language,
                    text_version=grant.text_version,
                    text=grant.text,
                    expires_at=grant.expires_at,
                    evidence=f"carried over from consent {grant.uuid} (one per purpose)",
                )
            )
        conn.execute(
            records.insert().values(
                uuid=uuid.uuid4(),
                party_id=grant.party_id,
                purpose=purpose,
                channel=grant.channel,
                action="withdrawn",
                recorded_at=now,
                method="api",
                language=grant.language,
                text="",
                withdraws_id=grant.id,
                evidence="replaced by one consent per purpose it covered",
            )
        )


def downgrade() -> None:
    # The per-purpose grants stay: they are what the resident agreed to, in narrower terms.
    op.drop_column("suggestions", "reply_number")
    op.drop_column("suggestions", "task_id")
