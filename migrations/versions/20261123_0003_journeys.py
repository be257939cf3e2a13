"""Journey tables: definitions, versions, instances, steps, timers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import kcc.db

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "journeys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journeys")),
        sa.UniqueConstraint("key", name=op.f("uq_journeys_key")),
    )
    op.create_table(
        "journey_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journey_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("published_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("retired_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["journey_id"],
            ["journeys.id"],
            name=op.f("fk_journey_versions_journey_id_journeys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_versions")),
        sa.UniqueConstraint(
            "journey_id", "number", name=op.f("uq_journey_versions_journey_id_number")
        ),
    )
    op.create_table(
        "journey_instances",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("journey_key", sa.String(length=64), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("exclusive", sa.Boolean(), nullable=False),
        sa.Column("configuration", JSON, nullable=False),
        sa.Column("datamodel", JSON, nullable=False),
        sa.Column("step_count", sa.Integer(), nullable=False),
        sa.Column("started_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_journey_instances_party_id_parties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["journey_versions.id"],
            name=op.f("fk_journey_instances_version_id_journey_versions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_instances")),
        sa.UniqueConstraint("uuid", name=op.f("uq_journey_instances_uuid")),
    )
    with op.batch_alter_table("journey_instances", schema=None) as batch_op:
        batch_op.create_index("ix_journey_instances_party", ["party_id", "id"], unique=False)
        batch_op.create_index(
            "ix_journey_instances_version_status", ["version_id", "status"], unique=False
        )
        batch_op.create_index(
            "uq_journey_instances_one_active",
            ["party_id", "journey_key"],
            unique=True,
            sqlite_where=sa.text("status = 'active' AND exclusive"),
            postgresql_where=sa.text("status = 'active' AND exclusive"),
        )
    op.create_table(
        "journey_steps",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("instance_id", BIG_ID, nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("from_states", JSON, nullable=False),
        sa.Column("to_states", JSON, nullable=False),
        sa.Column("moved", sa.Boolean(), nullable=False),
        sa.Column("cause_type", sa.String(length=20), nullable=False),
        sa.Column("cause_ref", sa.String(length=200), nullable=True),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("occurred_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["journey_instances.id"],
            name=op.f("fk_journey_steps_instance_id_journey_instances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_steps")),
        sa.UniqueConstraint(
            "instance_id", "event_id", name=op.f("uq_journey_steps_instance_id_event_id")
        ),
    )
    op.create_table(
        "journey_timers",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("instance_id", BIG_ID, nullable=False),
        sa.Column("state", sa.String(length=100), nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("duration", sa.String(length=40), nullable=False),
        sa.Column("due_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fired_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["journey_instances.id"],
            name=op.f("fk_journey_timers_instance_id_journey_instances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_timers")),
        sa.UniqueConstraint("uuid", name=op.f("uq_journey_timers_uuid")),
    )
    with op.batch_alter_table("journey_timers", schema=None) as batch_op:
        batch_op.create_index("ix_journey_timers_instance", ["instance_id"], unique=False)
        batch_op.create_index(
            "ix_journey_timers_pending",
            ["instance_id", "state"],
            unique=False,
            sqlite_where=sa.text("fired_at IS NULL AND cancelled_at IS NULL"),
            postgresql_where=sa.text("fired_at IS NULL AND cancelled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_journey_timers_due",
            ["due_at"],
            unique=False,
            sqlite_where=sa.text("fired_at IS NULL AND cancelled_at IS NULL"),
            postgresql_where=sa.text("fired_at IS NULL AND cancelled_at IS NULL"),
        )
    op.create_table(
        "life_events",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("ce_id", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("data", JSON, nullable=False),
        sa.Column("occurred_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_life_events_party_id_parties"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_life_events")),
        sa.UniqueConstraint("source", "ce_id", name=op.f("uq_life_events_source_ce_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_life_events_uuid")),
    )
    with op.batch_alter_table("life_events", schema=None) as batch_op:
        batch_op.create_index("ix_life_events_party", ["party_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("life_events", schema=None) as batch_op:
        batch_op.drop_index("ix_life_events_party")
    op.drop_table("life_events")
    with op.batch_alter_table("journey_timers", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_journey_timers_due",
            sqlite_where=sa.text("fired_at IS NULL AND cancelled_at IS NULL"),
            postgresql_where=sa.text("fired_at IS NULL AND cancelled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_journey_timers_pending",
            sqlite_where=sa.text("fired_at IS NULL AND cancelled_at IS NULL"),
            postgresql_where=sa.text("fired_at IS NULL AND cancelled_at IS NULL"),
        )
        batch_op.drop_index("ix_journey_timers_instance")
    op.drop_table("journey_timers")
    op.drop_table("journey_steps")
    with op.batch_alter_table("journey_instances", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_journey_instances_one_active",
            sqlite_where=sa.text("status = 'active' AND exclusive"),
            postgresql_where=sa.text("status = 'active' AND exclusive"),
        )
        batch_op.drop_index("ix_journey_instances_version_status")
        batch_op.drop_index("ix_journey_instances_party")
    op.drop_table("journey_instances")
    op.drop_table("journey_versions")
    op.drop_table("journeys")
