"""The signed one-click link in every proactive message: withdraw consent or object, no login.

The link carries the suggestion's id and the resident's language, signed with the app's
secret key (``KCC_SECRET_KEY``) and valid for ``LINK_DAYS`` days. A forged, changed or
expired link changes nothing. The link that answers an offer (``acceptance``) is signed the
same way under its own salt, so one kind of link never works as the other.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from flask import current_app, has_request_context, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from journeys.suggestions.models import Suggestion
from kcc.consent.constants import CollectionMethod, ConsentChannel
from kcc.consent.services import lock_consents
from kcc.consent.withdrawals import object_to_proactive, withdraw_channel, withdraw_purpose
from kcc.db import db
from kcc.errors import KccError
from kcc.parties.models import Party

LINK_DAYS = 90
SALT = "kcc.suggestion-withdrawal"
PATH = "/stop/"


class LinkProblem(KccError):
    """A withdrawal link that is forged, changed or expired."""

    status = 400
    title = "This link does not work"
    type_slug = "withdrawal-link"


class Choice(StrEnum):
    """What the resident chooses on the page."""

    PURPOSE = "purpose"  # no more messages about this subject
    ALL = "all"  # no more proactive messages at all
    OBJECT = "object"  # object (AVG art. 21): stop following me, end my journeys


@dataclass(frozen=True)
class LinkTarget:
    """What a valid link points at."""

    suggestion: Suggestion
    party: Party
    language: str


@lru_cache(maxsize=8)
def _serializer(secret: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=salt)


def _signer(salt: str = SALT) -> URLSafeTimedSerializer:
    return _serializer(str(current_app.config["SECRET_KEY"]), salt)


def base_url() -> str:
    settings = current_app.config.get("KCC_SETTINGS")
    configured = getattr(settings, "public_base_url", None)
    if configured:
        return str(configured)
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://127.0.0.1:5000"


def link_token(suggestion_uuid: uuid.UUID, language: str, salt: str = SALT) -> str:
    return _signer(salt).dumps([suggestion_uuid.hex, "en" if language == "en" else "nl"])


def withdrawal_link(suggestion_uuid: uuid.UUID, language: str) -> str:
    """The absolute URL of the withdrawal page for one suggestion's message."""
    return f"{base_url()}{PATH}{link_token(suggestion_uuid, language)}"


def read_link(token: str, salt: str = SALT) -> LinkTarget:
    """The suggestion, party and language a token names; ``LinkProblem`` when it is not valid
    (also when it was signed for the other kind of link)."""
    try:
        hex_id, language = _signer(salt).loads(token, max_age=LINK_DAYS * 24 * 3600)
        suggestion_uuid = uuid.UUID(hex=str(hex_id))
    except SignatureExpired:
        raise LinkProblem("the link has expired") from None
    except (BadSignature, ValueError, TypeError):
        raise LinkProblem("the link is not valid") from None
    session = db.session()
    suggestion = session.scalar(select(Suggestion).where(Suggestion.uuid == suggestion_uuid))
    party = session.get(Party, suggestion.party_id) if suggestion is not None else None
    if suggestion is None or party is None or party.removed_at is not None:
        raise LinkProblem("the message this link belongs to no longer exists")
    return LinkTarget(suggestion, party, "en" if language == "en" else "nl")


def choose(token: str, choice: Choice) -> LinkTarget:
    """Carry out the resident's choice from the page. Repeating it changes nothing more."""
    target = read_link(token)
    party_id = target.party.id
    lock_consents(party_id)
    evidence = f"withdrawal link of suggestion {target.suggestion.uuid}"
    if choice == Choice.PURPOSE:
        withdraw_purpose(
            party_id, target.suggestion.consent_purpose, CollectionMethod.WEB, evidence
        )
    elif choice == Choice.ALL:
        withdraw_channel(party_id, ConsentChannel.ANY, CollectionMethod.WEB, evidence)
    else:
        object_to_proactive(party_id, CollectionMethod.WEB, evidence)
    return target
