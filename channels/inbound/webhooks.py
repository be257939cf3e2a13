"""Signed webhooks of the municipal website (forms) and the e-mail relay (raw RFC 5322)."""

from __future__ import annotations

import json
from typing import Any

import marshmallow as ma
from flask import Blueprint, Response, jsonify
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from channels.config import channel_settings
from channels.constants import SignedSource
from channels.inbound.context import as_provider
from channels.inbound.email import receive_email
from channels.inbound.forms import FormSubmission, submit_form
from channels.inbound.signed import verify_signed_request
from kcc.auth.access import public
from kcc.constants import Language, TaskKind
from kcc.errors import ValidationFailed
from kcc.http.problems import flatten_messages
from kcc.http.schemas import StrictSchema

blp = Blueprint("signed_webhooks", __name__, url_prefix="/channels")


class SubmitterSchema(StrictSchema):
    bsn = ma.fields.String(validate=validate.Length(8, 11))
    given_names = ma.fields.String(validate=validate.Length(max=200))
    surname_prefix = ma.fields.String(validate=validate.Length(max=20))
    surname = ma.fields.String(validate=validate.Length(max=200))
    email = ma.fields.String(validate=validate.Length(max=254))
    phone = ma.fields.String(validate=validate.Length(max=30))


class FormTaskSchema(StrictSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf([k.value for k in TaskKind]))
    team = ma.fields.String(validate=validate.Length(1, 100))
    description = ma.fields.String(validate=validate.Length(max=2000))


class FormSchema(StrictSchema):
    form_id = ma.fields.String(required=True, validate=validate.Length(1, 100))
    submission_id = ma.fields.String(required=True, validate=validate.Length(1, 100))
    subject = ma.fields.String(load_default="", validate=validate.Length(max=200))
    language = ma.fields.String(
        load_default="nl", validate=validate.OneOf([lang.value for lang in Language])
    )
    submitter = ma.fields.Nested(SubmitterSchema, load_default=dict)
    answers = ma.fields.Dict(
        data_key="fields",
        keys=ma.fields.String(validate=validate.Length(1, 100)),
        load_default=dict,
    )
    task = ma.fields.Nested(FormTaskSchema, load_default=None, allow_none=True)


def _load_form(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed.field("body", _l("not valid JSON")) from None
    if not isinstance(payload, dict):
        raise ValidationFailed.field("body", _l("a form submission is a JSON object"))
    try:
        return FormSchema().load(payload)  # type: ignore[no-any-return]
    except ma.ValidationError as exc:
        invalid = flatten_messages(exc.messages)
        raise ValidationFailed(
            "; ".join(f"{p['name']}: {p['reason']}" for p in invalid[:5]), invalid
        ) from None


@blp.post("/web/forms")
@public
def web_form() -> tuple[Response, int]:
    """A form submission from the website (JSON, signed with KCC_WEBFORM_SECRET)."""
    body = verify_signed_request(SignedSource.WEB_FORM, channel_settings().webform_secret)
    as_provider("website")
    data = _load_form(body)
    data["fields"] = data.pop("answers")
    result = submit_form(FormSubmission(**data))
    payload = {
        "contact_moment_id": str(result.contact_moment_id),
        "task_id": str(result.task_id) if result.task_id else None,
    }
    return jsonify(payload), 201 if result.created else 200


@blp.post("/email/inbound")
@public
def inbound_email() -> tuple[Response, int]:
    """A raw RFC 5322 e-mail from the mail relay (signed with KCC_EMAIL_SECRET)."""
    body = verify_signed_request(SignedSource.EMAIL, channel_settings().email_secret)
    as_provider("mail-relay")
    message, created = receive_email(body)
    return jsonify({"message_id": str(message.uuid)}), 202 if created else 200
