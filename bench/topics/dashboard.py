"""The dashboard's topic queries on the core benchmark's 1,000,000 contact moments.

    KCC_DATA_KEY=... .venv/bin/python bench/core/generate.py --database kcc_bench_topics --recreate
    .venv/bin/python bench/topics/dashboard.py [--database kcc_bench_topics] [--runs 5] [--compare]

Adds the demo catalogue, confirms a topic on every contact moment from its subject (a fifth
get a second topic), with the resident and a Nijmegen postcode area copied as
``set_topics`` does, and 40,000 callback requests; then times each query of
``kcc.patterns.queries`` (median of ``--runs``) and prints its plan (EXPLAIN ANALYZE).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta

from common import app_for, load_catalogue, upgrade

SUBJECT_TOPICS = {
    "Vraag over afvalinzameling": "afvalkalender",
    "Paspoort aanvragen": "paspoort",
    "Parkeervergunning": "parkeervergunning",
    "Bezwaar WOZ": "woz",
    "Melding openbare ruimte": "melding-openbare-ruimte",
    "Verhuizing doorgeven": "verhuizen",
    "Bijstandsuitkering": "bijstand",
    "Rijbewijs verlengen": "rijbewijs",
}
FILL = """
INSERT INTO contact_moment_topics
    (contact_moment_id, topic_id, occurred_at, channel, party_id, district, source, confirmed_at,
     week, resolved, is_repeat)
SELECT m.id, t.id, m.occurred_at, m.channel, i.party_id,
       (6511 + (i.party_id % 36))::text, 'agent', m.occurred_at,
       date_trunc('week', m.occurred_at AT TIME ZONE 'UTC')::date,
       CASE WHEN m.outcome IS NULL OR m.outcome = 'in_progress' THEN NULL
            ELSE m.outcome IN ('answered', 'no_answer_needed') END, false
FROM contact_moments m
JOIN bench_subject_topics s ON s.subject = m.subject
JOIN topics t ON t.key = s.topic_key
LEFT JOIN LATERAL (SELECT party_id FROM involvements WHERE contact_moment_id = m.id
                   ORDER BY id LIMIT 1) i ON true
"""
SECOND = """
INSERT INTO contact_moment_topics
    (contact_moment_id, topic_id, occurred_at, channel, party_id, district, source, confirmed_at,
     week, resolved, is_repeat)
SELECT c.contact_moment_id, t.id, c.occurred_at, c.channel, c.party_id, c.district, 'agent',
       c.confirmed_at, c.week, c.resolved, false
FROM contact_moment_topics c
JOIN topics t ON t.id = (SELECT id FROM topics ORDER BY id OFFSET (c.contact_moment_id % 60) LIMIT 1)
WHERE c.contact_moment_id % 5 = 0 AND t.id <> c.topic_id
ON CONFLICT DO NOTHING
"""
CALLBACKS = """
INSERT INTO tasks (uuid, kind, party_id, contact_moment_id, assigned_team, description, note,
                   status, received_at, advisory_committee, created_at, updated_at)
SELECT gen_random_uuid(), 'callback', c.party_id, c.contact_moment_id, 'KCC', 'Terugbellen', '',
       'open', c.occurred_at, false, c.occurred_at, c.occurred_at
FROM contact_moment_topics c WHERE c.contact_moment_id % 25 = 0
"""
REPEATS = """
UPDATE contact_moment_topics SET is_repeat = true WHERE id IN (
    SELECT id FROM (SELECT id, occurred_at, lag(occurred_at) OVER (PARTITION BY party_id,
    topic_id ORDER BY occurred_at, contact_moment_id) AS previous FROM contact_moment_topics
    WHERE party_id IS NOT NULL) t
    WHERE previous IS NOT NULL AND occurred_at <= previous + interval '7 days')
