"""The right to erasure (GDPR art. 17) for one party, within legal holds, saying what was kept and why.

Erasure asks every privacy section (``kcc.rights.sections``): each removes its rows about the
party (and the parties merged into it) or says why it keeps them. Afterwards every section
counts again what erasure should have removed; the erasure is complete only when nothing is
left and no open task holds anything. Each erasure is recorded with its reason beside the
processing log's delete records (same trace); a party erased completely is not erased twice.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kcc.constants import Action
from kcc.db import db
from kcc.errors import Conflict
from kcc.parties.models import Party
from kcc.privacy.context import current
from kcc.privacy.services import log_processing, subject_lookup
from kcc.rights.export import merge_group
from kcc.rights.retention_models import ErasureRequest
from kcc.rights.sections import PrivacySection, privacy_sections


def _kept(parties: list[Party], sections: list[PrivacySection]) -> list[dict[str, Any]]:
    return [k for s in sections for k in s.kept_rows(parties)]


def _counts(parties: list[Party], sections: list[PrivacySection]) -> dict[str, int]:
    """Rows each erasing section would remove now, only where there are any."""
    found = {s.name: s.count(parties) for s in sections if s.count is not None}
    return {name: n for name, n in found.items() if n}


def preview_erasure(party_uuid: uuid.UUID) -> dict[str, Any]:
    """What erasure would remove and what it would keep, and why, without changing anything."""
    _subject, parties = merge_group(party_uuid)
    sections = privacy_sections()
    kept = _kept(parties, sections)
    log_processing([p.uuid for p in parties], Action.READ)
    return {
        "party_id": str(party_uuid),
        "parties": [str(p.uuid) for p in parties],
        "would_erase": _counts(parties, sections),
        "kept": kept,
        "complete": not any(k["held"] for k in kept),
    }


def _refuse_if_erased(party_uuid: uuid.UUID, parties: list[Party]) -> None:
    """Raise Conflict when an earlier erasure of one of the parties was complete."""
    lookups = {subject_lookup(p.uuid): p for p in parties}
    done = db.session().scalar(
        select(ErasureRequest)
        .where(ErasureRequest.subject_lookup.in_(list(lookups)), ErasureRequest.complete)
        .order_by(ErasureRequest.id)
        .limit(1)
    )
    if done is not None:
        raise Conflict(
            _l(
                "party %(party_uuid)s was already erased completely on %(date)s (reason: %(reason)r); nothing about it is left to erase. A dry run shows what is kept and why.",
                party_uuid=party_uuid,
                date=done.erased_at.date().isoformat(),
                reason=done.reason,
            )
        )


def erase_party(party_uuid: uuid.UUID, reason: str) -> dict[str, Any]:
    """Erase what may be erased about the party (and the parties merged into it).

    Args:
        party_uuid: The party the request is about.
        reason: Why it is erased (the resident's request, its date and channel); kept with
            the erasure's processing-log records.

    Raises:
        NotFound: No such party.
        Conflict: The party was erased completely before.
    """
    _subject, parties = merge_group(party_uuid)
    _refuse_if_erased(party_uuid, parties)
    sections = privacy_sections()
    erased = {s.name: s.erase(parties) for s in sections if s.erase is not None}
    session = db.session()
    session.flush()
    log_processing([p.uuid for p in parties], Action.DELETE)
    left = _counts(parties, sections)
    kept = _kept(parties, sections)
    complete = not left and not any(k["held"] for k in kept)
    ctx = current()
    result = {"erased": erased, "left": left, "kept": kept}
    session.add_all(
        ErasureRequest(
            subject_lookup=subject_lookup(p.uuid),
            trace_id=ctx.trace_id,
            reason=reason,
            requested_by=ctx.actor_id,
            complete=complete,
            result=result,
        )
        for p in parties
    )
    session.flush()
    return {
        "party_id": str(party_uuid),
        "parties": [str(p.uuid) for p in parties],
        "reason": reason,
        **result,
        "complete": complete,
    }
