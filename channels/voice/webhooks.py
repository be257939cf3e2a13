"""Voice webhooks: Twilio Voice (signed like the SMS webhook) and a generic exchange (HMAC JSON).

Twilio's answer is TwiML that puts the caller in the team's queue. Every delivery of the
same CallSid answers as the first did; a forged signature is refused (403).
"""

from __future__ import annotations

import os
from typing import Any

import marshmallow as ma
from flask import Blueprint, Response, jsonify, request
from flask_babel import lazy_gettext as _l
from marshmallow import validate
from twilio.twiml.voice_response import VoiceResponse

from channels.inbound.context import as_provider
from channels.inbound.signed import verify_signed_request
from channels.twilio.signature import verify_twilio_request
from channels.voice import services
from kcc.auth.access import public
from kcc.errors import ValidationFailed

blp = Blueprint("voice_webhooks", __name__)

GREETING = "Welkom bij de gemeente. U wordt zo snel mogelijk geholpen door een medewerker."
TWILIO_ENDED = {"completed", "busy", "failed", "no-answer", "canceled"}


def voice_team() -> str:
    """The team whose queue phone calls ring into (``KCC_VOICE_TEAM``, default KCC)."""
    return os.environ.get("KCC_VOICE_TEAM") or "KCC"


def _twiml(team: str) -> Response:
    answer = VoiceResponse()
    answer.say(GREETING, language="nl-NL")
    answer.enqueue(team)
    return Response(str(answer), status=200, mimetype="text/xml")


@blp.post("/channels/twilio/voice")
@public
def twilio_voice() -> Response:
    """A call rings in: match the caller, show it to the team, put the caller in the queue."""
    verify_twilio_request()
    as_provider("twilio")
    form = request.form
    ringing = services.ring(
        "twilio", form.get("CallSid", ""), form.get("From", ""), form.get("To", ""), voice_team()
    )
    return _twiml(ringing.call.team)


@blp.post("/channels/twilio/voice/status")
@public
def twilio_voice_status() -> Response:
    """A call status callback; a final status records the call once as a contact moment."""
    verify_twilio_request()
    as_provider("twilio")
    form = request.form
    sid, status = form.get("CallSid", ""), form.get("CallStatus", "")
    if not sid or not status:
        raise ValidationFailed.field(
            "CallStatus", _l("a status callback has a CallSid and a CallStatus")
        )
    if status in TWILIO_ENDED:
        services.end_call(
            "twilio",
            sid,
            status,
            _seconds(form.get("CallDuration")),
            caller=form.get("From", ""),
            called=form.get("To", ""),
            team=voice_team(),
        )
    return Response(status=204)


def _seconds(value: Any) -> int | None:
    try:
        return max(0, int(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        raise ValidationFailed.field("CallDuration", _l("a whole number of seconds")) from None


class TelephonyEventSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    exchange = ma.fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9_-]{1,40}$"))
    call_id = ma.fields.String(required=True, validate=validate.Length(1, 100))
    event = ma.fields.String(required=True, validate=validate.OneOf(["ringing", "ended"]))
    caller = ma.fields.String(load_default="", validate=validate.Length(max=40))
    called = ma.fields.String(load_default="", validate=validate.Length(max=40))
    status = ma.fields.String(
        load_default="completed",
        validate=validate.OneOf(["completed", "busy", "failed", "no-answer", "canceled", "missed"]),
    )
    duration_seconds = ma.fields.Integer(load_default=None, validate=validate.Range(0, 86400))


@blp.post("/channels/telephony/calls")
@public
def telephony_event() -> Response:
    """Another exchange's call event (HMAC-SHA256 signed JSON, ``KCC_TELEPHONY_SECRET``)."""
    body = verify_signed_request("telephony", os.environ.get("KCC_TELEPHONY_SECRET"))
    as_provider("telephony")
    try:
        data = TelephonyEventSchema().loads(body or b"{}")
    except ma.ValidationError as exc:
        messages = exc.normalized_messages()
        raise ValidationFailed(
            _l("the call event is not valid"),
            invalid_params=[
                {"name": k, "reason": "; ".join(map(str, v))} for k, v in messages.items()
            ],
        ) from None
    except ValueError:
        raise ValidationFailed(_l("the body is not JSON")) from None
    if data["event"] == "ringing":
        ringing = services.ring(
            data["exchange"], data["call_id"], data["caller"], data["called"], voice_team()
        )
        call = ringing.call
    else:
        call = services.end_call(
            data["exchange"],
            data["call_id"],
            data["status"],
            data["duration_seconds"],
            caller=data["caller"],
            called=data["called"],
            team=voice_team(),
        )
    return jsonify(
        {"call": str(call.uuid), "status": call.status, "matched": call.party_id is not None}
    )
