"""Channel tables: conversations, messages, outbound messages, opt-outs, chat sessions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import kcc.db

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signed_request_receipts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("received_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signed_request_receipts")),
        sa.UniqueConstraint(
            "source", "digest", name=op.f("uq_signed_request_receipts_source_digest")
        ),
    )
    op.create_index(
        op.f("ix_signed_request_receipts_received_at"),
        "signed_request_receipts",
        ["received_at"],
        unique=False,
    )
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("assigned_user_id", sa.Integer(), nullable=True),
        sa.Column("assigned_team", sa.String(length=100), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("contact_moment_id", sa.Integer(), nullable=True),
        sa.Column("message_count", sa.Integer(), nullable=False),
        sa.Column("last_message_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("opened_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_user_id"],
            ["users.id"],
            name=op.f("fk_conversations_assigned_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_moment_id"],
            ["contact_moments.id"],
            name=op.f("fk_conversations_contact_moment_id_contact_moments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_conversations_party_id_parties"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("uuid", name=op.f("uq_conversations_uuid")),
    )
    op.create_index(
        "ix_conversations_assigned", "conversations", ["assigned_user_id", "status"], unique=False
    )
    op.create_index("ix_conversations_party", "conversations", ["party_id", "status"], unique=False)
    op.create_index(
        "ix_conversations_status_last",
        "conversations",
        ["status", "last_message_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_conversations_thread", "conversations", ["channel", "address", "status"], unique=False
    )
    op.create_table(
        "channel_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(length=254), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("provider_sid", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error_code", sa.String(length=20), nullable=True),
        sa.Column("error_message", sa.String(length=500), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column(
            "media",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempt_started_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status_updated_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_channel_messages_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_channel_messages_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_messages")),
        sa.UniqueConstraint(
            "channel", "provider_sid", name=op.f("uq_channel_messages_channel_provider_sid")
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_channel_messages_uuid")),
    )
    op.create_index(
        "ix_channel_messages_conversation",
        "channel_messages",
        ["conversation_id", "id"],
        unique=False,
    )
    op.create_index(
        "ix_channel_messages_due", "channel_messages", ["status", "next_attempt_at"], unique=False
    )
    op.create_table(
        "chat_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_chat_sessions_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_chat_sessions_token_hash")),
        sa.UniqueConstraint("uuid", name=op.f("uq_chat_sessions_uuid")),
    )
    op.create_index(
        op.f("ix_chat_sessions_conversation_id"), "chat_sessions", ["conversation_id"], unique=False
    )
    op.create_table(
        "conversation_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_keys_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_keys")),
        sa.UniqueConstraint("kind", "key", name=op.f("uq_conversation_keys_kind_key")),
    )
    op.create_index(
        op.f("ix_conversation_keys_conversation_id"),
        "conversation_keys",
        ["conversation_id"],
        unique=False,
    )
    op.create_table(
        "channel_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["channel_messages.id"],
            name=op.f("fk_channel_attachments_message_id_channel_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_attachments")),
        sa.UniqueConstraint("uuid", name=op.f("uq_channel_attachments_uuid")),
    )
    op.create_index(
        op.f("ix_channel_attachments_message_id"),
        "channel_attachments",
        ["message_id"],
        unique=False,
    )
    op.create_table(
        "sms_opt_outs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("opted_out_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("restored_at", kcc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("keyword", sa.String(length=20), nullable=True),
        sa.Column(
            "evidence_message_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("updated_at", kcc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_message_id"],
            ["channel_messages.id"],
            name=op.f("fk_sms_opt_outs_evidence_message_id_channel_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_opt_outs")),
        sa.UniqueConstraint("address", name=op.f("uq_sms_opt_outs_address")),
    )


def downgrade() -> None:
    op.drop_table("sms_opt_outs")
    op.drop_index(op.f("ix_channel_attachments_message_id"), table_name="channel_attachments")
    op.drop_table("channel_attachments")
    op.drop_index(op.f("ix_conversation_keys_conversation_id"), table_name="conversation_keys")
    op.drop_table("conversation_keys")
    op.drop_index(op.f("ix_chat_sessions_conversation_id"), table_name="chat_sessions")
    op.drop_table("chat_sessions")
    op.drop_index("ix_channel_messages_due", table_name="channel_messages")
    op.drop_index("ix_channel_messages_conversation", table_name="channel_messages")
    op.drop_table("channel_messages")
    op.drop_index("ix_conversations_thread", table_name="conversations")
    op.drop_index("ix_conversations_status_last", table_name="conversations")
    op.drop_index("ix_conversations_party", table_name="conversations")
    op.drop_index("ix_conversations_assigned", table_name="conversations")
    op.drop_table("conversations")
    op.drop_index(
        op.f("ix_signed_request_receipts_received_at"), table_name="signed_request_receipts"
    )
    op.drop_table("signed_request_receipts")