"""
# The statements the dashboard ran before the figures were copied onto the confirmed topics
# (``--compare`` times them interleaved with today's, on the same data).
PREVIOUS = {
    "contacts per topic per week (8 weeks)": (
        "SELECT topic_id, to_char(date_trunc('week', occurred_at), 'YYYY-MM-DD'), channel, "
        "count(*) FROM contact_moment_topics WHERE occurred_at >= :week_start GROUP BY 1, 2, 3"
    ),
    "first-contact resolution per topic (30 days)": (
        "SELECT t.topic_id, sum(CASE WHEN m.outcome IN ('answered', 'no_answer_needed') "
        "THEN 1 ELSE 0 END), count(*) FROM contact_moment_topics t JOIN contact_moments m "
        "ON m.id = t.contact_moment_id WHERE t.occurred_at >= :since AND m.outcome IS NOT NULL "
        "GROUP BY t.topic_id"
    ),
    "repeat contacts within 7 days (30 days)": (
        "SELECT topic_id, count(*) FROM (SELECT topic_id, occurred_at, lag(occurred_at) OVER "
        "(PARTITION BY party_id, topic_id ORDER BY occurred_at) AS previous "
        "FROM contact_moment_topics WHERE occurred_at >= :since - interval '7 days' "
        "AND party_id IS NOT NULL) t WHERE previous IS NOT NULL AND occurred_at >= :since "
        "AND occurred_at <= previous + interval '7 days' "
        "GROUP BY topic_id ORDER BY count(*) DESC LIMIT 10"
    ),
    "topics with most callbacks (30 days)": (
        "SELECT t.topic_id, count(k.id) FROM contact_moment_topics t JOIN tasks k "
        "ON k.contact_moment_id = t.contact_moment_id WHERE t.occurred_at >= :since "
        "AND k.kind = 'callback' GROUP BY t.topic_id ORDER BY count(k.id) DESC LIMIT 10"
    ),
    "contacts per district (30 days)": (
        "SELECT district, count(DISTINCT contact_moment_id) FROM contact_moment_topics "
        "WHERE occurred_at >= :since AND district IS NOT NULL GROUP BY district "
        "ORDER BY count(DISTINCT contact_moment_id) DESC"
    ),
}


def fill(conn) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    if conn.execute(text("SELECT count(*) FROM contact_moment_topics")).scalar():
        return
    started = time.perf_counter()
    conn.execute(text("CREATE TEMP TABLE bench_subject_topics (subject text, topic_key text)"))
    conn.execute(
        text("INSERT INTO bench_subject_topics VALUES (:s, :t)"),
        [{"s": s, "t": t} for s, t in SUBJECT_TOPICS.items()],
    )
    for statement in (FILL, SECOND, CALLBACKS, REPEATS):
        conn.execute(text(statement))
    conn.commit()
    print(f"topics confirmed on every contact moment in {time.perf_counter() - started:.1f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="kcc_bench_topics")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--compare", action="store_true", help="Time the previous statements interleaved."
    )
    args = parser.parse_args()
    url = f"postgresql://postgres@127.0.0.1/{args.database}"
    upgrade(url)
    app = app_for(url)
    with app.app_context():
        from sqlalchemy import text

        from kcc.db import db, utcnow
        from kcc.patterns import queries

        load_catalogue()
        fill(db.session())
        db.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:  # type: ignore[union-attr]
            conn.execute(text("VACUUM (ANALYZE) contact_moment_topics"))
            conn.execute(text("VACUUM (ANALYZE) tasks"))
        counts = (
            db.session()
            .execute(
                text(
                    "SELECT (SELECT count(*) FROM contact_moments), "
                    "(SELECT count(*) FROM contact_moment_topics), (SELECT count(*) FROM tasks)"
                )
            )
            .one()
        )
        print(f"contact moments {counts[0]}, confirmed topics {counts[1]}, tasks {counts[2]}")
        latest = db.session().execute(text("SELECT max(occurred_at) FROM contact_moments")).scalar()
        now = latest or utcnow()
        checks = {
            "contacts per topic per week (8 weeks)": lambda: queries.contacts_per_topic_week(now),
            "first-contact resolution per topic (30 days)": lambda: (
                queries.first_contact_resolution_per_topic(now)
            ),
            "repeat contacts within 7 days (30 days)": lambda: queries.repeat_contacts(now),
            "topics with most callbacks (30 days)": lambda: queries.callbacks_per_topic(now),
            "contacts per district (30 days)": lambda: queries.contacts_per_district(now),
        }
        bind = {
            "week_start": queries.monday(now) - timedelta(weeks=7),
            "since": now - timedelta(30),
        }
        for name, run in checks.items():
            timings: list[float] = []
            previous: list[float] = []
            for _ in range(args.runs):
                t = time.perf_counter()
                run()
                timings.append((time.perf_counter() - t) * 1000)
                db.session().rollback()
                if args.compare and name in PREVIOUS:
                    t = time.perf_counter()
                    db.session().execute(text(PREVIOUS[name]), bind).all()
                    previous.append((time.perf_counter() - t) * 1000)
                    db.session().rollback()
            line = f"{name}: median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms"
            if previous:
                line += f" (previous statement: median {statistics.median(previous):.1f} ms)"
            print(line)
        explain(db, now)


def explain(db, now) -> None:  # type: ignore[no-untyped-def]
    """The plans of the queries, as PostgreSQL runs them (statements logged by SQLAlchemy)."""
    from sqlalchemy import event

    from kcc.patterns import queries

    statements: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "contact_moment_topics" in statement and not statement.startswith("EXPLAIN"):
            statements.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", keep)
    for run in (
        queries.contacts_per_topic_week,
        queries.first_contact_resolution_per_topic,
        queries.repeat_contacts,
        queries.callbacks_per_topic,
        queries.contacts_per_district,
    ):
        run(now)
    event.remove(engine, "before_cursor_execute", keep)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            print("\n" + statement.strip().splitlines()[0][:100] + " ...")
            print("\n".join(row[0] for row in cursor.fetchall()))
    finally:
        raw.close()


if __name__ == "__main__":
    main()
