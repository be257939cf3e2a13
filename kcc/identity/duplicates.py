"""Duplicate candidates: pairs of active parties sharing an identifier, phone number or e-mail."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Subquery, and_, select, union_all
from sqlalchemy.orm import aliased, selectinload

from kcc.constants import Action, AddressKind
from kcc.db import db
from kcc.pagination import decode_cursor, encode_cursor
from kcc.parties.models import DigitalAddress, Party, PartyIdentifier
from kcc.privacy.services import log_processing

MATCHED_ADDRESS_KINDS = (AddressKind.PHONE, AddressKind.EMAIL)


@dataclass
class DuplicateCandidate:
    """Two parties (older first) and why they may be one and the same."""

    parties: list[Party]
    reasons: list[str]


def _shared_values() -> Subquery:
    """(first_id, second_id, reason) for every value two parties share: a self-join on the
    indexed (kind, address) and unique (kind, lookup) columns."""
    a, b = aliased(DigitalAddress), aliased(DigitalAddress)
    by_address = (
        select(a.party_id.label("first_id"), b.party_id.label("second_id"), a.kind.label("reason"))
        .join(b, and_(a.kind == b.kind, a.address == b.address, a.party_id < b.party_id))
        .where(a.kind.in_([str(k) for k in MATCHED_ADDRESS_KINDS]))
    )
    i, j = aliased(PartyIdentifier), aliased(PartyIdentifier)
    by_identifier = select(i.party_id, j.party_id, i.kind).join(
        j, and_(i.kind == j.kind, i.lookup == j.lookup, i.party_id < j.party_id)
    )
    return union_all(by_address, by_identifier).subquery("shared")


def list_duplicates(limit: int, cursor: str | None) -> tuple[list[DuplicateCandidate], str | None]:
    """Candidate pairs, newest second party first, keyset-paginated; the read is logged."""
    shared = _shared_values()
    first, second = aliased(Party), aliased(Party)
    stmt = (
        select(shared.c.first_id, shared.c.second_id)
        .join(first, first.id == shared.c.first_id)
        .join(second, second.id == shared.c.second_id)
        .where(first.is_active.is_(True), second.is_active.is_(True))
        .group_by(shared.c.first_id, shared.c.second_id)
        .order_by(shared.c.second_id.desc(), shared.c.first_id.desc())
        .limit(limit + 1)
    )
    after = decode_cursor(cursor, ("first", "second"))
    if after is not None:
        stmt = stmt.where(
            (shared.c.second_id < int(after["second"]))
            | (
                (shared.c.second_id == int(after["second"]))
                & (shared.c.first_id < int(after["first"]))
            )
        )
    pairs = [(int(f), int(s)) for f, s in db.session().execute(stmt)]
    next_cursor = None
    if len(pairs) > limit:
        pairs = pairs[:limit]
        next_cursor = encode_cursor({"first": pairs[-1][0], "second": pairs[-1][1]})
    if not pairs:
        return [], next_cursor
    candidates = _load(pairs)
    log_processing([p.uuid for c in candidates for p in c.parties], Action.SEARCH)
    return candidates, next_cursor


def _load(pairs: list[tuple[int, int]]) -> list[DuplicateCandidate]:
    ids = {i for pair in pairs for i in pair}
    shared = _shared_values()
    reasons: dict[tuple[int, int], set[str]] = {}
    rows = db.session().execute(
        select(shared.c.first_id, shared.c.second_id, shared.c.reason).where(
            shared.c.first_id.in_(ids), shared.c.second_id.in_(ids)
        )
    )
    for f, s, reason in rows:
        reasons.setdefault((int(f), int(s)), set()).add(str(reason))
    parties = {
        p.id: p
        for p in db.session().scalars(
            select(Party)
            .where(Party.id.in_(ids))
            .options(selectinload(Party.identifiers), selectinload(Party.addresses))
        )
    }
    return [
        DuplicateCandidate([parties[f], parties[s]], sorted(reasons.get((f, s), set())))
        for f, s in pairs
    ]
