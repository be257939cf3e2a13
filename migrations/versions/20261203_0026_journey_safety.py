"""Journey safety: four-eyes approval, emergency stop, isolated deliveries, sealed event fields.

Revision ID: 0026_journey_safety
Revises: 0025_consent_purposes
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import kcc.db

revision: str = "0026_journey_safety"
down_revision: str | Sequence[str] | None = "0025_consent_purposes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journey_deliveries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("journey_key", sa.String(length=64), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("trigger_on", sa.String(length=200), nullable=False),
        sa.Column("occasion", sa.String(length=200), nullable=False),
        sa.Column(
            "cause",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "subject",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("data_prefix", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_journey_deliveries_party_id_parties"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_deliveries")),
        sa.UniqueConstraint(
            "journey_key",
            "party_id",
            "occasion",
            name=op.f("uq_journey_deliveries_journey_key_party_id_occasion"),
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_journey_deliveries_uuid")),
    )
    with op.batch_alter_table("journey_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_journey_deliveries_due",
            ["next_attempt_at"],
            unique=False,
            sqlite_where=sa.text("status IN ('failed', 'held')"),
            postgresql_where=sa.text("status IN ('failed', 'held')"),
        )
        batch_op.create_index("ix_journey_deliveries_journey", ["journey_key", "id"], unique=False)
        batch_op.create_index("ix_journey_deliveries_party", ["party_id"], unique=False)

    with op.batch_alter_table("journey_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_by", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("approved_at", kcc.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("suspended_at", kcc.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("suspended_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("suspended_reason", sa.String(length=500), nullable=True))

    with op.batch_alter_table("journeys", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("suspended_at", kcc.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("suspended_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("suspended_reason", sa.String(length=500), nullable=True))

    with op.batch_alter_table("life_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("life_events", schema=None) as batch_op:
        batch_op.drop_column("sealed")

    with op.batch_alter_table("journeys", schema=None) as batch_op:
        batch_op.drop_column("suspended_reason")
        batch_op.drop_column("suspended_by")
        batch_op.drop_column("suspended_at")

    with op.batch_alter_table("journey_versions", schema=None) as batch_op:
        batch_op.drop_column("suspended_reason")
        batch_op.drop_column("suspended_by")
        batch_op.drop_column("suspended_at")
        batch_op.drop_column("approved_at")
        batch_op.drop_column("approved_by")

    with op.batch_alter_table("journey_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_journey_deliveries_party")
        batch_op.drop_index("ix_journey_deliveries_journey")
        batch_op.drop_index(
            "ix_journey_deliveries_due",
            sqlite_where=sa.text("status IN ('failed', 'held')"),
            postgresql_where=sa.text("status IN ('failed', 'held')"),
        )

    op.drop_table("journey_deliveries")
