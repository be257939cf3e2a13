"""Core tables: users, parties, contact moments, tasks, processing log, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 09:39:34.098244
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import kcc.db

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_deliveries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("subscriber", sa.String(length=200), nullable=False),
        sa.Column("handled_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_deliveries")),
        sa.UniqueConstraint(
            "event_id", "subscriber", name=op.f("uq_event_deliveries_event_id_subscriber")
        ),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("occurred_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("handled_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_pending",
            ["occurred_at"],
            unique=False,
            sqlite_where=sa.text("handled_at IS NULL"),
            postgresql_where=sa.text("handled_at IS NULL"),
        )

    op.create_table(
        "parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("given_names", sa.String(length=200), nullable=True),
        sa.Column("surname_prefix", sa.String(length=20), nullable=True),
        sa.Column("surname", sa.String(length=200), nullable=True),
        sa.Column("name", sa.String(length=500), nullable=True),
        sa.Column("search_name", sa.String(length=1000), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("preferred_language", sa.String(length=5), nullable=False),
        sa.Column("preferred_channel", sa.String(length=10), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["parties.id"],
            name=op.f("fk_parties_organisation_id_parties"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parties")),
        sa.UniqueConstraint("uuid", name=op.f("uq_parties_uuid")),
    )
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_parties_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index("ix_parties_search_name", ["search_name"], unique=False)

    op.create_table(
        "processing_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("trace_id", sa.String(length=32), nullable=False),
        sa.Column("span_id", sa.String(length=16), nullable=False),
        sa.Column("operation", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("activity", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("actor_type", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column("subject_lookup", sa.String(length=64), nullable=False),
        sa.Column("subject_encrypted", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processing_log")),
        sa.UniqueConstraint("uuid", name=op.f("uq_processing_log_uuid")),
    )
    with op.batch_alter_table("processing_log", schema=None) as batch_op:
        batch_op.create_index("ix_processing_log_subject", ["subject_lookup", "id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_users_uuid")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
        sa.UniqueConstraint("uuid", name=op.f("uq_api_tokens_uuid")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "contact_moments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("occurred_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["users.id"],
            name=op.f("fk_contact_moments_agent_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_contact_moments_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_moments")),
        sa.UniqueConstraint(
            "channel", "external_id", name=op.f("uq_contact_moments_channel_external_id")
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_contact_moments_uuid")),
    )
    op.create_table(
        "digital_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("verified_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_digital_addresses_party_id_parties"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digital_addresses")),
        sa.UniqueConstraint(
            "party_id", "kind", "address", name=op.f("uq_digital_addresses_party_id_kind_address")
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_digital_addresses_uuid")),
    )
    with op.batch_alter_table("digital_addresses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_digital_addresses_kind_address", ["kind", "address"], unique=False
        )
        batch_op.create_index(
            "uq_digital_addresses_one_default",
            ["party_id", "kind"],
            unique=True,
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        )

    op.create_table(
        "idempotency_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("method_path", sa.String(length=300), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_idempotency_records_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_records")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_idempotency_records_user_id_key")),
    )
    op.create_table(
        "party_identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("lookup", sa.String(length=64), nullable=False),
        sa.Column("display", sa.String(length=20), nullable=False),
        sa.Column("value_encrypted", sa.String(length=200), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["party_identifiers.id"],
            name=op.f("fk_party_identifiers_parent_id_party_identifiers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_party_identifiers_party_id_parties"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_identifiers")),
        sa.UniqueConstraint("kind", "lookup", name=op.f("uq_party_identifiers_kind_lookup")),
        sa.UniqueConstraint("uuid", name=op.f("uq_party_identifiers_uuid")),
    )
    with op.batch_alter_table("party_identifiers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_party_identifiers_party_id"), ["party_id"], unique=False
        )

    op.create_table(
        "involvements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("contact_moment_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("occurred_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_moment_id"],
            ["contact_moments.id"],
            name=op.f("fk_involvements_contact_moment_id_contact_moments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_involvements_party_id_parties"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_involvements")),
        sa.UniqueConstraint(
            "contact_moment_id",
            "party_id",
            "role",
            name=op.f("uq_involvements_contact_moment_id_party_id_role"),
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_involvements_uuid")),
    )
    with op.batch_alter_table("involvements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_involvements_contact_moment_id"), ["contact_moment_id"], unique=False
        )
        batch_op.create_index(
            "ix_involvements_party_timeline",
            ["party_id", "occurred_at", "contact_moment_id"],
            unique=False,
        )

    op.create_table(
        "subject_objects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("contact_moment_id", sa.Integer(), nullable=False),
        sa.Column("object_type", sa.String(length=50), nullable=False),
        sa.Column("object_id", sa.String(length=100), nullable=False),
        sa.Column("register", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_moment_id"],
            ["contact_moments.id"],
            name=op.f("fk_subject_objects_contact_moment_id_contact_moments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_objects")),
        sa.UniqueConstraint("uuid", name=op.f("uq_subject_objects_uuid")),
    )
    with op.batch_alter_table("subject_objects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subject_objects_contact_moment_id"), ["contact_moment_id"], unique=False
        )
        batch_op.create_index(
            "ix_subject_objects_object", ["object_type", "object_id"], unique=False
        )

    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("contact_moment_id", sa.Integer(), nullable=True),
        sa.Column("assigned_user_id", sa.Integer(), nullable=True),
        sa.Column("assigned_team", sa.String(length=100), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("received_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("advisory_committee", sa.Boolean(), nullable=False),
        sa.Column("extended_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_user_id"],
            ["users.id"],
            name=op.f("fk_tasks_assigned_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_moment_id"],
            ["contact_moments.id"],
            name=op.f("fk_tasks_contact_moment_id_contact_moments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_tasks_party_id_parties"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("uuid", name=op.f("uq_tasks_uuid")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tasks_assigned_user_id"), ["assigned_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tasks_contact_moment_id"), ["contact_moment_id"], unique=False
        )
        batch_op.create_index("ix_tasks_party_status", ["party_id", "status"], unique=False)
        batch_op.create_index("ix_tasks_status_due", ["status", "due_at"], unique=False)
    _processing_log_append_only()


def _processing_log_append_only() -> None:
    """On PostgreSQL the database itself refuses to change or remove log records."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION processing_log_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'the processing log is append-only';
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        """
        CREATE TRIGGER processing_log_append_only
        BEFORE UPDATE OR DELETE ON processing_log
        FOR EACH ROW EXECUTE FUNCTION processing_log_append_only()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS processing_log_append_only ON processing_log")
        op.execute("DROP FUNCTION IF EXISTS processing_log_append_only()")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_status_due")
        batch_op.drop_index("ix_tasks_party_status")
        batch_op.drop_index(batch_op.f("ix_tasks_contact_moment_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_assigned_user_id"))

    op.drop_table("tasks")
    with op.batch_alter_table("subject_objects", schema=None) as batch_op:
        batch_op.drop_index("ix_subject_objects_object")
        batch_op.drop_index(batch_op.f("ix_subject_objects_contact_moment_id"))

    op.drop_table("subject_objects")
    with op.batch_alter_table("involvements", schema=None) as batch_op:
        batch_op.drop_index("ix_involvements_party_timeline")
        batch_op.drop_index(batch_op.f("ix_involvements_contact_moment_id"))

    op.drop_table("involvements")
    with op.batch_alter_table("party_identifiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_identifiers_party_id"))

    op.drop_table("party_identifiers")
    op.drop_table("idempotency_records")
    with op.batch_alter_table("digital_addresses", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_digital_addresses_one_default",
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        )
        batch_op.drop_index("ix_digital_addresses_kind_address")

    op.drop_table("digital_addresses")
    op.drop_table("contact_moments")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    op.drop_table("users")
    with op.batch_alter_table("processing_log", schema=None) as batch_op:
        batch_op.drop_index("ix_processing_log_subject")

    op.drop_table("processing_log")
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.drop_index("ix_parties_search_name")
        batch_op.drop_index(batch_op.f("ix_parties_organisation_id"))

    op.drop_table("parties")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_pending",
            sqlite_where=sa.text("handled_at IS NULL"),
            postgresql_where=sa.text("handled_at IS NULL"),
        )

    op.drop_table("outbox")
    op.drop_table("event_deliveries")
