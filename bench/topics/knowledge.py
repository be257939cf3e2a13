"""Knowledge search on PostgreSQL with 5,000 answers: p50 and p95 of ``search_answers``.

    .venv/bin/python bench/topics/knowledge.py [--database kcc_bench_knowledge] [--answers 5000]
        [--queries 400] [--reuse]

Creates the database (``kcc_bench_knowledge`` unless ``--database`` names another), loads the
demo catalogue and writes the answers through ``create_answer`` (the 50 demo answers, varied
per copy: other places, numbers and extra words), then searches with words from the labelled
resident messages, half of them with the message's topic given as the conversation's topic.
Prints the plans of a search.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from common import app_for, load_catalogue, percentile, recreate
from sqlalchemy import text

from kcc.errors import ValidationFailed

PLACES = ["Stadswinkel", "Dukenburg", "Lindenholt", "Lent", "Hatert", "Oost", "Centrum", "Wijchen"]
EXTRA = ["spoed", "kosten", "termijn", "formulier", "online", "balie", "brief", "digitaal", "kind"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="kcc_bench_knowledge")
    parser.add_argument("--answers", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--reuse", action="store_true", help="Top up an existing database.")
    args = parser.parse_args()
    url = f"postgresql://postgres@127.0.0.1/{args.database}"
    if not args.reuse:
        recreate(args.database)
    app = app_for(url)
    rng = random.Random(17)
    with app.app_context():
        from kcc.db import db
        from kcc.demo.answers import demo_answers
        from kcc.knowledge.search import search_answers
        from kcc.knowledge.services import AnswerInput, create_answer
        from kcc.topics.catalogue import find_topic
        from tests.topics.test_suggestions import labelled_messages

        load_catalogue()
        demo = demo_answers()
        started = time.perf_counter()
        present = db.session().execute(text("SELECT count(*) FROM knowledge_answers")).scalar()
        for n in range(int(present or 0), args.answers):
            base = demo[n % len(demo)]
            place, extra = rng.choice(PLACES), rng.sample(EXTRA, 2)
            texts = {
                k: f"{v} ({place}, {' '.join(extra)} {n})" if k.startswith("answer") else v
                for k, v in base.texts.items()
            }
            topics = [t.uuid for key in base.topics if (t := find_topic(key)) is not None]
            create_answer(
                AnswerInput(
                    owner_team=base.owner_team,
                    review_on=date.today() + timedelta(days=rng.randint(-30, 300)),
                    topics=topics,
                    status="published" if n % 10 else "draft",
                    **texts,
                )
            )
            if n % 500 == 499:
                db.commit()
        db.commit()
        print(f"{args.answers} answers ready in {time.perf_counter() - started:.1f}s")
        db.session().execute(text("ANALYZE"))
        db.commit()
        rows = labelled_messages()
        timings, floor, hits = [], [], 0
        for i in range(args.queries):
            keys, message = rows[i % len(rows)]
            words = " ".join(message.split()[:6])
            topic = find_topic(sorted(keys)[0]) if i % 2 else None
            t = time.perf_counter()
            try:
                found = search_answers(words, [topic.uuid] if topic else [], limit=10)
            except ValidationFailed:  # only stop words: refused, as the API does
                found = []
            timings.append((time.perf_counter() - t) * 1000)
            hits += bool(found)
            db.session().rollback()
            # The floor beside it: one round trip that does nothing.
            t = time.perf_counter()
            db.session().execute(text("SELECT 1")).all()
            floor.append((time.perf_counter() - t) * 1000)
            db.session().rollback()
        print(
            f"{args.queries} searches: p50 {statistics.median(timings):.2f} ms, "
            f"p95 {percentile(timings, 0.95):.2f} ms, max {max(timings):.2f} ms; "
            f"{hits} found at least one answer"
        )
        print(
            f"floor (SELECT 1, interleaved): p50 {statistics.median(floor):.2f} ms, "
            f"p95 {percentile(floor, 0.95):.2f} ms"
        )
        explain(db)


def explain(db) -> None:  # type: ignore[no-untyped-def]
    """The plan of the search statement, as PostgreSQL runs it for two queries (with and
    without a conversation's topic)."""
    from sqlalchemy import event

    from kcc.knowledge.search import search_answers
    from kcc.topics.catalogue import find_topic

    statements: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "knowledge_fts_search" in statement:
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    topic = find_topic("paspoort")
    search_answers("goedemiddag mijn paspoort verloopt volgende maand")
    search_answers("paspoort verlengen kosten", [topic.uuid] if topic else [])
    event.remove(db.engine, "before_cursor_execute", keep)
    db.session().rollback()
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            print(f"\n{parameters}\n" + "\n".join(row[0] for row in cursor.fetchall()))
    finally:
        raw.close()


if __name__ == "__main__":
    main()
