"""Knowledge search on PostgreSQL: the Dutch ``tsvector`` of each answer and its GIN index.

``knowledge_fts_search`` holds one narrow row per answer (its status and
``to_tsvector('dutch', search_text)``), written by a trigger on every change of an answer's
search text or status (migration 0030), so that searching reads none of the answers' texts.

Only answers the index finds are ranked, never the whole table. An answer with all the
query's words is best; when none has them all, the answers with the most of them are found
level by level (all but one word, all but two, ...), each level one look-up in the GIN index,
so that a query with one rare and four common words does not rank the thousands of answers
that share a common word. At most ``RANKED`` answers of a level are ranked, plus those about
the conversation's topics (their boost lifts them above the rest, so they are never capped
away). The database function ``knowledge_fts_find`` tries the levels in turn and reads each
answer's boosted topics: one round trip per search.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer, String

from kcc.db import db
from kcc.topics.text import stems

RANKED = 300
MAX_LEVEL_WORDS = 6  # combinations of the first six words: at most 20 per level

FIND = text(
    "SELECT answer_id, rank, topics FROM knowledge_fts_find(:levels, :statuses, :boosted, :ranked)"
).bindparams(
    bindparam("levels", type_=ARRAY(String)),
    bindparam("statuses", type_=ARRAY(String)),
    bindparam("boosted", type_=ARRAY(Integer)),
)


def postgres_ranks(
    found: list[str], boosts: dict[int, tuple[str, float]], statuses: Sequence[str]
) -> dict[int, tuple[float, tuple[str, float]]]:
    """Answer id -> (text rank, best topic boost) for the words ``found``."""
    rows = db.session().execute(
        FIND,
        {
            "levels": levels(found),
            "statuses": list(statuses),
            "boosted": list(boosts),
            "ranked": RANKED,
        },
    )
    return {
        int(answer_id): (float(rank), _best(topics, boosts)) for answer_id, rank, topics in rows
    }


def levels(found: list[str]) -> list[str]:
    """The query of each level for ``to_tsquery``: all words, then any all-but-one, and so on.

    Words with one stem count once (``verhuizing verhuizen``). The words are folded to
    ``[a-z0-9]+`` by ``kcc.topics.text.words``: safe as ``to_tsquery`` operands.
    """
    distinct = list({stems(w)[0]: w for w in reversed(found)}.values())[::-1]
    first = distinct[:MAX_LEVEL_WORDS]
    out = [" & ".join(distinct)]
    for size in range(len(first) - 1, 0, -1):
        out.append(" | ".join(f"({' & '.join(c)})" for c in combinations(first, size)))
    return out


def _best(topics: Sequence[int], boosts: dict[int, tuple[str, float]]) -> tuple[str, float]:
    return max((boosts[t] for t in topics if t in boosts), key=lambda b: b[1], default=("", 0.0))
