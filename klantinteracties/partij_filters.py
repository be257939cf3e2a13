"""The query filters of partijen: by identifier, branch, representation, category and address."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import aliased

from kcc.parties.models import Party, PartyIdentifier
from klantinteracties import identificatoren
from klantinteracties.mapping import PARTY_TYPES
from klantinteracties.models import Category, CategoryRelation, Representation


def _has_identifier(field: str | None) -> Any:
    def apply(stmt: Select[Any], value: str) -> Select[Any]:
        if field is None:
            condition = identificatoren.value_matches(value)
        else:
            condition = PartyIdentifier.kind.in_(identificatoren.kinds_for(field, value))
        return stmt.where(exists().where(PartyIdentifier.party_id == Party.id, condition))

    return apply


def _has_parent(field: str | None) -> Any:
    def apply(stmt: Select[Any], value: str) -> Select[Any]:
        parent = aliased(PartyIdentifier)
        if field is None:
            condition = parent.lookup == value
        else:
            condition = parent.kind.in_(identificatoren.kinds_for(field, value))
        return stmt.where(
            exists().where(
                PartyIdentifier.party_id == Party.id,
                PartyIdentifier.parent_id == parent.id,
                condition,
            )
        )

    return apply


def _address_filter(column: Any, key: str) -> Any:
    return lambda stmt, value: stmt.where(column[key].as_string() == value)


def _represents(stmt: Select[Any], value: Any) -> Select[Any]:
    represented = select(Party.id).where(Party.uuid == value).scalar_subquery()
    return stmt.where(
        exists().where(
            Representation.representative_id == Party.id,
            Representation.represented_id == represented,
        )
    )


def _category(stmt: Select[Any], value: str) -> Select[Any]:
    """Partijen in any of the comma-separated categories."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    return stmt.where(
        exists().where(
            CategoryRelation.party_id == Party.id,
            CategoryRelation.category_id == Category.id,
            Category.name.in_(names),
        )
    )


FILTERS: dict[str, tuple[str, Any]] = {
    "indicatieActief": ("bool", lambda stmt, v: stmt.where(Party.is_active.is_(v))),
    "indicatieGeheimhouding": ("bool", lambda stmt, v: stmt.where(Party.confidential.is_(v))),
    "nummer": ("str", lambda stmt, v: stmt.where(Party.number == v)),
    "soortPartij": (
        "enum:contactpersoon,organisatie,persoon",
        lambda stmt, v: stmt.where(Party.type == PARTY_TYPES[v]),
    ),
    "partijIdentificator__objectId": ("str", _has_identifier(None)),
    "partijIdentificator__codeObjecttype": ("str", _has_identifier("codeObjecttype")),
    "partijIdentificator__codeRegister": ("str", _has_identifier("codeRegister")),
    "partijIdentificator__codeSoortObjectId": ("str", _has_identifier("codeSoortObjectId")),
    "subIdentificatorVan__objectId": ("str", _has_parent(None)),
    "subIdentificatorVan__codeObjecttype": ("str", _has_parent("codeObjecttype")),
    "subIdentificatorVan__codeRegister": ("str", _has_parent("codeRegister")),
    "subIdentificatorVan__codeSoortObjectId": ("str", _has_parent("codeSoortObjectId")),
    "vertegenwoordigdePartij__uuid": ("uuid", _represents),
    "vertegenwoordigdePartij__url": ("url", _represents),
    "categorierelatie__categorie__naam": ("str", _category),
}
for prefix, column in (
    ("bezoekadres", Party.visiting_address),
    ("correspondentieadres", Party.postal_address),
):
    for suffix, key in (
        ("Adresregel1", "adresregel1"),
        ("Adresregel2", "adresregel2"),
        ("Adresregel3", "adresregel3"),
        ("Land", "land"),
        ("NummeraanduidingId", "nummeraanduidingId"),
    ):
        FILTERS[prefix + suffix] = ("str", _address_filter(column, key))
