"""The customer view asks its sections' tables whether they hold rows of the party, in one
statement, instead of remembering per party which sections were empty: the summaries go.

Revision ID: 0037_view_sections_probe
Revises: 0033_subject_object_alone
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037_view_sections_probe"
down_revision: str | Sequence[str] | None = "0033_subject_object_alone"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table("party_view_summaries")


def downgrade() -> None:
    # Empty: every section is asked again on a party's next view and remembered from there.
    op.create_table(
        "party_view_summaries",
        sa.Column("party_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("empty_sections", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("party_id", name=op.f("pk_party_view_summaries")),
    )
