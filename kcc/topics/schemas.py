"""Request and response shapes for topics, their suggestions and a contact moment's topics."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from kcc.http.schemas import StrictSchema, Timestamp

_term = ma.fields.String(validate=validate.Length(1, 200))


class TopicInSchema(StrictSchema):
    key = ma.fields.String(
        required=True,
        validate=validate.Length(1, 100),
        metadata={
            "description": "Stable short name (lower case, digits, hyphens), e.g. verhuizen."
        },
    )
    name_nl = ma.fields.String(required=True, validate=validate.Length(1, 200))
    name_en = ma.fields.String(required=True, validate=validate.Length(1, 200))
    parent_id = ma.fields.UUID(
        load_default=None, allow_none=True, metadata={"description": "The broader topic."}
    )
    synonyms = ma.fields.List(_term, load_default=list, validate=validate.Length(max=100))
    phrasings = ma.fields.List(_term, load_default=list, validate=validate.Length(max=100))
    upl_uri = ma.fields.URL(
        load_default="",
        schemes={"http", "https"},
        validate=validate.Length(max=500),
        metadata={"description": "The product in the Uniforme Productnamenlijst (UPL)."},
    )
    owner_team = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(1, 100),
        metadata={"description": "Key of the owning team in the directory."},
    )
    description = ma.fields.String(load_default="", validate=validate.Length(max=2000))
    is_active = ma.fields.Boolean(load_default=True)


class TopicPatchSchema(TopicInSchema):
    """Every field optional: what is left out stays as it is."""

    class Meta:
        unknown = ma.RAISE

    def on_bind_field(self, field_name: str, field_obj: ma.fields.Field) -> None:
        field_obj.required = False
        field_obj.load_default = ma.missing


class TopicSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    key = ma.fields.String()
    name_nl = ma.fields.String()
    name_en = ma.fields.String()
    parent_id = ma.fields.Function(
        lambda t: str(t.parent.uuid) if t.parent is not None else None, allow_none=True
    )
    synonyms = ma.fields.List(ma.fields.String())
    phrasings = ma.fields.List(ma.fields.String())
    upl_uri = ma.fields.String()
    owner_team = ma.fields.String(allow_none=True)
    description = ma.fields.String()
    is_active = ma.fields.Boolean()
    removed_at = Timestamp(attribute="deleted_at", allow_none=True)


class TopicRefSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    key = ma.fields.String()
    name_nl = ma.fields.String()
    name_en = ma.fields.String()


class TopicSearchArgs(StrictSchema):
    q = ma.fields.String(
        validate=validate.Length(1, 200),
        metadata={"description": "Search as you type: names, synonyms and keys."},
    )
    include_inactive = ma.fields.Boolean(load_default=False)
    limit = ma.fields.Integer(load_default=100, validate=validate.Range(1, 500))
    cursor = ma.fields.String(load_default=None, validate=validate.Length(max=500))


class SuggestInSchema(StrictSchema):
    text = ma.fields.String(required=True, validate=validate.Length(1, 10_000))
    limit = ma.fields.Integer(load_default=3, validate=validate.Range(1, 10))


class TopicSuggestionSchema(ma.Schema):
    topic_id = ma.fields.UUID()
    key = ma.fields.String()
    name_nl = ma.fields.String()
    name_en = ma.fields.String()
    score = ma.fields.Float()
    reason = ma.fields.String(metadata={"description": "e.g. matched 'verhuisd'"})
    matched = ma.fields.List(ma.fields.String())


class TopicSuggestionsSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TopicSuggestionSchema))


class MomentTopicsInSchema(StrictSchema):
    topics = ma.fields.List(
        ma.fields.UUID(),
        required=True,
        validate=validate.Length(max=10),
        metadata={"description": "Topic ids; the list replaces the confirmed topics."},
    )
    source = ma.fields.String(
        load_default="agent",
        validate=validate.OneOf(["agent", "suggestion"]),
        metadata={"description": "agent (picked) or suggestion (a suggestion confirmed)."},
    )


class MomentTopicsSchema(ma.Schema):
    contact_moment_id = ma.fields.UUID()
    topics = ma.fields.List(ma.fields.Nested(TopicRefSchema))
