"""Actoren (employees, automated actors, organisational units) and actorklantcontacten."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kcc.auth.models import User
from kcc.contacts import involvements
from kcc.contacts.models import ContactMoment
from kcc.db import db
from klantinteracties.batch import prime, related
from klantinteracties.filters import contains
from klantinteracties.http import Invalid, Listing, ref, resolve, url
from klantinteracties.models import Actor, ActorContactMoment
from klantinteracties.resources import Resource, register

IDENTIFICATION = {
    "medewerker": ("functie", "emailadres", "telefoonnummer"),
    "geautomatiseerde_actor": ("functie", "omschrijving"),
    "organisatorische_eenheid": ("omschrijving", "emailadres", "faxnummer", "telefoonnummer"),
}
IDENTIFIER = (
    ("objectId", "id_object_id"),
    ("codeObjecttype", "id_object_type"),
    ("codeRegister", "id_register"),
    ("codeSoortObjectId", "id_kind"),
)


def represent_actor(actor: Actor, _expand: set[str] | None = None) -> dict[str, Any]:
    identifier = {key: getattr(actor, attr) or "" for key, attr in IDENTIFIER}
    details = actor.details or {}
    return {
        "uuid": str(actor.uuid),
        "url": url("actoren", actor.uuid),
        "naam": actor.name,
        "soortActor": actor.kind,
        "indicatieActief": actor.is_active,
        "actoridentificator": identifier,
        "actorIdentificatie": {
            key: details[key] for key in IDENTIFICATION.get(actor.kind, ()) if details.get(key)
        },
    }


def save_actor(data: dict[str, Any], actor: Actor | None = None) -> Actor:
    """Store an actor; an employee whose objectId is a user's login name is linked to that user."""
    # As Open Klant: fields of the identification a change leaves out keep their value.
    kept = (
        dict(actor.details or {}) if actor is not None and actor.kind == data["soortActor"] else {}
    )
    actor = actor or Actor()
    actor.kind, actor.name = data["soortActor"], data["naam"]
    actor.is_active = bool(data.get("indicatieActief", True))
    identifier = data.get("actoridentificator") or {}
    for key, attr in IDENTIFIER:
        setattr(actor, attr, identifier.get(key) or "")
    given = {**kept, **(data.get("actorIdentificatie") or {})}
    actor.details = {key: given[key] for key in IDENTIFICATION[actor.kind] if given.get(key)}
    user_id = None
    if actor.kind == "medewerker" and actor.id_object_id:
        user_id = db.session().scalar(select(User.id).where(User.name == actor.id_object_id))
        taken = (
            db.session().scalar(select(Actor.id).where(Actor.user_id == user_id))
            if user_id
            else None
        )
        if taken is not None and taken != actor.id:
            raise Invalid.param(
                "actoridentificator.objectId", "another actor is this employee already", "unique"
            )
    actor.user_id = user_id
    db.session().add(actor)
    db.session().flush()
    return actor


def _like(column: Any) -> Any:
    return lambda stmt, value: stmt.where(column == value)


register(
    Resource(
        path="actoren",
        model=Actor,
        schema="Actor",
        represent=represent_actor,
        create=save_actor,
        update=lambda row, data: save_actor(data, row),
        delete=lambda row: db.session().delete(row),
        listing=Listing(
            filters={
                "actoridentificatorObjectId": ("str", _like(Actor.id_object_id)),
                "actoridentificatorCodeObjecttype": ("str", _like(Actor.id_object_type)),
                "actoridentificatorCodeRegister": ("str", _like(Actor.id_register)),
                "actoridentificatorCodeSoortObjectId": ("str", _like(Actor.id_kind)),
                "indicatieActief": ("bool", lambda stmt, v: stmt.where(Actor.is_active.is_(v))),
                "naam": ("str", contains(Actor.name)),
                "soortActor": (
                    "enum:geautomatiseerde_actor,medewerker,organisatorische_eenheid",
                    _like(Actor.kind),
                ),
            }
        ),
    )
)


def represent_link(link: ActorContactMoment, _expand: set[str]) -> dict[str, Any]:
    moment = related("moment", link.contact_moment_id)
    return {
        "uuid": str(link.uuid),
        "url": url("actorklantcontacten", link.uuid),
        "actor": ref("actoren", link.actor.uuid),
        "klantcontact": ref("klantcontacten", moment.uuid if moment else None),
    }


def save_link(data: dict[str, Any], link: ActorContactMoment | None = None) -> ActorContactMoment:
    """Link an actor to a klantcontact; a user who is the actor becomes its agent if it has none."""
    actor: Actor = resolve(Actor, data.get("actor"), "actor", required=True)
    moment: ContactMoment = resolve(
        ContactMoment, data.get("klantcontact"), "klantcontact", required=True
    )
    clash = db.session().scalar(
        select(ActorContactMoment.id).where(
            ActorContactMoment.actor_id == actor.id,
            ActorContactMoment.contact_moment_id == moment.id,
        )
    )
    if clash is not None and (link is None or clash != link.id):
        raise Invalid.param("actor", "the actor is linked to this klantcontact already", "unique")
    link = link or ActorContactMoment()
    link.actor_id, link.contact_moment_id = actor.id, moment.id
    if actor.user_id is not None and moment.agent_id is None:
        involvements.change_contact_moment(moment.uuid, {"agent_id": actor.user_id})
    db.session().add(link)
    db.session().flush()
    db.session().refresh(link)
    return link


def _actor_key(value: Any) -> Any:
    return select(Actor.id).where(Actor.uuid == value).scalar_subquery()


def _moment_key(value: Any) -> Any:
    return select(ContactMoment.id).where(ContactMoment.uuid == value).scalar_subquery()


register(
    Resource(
        path="actorklantcontacten",
        model=ActorContactMoment,
        schema="ActorKlantcontact",
        represent=represent_link,
        prefetch=lambda rows, _expand: prime("moment", [r.contact_moment_id for r in rows]),
        create=save_link,
        update=lambda row, data: save_link(data, row),
        delete=lambda row: db.session().delete(row),
        listing=Listing(
            filters={
                "actor__uuid": (
                    "uuid",
                    lambda stmt, v: stmt.where(ActorContactMoment.actor_id == _actor_key(v)),
                ),
                "actor__url": (
                    "url",
                    lambda stmt, v: stmt.where(ActorContactMoment.actor_id == _actor_key(v)),
                ),
                "klantcontact__uuid": (
                    "uuid",
                    lambda stmt, v: stmt.where(
                        ActorContactMoment.contact_moment_id == _moment_key(v)
                    ),
                ),
                "klantcontact__url": (
                    "url",
                    lambda stmt, v: stmt.where(
                        ActorContactMoment.contact_moment_id == _moment_key(v)
                    ),
                ),
            }
        ),
    )
)
