"""Erasure requests: each erasure on request with its reason, beside the processing log.

Revision ID: 0014_erasure_requests
Revises: see down_revision
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014_erasure_requests"
down_revision: str | Sequence[str] | None = "0011_party_ports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "erasure_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("subject_lookup", sa.String(length=64), nullable=False),
        sa.Column("trace_id", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("result", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_requests")),
        sa.UniqueConstraint("uuid", name=op.f("uq_erasure_requests_uuid")),
    )
    op.create_index(
        op.f("ix_erasure_requests_subject_lookup"), "erasure_requests", ["subject_lookup"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_erasure_requests_subject_lookup"), table_name="erasure_requests")
    op.drop_table("erasure_requests")
