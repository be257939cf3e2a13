"""The query filters of klantcontacten and betrokkenen, as the standard names them."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select

from kcc.constants import AddressKind
from kcc.contacts.models import ContactMoment, Involvement, SubjectObject
from kcc.errors import ValidationFailed
from kcc.parties import identifiers as ids
from kcc.parties.models import DigitalAddress, Party, PartyIdentifier
from kcc.tasks.models import Task
from klantinteracties import identificatoren
from klantinteracties.mapping import CHANNELS_BACK

Filters = dict[str, tuple[str, Any]]


def address_candidates(value: str) -> set[str]:
    """The stored forms an address a client searches for may have (phones in E.164, e-mail
    addresses in lower case), so ``06 12345678`` finds ``+31612345678``."""
    found = {value, value.strip().lower()}
    for kind in (AddressKind.PHONE, AddressKind.EMAIL):
        with suppress(ValidationFailed):
            found.add(ids.normalise_address(kind, value))
    return found


def contains(column: Any) -> Any:
    """A filter on text anywhere in ``column``, ignoring case (the standard's "met specifieke
    tekst in", ``icontains`` in the reference implementation)."""
    return lambda stmt, value: stmt.where(
        func.lower(column).contains(value.lower(), autoescape=True)
    )


def _where(condition: Any) -> Any:
    return lambda stmt, value: stmt.where(condition(value))


def identifier_condition(field: str | None, value: str) -> ColumnElement[bool]:
    if field is None:
        return identificatoren.value_matches(value)
    return PartyIdentifier.kind.in_(identificatoren.kinds_for(field, value))


def _party_key(value: Any) -> Any:
    return select(Party.id).where(Party.uuid == value).scalar_subquery()


def _involved(condition: Any) -> Any:
    return lambda stmt, value: stmt.where(
        exists().where(Involvement.contact_moment_id == ContactMoment.id, condition(value))
    )


def _involved_identifier(field: str | None) -> Any:
    return _involved(
        lambda v: (
            exists()
            .where(PartyIdentifier.party_id == Involvement.party_id, identifier_condition(field, v))
            .correlate(Involvement)
        )
    )


def _object(column: str, was: bool = False) -> Any:
    def apply(stmt: Select[Any], value: Any) -> Select[Any]:
        link = SubjectObject.was_contact_moment_id if was else SubjectObject.contact_moment_id
        return stmt.where(
            exists().where(link == ContactMoment.id, getattr(SubjectObject, column) == value)
        )

    return apply


def _kanaal(stmt: Select[Any], value: str) -> Select[Any]:
    """The kanaal as it was given; a contact recorded outside this API has the name we answer
    with for its channel (``telefoon``, ``balie``, ...)."""
    given = ContactMoment.details["kanaal"].as_string()
    ours = [channel for channel, name in CHANNELS_BACK.items() if name == value]
    if not ours:
        return stmt.where(given == value)
    return stmt.where(or_(given == value, and_(given.is_(None), ContactMoment.channel == ours[0])))


def _had_party(stmt: Select[Any], value: bool) -> Select[Any]:
    """true: a betrokkene was a partij; false: none was (anonymous contact requests, and
    klantcontacten without betrokkenen)."""
    known = exists().where(
        Involvement.contact_moment_id == ContactMoment.id, Involvement.party_id.is_not(None)
    )
    return stmt.where(known if value else ~known)


def _tasks(stmt: Select[Any], value: bool) -> Select[Any]:
    has = exists().where(Task.contact_moment_id == ContactMoment.id)
    return stmt.where(has if value else ~has)


def _address_contains(value: str) -> Any:
    return (
        exists()
        .where(
            DigitalAddress.involvement_id == Involvement.id,
            func.lower(DigitalAddress.address).contains(value.lower(), autoescape=True),
        )
        .correlate(Involvement)
    )


def klantcontact_filters() -> Filters:
    found: Filters = {
        "hadBetrokkene__wasPartij__uuid": (
            "uuid",
            _involved(lambda v: Involvement.party_id == _party_key(v)),
        ),
        "hadBetrokkene__wasPartij__url": (
            "url",
            _involved(lambda v: Involvement.party_id == _party_key(v)),
        ),
        "hadBetrokkene__wasPartij": ("bool", _had_party),
        "hadBetrokkene__uuid": ("uuid", _involved(lambda v: Involvement.uuid == v)),
        "hadBetrokkene__url": ("url", _involved(lambda v: Involvement.uuid == v)),
        "hadBetrokkene__digitaaladres__adres__icontains": ("str", _involved(_address_contains)),
        "indicatieContactGelukt": (
            "bool",
            _where(lambda v: ContactMoment.contact_succeeded.is_(v)),
        ),
        "inhoud": ("str", contains(ContactMoment.text)),
        "kanaal": ("str", _kanaal),
        "leiddeTotInterneTaken": ("bool", _tasks),
        "nummer": ("str", _where(lambda v: ContactMoment.number == v)),
        "onderwerp": ("str", contains(ContactMoment.subject)),
        "plaatsgevondenOp": ("datetime", _where(lambda v: ContactMoment.occurred_at == v)),
        "reactie": ("str", contains(ContactMoment.response)),
        "referentienummer": ("str", _where(lambda v: ContactMoment.reference == v)),
        "vertrouwelijk": ("bool", _where(lambda v: ContactMoment.confidential.is_(v))),
    }
    for field in (None, "codeObjecttype", "codeRegister", "codeSoortObjectId"):
        found[f"hadBetrokkene__wasPartij__partijIdentificator__{field or 'objectId'}"] = (
            "str",
            _involved_identifier(field),
        )
    for prefix, was in (("onderwerpobject", False), ("wasOnderwerpobject", True)):
        found[f"{prefix}__uuid"] = ("uuid", _object("uuid", was))
        found[f"{prefix}__url"] = ("url", _object("uuid", was))
        for suffix, column in (
            ("ObjectId", "object_id"),
            ("CodeObjecttype", "object_type"),
            ("CodeRegister", "register"),
            ("CodeSoortObjectId", "id_kind"),
        ):
            found[f"{prefix}__onderwerpobjectidentificator{suffix}"] = ("str", _object(column, was))
    return found


def _moment(condition: Any) -> Any:
    return lambda stmt, value: stmt.where(
        exists().where(ContactMoment.id == Involvement.contact_moment_id, condition(value))
    )


def _party(condition: Any) -> Any:
    return lambda stmt, value: stmt.where(
        exists().where(Party.id == Involvement.party_id, condition(value))
    )


def _name(key: str) -> Any:
    return _where(lambda v: Involvement.details["contactnaam"][key].as_string() == v)


def _given_address(condition: Any) -> Any:
    return lambda stmt, value: stmt.where(
        exists().where(DigitalAddress.involvement_id == Involvement.id, condition(value))
    )


def betrokkene_filters() -> Filters:
    found: Filters = {
        "contactnaamAchternaam": ("str", _name("achternaam")),
        "contactnaamVoorletters": ("str", _name("voorletters")),
        "contactnaamVoornaam": ("str", _name("voornaam")),
        "contactnaamVoorvoegselAchternaam": ("str", _name("voorvoegselAchternaam")),
        "organisatienaam": (
            "str",
            _where(lambda v: Involvement.details["organisatienaam"].as_string() == v),
        ),
        "hadKlantcontact__nummer": ("str", _moment(lambda v: ContactMoment.number == v)),
        "hadKlantcontact__referentienummer": (
            "str",
            _moment(lambda v: ContactMoment.reference == v),
        ),
        "hadKlantcontact__uuid": ("uuid-or-nothing", _moment(lambda v: ContactMoment.uuid == v)),
        "hadKlantcontact__url": ("url", _moment(lambda v: ContactMoment.uuid == v)),
        "verstrektedigitaalAdres__adres": (
            "str",
            _given_address(lambda v: DigitalAddress.address.in_(address_candidates(v))),
        ),
        "verstrektedigitaalAdres__uuid": (
            "uuid-or-nothing",
            _given_address(lambda v: DigitalAddress.uuid == v),
        ),
        "verstrektedigitaalAdres__url": ("url", _given_address(lambda v: DigitalAddress.uuid == v)),
        "wasPartij__nummer": ("str", _party(lambda v: Party.number == v)),
        "wasPartij__uuid": (
            "uuid-or-nothing",
            _where(lambda v: Involvement.party_id == _party_key(v)),
        ),
        "wasPartij__url": ("url", _where(lambda v: Involvement.party_id == _party_key(v))),
    }
    for field in (None, "codeObjecttype", "codeRegister", "codeSoortObjectId"):
        found[f"wasPartij__partijIdentificator__{field or 'objectId'}"] = (
            "str",
            (
                lambda f: (
                    lambda stmt, v: stmt.where(
                        exists().where(
                            PartyIdentifier.party_id == Involvement.party_id,
                            identifier_condition(f, v),
                        )
                    )
                )
            )(field),
        )
    return found
