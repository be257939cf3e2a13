"""Finding answers: Dutch full-text search, ranked up by the topics of the conversation.

PostgreSQL matches ``to_tsvector('dutch', search_text)`` (a stored column with a GIN index)
against the query's words; SQLite's FTS5 table matches the same words stemmed by Snowball's
Dutch stemmer. All words must match; when none does, any word may. An answer about one of
the conversation's topics ranks above one that only shares words, and one about a broader
topic a little above that.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, text

from kcc.db import db
from kcc.errors import ValidationFailed
from kcc.knowledge.models import Answer, AnswerTopic
from kcc.topics.catalogue import ancestors_by_id
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
        ranks = _text_ranks(query_words(q), include_drafts)
    elif boosts:
        ranks = _topic_candidates(set(boosts), include_drafts)
    else:
        return []
    if not ranks:
        return []
    answer_topics = _answer_topics(list(ranks))
    scored = []
    for answer_id, rank in ranks.items():
        match, boost = "", 0.0
        for topic_id in answer_topics.get(answer_id, ()):
            kind, weight = boosts.get(topic_id, ("", 0.0))
            if weight > boost:
                match, boost = kind, weight
        scored.append((rank + boost, rank, match, answer_id))
    scored.sort(key=lambda s: (-s[0], s[3]))
    top = scored[:limit]
    answers = {
        a.id: a
        for a in db.session().scalars(select(Answer).where(Answer.id.in_([s[3] for s in top])))
    }
    return [Found(answers[i], round(score, 4), round(rank, 4), m) for score, rank, m, i in top]


def _topic_boosts(topic_ids: Sequence[uuid.UUID]) -> dict[int, tuple[str, float]]:
    if not topic_ids:
        return {}
    keys = list(db.session().scalars(select(Topic.id).where(Topic.uuid.in_(set(topic_ids)))))
    chains = ancestors_by_id()
    boosts: dict[int, tuple[str, float]] = {}
    for key in keys:
        for broader in chains.get(key, []):
            boosts.setdefault(broader, ("broader", BROADER_TOPIC))
    for key in keys:
        boosts[key] = ("topic", SAME_TOPIC)
    return boosts


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


def _topic_candidates(topic_keys: set[int], include_drafts: bool) -> dict[int, float]:
    stmt = (
        select(AnswerTopic.answer_id)
        .join(Answer, Answer.id == AnswerTopic.answer_id)
        .where(AnswerTopic.topic_id.in_(topic_keys))
        .distinct()
        .limit(CANDIDATES * 5)
    )
    if not include_drafts:
        stmt = stmt.where(Answer.status == "published")
    return {answer_id: 0.0 for answer_id in db.session().scalars(stmt)}


def _text_ranks(found: list[str], include_drafts: bool) -> dict[int, float]:
    search = _postgres if db.dialect == "postgresql" else _sqlite
    ranks = search(found, "all", include_drafts) or search(found, "any", include_drafts)
    if not ranks:
        return {}
    best = max(ranks.values()) or 1.0
    return {k: v / best for k, v in ranks.items()}


def _statuses(include_drafts: bool) -> list[str]:
    return ["published", "draft"] if include_drafts else ["published"]


POSTGRES_SEARCH = text(
    "SELECT a.id, ts_rank_cd(a.knowledge_fts_vector, q) AS rank "
    "FROM knowledge_answers a, to_tsquery('dutch', :query) q "
    "WHERE a.knowledge_fts_vector @@ q AND a.status IN :statuses "
    "ORDER BY rank DESC, a.id LIMIT :limit"
).bindparams(bindparam("statuses", expanding=True))
SQLITE_SEARCH = text(
    "SELECT a.id, -bm25(knowledge_fts) AS rank FROM knowledge_fts "
    "JOIN knowledge_answers a ON a.id = knowledge_fts.rowid "
    "WHERE knowledge_fts MATCH :match AND a.status IN :statuses "
    "ORDER BY rank DESC, a.id LIMIT :limit"
).bindparams(bindparam("statuses", expanding=True))


def _postgres(found: list[str], mode: str, include_drafts: bool) -> dict[int, float]:
    # The words are folded to [a-z0-9]+ by ``words``: safe as to_tsquery operands.
    query = (" & " if mode == "all" else " | ").join(found)
    rows = db.session().execute(
        POSTGRES_SEARCH,
        {"query": query, "statuses": _statuses(include_drafts), "limit": CANDIDATES},
    )
    return {int(i): float(r) for i, r in rows}


def _sqlite(found: list[str], mode: str, include_drafts: bool) -> dict[int, float]:
    terms = [f'"{stems(w)[0]}"' for w in found]
    match = (" " if mode == "all" else " OR ").join(terms)
    rows = db.session().execute(
        SQLITE_SEARCH,
        {"match": match, "statuses": _statuses(include_drafts), "limit": CANDIDATES},
    )
    return {int(i): float(r) for i, r in rows}
