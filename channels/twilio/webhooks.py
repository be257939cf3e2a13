"""Twilio webhooks: inbound SMS/WhatsApp and delivery status callbacks (signed, no bearer)."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, request
from flask_babel import lazy_gettext as _l

from channels.inbound.context import as_provider
from channels.inbound.sms import parse_twilio_form, receive_sms
from channels.outbound.callbacks import apply_status
from channels.twilio.signature import verify_twilio_request
from kcc.auth.access import public
from kcc.errors import ValidationFailed

blp = Blueprint("twilio_webhooks", __name__, url_prefix="/channels/twilio")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@blp.post("/sms")
@public
def inbound_sms() -> Response:
    """Inbound SMS or WhatsApp message; answers empty TwiML, the same for every retry."""
    verify_twilio_request()
    as_provider("twilio")
    data = parse_twilio_form(request.form)
    if not data.sid or not data.sender:
        raise ValidationFailed.field(
            "MessageSid", _l("a Twilio message has a MessageSid and a From")
        )
    receive_sms(data)
    return Response(EMPTY_TWIML, status=200, mimetype="text/xml")


@blp.post("/status")
@public
def status_callback() -> Response:
    """A message status callback; late and repeated callbacks never move a message backwards."""
    verify_twilio_request()
    as_provider("twilio")
    sid = request.form.get("MessageSid") or request.form.get("SmsSid") or ""
    status = request.form.get("MessageStatus") or request.form.get("SmsStatus") or ""
    if not sid or not status:
        raise ValidationFailed.field(
            "MessageStatus", _l("a status callback has a MessageSid and a MessageStatus")
        )
    message_uuid = None
    if request.args.get("m"):
        try:
            message_uuid = uuid.UUID(request.args["m"])
        except ValueError:
            raise ValidationFailed.field("m", _l("not a message id")) from None
    apply_status(
        message_uuid,
        sid,
        status,
        request.form.get("ErrorCode") or None,
        request.form.get("ErrorMessage") or None,
    )
    return Response(status=204)
