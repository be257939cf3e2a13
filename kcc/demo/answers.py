"""The demo knowledge base (from ``answers.txt``), and topics on the demo's contact moments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from kcc.contacts.models import ContactMoment
from kcc.contacts.topics import set_topics_of
from kcc.db import db, utcnow
from kcc.demo.topics import load_topics
from kcc.knowledge.models import Answer
from kcc.knowledge.services import AnswerInput, create_answer
from kcc.topics.catalogue import find_topic
from kcc.topics.suggest import suggest_topics

ANSWERS = Path(__file__).with_name("answers.txt")
FIELDS = {"Q": "question_nl", "A": "answer_nl", "EQ": "question_en", "EA": "answer_en"}


@dataclass(frozen=True)
class DemoAnswer:
    """One block of the demo knowledge base; ``review_in_days`` below 0 is overdue."""

    topics: tuple[str, ...]
    owner_team: str
    review_in_days: int
    texts: dict[str, str]


def demo_answers() -> list[DemoAnswer]:
    """The answers of ``answers.txt``."""
    found: list[DemoAnswer] = []
    for block in ANSWERS.read_text(encoding="utf-8").split("## ")[1:]:
        header, *lines = block.strip().splitlines()
        topics, team, days = (part.strip() for part in header.split("|"))
        texts = {}
        for line in lines:
            label, _, value = line.partition(": ")
            texts[FIELDS[label]] = value.strip()
        found.append(DemoAnswer(tuple(topics.split(",")), team, int(days), texts))
    return found


def load_knowledge() -> tuple[int, int]:
    """Load the catalogue and the answers, and confirm topics on the demo's contact moments
    from their subjects, as an agent confirming a suggestion would. Returns (topics, answers)."""
    topics = load_topics()
    if db.session().scalar(select(Answer.id).limit(1)) is not None:
        return topics, 0
    today = utcnow().date()
    for answer in demo_answers():
        ids = [t.uuid for key in answer.topics if (t := find_topic(key)) is not None]
        create_answer(
            AnswerInput(
                owner_team=answer.owner_team,
                review_on=today + timedelta(days=answer.review_in_days),
                topics=ids,
                status="published",
                question_nl=answer.texts.get("question_nl", ""),
                answer_nl=answer.texts.get("answer_nl", ""),
                question_en=answer.texts.get("question_en", ""),
                answer_en=answer.texts.get("answer_en", ""),
            )
        )
    _topics_on_contact_moments()
    return topics, len(demo_answers())


def _topics_on_contact_moments() -> None:
    for moment in db.session().scalars(select(ContactMoment).where(ContactMoment.subject != "")):
        found = suggest_topics(moment.subject, limit=1)
        if found:
            set_topics_of(moment, [found[0].topic_id], source="suggestion")
