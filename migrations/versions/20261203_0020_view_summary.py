"""Per party, which customer-view sections were found empty (party_view_summaries).

Revision ID: 0020_view_summary
Revises: 0017_directory
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_view_summary"
down_revision: str | Sequence[str] | None = "0017_directory"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "party_view_summaries",
        sa.Column("party_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("empty_sections", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("party_id", name=op.f("pk_party_view_summaries")),
    )


def downgrade() -> None:
    op.drop_table("party_view_summaries")
