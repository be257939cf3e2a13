"""The right to erasure (GDPR art. 17) for one party, within legal holds, saying what was kept and why.

Erasure asks every privacy section (``kcc.rights.sections``): each removes its rows about the
party (and the parties merged into it) or says why it keeps them. Afterwards every section
counts again what erasure should have removed; the erasure is complete only when nothing is
left and no open task holds anything.
"""

from __future__ import annotations

import uuid
from typing import Any

from kcc.constants import Action
from kcc.db import db
from kcc.parties.models import Party
from kcc.privacy.services import log_processing
from kcc.rights.export import merge_group
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
    return {
        "party_id": str(party_uuid),
        "parties": [str(p.uuid) for p in parties],
        "would_erase": _counts(parties, sections),
        "kept": kept,
        "complete": not any(k["held"] for k in kept),
    }


def erase_party(party_uuid: uuid.UUID) -> dict[str, Any]:
    """Erase what may be erased about the party (and the parties merged into it)."""
    _subject, parties = merge_group(party_uuid)
    sections = privacy_sections()
    erased = {s.name: s.erase(parties) for s in sections if s.erase is not None}
    db.session().flush()
    log_processing([p.uuid for p in parties], Action.DELETE)
    left = _counts(parties, sections)
    kept = _kept(parties, sections)
    return {
        "party_id": str(party_uuid),
        "parties": [str(p.uuid) for p in parties],
        "erased": erased,
        "left": left,
        "kept": kept,
        "complete": not left and not any(k["held"] for k in kept),
    }
