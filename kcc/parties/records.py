"""What every party service shares: live parties, the BSN cipher and recording a change."""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from kcc.constants import Action
from kcc.crypto import DataCipher
from kcc.db import db
from kcc.errors import Conflict, NotFound
from kcc.events.outbox import record
from kcc.parties.events import PartyUpdated
from kcc.parties.models import Party
from kcc.privacy.bsn import BSN_CONTEXT  # one context, so a sealed BSN decrypts like a party's
from kcc.privacy.services import log_processing


def cipher() -> DataCipher:
    return current_app.extensions["kcc.cipher"]  # type: ignore[no-any-return]


def bsn_lookup(bsn: str) -> str:
    """The keyed hash a BSN is found by."""
    return cipher().lookup_hash(bsn, BSN_CONTEXT)


def live_parties() -> Select[Party]:
    """Parties that were not deleted: the only ones read, listed or found as parties."""
    return select(Party).where(Party.removed_at.is_(None))


def live_party(party_uuid: uuid.UUID, *options: Any) -> Party:
    """One live party; a deleted or unknown one is not found."""
    party = (
        db.session()
        .scalars(live_parties().where(Party.uuid == party_uuid).options(*options))
        .unique()
        .one_or_none()
    )
    if party is None:
        raise NotFound(f"no party with id {party_uuid}")
    return party


def flush_unique(message: str) -> None:
    """Flush; a unique constraint the database refuses is a conflict saying ``message``."""
    try:
        db.session().flush()
    except IntegrityError:
        raise Conflict(message) from None


def party_changed(party: Party, fields: list[str]) -> None:
    """Record that ``fields`` of the party changed, as an event and in the processing log."""
    db.session().flush()
    record(PartyUpdated(party_id=str(party.uuid), fields=sorted(fields)))
    log_processing([party.uuid], Action.UPDATE)
