"""Find parties by identifier, address or name: live parties only, keyset-paginated."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased, joinedload

from kcc.constants import Action, AddressKind, IdentifierKind
from kcc.db import db
from kcc.errors import ValidationFailed
from kcc.pagination import decode_cursor, encode_cursor
from kcc.parties import identifiers as ids
from kcc.parties.models import DigitalAddress, Party, PartyIdentifier
from kcc.parties.records import bsn_lookup
from kcc.privacy.services import log_processing


@dataclass
class PartyQuery:
    bsn: str | None = None
    phone: str | None = None
    email: str | None = None
    kvk: str | None = None
    q: str | None = None
    type: str | None = None


def search_parties(
    query: PartyQuery, limit: int, cursor: str | None
) -> tuple[list[Party], str | None]:
    """Find parties by one identifier, address or name, newest key first, keyset-paginated."""
    stmt = _search_statement(query)
    after = decode_cursor(cursor, {"id": int})
    if after is not None:
        stmt = stmt.where(Party.id < after["id"])
    stmt = (
        stmt.order_by(Party.id.desc())
        .limit(limit + 1)
        .options(joinedload(Party.identifiers), joinedload(Party.addresses))
    )
    # One round trip: a search usually finds one party with one or two of each.
    rows = list(db.session().scalars(stmt).unique())
    next_cursor = encode_cursor({"id": rows[limit - 1].id}) if len(rows) > limit else None
    rows = rows[:limit]
    log_processing([p.uuid for p in rows], Action.SEARCH)
    return rows, next_cursor


def _search_statement(query: PartyQuery) -> Select[Party]:
    stmt = select(Party).where(Party.removed_at.is_(None))
    if query.bsn:
        stmt = stmt.where(
            Party.id.in_(
                _identifier_owner(IdentifierKind.BSN, bsn_lookup(ids.validate_bsn(query.bsn)))
            )
        )
    if query.kvk:
        stmt = stmt.where(Party.id.in_(_kvk_owners(ids.validate_kvk(query.kvk))))
    if query.phone:
        stmt = stmt.where(
            Party.id.in_(_address_owner(AddressKind.PHONE, ids.normalise_phone(query.phone)))
        )
    if query.email:
        stmt = stmt.where(
            Party.id.in_(_address_owner(AddressKind.EMAIL, ids.normalise_email(query.email)))
        )
    if query.q:
        key = ids.search_key(query.q)
        if len(key) < 2:
            raise ValidationFailed.field("q", _l("search for at least 2 characters"))
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Party.search_name.like(f"%{escaped}%", escape="\\"))
    if query.type:
        stmt = stmt.where(Party.type == query.type)
    return stmt


def _identifier_owner(kind: str, lookup: str) -> Select[int | None]:
    return select(PartyIdentifier.party_id).where(
        PartyIdentifier.kind == kind, PartyIdentifier.lookup == lookup
    )


def _kvk_owners(kvk: str) -> Select[int]:
    """The business holding a KvK number and the parties registered as its branches."""
    parent = aliased(PartyIdentifier)
    branches = (
        select(PartyIdentifier.party_id)
        .join(parent, PartyIdentifier.parent_id == parent.id)
        .where(parent.kind == IdentifierKind.KVK, parent.lookup == kvk)
    )
    return _identifier_owner(IdentifierKind.KVK, kvk).union(branches)  # type: ignore[return-value]


def _address_owner(kind: str, address: str) -> Select[int | None]:
    return select(DigitalAddress.party_id).where(
        DigitalAddress.kind == kind, DigitalAddress.address == address
    )
