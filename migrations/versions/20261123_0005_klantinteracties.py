"""Klantinteracties: the standard's fields on core tables, and actors, attachments,
representations, bank accounts and categories.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import kcc.db

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _core_columns() -> None:
    with op.batch_alter_table("parties") as b:
        b.add_column(sa.Column("number", sa.String(10), nullable=True))
        b.add_column(sa.Column("initials", sa.String(10), nullable=True))
        b.add_column(sa.Column("internal_note", sa.String(1000), nullable=False, server_default=""))
        b.add_column(sa.Column("confidential", sa.Boolean(), nullable=True))
        b.add_column(sa.Column("visiting_address", JSON, nullable=True))
        b.add_column(sa.Column("postal_address", JSON, nullable=True))
        b.create_index("ix_parties_number", ["number"])
    with op.batch_alter_table("contact_moments") as b:
        b.add_column(sa.Column("number", sa.String(10), nullable=True))
        b.add_column(sa.Column("reference", sa.String(10), nullable=True))
        b.add_column(sa.Column("response", sa.Text(), nullable=False, server_default=""))
        b.add_column(sa.Column("contact_succeeded", sa.Boolean(), nullable=True))
        b.add_column(
            sa.Column("main_subject_type", sa.String(200), nullable=False, server_default="")
        )
        b.add_column(
            sa.Column("further_action", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("involvements") as b:
        b.add_column(
            sa.Column("initiator", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        b.add_column(sa.Column("details", JSON, nullable=False, server_default="{}"))
    with op.batch_alter_table("tasks") as b:
        b.add_column(sa.Column("number", sa.String(10), nullable=True))
        b.add_column(sa.Column("reference", sa.String(10), nullable=True))
    with op.batch_alter_table("digital_addresses") as b:
        b.add_column(sa.Column("reference", sa.String(50), nullable=False, server_default=""))
        b.add_column(
            sa.Column("is_preferred", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        b.add_column(sa.Column("involvement_id", sa.Integer(), nullable=True))
        b.create_foreign_key(
            op.f("fk_digital_addresses_involvement_id_involvements"),
            "involvements",
            ["involvement_id"],
            ["id"],
            ondelete="SET NULL",
        )
        b.create_index(op.f("ix_digital_addresses_involvement_id"), ["involvement_id"])
    with op.batch_alter_table("subject_objects") as b:
        b.alter_column(
            "object_type",
            type_=sa.String(200),
            existing_type=sa.String(50),
            existing_nullable=False,
        )
        b.alter_column(
            "object_id", type_=sa.String(200), existing_type=sa.String(100), existing_nullable=False
        )
        b.alter_column(
            "register", type_=sa.String(200), existing_type=sa.String(50), existing_nullable=False
        )
        b.add_column(sa.Column("id_kind", sa.String(200), nullable=False, server_default=""))
        b.add_column(sa.Column("was_contact_moment_id", sa.Integer(), nullable=True))
        b.create_foreign_key(
            op.f("fk_subject_objects_was_contact_moment_id_contact_moments"),
            "contact_moments",
            ["was_contact_moment_id"],
            ["id"],
            ondelete="SET NULL",
        )


def _uuid_id() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
    ]


def _new_tables() -> None:
    op.create_table(
        "actors",
        *_uuid_id(),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("id_object_id", sa.String(200), nullable=False),
        sa.Column("id_object_type", sa.String(200), nullable=False),
        sa.Column("id_register", sa.String(200), nullable=False),
        sa.Column("id_kind", sa.String(200), nullable=False),
        sa.Column("details", JSON, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_actors_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
        sa.UniqueConstraint("uuid", name=op.f("uq_actors_uuid")),
        sa.UniqueConstraint("user_id", name=op.f("uq_actors_user_id")),
    )
    op.create_table(
        "actor_contact_moments",
        *_uuid_id(),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("contact_moment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_actor_contact_moments_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_moment_id"],
            ["contact_moments.id"],
            name=op.f("fk_actor_contact_moments_contact_moment_id_contact_moments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor_contact_moments")),
        sa.UniqueConstraint("uuid", name=op.f("uq_actor_contact_moments_uuid")),
        sa.UniqueConstraint(
            "actor_id",
            "contact_moment_id",
            name=op.f("uq_actor_contact_moments_actor_id_contact_moment_id"),
        ),
    )
    op.create_index(
        op.f("ix_actor_contact_moments_actor_id"), "actor_contact_moments", ["actor_id"]
    )
    op.create_index(
        op.f("ix_actor_contact_moments_contact_moment_id"),
        "actor_contact_moments",
        ["contact_moment_id"],
    )
    op.create_table(
        "task_actors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_actors_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_task_actors_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_actors")),
        sa.UniqueConstraint("task_id", "actor_id", name=op.f("uq_task_actors_task_id_actor_id")),
    )
    op.create_index(op.f("ix_task_actors_task_id"), "task_actors", ["task_id"])
    op.create_index(op.f("ix_task_actors_actor_id"), "task_actors", ["actor_id"])
    op.create_table(
        "contact_attachments",
        *_uuid_id(),
        sa.Column("contact_moment_id", sa.Integer(), nullable=True),
        sa.Column("object_id", sa.String(200), nullable=False),
        sa.Column("object_type", sa.String(200), nullable=False),
        sa.Column("register", sa.String(200), nullable=False),
        sa.Column("id_kind", sa.String(200), nullable=False),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_moment_id"],
            ["contact_moments.id"],
            name=op.f("fk_contact_attachments_contact_moment_id_contact_moments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_attachments")),
        sa.UniqueConstraint("uuid", name=op.f("uq_contact_attachments_uuid")),
    )
    op.create_index(
        op.f("ix_contact_attachments_contact_moment_id"),
        "contact_attachments",
        ["contact_moment_id"],
    )
    op.create_table(
        "representations",
        *_uuid_id(),
        sa.Column("representative_id", sa.Integer(), nullable=False),
        sa.Column("represented_id", sa.Integer(), nullable=False),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["representative_id"],
            ["parties.id"],
            name=op.f("fk_representations_representative_id_parties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["represented_id"],
            ["parties.id"],
            name=op.f("fk_representations_represented_id_parties"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_representations")),
        sa.UniqueConstraint("uuid", name=op.f("uq_representations_uuid")),
        sa.UniqueConstraint(
            "representative_id",
            "represented_id",
            name=op.f("uq_representations_representative_id_represented_id"),
        ),
    )
    op.create_index(
        op.f("ix_representations_representative_id"), "representations", ["representative_id"]
    )
    op.create_index(
        op.f("ix_representations_represented_id"), "representations", ["represented_id"]
    )
    op.create_table(
        "bank_accounts",
        *_uuid_id(),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("iban", sa.String(34), nullable=False),
        sa.Column("bic", sa.String(11), nullable=False),
        sa.Column("is_preferred", sa.Boolean(), nullable=False),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_bank_accounts_party_id_parties"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_accounts")),
        sa.UniqueConstraint("uuid", name=op.f("uq_bank_accounts_uuid")),
    )
    op.create_index(op.f("ix_bank_accounts_party_id"), "bank_accounts", ["party_id"])
    op.create_table(
        "categories",
        *_uuid_id(),
        sa.Column("name", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("uuid", name=op.f("uq_categories_uuid")),
    )
    op.create_table(
        "category_relations",
        *_uuid_id(),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("begin_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_category_relations_party_id_parties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_category_relations_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category_relations")),
        sa.UniqueConstraint("uuid", name=op.f("uq_category_relations_uuid")),
    )
    op.create_index(op.f("ix_category_relations_party_id"), "category_relations", ["party_id"])
    op.create_index(
        op.f("ix_category_relations_category_id"), "category_relations", ["category_id"]
    )


def upgrade() -> None:
    _core_columns()
    _new_tables()


def downgrade() -> None:
    for table in (
        "category_relations",
        "categories",
        "bank_accounts",
        "representations",
        "contact_attachments",
        "task_actors",
        "actor_contact_moments",
        "actors",
    ):
        op.drop_table(table)
    with op.batch_alter_table("subject_objects") as b:
        b.drop_constraint(
            op.f("fk_subject_objects_was_contact_moment_id_contact_moments"), type_="foreignkey"
        )
        b.drop_column("was_contact_moment_id")
        b.drop_column("id_kind")
    with op.batch_alter_table("digital_addresses") as b:
        b.drop_index(op.f("ix_digital_addresses_involvement_id"))
        b.drop_constraint(
            op.f("fk_digital_addresses_involvement_id_involvements"), type_="foreignkey"
        )
        for column in ("involvement_id", "is_preferred", "reference"):
            b.drop_column(column)
    with op.batch_alter_table("tasks") as b:
        b.drop_column("reference")
        b.drop_column("number")
    with op.batch_alter_table("involvements") as b:
        b.drop_column("details")
        b.drop_column("initiator")
    with op.batch_alter_table("contact_moments") as b:
        for column in (
            "further_action",
            "main_subject_type",
            "contact_succeeded",
            "response",
            "reference",
            "number",
        ):
            b.drop_column(column)
    with op.batch_alter_table("parties") as b:
        b.drop_index("ix_parties_number")
        for column in (
            "postal_address",
            "visiting_address",
            "confidential",
            "internal_note",
            "initials",
            "number",
        ):
            b.drop_column(column)
