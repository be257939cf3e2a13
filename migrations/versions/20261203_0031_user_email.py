"""Users: an e-mail address of their own, where work routed to them personally is announced.

Revision ID: 0031
Revises: 0028_service_subscribers
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031_user_email"
down_revision: str | Sequence[str] | None = "0030_topic_figures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("email", sa.String(length=254), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email")
