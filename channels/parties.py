"""The party behind a phone number or e-mail address, followed through merges to the survivor."""

from __future__ import annotations

from sqlalchemy import select

from kcc.db import db
from kcc.parties.models import DigitalAddress, Party

MAX_MERGE_HOPS = 20
MAX_HOLDERS = 20


def surviving_party(party: Party) -> Party:
    """``party`` itself, or the party it was merged into (followed along a chain of merges).

    A merge leaves an address that would have clashed on the merged-away party, so a lookup
    by address can land there; new contacts belong to the survivor.
    """
    seen = {party.id}
    while party.merged_into_id is not None and len(seen) <= MAX_MERGE_HOPS:
        survivor = db.session().get(Party, party.merged_into_id)
        if survivor is None or survivor.id in seen:
            break
        seen.add(survivor.id)
        party = survivor
    return party


def party_by_address(kind: str, address: str) -> Party | None:
    """The party holding a normalised address: the newest active holder, merges followed.

    Holders that were merged away lead to their survivors. Without any active party, the
    newest holder (or its survivor) is the answer.
    """
    holders = (
        db.session()
        .scalars(
            select(Party)
            .join(DigitalAddress, DigitalAddress.party_id == Party.id)
            .where(DigitalAddress.kind == kind, DigitalAddress.address == address)
            .order_by(Party.is_active.desc(), Party.id.desc())
            .limit(MAX_HOLDERS)
        )
        .all()
    )
    resolved = [surviving_party(holder) for holder in holders]
    return next((party for party in resolved if party.is_active), None) or next(
        iter(resolved), None
    )
