"""E-mail to staff mailboxes about work routed to them: a row first, then a job that sends it.

The SMTP server comes from the environment when a mail is sent (``KCC_SMTP_HOST``,
``KCC_SMTP_PORT``, ``KCC_SMTP_USER``, ``KCC_SMTP_PASSWORD``, ``KCC_SMTP_FROM``). The job
locks the row and sends only a mail still queued, so running it twice sends once; a mail
that could not be sent stays queued for the sweep, up to ``MAX_ATTEMPTS`` tries.
"""

from __future__ import annotations

import logging
import os
import smtplib
import uuid
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from kcc import jobs
from kcc.db import db, unit_of_work, utcnow
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing
from kcc.tasks.models import StaffMail, Task

log = logging.getLogger(__name__)

SEND_JOB = "kcc.tasks.mail.send_staff_mail"
SWEEP_JOB = "kcc.tasks.mail.sweep_staff_mail"
MAX_ATTEMPTS = 5
SWEEP_SECONDS = 60
DEFAULT_FROM = "kcc@gemeente.example.nl"


def queue_staff_mail(task: Task, to_address: str, subject: str, body: str) -> StaffMail:
    """Store a mail for ``to_address``; it is sent by a job once the transaction commits."""
    mail = StaffMail(task_id=task.id, to_address=to_address, subject=subject[:200], body=body)
    db.session().add(mail)
    db.session().flush()
    mail_id = str(mail.uuid)
    db.after_commit(lambda: _enqueue(mail_id), key=f"staff-mail-{mail_id}")
    return mail


def console_link(path: str) -> str:
    """An absolute link into the console for a mail (``KCC_PUBLIC_BASE_URL``)."""
    base = current_app.config["KCC_SETTINGS"].public_base_url or "http://127.0.0.1:5000"
    return base.rstrip("/") + path


def _enqueue(mail_id: str) -> None:
    try:
        jobs.enqueue(SEND_JOB, mail_id, job_id=f"staff-mail-{mail_id}")
    except Exception as exc:  # the row is stored; the sweep sends it later
        log.warning("staff mail %s not queued (%s); the sweep will send it", mail_id, exc)


def send_staff_mail(mail_id: str) -> str:
    """Job: send one queued staff mail. Safe to run twice. Returns the mail's status."""
    with system_processing("kcc.send_staff_mail", Activity.TASK_HANDLING), unit_of_work():
        mail = db.session().scalar(
            select(StaffMail).where(StaffMail.uuid == uuid.UUID(mail_id)).with_for_update()
        )
        if mail is None or mail.status != "queued":
            return mail.status if mail is not None else "missing"
        mail.attempts += 1
        try:
            _deliver(mail)
        except (OSError, smtplib.SMTPException) as exc:
            mail.last_error = f"{type(exc).__name__}: {exc}"[:300]
            if mail.attempts >= MAX_ATTEMPTS:
                mail.status = "failed"
            log.warning("staff mail %s not sent (attempt %d): %s", mail_id, mail.attempts, exc)
            return mail.status
        mail.status = "sent"
        mail.sent_at = utcnow()
        mail.last_error = ""
        return mail.status


def _deliver(mail: StaffMail) -> None:
    host = os.environ.get("KCC_SMTP_HOST")
    if not host:
        raise smtplib.SMTPException("KCC_SMTP_HOST is not set")
    sender = os.environ.get("KCC_SMTP_FROM") or DEFAULT_FROM
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = f"<staff-{mail.uuid}@{sender.rpartition('@')[2] or 'kcc.invalid'}>"
    message.set_content(mail.body)
    port = int(os.environ.get("KCC_SMTP_PORT") or 25)
    with smtplib.SMTP(host, port, timeout=10) as smtp:
        user = os.environ.get("KCC_SMTP_USER")
        if user:
            if smtp.has_extn("starttls"):
                smtp.starttls()
            smtp.login(user, os.environ.get("KCC_SMTP_PASSWORD", ""))
        smtp.send_message(message)


def sweep_staff_mail() -> int:
    """Periodic job: send again the mails still queued a minute after they were stored."""
    with system_processing("kcc.sweep_staff_mail", Activity.TASK_HANDLING), unit_of_work():
        due = list(
            db.session().scalars(
                select(StaffMail.uuid)
                .where(
                    StaffMail.status == "queued",
                    StaffMail.created_at < utcnow() - timedelta(seconds=SWEEP_SECONDS),
                )
                .order_by(StaffMail.id)
                .limit(100)
            )
        )
    for mail_uuid in due:
        send_staff_mail(str(mail_uuid))
    return len(due)
