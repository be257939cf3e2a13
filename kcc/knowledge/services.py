"""Writing answers for the knowledge base: versioned, owned by a team, reviewed on time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from kcc.auth.access import known_caller
from kcc.db import db, utcnow
from kcc.directory.services import require_active_team
from kcc.errors import NotFound, ValidationFailed
from kcc.knowledge.models import Answer, AnswerTopic, AnswerVersion
from kcc.topics.models import Topic
from kcc.topics.text import stemmed

STATUSES = ("draft", "published")


@dataclass
class AnswerInput:
    """An answer as its owners write it; at least one language complete (question and answer)."""

    owner_team: str
    review_on: date
    question_nl: str = ""
    answer_nl: str = ""
    question_en: str = ""
    answer_en: str = ""
    keywords: list[str] = field(default_factory=list)
    topics: list[uuid.UUID] = field(default_factory=list)
    status: str = "draft"


def get_answer(answer_id: uuid.UUID) -> Answer:
    """The answer with this public id; NotFound otherwise."""
    answer = db.session().scalar(select(Answer).where(Answer.uuid == answer_id))
    if answer is None:
        raise NotFound(_l("no answer with id %(answer_id)s", answer_id=answer_id))
    return answer


def create_answer(data: AnswerInput) -> Answer:
    """Add an answer (version 1)."""
    answer = Answer(uuid=uuid.uuid4(), version=1)
    _apply(answer, data)
    db.session().add(answer)
    db.session().flush()
    _set_topics(answer, data.topics)
    _keep_version(answer, data)
    return answer


def update_answer(answer_id: uuid.UUID, data: AnswerInput) -> Answer:
    """Change an answer; the previous version stays readable."""
    answer = get_answer(answer_id)
    _apply(answer, data)
    answer.version += 1
    answer.updated_at = utcnow()
    db.session().flush()
    _set_topics(answer, data.topics)
    _keep_version(answer, data)
    return answer


def _apply(answer: Answer, data: AnswerInput) -> None:
    nl = (data.question_nl.strip(), data.answer_nl.strip())
    en = (data.question_en.strip(), data.answer_en.strip())
    if not all(nl) and not all(en):
        raise ValidationFailed(
            _l("an answer needs a question and an answer in at least one language (nl or en)"),
            invalid_params=[
                {
                    "name": "question_nl",
                    "reason": _l("missing (or give question_en and answer_en)"),
                },
                {"name": "answer_nl", "reason": _l("missing (or give question_en and answer_en)")},
            ],
        )
    for language, pair in (("nl", nl), ("en", en)):
        if any(pair) and not all(pair):
            missing = "question" if not pair[0] else "answer"
            raise ValidationFailed.field(f"{missing}_{language}", _l("the other half is given"))
    if data.status not in STATUSES:
        raise ValidationFailed.field(
            "status", _l("one of %(choices)s", choices=", ".join(STATUSES))
        )
    require_active_team(data.owner_team, field="owner_team")
    answer.question_nl, answer.answer_nl = nl
    answer.question_en, answer.answer_en = en
    answer.keywords = [k.strip() for k in data.keywords if k.strip()]
    answer.owner_team = data.owner_team
    answer.review_on = data.review_on
    answer.status = data.status
    caller = known_caller()
    answer.updated_by_id = int(caller.id) if caller is not None else None
    answer.search_text = " ".join([*nl, *en, *answer.keywords])
    answer.search_stems = stemmed(answer.search_text)


def _set_topics(answer: Answer, topic_ids: list[uuid.UUID]) -> None:
    found = dict(
        db.session()
        .execute(
            select(Topic.uuid, Topic.id).where(
                Topic.uuid.in_(set(topic_ids)), Topic.deleted_at.is_(None)
            )
        )
        .all()
    )
    for topic_id in topic_ids:
        if topic_id not in found:
            raise ValidationFailed.field(
                "topics", _l("no topic with id %(topic_id)s", topic_id=topic_id)
            )
    session = db.session()
    session.execute(delete(AnswerTopic).where(AnswerTopic.answer_id == answer.id))
    for topic_key in dict.fromkeys(found[t] for t in topic_ids):
        session.add(AnswerTopic(answer_id=answer.id, topic_id=topic_key))
    session.flush()


def _keep_version(answer: Answer, data: AnswerInput) -> None:
    caller = known_caller()
    db.session().add(
        AnswerVersion(
            answer_id=answer.id,
            version=answer.version,
            content={
                "question_nl": answer.question_nl,
                "answer_nl": answer.answer_nl,
                "question_en": answer.question_en,
                "answer_en": answer.answer_en,
                "keywords": answer.keywords,
                "owner_team": answer.owner_team,
                "review_on": answer.review_on.isoformat(),
                "status": answer.status,
                "topics": [str(t) for t in data.topics],
            },
            created_by_id=int(caller.id) if caller is not None else None,
        )
    )
    db.session().flush()


def answer_versions(answer_id: uuid.UUID) -> list[AnswerVersion]:
    """Every stored version of an answer, newest first."""
    answer = get_answer(answer_id)
    return list(
        db.session().scalars(
            select(AnswerVersion)
            .where(AnswerVersion.answer_id == answer.id)
            .order_by(AnswerVersion.version.desc())
        )
    )


def topics_of_answers(answer_ids: list[int]) -> dict[int, list[Topic]]:
    """The topics of each answer (by row id), in one query."""
    out: dict[int, list[Topic]] = {i: [] for i in answer_ids}
    if not answer_ids:
        return out
    rows = db.session().execute(
        select(AnswerTopic.answer_id, Topic)
        .join(Topic, Topic.id == AnswerTopic.topic_id)
        .where(AnswerTopic.answer_id.in_(answer_ids))
    )
    for answer_id, topic in rows:
        out[answer_id].append(topic)
    return out


def overdue_reviews(teams: list[str] | None, today: date | None = None) -> list[Answer]:
    """Answers whose review date has passed, soonest overdue first; only ``teams`` when given."""
    stmt = select(Answer).where(Answer.review_on < (today or utcnow().date()))
    if teams is not None:
        stmt = stmt.where(Answer.owner_team.in_(teams))
    return list(db.session().scalars(stmt.order_by(Answer.review_on, Answer.id).limit(500)))
