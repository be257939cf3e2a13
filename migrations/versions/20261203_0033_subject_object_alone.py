"""A subject object (Klantinteracties onderwerpobject) may be registered before, or without,
the contact moment it is about, as the standard allows.

Revision ID: 0033
Revises: 0028_service_subscribers
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033_subject_object_alone"
down_revision: str | Sequence[str] | None = "0031_user_email"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("subject_objects") as batch:
        batch.alter_column("contact_moment_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # A subject object without its contact moment cannot be kept without one.
    op.execute("DELETE FROM subject_objects WHERE contact_moment_id IS NULL")
    with op.batch_alter_table("subject_objects") as batch:
        batch.alter_column("contact_moment_id", existing_type=sa.Integer(), nullable=False)
