"""Identity: merge records and their moves, and parties.merged_into_id.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import kcc.db

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_parties_merged_into_id_parties"),
            "parties",
            ["merged_into_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "merge_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("duplicate_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("merged_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("merged_by_id", sa.Integer(), nullable=True),
        sa.Column("undone_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["survivor_id"],
            ["parties.id"],
            name=op.f("fk_merge_records_survivor_id_parties"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_id"],
            ["parties.id"],
            name=op.f("fk_merge_records_duplicate_id_parties"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["merged_by_id"],
            ["users.id"],
            name=op.f("fk_merge_records_merged_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["undone_by_id"],
            ["users.id"],
            name=op.f("fk_merge_records_undone_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merge_records")),
        sa.UniqueConstraint("uuid", name=op.f("uq_merge_records_uuid")),
    )
    with op.batch_alter_table("merge_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_merge_records_survivor_id"), ["survivor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_merge_records_duplicate_id"), ["duplicate_id"], unique=False
        )

    op.create_table(
        "merge_moves",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("merge_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=100), nullable=False),
        sa.Column("column_name", sa.String(length=100), nullable=False),
        sa.Column("row_key", JSON, nullable=False),
        sa.Column("old_value", JSON, nullable=True),
        sa.Column("new_value", JSON, nullable=True),
        sa.Column("flags", JSON, nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("undo_outcome", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["merge_id"],
            ["merge_records.id"],
            name=op.f("fk_merge_moves_merge_id_merge_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merge_moves")),
    )
    with op.batch_alter_table("merge_moves", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_merge_moves_merge_id"), ["merge_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("merge_moves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merge_moves_merge_id"))
    op.drop_table("merge_moves")
    with op.batch_alter_table("merge_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merge_records_duplicate_id"))
        batch_op.drop_index(batch_op.f("ix_merge_records_survivor_id"))
    op.drop_table("merge_records")
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_parties_merged_into_id_parties"), type_="foreignkey"
        )
        batch_op.drop_column("merged_into_id")
