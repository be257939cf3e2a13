"""Channels: wired into the app by kcc.app.create_app."""

from __future__ import annotations

from flask import Flask

from channels.config import EXTENSION, load_channel_settings
from kcc import jobs
from kcc.constants import Channel
from kcc.view.services import register_section

SWEEP_SECONDS = 15


def init_app(app: Flask) -> None:
    """Register this package's routes, subscribers, senders and customer-view sections."""
    import channels.conversations.models
    import channels.models  # noqa: F401  (registers the tables)
    from channels.chat.api import blp as chat
    from channels.chat.limits import init_limits
    from channels.conversations.api import blp as conversations
    from channels.conversations.live import register_topics
    from channels.conversations.queries import conversations_section
    from channels.conversations.queues_api import blp as queues
    from channels.conversations.queues_api import canned_blp as canned_replies
    from channels.conversations.topics import blp as conversation_topics
    from channels.conversations.work_api import blp as conversation_work
    from channels.inbound.webhooks import blp as signed_webhooks
    from channels.models import Conversation
    from channels.outbound.senders import register_sender
    from channels.outbound.smtp import SmtpSender
    from channels.registrations_api import blp as registrations
    from channels.twilio.sender import TwilioSmsSender
    from channels.twilio.webhooks import blp as twilio_webhooks

    app.extensions[EXTENSION] = load_channel_settings()
    app.register_blueprint(twilio_webhooks)
    app.register_blueprint(signed_webhooks)
    api = app.extensions["kcc.api"]
    api.register_blueprint(conversations)
    api.register_blueprint(conversation_work)
    api.register_blueprint(queues)
    api.register_blueprint(canned_replies)
    api.register_blueprint(conversation_topics)
    api.register_blueprint(chat)
    api.register_blueprint(registrations)
    init_limits(app)
    register_sender(Channel.SMS, TwilioSmsSender())
    register_sender(Channel.EMAIL, SmtpSender())
    register_section("conversations", conversations_section, tables=[Conversation])
    register_topics()
    jobs.register_periodic("outbound-sweep", "channels.outbound.delivery.sweep_due", SWEEP_SECONDS)
    jobs.register_periodic("inbound-sweep", "channels.inbound.dispatch.sweep_now", SWEEP_SECONDS)
    jobs.register_periodic(
        "snooze-wake", "channels.conversations.handoffs.wake_snoozed", SWEEP_SECONDS
    )
    _register_privacy_and_messaging()
    from channels.voice import init_voice
    from channels.web import init_web

    init_voice(app)
    init_web(app)


def _register_privacy_and_messaging() -> None:
    """Offer SMS and e-mail to the core's messaging port, and the channels' tables to subject
    access, erasure and retention as privacy sections."""
    from channels.export import privacy_sections
    from channels.outbound.to_party import send_email_to_party, send_sms_to_party
    from kcc.messaging import register_channel_sender
    from kcc.rights.sections import register_privacy_section

    register_channel_sender(Channel.SMS, send_sms_to_party)
    register_channel_sender(Channel.EMAIL, send_email_to_party)
    for section in privacy_sections():
        register_privacy_section(section)
