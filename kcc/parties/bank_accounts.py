"""Add, change and remove a party's bank accounts (Rekeningnummer), IBAN and BIC checked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from kcc.db import db
from kcc.errors import NotFound, ValidationFailed
from kcc.events.outbox import record
from kcc.parties.events import BankAccountChanged
from kcc.parties.models import BankAccount, Party
from kcc.parties.records import live_party, party_changed

FIELDS = ["bank_accounts"]


@dataclass
class BankAccountInput:
    iban: str
    bic: str = ""
    party_id: uuid.UUID | None = None


def validate_iban(value: str, field: str = "iban") -> str:
    """The IBAN compact and upper case; its country format and check digits must hold."""
    try:
        return str(stdnum_iban.validate(value))
    except StdnumError:
        raise ValidationFailed.field(
            field, _l("not a valid IBAN: its format or check digits are wrong")
        ) from None


def validate_bic(value: str, field: str = "bic") -> str:
    try:
        return str(stdnum_bic.validate(value))
    except StdnumError:
        raise ValidationFailed.field(field, _l("not a valid BIC")) from None


def _checked(data: BankAccountInput) -> tuple[str, str, Party | None]:
    iban = validate_iban(data.iban)
    bic = validate_bic(data.bic) if data.bic else ""
    party = live_party(data.party_id) if data.party_id is not None else None
    return iban, bic, party


def add_bank_account(data: BankAccountInput) -> BankAccount:
    """Register a bank account, of a party or (the standard allows it) of none yet."""
    iban, bic, party = _checked(data)
    account = BankAccount(iban=iban, bic=bic, party=party)
    db.session().add(account)
    db.session().flush()
    _changed({party}, account, "added")
    return account


def _account(account_uuid: uuid.UUID) -> BankAccount:
    account = db.session().scalar(select(BankAccount).where(BankAccount.uuid == account_uuid))
    if account is None:
        raise NotFound(_l("no bank account with id %(account_uuid)s", account_uuid=account_uuid))
    return account


def change_bank_account(account_uuid: uuid.UUID, data: BankAccountInput) -> BankAccount:
    """Replace an account's IBAN, BIC and holder."""
    account = _account(account_uuid)
    iban, bic, party = _checked(data)
    before = account.party
    if party is not before:
        account.is_preferred = False
    account.iban, account.bic, account.party = iban, bic, party
    db.session().flush()
    _changed({before, party}, account, "changed")
    return account


def remove_bank_account(account_uuid: uuid.UUID) -> None:
    account = _account(account_uuid)
    holder = account.party
    db.session().delete(account)
    db.session().flush()
    _changed({holder}, account, "removed")


def link_bank_accounts(party_uuid: uuid.UUID, account_uuids: list[uuid.UUID]) -> None:
    """Make the listed accounts the party's."""
    party = live_party(party_uuid)
    moved = [_account(u) for u in account_uuids]
    others = {a.party for a in moved if a.party is not None and a.party is not party}
    for account in moved:
        if account.party is not party:
            account.is_preferred = False
        account.party = party
    if moved:
        _changed({party, *others}, moved[0], "changed")


def prefer_bank_account(party_uuid: uuid.UUID, account_uuid: uuid.UUID | None) -> None:
    """Mark one of the party's accounts as its preferred one (or none)."""
    party = live_party(party_uuid)
    if account_uuid is not None and all(a.uuid != account_uuid for a in party.bank_accounts):
        raise ValidationFailed.field(
            "bank_account_id", _l("must be one of the party's own accounts")
        )
    current = next((a.uuid for a in party.bank_accounts if a.is_preferred), None)
    if current == account_uuid:
        return
    for account in party.bank_accounts:
        account.is_preferred = account.uuid == account_uuid
    party_changed(party, ["preferred_bank_account"])


def _changed(parties: set[Party | None], account: BankAccount, change: str) -> None:
    holders = sorted((p for p in parties if p is not None), key=lambda p: p.id)
    for holder in holders:
        party_changed(holder, FIELDS)
    if not holders:
        record(BankAccountChanged(bank_account_id=str(account.uuid), change=change))
