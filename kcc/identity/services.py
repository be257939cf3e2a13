"""Merge a duplicate party into a surviving party, and undo a merge exactly.

A merge points every reference to the duplicate at the survivor (found generically, see
``references``), records each changed row, and deactivates the duplicate with
``merged_into`` set. The duplicate stays readable: its lookups and customer view answer with
what is left on it (rows that would have clashed) and name the survivor in ``merged_into``,
so clients follow the merge themselves and the processing log names the party really read.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from kcc.constants import Action, AddressKind, IdentifierKind, PartyType
from kcc.contacts.figures import repeats_of_party
from kcc.db import db, utcnow
from kcc.errors import Conflict, NotFound, ValidationFailed
from kcc.events.outbox import record
from kcc.identity import references as refs
from kcc.identity.constants import MoveOutcome, UndoOutcome
from kcc.identity.events import PartyMerged, PartyUnmerged
from kcc.identity.models import MergeMove, MergeRecord
from kcc.parties.models import DigitalAddress, Party, PartyIdentifier
from kcc.privacy.services import log_processing

IDENTIFIER_NAMES: dict[str, str] = {
    IdentifierKind.BSN: "BSN",
    IdentifierKind.KVK: "KvK number",
    IdentifierKind.RSIN: "RSIN",
    IdentifierKind.BRANCH_NUMBER: "branch number",
}


def _lock_parties(first: Any, second: Any, by: Any) -> dict[Any, Party]:
    """Load two parties, locking their rows in id order (PostgreSQL) so concurrent merges queue."""
    stmt = (
        select(Party)
        .where(by.in_([first, second]))
        .order_by(Party.id)
        .execution_options(populate_existing=True)
    )
    if db.dialect == "postgresql":
        stmt = stmt.with_for_update(of=Party)
    return {getattr(p, by.key): p for p in db.session().scalars(stmt)}


def _describe(party: Party) -> str:
    if party.merged_into_id is not None and party.merged_into is not None:
        return f"party {party.uuid} was merged into {party.merged_into.uuid}"
    return f"party {party.uuid} is inactive"


def _check_mergeable(survivor: Party, duplicate: Party) -> None:
    for party in (survivor, duplicate):
        if not party.is_active:
            raise Conflict(
                _l(
                    "%(party)s; a merged-away party cannot take part in a merge",
                    party=_describe(party),
                )
            )
    if survivor.type != duplicate.type:
        raise ValidationFailed.field(
            "duplicate_id",
            _l(
                "a %(type)s cannot be merged into a %(type2)s",
                type=duplicate.type,
                type2=survivor.type,
            ),
        )


def _check_identifiers(survivor: Party, duplicate: Party) -> None:
    """Two different identifiers of one kind (two BSNs) mean two different people or businesses."""
    rows = db.session().execute(
        select(PartyIdentifier.party_id, PartyIdentifier.kind, PartyIdentifier.lookup).where(
            PartyIdentifier.party_id.in_([survivor.id, duplicate.id])
        )
    )
    held: dict[tuple[int | None, str], set[str]] = {}
    for party_id, kind, lookup in rows:
        held.setdefault((party_id, kind), set()).add(lookup)
    for (party_id, kind), values in held.items():
        theirs = held.get((survivor.id, kind))
        if party_id == duplicate.id and theirs and theirs != values:
            who = "businesses" if survivor.type == PartyType.ORGANISATION else "people"
            name = IDENTIFIER_NAMES.get(kind, kind)
            raise Conflict(
                _l(
                    "both parties have a %(name)s and they differ: they are two different %(who)s; nothing was merged",
                    name=name,
                    who=who,
                )
            )


def merge_parties(
    survivor_uuid: uuid.UUID, duplicate_uuid: uuid.UUID, reason: str, user_id: int | None
) -> MergeRecord:
    """Move every reference to the duplicate to the survivor and deactivate the duplicate."""
    if survivor_uuid == duplicate_uuid:
        raise ValidationFailed.field("duplicate_id", _l("a party cannot be merged into itself"))
    locked = _lock_parties(survivor_uuid, duplicate_uuid, Party.uuid)
    if survivor_uuid not in locked:
        raise NotFound(_l("no party with id %(survivor_uuid)s", survivor_uuid=survivor_uuid))
    if duplicate_uuid not in locked:
        raise ValidationFailed.field(
            "duplicate_id", _l("no party with id %(duplicate_uuid)s", duplicate_uuid=duplicate_uuid)
        )
    survivor, duplicate = locked[survivor_uuid], locked[duplicate_uuid]
    _check_mergeable(survivor, duplicate)
    _check_identifiers(survivor, duplicate)
    session = db.session()
    merge = MergeRecord(
        survivor_id=survivor.id, duplicate_id=duplicate.id, reason=reason, merged_by_id=user_id
    )
    session.add(merge)
    session.flush()
    moves: list[dict[str, Any]] = []
    for ref in refs.party_references():
        old, new = getattr(duplicate, ref.referred.key), getattr(survivor, ref.referred.key)
        moves += refs.move_references(ref, old, new)
    if moves:
        session.execute(insert(MergeMove), [{"merge_id": merge.id, **m} for m in moves])
    session.expire_all()
    duplicate.is_active = False
    duplicate.merged_into_id = survivor.id
    session.flush()
    repeats_of_party(survivor.id)  # the duplicate's contacts now follow the survivor's
    moved = Counter(
        f"{m['table_name']}.{m['column_name']}" for m in moves if m["outcome"] == MoveOutcome.MOVED
    )
    record(PartyMerged(str(merge.uuid), str(survivor.uuid), str(duplicate.uuid), dict(moved)))
    log_processing([survivor.uuid, duplicate.uuid], Action.UPDATE)
    return merge


def _load_merge(merge_uuid: uuid.UUID, lock: bool = False) -> MergeRecord:
    stmt = (
        select(MergeRecord)
        .where(MergeRecord.uuid == merge_uuid)
        .execution_options(populate_existing=True)
    )
    if lock and db.dialect == "postgresql":
        stmt = stmt.with_for_update(of=MergeRecord)
    merge = db.session().scalar(stmt)
    if merge is None:
        raise NotFound(_l("no merge with id %(merge_uuid)s", merge_uuid=merge_uuid))
    return merge


def get_merge(merge_uuid: uuid.UUID) -> MergeRecord:
    """One merge record with its moves; the read is logged for both parties."""
    merge = _load_merge(merge_uuid)
    log_processing([merge.survivor.uuid, merge.duplicate.uuid], Action.READ)
    return merge


def undo_merge(merge_uuid: uuid.UUID, user_id: int | None) -> MergeRecord:
    """Point what the merge moved back at the duplicate and reactivate it.

    Rows created on the survivor after the merge stay there; a moved row that no longer points
    at the survivor is reported ``gone``, one that would now clash stays and is reported ``clash``.
    """
    merge = _load_merge(merge_uuid)
    locked = _lock_parties(merge.survivor_id, merge.duplicate_id, Party.id)
    merge = _load_merge(merge_uuid, lock=True)
    survivor, duplicate = locked[merge.survivor_id], locked[merge.duplicate_id]
    if merge.undone_at is not None:
        raise Conflict(
            _l(
                "merge %(uuid)s was undone already at %(undone_at)s",
                uuid=merge.uuid,
                undone_at=merge.undone_at.isoformat(),
            )
        )
    if not survivor.is_active:
        raise Conflict(
            _l("%(survivor)s since; undo that merge first", survivor=_describe(survivor))
        )
    if duplicate.merged_into_id != survivor.id:
        raise Conflict(
            _l(
                "party %(uuid)s is no longer merged into %(uuid2)s",
                uuid=duplicate.uuid,
                uuid2=survivor.uuid,
            )
        )
    restored: Counter[str] = Counter()
    groups: dict[tuple[str, str], list[MergeMove]] = {}
    for move in merge.moves:
        if move.outcome == MoveOutcome.MOVED:
            groups.setdefault((move.table_name, move.column_name), []).append(move)
    for (table, column), moves in groups.items():
        restored[f"{table}.{column}"] = _restore(table, column, moves)
    for move in merge.moves:
        if move.outcome == MoveOutcome.CHANGED:
            move.undo_outcome = _flag_outcome(merge, move)
    session = db.session()
    duplicate.is_active = True
    duplicate.merged_into_id = None
    merge.undone_at = utcnow()
    merge.undone_by_id = user_id
    session.flush()
    _ensure_default_addresses(survivor.id)
    repeats_of_party(survivor.id)
    repeats_of_party(duplicate.id)
    record(PartyUnmerged(str(merge.uuid), str(survivor.uuid), str(duplicate.uuid), dict(restored)))
    log_processing([survivor.uuid, duplicate.uuid], Action.UPDATE)
    return merge


def _restore(table: str, column: str, moves: list[MergeMove]) -> int:
    ref = refs.reference_by_name(table, column)
    if ref is None:
        for move in moves:
            move.undo_outcome = UndoOutcome.GONE
        return 0
    new = refs.from_json(ref.referred, moves[0].new_value)
    old = refs.from_json(ref.referred, moves[0].old_value)
    present = refs.still_pointing(ref, [m.row_key for m in moves], new)
    back = [m for m in moves if refs.frozen(m.row_key) in present]
    refused: set[Any] = set()
    for flags, keys in refs.group_by_flags((m.row_key, m.flags) for m in back).values():
        refused.update(refs.frozen(k) for k in refs.update_rows(ref, keys, {column: old, **flags}))
    for move in moves:
        key = refs.frozen(move.row_key)
        move.undo_outcome = (
            UndoOutcome.GONE
            if key not in present
            else UndoOutcome.CLASH
            if key in refused
            else UndoOutcome.RESTORED
        )
    return sum(1 for m in moves if m.undo_outcome == UndoOutcome.RESTORED)


def _flag_outcome(merge: MergeRecord, change: MergeMove) -> str:
    """A given-up flag came back with its row's restore (the row's recorded flags)."""
    row = next(
        (
            m
            for m in merge.moves
            if m.outcome == MoveOutcome.MOVED
            and m.table_name == change.table_name
            and m.row_key == change.row_key
        ),
        None,
    )
    return row.undo_outcome if row is not None and row.undo_outcome else UndoOutcome.GONE


def _ensure_default_addresses(party_id: int) -> None:
    """Each kind of address a party has keeps one default after its moved addresses left."""
    addresses = list(
        db.session().scalars(
            select(DigitalAddress)
            .where(DigitalAddress.party_id == party_id)
            .order_by(DigitalAddress.id)
            .execution_options(populate_existing=True)
        )
    )
    for kind in AddressKind:
        of_kind = [a for a in addresses if a.kind == kind]
        if of_kind and not any(a.is_default for a in of_kind):
            of_kind[0].is_default = True
    db.session().flush()
