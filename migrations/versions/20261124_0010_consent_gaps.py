"""Indexes for the retention of chat transcripts and of ended journeys.

Revision ID: 0010_consent_gaps
Revises: see down_revision
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_consent_gaps"
down_revision: str | Sequence[str] | None = "0009_web_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENDED = sa.text("status <> 'active'")


def upgrade() -> None:
    op.create_index(
        "ix_conversations_channel_last", "conversations", ["channel", "last_message_at"]
    )
    op.create_index(
        "ix_journey_instances_ended",
        "journey_instances",
        ["completed_at"],
        postgresql_where=ENDED,
        sqlite_where=ENDED,
    )


def downgrade() -> None:
    op.drop_index("ix_journey_instances_ended", table_name="journey_instances")
    op.drop_index("ix_conversations_channel_last", table_name="conversations")
