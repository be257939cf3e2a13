"""Request and response shapes for the knowledge base."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from kcc.http.schemas import StrictSchema, Timestamp
from kcc.topics.schemas import TopicRefSchema


class AnswerInSchema(StrictSchema):
    question_nl = ma.fields.String(load_default="", validate=validate.Length(max=300))
    answer_nl = ma.fields.String(
        load_default="",
        validate=validate.Length(max=10_000),
        metadata={"description": "The answer in plain Dutch (B1)."},
    )
    question_en = ma.fields.String(load_default="", validate=validate.Length(max=300))
    answer_en = ma.fields.String(load_default="", validate=validate.Length(max=10_000))
    keywords = ma.fields.List(
        ma.fields.String(validate=validate.Length(1, 100)),
        load_default=list,
        validate=validate.Length(max=50),
    )
    topics = ma.fields.List(ma.fields.UUID(), load_default=list, validate=validate.Length(max=20))
    owner_team = ma.fields.String(
        required=True,
        validate=validate.Length(1, 100),
        metadata={"description": "Key of the team that keeps it."},
    )
    review_on = ma.fields.Date(required=True, metadata={"description": "Next review date."})
    status = ma.fields.String(load_default="draft", validate=validate.OneOf(["draft", "published"]))


class AnswerSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    question_nl = ma.fields.String()
    answer_nl = ma.fields.String()
    question_en = ma.fields.String()
    answer_en = ma.fields.String()
    keywords = ma.fields.List(ma.fields.String())
    topics = ma.fields.List(ma.fields.Nested(TopicRefSchema), dump_default=list)
    owner_team = ma.fields.String()
    review_on = ma.fields.Date()
    status = ma.fields.String()
    version = ma.fields.Integer()
    updated_at = Timestamp()


class FoundAnswerSchema(AnswerSchema):
    score = ma.fields.Float()
    topic_match = ma.fields.String(
        metadata={"description": "topic (one of the given topics), broader, or empty."}
    )


class AnswerSearchArgs(StrictSchema):
    q = ma.fields.String(
        validate=validate.Length(1, 500), metadata={"description": "Words to search for."}
    )
    topic = ma.fields.List(
        ma.fields.UUID(),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "The conversation's topics: answers about them rank first."},
    )
    include_drafts = ma.fields.Boolean(load_default=False)
    limit = ma.fields.Integer(load_default=10, validate=validate.Range(1, 50))


class AnswerVersionSchema(ma.Schema):
    version = ma.fields.Integer()
    content = ma.fields.Dict()
    created_at = Timestamp()


class AnswerVersionListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AnswerVersionSchema))


class AnswerListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AnswerSchema))


class ReviewArgs(StrictSchema):
    team = ma.fields.String(
        validate=validate.Length(1, 100),
        metadata={"description": "Only this team's answers (default: the caller's team)."},
    )
