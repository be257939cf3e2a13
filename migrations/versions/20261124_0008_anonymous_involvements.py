"""Involvements without a party (anonymous contact requests) and digital addresses that only an
involvement holds (given during a contact, for its follow-up).

Revision ID: 0008_anonymous_involvements
Revises: 0007
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_anonymous_involvements"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

addresses = sa.table(
    "digital_addresses",
    sa.column("id", sa.Integer()),
    sa.column("party_id", sa.Integer()),
    sa.column("involvement_id", sa.Integer()),
)
involvements = sa.table("involvements", sa.column("party_id", sa.Integer()))


def _address_links() -> list[dict[str, int]]:
    """On SQLite a batch alter re-creates ``involvements``; dropping the old table with foreign
    keys on runs its ON DELETE SET NULL on ``digital_addresses``, so the links are kept aside."""
    if op.get_bind().dialect.name != "sqlite":
        return []
    rows = op.get_bind().execute(
        sa.select(addresses.c.id, addresses.c.involvement_id).where(
            addresses.c.involvement_id.is_not(None)
        )
    )
    return [{"key": key, "involvement": involvement} for key, involvement in rows]


def _restore(links: list[dict[str, int]]) -> None:
    if links:
        op.get_bind().execute(
            addresses.update()
            .where(addresses.c.id == sa.bindparam("key"))
            .values(involvement_id=sa.bindparam("involvement")),
            links,
        )


def upgrade() -> None:
    links = _address_links()
    with op.batch_alter_table("involvements") as batch:
        batch.alter_column("party_id", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("digital_addresses") as batch:
        batch.alter_column("party_id", existing_type=sa.Integer(), nullable=True)
    _restore(links)


def downgrade() -> None:
    # The old schema has no place for rows without a party: they are removed.
    op.execute(addresses.delete().where(addresses.c.party_id.is_(None)))
    op.execute(involvements.delete().where(involvements.c.party_id.is_(None)))
    links = _address_links()
    with op.batch_alter_table("digital_addresses") as batch:
        batch.alter_column("party_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("involvements") as batch:
        batch.alter_column("party_id", existing_type=sa.Integer(), nullable=False)
    _restore(links)
