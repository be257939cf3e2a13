"""Betrokkenen (the core's involvements), onderwerpobjecten (subject objects) and bijlagen."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from sqlalchemy import Select, select

from kcc.contacts import involvements
from kcc.contacts.models import ContactMoment, Involvement, SubjectObject
from kcc.db import db
from kcc.errors import KccError
from kcc.parties.models import Party
from klantinteracties.batch import known, prime, related
from klantinteracties.filters import betrokkene_filters
from klantinteracties.http import (
    Listing,
    json_response,
    parse_param,
    ref,
    renamed,
    resolve,
    url,
)
from klantinteracties.mapping import ROLES, ROLES_BACK
from klantinteracties.models import ContactAttachment
from klantinteracties.partijen import address_group, filled, full_name
from klantinteracties.resources import Resource, prefetch, register, represent, sub

ADDRESS_KEYS = ("bezoekadres", "correspondentieadres")
CONTACT_NAME = ("voorletters", "voornaam", "voorvoegselAchternaam", "achternaam")


def represent_involvement(involvement: Involvement, expand: set[str]) -> dict[str, Any]:
    details = involvement.details or {}
    addresses = related("involvement.addresses", involvement.id)
    party = involvement.party
    contact = details.get("contactnaam")
    name = involvement.contact_name if contact else None
    data: dict[str, Any] = {
        "uuid": str(involvement.uuid),
        "url": url("betrokkenen", involvement.uuid),
        "wasPartij": ref("partijen", party.uuid) if party else None,
        "hadKlantcontact": ref("klantcontacten", involvement.contact_moment.uuid),
        "digitaleAdressen": [ref("digitaleadressen", a.uuid) for a in addresses],
        "bezoekadres": address_group(details.get("bezoekadres")),
        "correspondentieadres": address_group(details.get("correspondentieadres")),
        "contactnaam": {key: (contact or {}).get(key) or "" for key in CONTACT_NAME},
        "volledigeNaam": name or (full_name(party) if party else ""),
        "rol": ROLES_BACK.get(involvement.role, "klant"),
        "organisatienaam": details.get("organisatienaam") or "",
        "initiator": involvement.initiator,
    }
    if expand:
        found: dict[str, Any] = {}
        if "digitaleAdressen" in expand:
            found["digitaleAdressen"] = [represent("digitaleadressen", a) for a in addresses]
        if "hadKlantcontact" in expand:
            found["hadKlantcontact"] = represent(
                "klantcontacten", involvement.contact_moment, sub(expand, "hadKlantcontact")
            )
        if "wasPartij" in expand:
            found["wasPartij"] = represent("partijen", party) if party else None
        data["_expand"] = found
    return data


def prefetch_involvements(involvements: list[Involvement], expand: set[str]) -> None:
    known("involvement", involvements)
    keys = [i.id for i in involvements]
    prime("involvement.addresses", keys)
    prime("moment", [i.contact_moment_id for i in involvements])
    if "digitaleAdressen" in expand:
        prefetch(
            "digitaleadressen",
            [a for key in keys for a in related("involvement.addresses", key)],
        )
    if "hadKlantcontact" in expand:
        prefetch(
            "klantcontacten",
            [i.contact_moment for i in involvements],
            sub(expand, "hadKlantcontact"),
        )
    if "wasPartij" in expand:
        prefetch("partijen", [i.party for i in involvements], sub(expand, "wasPartij"))


def given_details(data: dict[str, Any]) -> dict[str, Any]:
    """The name, addresses and organisation the betrokkene gave during the contact."""
    details = {
        key: {k: v for k, v in data[key].items() if v not in ("", None)}
        for key in (*ADDRESS_KEYS, "contactnaam")
        if filled(data.get(key))
    }
    if data.get("organisatienaam"):
        details["organisatienaam"] = data["organisatienaam"]
    return details


def involvement_change(
    data: dict[str, Any], moment: ContactMoment, party: Party | None
) -> involvements.InvolvementChange:
    return involvements.InvolvementChange(
        contact_moment_id=moment.uuid,
        role=ROLES[data["rol"]],
        party_id=party.uuid if party is not None else None,
        initiator=bool(data.get("initiator")),
        details=given_details(data),
    )


def save_involvement(data: dict[str, Any], involvement: Involvement | None = None) -> Involvement:
    """Store a betrokkene through the core: a partij's part in a klantcontact, or (without
    ``wasPartij``) that of someone known only by the name and addresses given; a later
    ``wasPartij`` links them."""
    party: Party | None = resolve(Party, data.get("wasPartij"), "wasPartij")
    moment: ContactMoment = resolve(
        ContactMoment, data.get("hadKlantcontact"), "hadKlantcontact", required=True
    )
    wanted = involvement_change(data, moment, party)
    try:
        if involvement is None:
            return involvements.add_involvement(wanted)
        return involvements.change_involvement(involvement.uuid, wanted)
    except KccError as error:
        raise renamed(error, {"party_id": "wasPartij"}) from None


def involvement_parties(rows: list[Involvement]) -> list[Any]:
    return [row.party.uuid for row in rows if row.party is not None]


register(
    Resource(
        path="betrokkenen",
        model=Involvement,
        schema="Betrokkene",
        represent=represent_involvement,
        create=save_involvement,
        update=lambda row, data: save_involvement(data, row),
        delete=lambda row: involvements.remove_involvement(row.uuid),
        listing=Listing(filters=betrokkene_filters(), expand=("digitaleAdressen",)),
        item_expand=("digitaleAdressen",),
        parties=involvement_parties,
        prefetch=prefetch_involvements,
    )
)


def _identificator(row: Any) -> dict[str, str]:
    return {
        "objectId": row.object_id,
        "codeObjecttype": row.object_type,
        "codeRegister": row.register,
        "codeSoortObjectId": row.id_kind,
    }


def represent_object(item: SubjectObject, _expand: set[str]) -> dict[str, Any]:
    was = related("moment", item.was_contact_moment_id)
    moment = item.contact_moment
    return {
        "uuid": str(item.uuid),
        "url": url("onderwerpobjecten", item.uuid),
        "klantcontact": ref("klantcontacten", moment.uuid) if moment is not None else None,
        "wasKlantcontact": ref("klantcontacten", was.uuid) if was else None,
        "onderwerpobjectidentificator": _identificator(item),
    }


def object_input(
    data: dict[str, Any], moment: ContactMoment | None, was: ContactMoment | None = None
) -> involvements.SubjectObjectInput:
    ident = data.get("onderwerpobjectidentificator") or {}
    return involvements.SubjectObjectInput(
        contact_moment_id=moment.uuid if moment is not None else None,
        type=ident.get("codeObjecttype") or "",
        id=ident.get("objectId") or "",
        register=ident.get("codeRegister") or "",
        id_kind=ident.get("codeSoortObjectId") or "",
        was_contact_moment_id=was.uuid if was is not None else None,
    )


def save_object(data: dict[str, Any], item: SubjectObject | None = None) -> SubjectObject:
    # As in Open Klant, an onderwerpobject may be registered before its klantcontact.
    moment = resolve(ContactMoment, data.get("klantcontact"), "klantcontact")
    was = resolve(ContactMoment, data.get("wasKlantcontact"), "wasKlantcontact")
    wanted = object_input(data, moment, was)
    if item is None:
        return involvements.add_subject_object(wanted)
    return involvements.change_subject_object(item.uuid, wanted)


def delete_object(item: SubjectObject) -> Response | None:
    """Remove the onderwerpobject; klantcontacten are contact history and are always kept."""
    cascade = parse_param("cascade", "bool", request.args.get("cascade") or "false")
    moment = item.contact_moment
    kept = [url("klantcontacten", moment.uuid)] if moment is not None else []
    involvements.remove_subject_object(item.uuid)
    return json_response({"behouden": kept}) if cascade else None


def _object_filter(column: Any) -> Any:
    return lambda stmt, value: stmt.where(column == value)


def _moment_filter(link: Any) -> Any:
    return lambda stmt, value: stmt.where(
        link == select(ContactMoment.id).where(ContactMoment.uuid == value).scalar_subquery()
    )


OBJECT_FILTERS: dict[str, tuple[str, Any]] = {
    "klantcontact__uuid": ("uuid", _moment_filter(SubjectObject.contact_moment_id)),
    "klantcontact__url": ("url", _moment_filter(SubjectObject.contact_moment_id)),
    "wasKlantcontact__uuid": ("uuid", _moment_filter(SubjectObject.was_contact_moment_id)),
    "wasKlantcontact__url": ("url", _moment_filter(SubjectObject.was_contact_moment_id)),
    "onderwerpobjectidentificatorObjectId": ("str", _object_filter(SubjectObject.object_id)),
    "onderwerpobjectidentificatorCodeObjecttype": (
        "str",
        _object_filter(SubjectObject.object_type),
    ),
    "onderwerpobjectidentificatorCodeRegister": ("str", _object_filter(SubjectObject.register)),
    "onderwerpobjectidentificatorCodeSoortObjectId": ("str", _object_filter(SubjectObject.id_kind)),
}


def _prefetch_moments(rows: list[Any], _expand: set[str]) -> None:
    """The klantcontacten the rows refer to (``contact_moment`` then comes from the session)."""
    keys = [row.contact_moment_id for row in rows]
    prime("moment", keys + [getattr(row, "was_contact_moment_id", None) for row in rows])


def _object_parties(rows: list[Any]) -> list[Any]:
    keys = [row.contact_moment_id for row in rows if row.contact_moment_id]
    if not keys:
        return []
    stmt: Select[Any] = (
        select(Party.uuid)
        .join(Involvement, Involvement.party_id == Party.id)
        .where(Involvement.contact_moment_id.in_(keys))
    )
    return list(db.session().scalars(stmt))


register(
    Resource(
        path="onderwerpobjecten",
        model=SubjectObject,
        schema="Onderwerpobject",
        represent=represent_object,
        create=save_object,
        update=lambda row, data: save_object(data, row),
        delete=delete_object,
        listing=Listing(filters=OBJECT_FILTERS),
        parties=_object_parties,
        prefetch=_prefetch_moments,
    )
)


def represent_attachment(item: ContactAttachment, _expand: set[str]) -> dict[str, Any]:
    moment = related("moment", item.contact_moment_id)
    return {
        "uuid": str(item.uuid),
        "url": url("bijlagen", item.uuid),
        "wasBijlageVanKlantcontact": ref("klantcontacten", moment.uuid) if moment else None,
        "bijlageidentificator": _identificator(item),
    }


def save_attachment(
    data: dict[str, Any], item: ContactAttachment | None = None
) -> ContactAttachment:
    moment = resolve(
        ContactMoment, data.get("wasBijlageVanKlantcontact"), "wasBijlageVanKlantcontact"
    )
    ident = data.get("bijlageidentificator") or {}
    item = item or ContactAttachment()
    item.contact_moment_id = moment.id if moment else None
    item.object_id = ident.get("objectId") or ""
    item.object_type = ident.get("codeObjecttype") or ""
    item.register = ident.get("codeRegister") or ""
    item.id_kind = ident.get("codeSoortObjectId") or ""
    db.session().add(item)
    db.session().flush()
    return item


register(
    Resource(
        path="bijlagen",
        model=ContactAttachment,
        schema="Bijlage",
        represent=represent_attachment,
        create=save_attachment,
        update=lambda row, data: save_attachment(data, row),
        delete=lambda row: db.session().delete(row),
        listing=Listing(
            filters={
                "klantcontact__uuid": ("uuid", _moment_filter(ContactAttachment.contact_moment_id)),
                "bijlageidentificatorObjectId": (
                    "str",
                    _object_filter(ContactAttachment.object_id),
                ),
                "bijlageidentificatorCodeObjecttype": (
                    "str",
                    _object_filter(ContactAttachment.object_type),
                ),
                "bijlageidentificatorCodeRegister": (
                    "str",
                    _object_filter(ContactAttachment.register),
                ),
                "bijlageidentificatorCodeSoortObjectId": (
                    "str",
                    _object_filter(ContactAttachment.id_kind),
                ),
            }
        ),
        parties=_object_parties,
        prefetch=_prefetch_moments,
    )
)
