"""Klantinteracties as a drop-in for Open Klant: addresses kept as written, business identifiers
registered before their party, and the counters that generate ``nummer`` values.

Revision ID: 0021_ki_dropin
Revises: 0020_view_summary
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_ki_dropin"
down_revision: str | Sequence[str] | None = "0020_view_summary"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ki_number_counters",
        sa.Column("resource", sa.String(length=20), nullable=False),
        sa.Column("prefix", sa.String(length=10), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("resource", "prefix", name=op.f("pk_ki_number_counters")),
    )
    with op.batch_alter_table("digital_addresses") as batch:
        batch.add_column(
            sa.Column("as_given", sa.String(length=254), server_default="", nullable=False)
        )
    with op.batch_alter_table("party_identifiers") as batch:
        batch.alter_column("party_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # Identifiers still waiting for their party cannot be kept without one.
    op.execute("DELETE FROM party_identifiers WHERE party_id IS NULL")
    with op.batch_alter_table("party_identifiers") as batch:
        batch.alter_column("party_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("digital_addresses") as batch:
        batch.drop_column("as_given")
    op.drop_table("ki_number_counters")
