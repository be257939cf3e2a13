"""Service subscribers: webhooks told by a signed CloudEvent when a resident says yes to a
service, and one delivery row per subscriber and event (pending, delivered or failed).

Revision ID: 0028_service_subscribers
Revises: 0027_topics
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import kcc.db

revision: str = "0028_service_subscribers"
down_revision: str | Sequence[str] | None = "0027_topics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "service_subscribers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_subscribers")),
        sa.UniqueConstraint("uuid", name=op.f("uq_service_subscribers_uuid")),
    )
    op.create_index(
        op.f("ix_service_subscribers_service"), "service_subscribers", ["service"], unique=False
    )
    op.create_table(
        "service_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column(
            "body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_service_deliveries_party_id_parties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["service_subscribers.id"],
            name=op.f("fk_service_deliveries_subscriber_id_service_subscribers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_deliveries")),
        sa.UniqueConstraint("subscriber_id", "event_id", name="uq_service_deliveries_event"),
        sa.UniqueConstraint("uuid", name=op.f("uq_service_deliveries_uuid")),
    )
    op.create_index(
        "ix_service_deliveries_due",
        "service_deliveries",
        ["status", "next_attempt_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_service_deliveries_party_id"), "service_deliveries", ["party_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_service_deliveries_party_id"), table_name="service_deliveries")
    op.drop_index("ix_service_deliveries_due", table_name="service_deliveries")
    op.drop_table("service_deliveries")
    op.drop_index(op.f("ix_service_subscribers_service"), table_name="service_subscribers")
    op.drop_table("service_subscribers")
