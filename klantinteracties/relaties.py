"""Vertegenwoordigingen, rekeningnummers, categorieen and categorie-relaties of parties."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from kcc.db import db
from kcc.parties import bank_accounts
from kcc.parties.models import BankAccount, Party
from kcc.privacy.activities import Activity
from klantinteracties.batch import prime, related
from klantinteracties.http import Invalid, Listing, ref, resolve, url
from klantinteracties.models import Category, CategoryRelation, Representation
from klantinteracties.resources import Resource, register


def _party_uuid(key: int | None) -> Any:
    party = related("party", key)
    return party.uuid if party is not None else None


def _prefetch_parties(*columns: str) -> Any:
    """Prime the partijen the rows refer to through ``columns``."""
    return lambda rows, _expand: prime(
        "party", [getattr(row, column) for row in rows for column in columns]
    )


def represent_representation(row: Representation, _expand: set[str]) -> dict[str, Any]:
    return {
        "uuid": str(row.uuid),
        "url": url("vertegenwoordigingen", row.uuid),
        "vertegenwoordigendePartij": ref("partijen", _party_uuid(row.representative_id)),
        "vertegenwoordigdePartij": ref("partijen", _party_uuid(row.represented_id)),
    }


def save_representation(data: dict[str, Any], row: Representation | None = None) -> Representation:
    representative = resolve(
        Party, data.get("vertegenwoordigendePartij"), "vertegenwoordigendePartij", required=True
    )
    represented = resolve(
        Party, data.get("vertegenwoordigdePartij"), "vertegenwoordigdePartij", required=True
    )
    if representative.id == represented.id:
        raise Invalid.param("vertegenwoordigdePartij", "a partij does not represent itself")
    clash = db.session().scalar(
        select(Representation.id).where(
            Representation.representative_id == representative.id,
            Representation.represented_id == represented.id,
        )
    )
    if clash is not None and (row is None or clash != row.id):
        raise Invalid.param(
            "vertegenwoordigdePartij", "this vertegenwoordiging exists already", "unique"
        )
    row = row or Representation()
    row.representative_id, row.represented_id = representative.id, represented.id
    db.session().add(row)
    db.session().flush()
    return row


def _party_key(value: Any) -> Any:
    return select(Party.id).where(Party.uuid == value).scalar_subquery()


def _uuids_of(keys: set[int]) -> list[Any]:
    """The public ids of the parties behind ``keys`` (for the processing log)."""
    return [uuid for uuid in (_party_uuid(key) for key in sorted(k for k in keys if k)) if uuid]


def _representation_parties(rows: list[Representation]) -> list[Any]:
    return _uuids_of({k for row in rows for k in (row.representative_id, row.represented_id)})


register(
    Resource(
        path="vertegenwoordigingen",
        model=Representation,
        schema="Vertegenwoordigden",
        represent=represent_representation,
        create=save_representation,
        update=lambda row, data: save_representation(data, row),
        delete=lambda row: db.session().delete(row),
        listing=Listing(
            filters={
                "vertegenwoordigdePartij__uuid": (
                    "uuid",
                    lambda s, v: s.where(Representation.represented_id == _party_key(v)),
                ),
                "vertegenwoordigdePartij__url": (
                    "url",
                    lambda s, v: s.where(Representation.represented_id == _party_key(v)),
                ),
                "vertegenwoordigendePartij__uuid": (
                    "uuid",
                    lambda s, v: s.where(Representation.representative_id == _party_key(v)),
                ),
                "vertegenwoordigendePartij__url": (
                    "url",
                    lambda s, v: s.where(Representation.representative_id == _party_key(v)),
                ),
            }
        ),
        parties=_representation_parties,
        prefetch=_prefetch_parties("representative_id", "represented_id"),
        write_activity=Activity.PARTY_REGISTRATION,
    )
)


def represent_category(row: Category, _expand: set[str]) -> dict[str, Any]:
    return {"uuid": str(row.uuid), "url": url("categorieen", row.uuid), "naam": row.name}


def save_category(data: dict[str, Any], row: Category | None = None) -> Category:
    row = row or Category()
    row.name = data.get("naam") or ""
    db.session().add(row)
    db.session().flush()
    return row


register(
    Resource(
        path="categorieen",
        model=Category,
        schema="Categorie",
        represent=represent_category,
        create=save_category,
        update=lambda row, data: save_category(data, row),
        delete=lambda row: db.session().delete(row),
    )
)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def represent_relation(row: CategoryRelation, _expand: set[str]) -> dict[str, Any]:
    category = row.category
    return {
        "uuid": str(row.uuid),
        "url": url("categorie-relaties", row.uuid),
        "partij": ref("partijen", _party_uuid(row.party_id)),
        "categorie": {**(ref("categorieen", category.uuid) or {}), "naam": category.name}
        if category
        else None,
        "beginDatum": _day(row.begin_date),
        "eindDatum": _day(row.end_date),
    }


def save_relation(data: dict[str, Any], row: CategoryRelation | None = None) -> CategoryRelation:
    party = resolve(Party, data.get("partij"), "partij")
    category = resolve(Category, data.get("categorie"), "categorie")
    begin = date.fromisoformat(data["beginDatum"]) if data.get("beginDatum") else None
    end = date.fromisoformat(data["eindDatum"]) if data.get("eindDatum") else None
    if begin and end and end < begin:
        raise Invalid.param("eindDatum", "lies before beginDatum")
    row = row or CategoryRelation()
    row.party_id, row.category_id = party.id if party else None, category.id if category else None
    row.begin_date, row.end_date = begin, end
    db.session().add(row)
    db.session().flush()
    db.session().refresh(row)
    return row


def _category_key(value: Any) -> Any:
    return select(Category.id).where(Category.uuid == value).scalar_subquery()


register(
    Resource(
        path="categorie-relaties",
        model=CategoryRelation,
        schema="CategorieRelatie",
        represent=represent_relation,
        create=save_relation,
        update=lambda row, data: save_relation(data, row),
        delete=lambda row: db.session().delete(row),
        listing=Listing(
            filters={
                "beginDatum": ("date", lambda s, v: s.where(CategoryRelation.begin_date == v)),
                "eindDatum": ("date", lambda s, v: s.where(CategoryRelation.end_date == v)),
                "categorie__naam": (
                    "str",
                    lambda s, v: s.where(
                        CategoryRelation.category_id.in_(
                            select(Category.id).where(Category.name == v)
                        )
                    ),
                ),
                "categorie__uuid": (
                    "uuid",
                    lambda s, v: s.where(CategoryRelation.category_id == _category_key(v)),
                ),
                "categorie__url": (
                    "url",
                    lambda s, v: s.where(CategoryRelation.category_id == _category_key(v)),
                ),
                "partij__nummer": (
                    "str",
                    lambda s, v: s.where(
                        CategoryRelation.party_id.in_(select(Party.id).where(Party.number == v))
                    ),
                ),
                "partij__uuid": (
                    "uuid",
                    lambda s, v: s.where(CategoryRelation.party_id == _party_key(v)),
                ),
                "partij__url": (
                    "url",
                    lambda s, v: s.where(CategoryRelation.party_id == _party_key(v)),
                ),
            }
        ),
        parties=lambda rows: _uuids_of({r.party_id for r in rows}),
        prefetch=_prefetch_parties("party_id"),
        write_activity=Activity.PARTY_REGISTRATION,
    )
)


def represent_account(account: BankAccount, _expand: set[str]) -> dict[str, Any]:
    return {
        "uuid": str(account.uuid),
        "url": url("rekeningnummers", account.uuid),
        "partij": ref("partijen", _party_uuid(account.party_id)),
        "iban": account.iban,
        **({"bic": account.bic} if account.bic else {}),
    }


def save_account(data: dict[str, Any], account: BankAccount | None = None) -> BankAccount:
    """Register (or replace) a rekeningnummer through the core, which checks IBAN and BIC."""
    party = resolve(Party, data.get("partij"), "partij")
    wanted = bank_accounts.BankAccountInput(
        iban=data["iban"], bic=data.get("bic") or "", party_id=party.uuid if party else None
    )
    if account is None:
        return bank_accounts.add_bank_account(wanted)
    return bank_accounts.change_bank_account(account.uuid, wanted)


def _account_party(rows: list[BankAccount]) -> list[Any]:
    return _uuids_of({row.party_id for row in rows if row.party_id})


register(
    Resource(
        path="rekeningnummers",
        model=BankAccount,
        schema="Rekeningnummer",
        represent=represent_account,
        create=save_account,
        update=lambda row, data: save_account(data, row),
        delete=lambda row: bank_accounts.remove_bank_account(row.uuid),
        listing=Listing(
            filters={
                "bic": ("str", lambda stmt, v: stmt.where(BankAccount.bic == v)),
                "iban": (
                    "str",
                    lambda stmt, v: stmt.where(BankAccount.iban == v.replace(" ", "").upper()),
                ),
                "uuid": ("uuid", lambda stmt, v: stmt.where(BankAccount.uuid == v)),
            }
        ),
        parties=_account_party,
        prefetch=_prefetch_parties("party_id"),
        write_activity=Activity.PARTY_REGISTRATION,
    )
)
