"""HMAC-SHA256 signed webhooks (web forms, e-mail relay): fresh timestamps, no replays."""

from __future__ import annotations

import hashlib
import hmac
import time

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from channels.config import channel_settings
from channels.models import SignedRequestReceipt
from kcc.db import db
from kcc.errors import Conflict, Forbidden

TIMESTAMP_HEADER = "X-KCC-Timestamp"
SIGNATURE_HEADER = "X-KCC-Signature"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` + hex HMAC-SHA256 over ``timestamp + "." + body``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signed_request(source: str, secret: str | None) -> bytes:
    """Check the signature and age of the current request and refuse a replay; returns the raw body."""
    if not secret:
        raise Forbidden(
            _l(
                "the %(source)s webhook is not configured (its shared secret is unset)",
                source=source,
            )
        )
    timestamp = request.headers.get(TIMESTAMP_HEADER, "")
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not timestamp or not signature:
        raise Forbidden(
            _l(
                "send %(timestamp_header)s and %(signature_header)s (sha256=<hex>)",
                timestamp_header=TIMESTAMP_HEADER,
                signature_header=SIGNATURE_HEADER,
            )
        )
    if not timestamp.isdecimal():
        raise Forbidden(
            _l("%(timestamp_header)s must be Unix seconds", timestamp_header=TIMESTAMP_HEADER)
        )
    if abs(time.time() - int(timestamp)) > channel_settings().signature_max_age_seconds:
        raise Forbidden(_l("the request is stale: its timestamp is more than 5 minutes off"))
    body = request.get_data(cache=True)
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        raise Forbidden(
            _l(
                "the %(signature_header)s does not match this body and timestamp",
                signature_header=SIGNATURE_HEADER,
            )
        )
    session = db.session()
    try:
        with session.begin_nested():
            session.add(
                SignedRequestReceipt(source=source, digest=signature.removeprefix("sha256=")[:64])
            )
            session.flush()
    except IntegrityError:
        raise Conflict(_l("this signed request was delivered already (replay refused)")) from None
    return body
