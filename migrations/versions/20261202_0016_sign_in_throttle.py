"""Sign-in throttles recorded for supervisors; the account-wide lockout columns go.

Revision ID: 0016_sign_in_throttle
Revises: see down_revision
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kcc.db

revision: str = "0016_sign_in_throttle"
down_revision: str | Sequence[str] | None = "0014_erasure_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", kcc.db.UTCDateTime(), nullable=False),
        sa.Column("account", sa.String(length=150), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=30), nullable=False),
        sa.Column("retry_after_seconds", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_throttles")),
        sa.UniqueConstraint("uuid", name=op.f("uq_sign_in_throttles_uuid")),
    )
    op.create_index(
        op.f("ix_sign_in_throttles_occurred_at"),
        "sign_in_throttles",
        ["occurred_at"],
        unique=False,
    )
    with op.batch_alter_table("users") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_sign_ins")


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("failed_sign_ins", sa.Integer(), server_default="0", nullable=False)
        )
        batch.add_column(sa.Column("locked_until", kcc.db.UTCDateTime(), nullable=True))
    op.drop_index(op.f("ix_sign_in_throttles_occurred_at"), table_name="sign_in_throttles")
    op.drop_table("sign_in_throttles")
