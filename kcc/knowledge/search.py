"""Finding answers: Dutch full-text search, ranked up by the topics of the conversation.

PostgreSQL matches ``to_tsvector('dutch', search_text)`` (a stored column with a GIN index)
against the query's words, ranking only the answers the index finds (``kcc.knowledge.postgres``);
SQLite's FTS5 table matches the same words stemmed by Snowball's Dutch stemmer. All words must
match; when none has them all, PostgreSQL finds those with the most of them and SQLite any
word. An answer about one of the conversation's topics ranks above one that only shares
words, and one about a broader topic a little above that.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, text

from kcc.db import db
from kcc.errors import ValidationFailed
from kcc.knowledge.models import Answer, AnswerTopic
from kcc.knowledge.postgres import postgres_ranks
from kcc.topics.catalogue import MAX_DEPTH
from kcc.topics.models import Topic
from kcc.topics.text import stems, words

MAX_QUERY_LENGTH = 500
MAX_QUERY_WORDS = 12
CANDIDATES = 100
SAME_TOPIC = 1.0
BROADER_TOPIC = 0.3


@dataclass(frozen=True)
class Found:
    """An answer found, with its score and why."""

    answer: Answer
    score: float
    text_rank: float
    topic_match: str  # "topic", "broader" or ""


def query_words(q: str) -> list[str]:
    """The searchable words of a query; refused when it is too long or has none."""
    if len(q) > MAX_QUERY_LENGTH:
        raise ValidationFailed.field(
            "q", _l("at most %(count)s characters", count=MAX_QUERY_LENGTH)
        )
    found = list(dict.fromkeys(words(q)))[:MAX_QUERY_WORDS]
    if not found:
        raise ValidationFailed.field("q", _l("the query has no words to search for"))
    return found


def search_answers(
    q: str | None,
    topic_ids: Sequence[uuid.UUID] = (),
    *,
    limit: int = 10,
    include_drafts: bool = False,
) -> list[Found]:
    """Answers for a query and/or the conversation's topics, best first."""
    boosts = _topic_boosts(topic_ids)
    if q is not None and q.strip():
        ranked = _text_ranks(query_words(q), boosts, include_drafts)
    elif boosts:
        ranked = _topic_candidates(boosts, include_drafts)
    else:
        return []
    if not ranked:
        return []
    best = max(rank for rank, _ in ranked.values()) or 1.0
    scored = []
    for answer_id, (rank, (match, boost)) in ranked.items():
        scored.append((rank / best + boost, rank / best, match, answer_id))
    scored.sort(key=lambda s: (-s[0], s[3]))
    top = scored[:limit]
    answers = {
        a.id: a
        for a in db.session().scalars(select(Answer).where(Answer.id.in_([s[3] for s in top])))
    }
    # An answer deleted since the search read the index is left out.
    return [
        Found(answers[i], round(score, 4), round(rank, 4), m)
        for score, rank, m, i in top
        if i in answers
    ]


Boost = tuple[str, float]  # ("topic" or "broader", weight)
NO_BOOST: Boost = ("", 0.0)


def _topic_boosts(topic_ids: Sequence[uuid.UUID]) -> dict[int, Boost]:
    """The conversation's topics and their broader ones, by row id (the tree in one query)."""
    if not topic_ids:
        return {}
    wanted = set(topic_ids)
    parents: dict[int, int | None] = {}
    keys: list[int] = []
    for key, public_id, parent in db.session().execute(
        select(Topic.id, Topic.uuid, Topic.parent_id)
    ):
        parents[key] = parent
        if public_id in wanted:
            keys.append(key)
    boosts: dict[int, Boost] = {}
    for key in keys:
        walker, depth = parents.get(key), 0
        while walker is not None and walker not in boosts and depth < MAX_DEPTH:
            boosts[walker] = ("broader", BROADER_TOPIC)
            walker, depth = parents.get(walker), depth + 1
    for key in keys:
        boosts[key] = ("topic", SAME_TOPIC)
    return boosts


def _best_boost(topic_keys: Iterable[int], boosts: dict[int, Boost]) -> Boost:
    return max((boosts.get(t, NO_BOOST) for t in topic_keys), key=lambda b: b[1], default=NO_BOOST)


def _answer_topics(answer_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    rows = db.session().execute(
        select(AnswerTopic.answer_id, AnswerTopic.topic_id).where(
            AnswerTopic.answer_id.in_(answer_ids)
        )
    )
    for answer_id, topic_id in rows:
        out.setdefault(answer_id, []).append(topic_id)
    return out


def _topic_candidates(
    boosts: dict[int, Boost], include_drafts: bool
) -> dict[int, tuple[float, Boost]]:
    stmt = (
        select(AnswerTopic.answer_id, AnswerTopic.topic_id)
        .join(Answer, Answer.id == AnswerTopic.answer_id)
        .where(AnswerTopic.topic_id.in_(set(boosts)), Answer.status.in_(_statuses(include_drafts)))
        .order_by(AnswerTopic.answer_id)
        .limit(CANDIDATES * 5)
    )
    found: dict[int, list[int]] = {}
    for answer_id, topic_id in db.session().execute(stmt):
        found.setdefault(answer_id, []).append(topic_id)
    return {a: (0.0, _best_boost(topics, boosts)) for a, topics in found.items()}


def _text_ranks(
    found: list[str], boosts: dict[int, Boost], include_drafts: bool
) -> dict[int, tuple[float, Boost]]:
    """Answers with all the words; failing that, with as many of them as any answer has."""
    if db.dialect == "postgresql":
        return postgres_ranks(found, boosts, _statuses(include_drafts))
    ranks = _sqlite(found, "all", include_drafts) or _sqlite(found, "any", include_drafts)
    topics = _answer_topics(list(ranks)) if boosts and ranks else {}
    return {a: (r, _best_boost(topics.get(a, ()), boosts)) for a, r in ranks.items()}


def _statuses(include_drafts: bool) -> list[str]:
    return ["published", "draft"] if include_drafts else ["published"]


SQLITE_SEARCH = text(
    "SELECT a.id, -bm25(knowledge_fts) AS rank FROM knowledge_fts "
    "JOIN knowledge_answers a ON a.id = knowledge_fts.rowid "
    "WHERE knowledge_fts MATCH :match AND a.status IN :statuses "
    "ORDER BY rank DESC, a.id LIMIT :limit"
).bindparams(bindparam("statuses", expanding=True))


def _sqlite(found: list[str], mode: str, include_drafts: bool) -> dict[int, float]:
    terms = [f'"{stems(w)[0]}"' for w in found]
    match = (" " if mode == "all" else " OR ").join(terms)
    rows = db.session().execute(
        SQLITE_SEARCH,
        {"match": match, "statuses": _statuses(include_drafts), "limit": CANDIDATES},
    )
    return {int(i): float(r) for i, r in rows}
