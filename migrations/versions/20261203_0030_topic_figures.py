"""Dashboard figures on confirmed topics, and a narrow search table for the knowledge base.

The question-pattern queries read only ``contact_moment_topics`` (its time index covers what
they count by on PostgreSQL), instead of joining a million contact moments; callbacks are
found through a partial index on callback tasks. Existing rows are filled in from their
contact moments.

On PostgreSQL the knowledge base's Dutch ``tsvector`` moves out of the wide answers table into
``knowledge_fts_search`` (answer, status, vector; a GIN index), kept in step by a trigger on
every write of an answer's search text or status: finding and ranking answers reads a few
narrow rows instead of pages of answer texts.

Revision ID: 0030
Revises: 0028_service_subscribers
Create Date: 2026-12-03 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030_topic_figures"
down_revision: str | Sequence[str] | None = "0029_journey_services"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_INCLUDE = ["topic_id", "channel", "party_id", "district", "contact_moment_id"]
NEW_INCLUDE = [
    "topic_id",
    "week",
    "channel",
    "district",
    "contact_moment_id",
    "resolved",
    "is_repeat",
]
# The week's Monday in UTC, whether the moment was settled at first contact (no final outcome:
# null), and whether the same resident had contact about the same topic in the seven days
# before (the previous one in time, then moment order).
WEEK = {
    "postgresql": "(date_trunc('week', occurred_at AT TIME ZONE 'UTC'))::date",
    "sqlite": "date(occurred_at, '-6 days', 'weekday 1')",
}
RESOLVED = (
    "(SELECT CASE WHEN m.outcome IS NULL OR m.outcome = 'in_progress' THEN NULL "
    "WHEN m.outcome IN ('answered', 'no_answer_needed') THEN {true} ELSE {false} END "
    "FROM contact_moments m WHERE m.id = contact_moment_topics.contact_moment_id)"
)
REPEATS = (
    "SELECT id FROM (SELECT id, occurred_at, lag(occurred_at) OVER (PARTITION BY party_id, "
    "topic_id ORDER BY occurred_at, contact_moment_id) AS previous FROM contact_moment_topics "
    "WHERE party_id IS NOT NULL) t WHERE previous IS NOT NULL AND {within}"
)
WITHIN = {
    "postgresql": "occurred_at <= previous + interval '7 days'",
    "sqlite": "julianday(occurred_at) - julianday(previous) <= 7",
}


POSTGRES_SEARCH = (
    "CREATE TABLE knowledge_fts_search ("
    "answer_id integer PRIMARY KEY REFERENCES knowledge_answers (id) ON DELETE CASCADE, "
    "status varchar(20) NOT NULL, vector tsvector NOT NULL)",
    "CREATE INDEX knowledge_fts_search_vector ON knowledge_fts_search USING gin (vector)",
    "CREATE FUNCTION knowledge_fts_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "INSERT INTO knowledge_fts_search (answer_id, status, vector) "
    "VALUES (NEW.id, NEW.status, to_tsvector('dutch', NEW.search_text)) "
    "ON CONFLICT (answer_id) DO UPDATE SET status = EXCLUDED.status, vector = EXCLUDED.vector; "
    "RETURN NULL; "
    "END $$",
    "CREATE TRIGGER knowledge_fts_search_sync AFTER INSERT OR UPDATE OF search_text, status "
    "ON knowledge_answers FOR EACH ROW EXECUTE FUNCTION knowledge_fts_search_sync()",
    "INSERT INTO knowledge_fts_search (answer_id, status, vector) "
    "SELECT id, status, to_tsvector('dutch', search_text) FROM knowledge_answers",
    "DROP INDEX knowledge_fts_dutch",
    "ALTER TABLE knowledge_answers DROP COLUMN knowledge_fts_vector",
)
POSTGRES_SEARCH_DOWN = (
    "ALTER TABLE knowledge_answers ADD COLUMN knowledge_fts_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('dutch', search_text)) STORED",
    "CREATE INDEX knowledge_fts_dutch ON knowledge_answers USING gin (knowledge_fts_vector)",
    "DROP TRIGGER knowledge_fts_search_sync ON knowledge_answers",
    "DROP FUNCTION knowledge_fts_search_sync()",
    "DROP TABLE knowledge_fts_search",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for statement in POSTGRES_SEARCH:
            op.execute(statement)
    with op.batch_alter_table("contact_moment_topics", schema=None) as batch_op:
        batch_op.add_column(sa.Column("week", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("resolved", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("is_repeat", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # The statements are built from the constants above only (no outside input).
    true, false = ("true", "false") if dialect == "postgresql" else ("1", "0")
    week, within = WEEK.get(dialect, WEEK["sqlite"]), WITHIN.get(dialect, WITHIN["sqlite"])
    resolved = RESOLVED.format(true=true, false=false)
    op.execute(f"UPDATE contact_moment_topics SET week = {week}, resolved = {resolved}")  # noqa: S608
    repeats = REPEATS.format(within=within)
    op.execute(f"UPDATE contact_moment_topics SET is_repeat = {true} WHERE id IN ({repeats})")  # noqa: S608
    with op.batch_alter_table("contact_moment_topics", schema=None) as batch_op:
        batch_op.alter_column("week", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column("is_repeat", existing_type=sa.Boolean(), server_default=None)
        batch_op.drop_index("ix_contact_moment_topics_time")
        batch_op.create_index(
            "ix_contact_moment_topics_time",
            ["occurred_at"],
            unique=False,
            postgresql_include=NEW_INCLUDE,
        )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tasks_callbacks",
            ["received_at", "contact_moment_id"],
            unique=False,
            postgresql_where=sa.text("kind = 'callback'"),
            sqlite_where=sa.text("kind = 'callback'"),
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_SEARCH_DOWN:
            op.execute(statement)
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_callbacks")
    with op.batch_alter_table("contact_moment_topics", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_moment_topics_time")
        batch_op.create_index(
            "ix_contact_moment_topics_time",
            ["occurred_at"],
            unique=False,
            postgresql_include=OLD_INCLUDE,
        )
        batch_op.drop_column("is_repeat")
        batch_op.drop_column("resolved")
        batch_op.drop_column("week")
