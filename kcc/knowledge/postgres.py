"""Knowledge search on PostgreSQL: the Dutch ``tsvector`` of each answer and its GIN index.

``knowledge_fts_search`` holds one narrow row per answer (its status and
``to_tsvector('dutch', search_text)``), written by a trigger on every change of an answer's
search text or status (migration 0030), so that searching reads none of the answers' texts.

One statement per search. The GIN index finds the answers with any of the query's words;
each counts how many of them it has (a look-up in its own sorted vector), and only the
answers with the most words are kept: all of them when some answer has all, otherwise as
many as any answer has. Of those at most ``RANKED`` are ranked with ``ts_rank_cd``, plus
those about the conversation's topics (their boost lifts them above the rest, so they are
never capped away), whose boosted topics are read in the same statement.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer, String

from kcc.db import db
from kcc.topics.text import stems

RANKED = 300

SEARCH = """
WITH found AS (
    SELECT s.answer_id, s.vector, {matched} AS matched
    FROM knowledge_fts_search s
    WHERE s.vector @@ to_tsquery('dutch', :any) AND s.status = ANY(:statuses)
), most AS (
    SELECT answer_id, vector, row_number() OVER () AS n
    FROM found WHERE matched = (SELECT max(matched) FROM found)
)
SELECT most.answer_id, ts_rank_cd(most.vector, to_tsquery('dutch', :any)) AS rank,
       ARRAY(SELECT t.topic_id FROM knowledge_answer_topics t
             WHERE t.answer_id = most.answer_id AND t.topic_id = ANY(:boosted)) AS topics
FROM most
WHERE most.n <= :ranked OR most.answer_id IN (
    SELECT answer_id FROM knowledge_answer_topics WHERE topic_id = ANY(:boosted))
"""


def postgres_ranks(
    found: list[str], boosts: dict[int, tuple[str, float]], statuses: Sequence[str]
) -> dict[int, tuple[float, tuple[str, float]]]:
    """Answer id -> (text rank, best topic boost) for the words ``found``.

    The words are folded to ``[a-z0-9]+`` by ``kcc.topics.text.words``: safe as ``to_tsquery``
    operands. Words with one stem count once (``verhuizing verhuizen``).
    """
    distinct = list({stems(w)[0]: w for w in reversed(found)}.values())[::-1]
    matched = " + ".join(
        f"(s.vector @@ to_tsquery('dutch', :w{i}))::int" for i in range(len(distinct))
    )
    statement = text(SEARCH.format(matched=matched)).bindparams(
        bindparam("statuses", type_=ARRAY(String)), bindparam("boosted", type_=ARRAY(Integer))
    )
    bind = {
        "any": " | ".join(distinct),
        "statuses": list(statuses),
        "boosted": list(boosts),
        "ranked": RANKED,
        **{f"w{i}": w for i, w in enumerate(distinct)},
    }
    rows = db.session().execute(statement, bind)
    return {
        int(answer_id): (float(rank), _best(topics, boosts)) for answer_id, rank, topics in rows
    }


def _best(topics: Sequence[int], boosts: dict[int, tuple[str, float]]) -> tuple[str, float]:
    return max((boosts[t] for t in topics if t in boosts), key=lambda b: b[1], default=("", 0.0))
