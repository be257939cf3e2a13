"""Consent records, suggestions, 'ask for consent' items, and retention bookkeeping.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import kcc.db

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
WHEN = kcc.db.UTCDateTime()


def upgrade() -> None:
    op.create_table(
        "consent_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(80), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("recorded_at", WHEN, nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("contact_moment_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("text_version", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("expires_at", WHEN, nullable=True),
        sa.Column("withdraws_id", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.String(300), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_consent_records_party_id_parties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_moment_id"],
            ["contact_moments.id"],
            name=op.f("fk_consent_records_contact_moment_id_contact_moments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_consent_records_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["withdraws_id"],
            ["consent_records.id"],
            name=op.f("fk_consent_records_withdraws_id_consent_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
        sa.UniqueConstraint("uuid", name=op.f("uq_consent_records_uuid")),
        sa.UniqueConstraint("withdraws_id", name=op.f("uq_consent_records_withdraws_id")),
    )
    op.create_index(
        "ix_consent_records_party", "consent_records", ["party_id", "purpose", "channel", "id"]
    )

    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column(
            "instance_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("journey_key", sa.String(64), nullable=False),
        sa.Column("journey_version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(100), nullable=False),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("texts", JSON, nullable=False),
        sa.Column("consent_purpose", sa.String(80), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("delivery", sa.String(10), nullable=False),
        sa.Column("channel", sa.String(10), nullable=True),
        sa.Column("message_id", sa.String(64), nullable=True),
        sa.Column("consent_record_id", sa.Integer(), nullable=True),
        sa.Column("explanation", JSON, nullable=False),
        sa.Column("source_event_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("approved_at", WHEN, nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", WHEN, nullable=True),
        sa.Column("answered_at", WHEN, nullable=True),
        sa.Column("answered_by", sa.String(80), nullable=True),
        sa.Column("closed_at", WHEN, nullable=True),
        sa.Column("expires_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_suggestions_party_id_parties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["journey_instances.id"],
            name=op.f("fk_suggestions_instance_id_journey_instances"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consent_record_id"],
            ["consent_records.id"],
            name=op.f("fk_suggestions_consent_record_id_consent_records"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_suggestions_approved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestions")),
        sa.UniqueConstraint("uuid", name=op.f("uq_suggestions_uuid")),
        sa.UniqueConstraint(
            "source_event_id", "position", name=op.f("uq_suggestions_source_event_id_position")
        ),
    )
    op.create_index("ix_suggestions_party", "suggestions", ["party_id", "id"])
    op.create_index("ix_suggestions_status_expires", "suggestions", ["status", "expires_at"])

    op.create_table(
        "consent_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column(
            "instance_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("journey_key", sa.String(64), nullable=False),
        sa.Column("state", sa.String(100), nullable=False),
        sa.Column("services", JSON, nullable=False),
        sa.Column("source_event_id", sa.String(64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("resolved_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_consent_requests_party_id_parties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["journey_instances.id"],
            name=op.f("fk_consent_requests_instance_id_journey_instances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_requests")),
        sa.UniqueConstraint("uuid", name=op.f("uq_consent_requests_uuid")),
        sa.UniqueConstraint("source_event_id", name=op.f("uq_consent_requests_source_event_id")),
    )
    op.create_index("ix_consent_requests_party", "consent_requests", ["party_id", "resolved_at"])

    op.create_table(
        "retention_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("finished_at", WHEN, nullable=True),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("removed", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_runs")),
    )
    op.create_table(
        "retention_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_counts")),
        sa.UniqueConstraint(
            "category", "month", "kind", name=op.f("uq_retention_counts_category_month_kind")
        ),
    )
    op.create_index("ix_retention_counts_category", "retention_counts", ["category"])


def downgrade() -> None:
    op.drop_index("ix_retention_counts_category", table_name="retention_counts")
    op.drop_table("retention_counts")
    op.drop_table("retention_runs")
    op.drop_index("ix_consent_requests_party", table_name="consent_requests")
    op.drop_table("consent_requests")
    op.drop_index("ix_suggestions_status_expires", table_name="suggestions")
    op.drop_index("ix_suggestions_party", table_name="suggestions")
    op.drop_table("suggestions")
    op.drop_index("ix_consent_records_party", table_name="consent_records")
    op.drop_table("consent_records")
