"""Sends e-mail replies by SMTP (host and port from KCC_SMTP_HOST / KCC_SMTP_PORT)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from channels.config import channel_settings
from channels.constants import MessageStatus
from channels.outbound.senders import Outgoing, SendFailed, SendResult


class SmtpSender:
    """The ``email`` channel's sender. SMTP has no message list, so nothing is reconciled."""

    def send(self, outgoing: Outgoing) -> SendResult:
        settings = channel_settings()
        if not settings.smtp_host:
            raise SendFailed(
                "smtp_unset", "KCC_SMTP_HOST is not set; e-mail cannot be sent", retryable=False
            )
        mail = EmailMessage()
        mail["From"] = outgoing.sender
        mail["To"] = outgoing.recipient
        mail["Subject"] = outgoing.details.get("subject") or "Uw bericht aan de gemeente"
        mail["Message-ID"] = outgoing.details["message_id"]
        if outgoing.details.get("in_reply_to"):
            mail["In-Reply-To"] = outgoing.details["in_reply_to"]
            mail["References"] = " ".join(
                outgoing.details.get("references") or [outgoing.details["in_reply_to"]]
            )
        mail.set_content(outgoing.body)
        try:
            with smtplib.SMTP(
                settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
            ) as smtp:
                smtp.send_message(mail)
        except smtplib.SMTPResponseException as exc:
            retryable = exc.smtp_code >= 400 and exc.smtp_code < 500
            raise SendFailed(str(exc.smtp_code), str(exc.smtp_error)[:300], retryable) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(
                "smtp", f"SMTP server not reached: {type(exc).__name__}", True
            ) from exc
        return SendResult(outgoing.details["message_id"], MessageStatus.SENT)

    def find_sent(self, outgoing: Outgoing, taken: set[str]) -> SendResult | None:
        return None
