"""Klantcontacten over the core's contact moments, and POST /maak-klantcontact."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, cast

from flask import Response
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import lazyload, load_only
from sqlalchemy.orm.attributes import set_committed_value

from kcc.auth.access import current_user
from kcc.auth.models import Caller
from kcc.contacts import involvements
from kcc.contacts import services as contacts
from kcc.contacts.models import ContactMoment, Involvement, SubjectObject
from kcc.db import db
from kcc.errors import ValidationFailed
from kcc.http.schemas import in_utc
from kcc.parties.models import Party
from kcc.parties.records import live_parties
from kcc.privacy.activities import Activity
from klantinteracties import betrokkenen, numbers
from klantinteracties.batch import is_known, known, none_yet, prime, related, remember
from klantinteracties.filters import klantcontact_filters
from klantinteracties.http import (
    LOCAL,
    Invalid,
    Listing,
    base_url,
    blp,
    body,
    guarded,
    json_response,
    renamed,
    resolve,
    resolve_with,
)
from klantinteracties.loaders import fill
from klantinteracties.mapping import (
    CHANNELS_BACK,
    ROLES,
    channel_in,
    language_in,
    language_out,
)
from klantinteracties.models import Actor
from klantinteracties.resources import Resource, prefetch, register, represent, sub

EXPAND = (
    "gingOverOnderwerpobjecten",
    "hadBetrokkenen",
    "hadBetrokkenen.digitaleAdressen",
    "hadBetrokkenen.wasPartij",
    "leiddeTotInterneTaken",
    "omvatteBijlagen",
)
CORE_NAMES = {
    "occurred_at": "plaatsgevondenOp",
    "parties": "betrokkene.wasPartij",
    "agent": "hadBetrokkenActoren",
}


def _query() -> Select[Any]:
    # What a page shows of its involvements, objects and agent comes from ``prefetch_contacts``
    # (the agent's user row, which the ORM would join, is never shown).
    return select(ContactMoment).options(lazyload(ContactMoment.agent))


def prefetch_contacts(moments: list[ContactMoment], expand: set[str]) -> None:
    """What a page of klantcontacten shows, in a fixed number of queries."""
    known("moment", moments)
    keys = [m.id for m in moments]
    # The references by uuid come in one statement; rows are loaded only to be expanded.
    for name in ("moment.refs", "moment.actors"):
        prime(name, keys)
    prime("user.actor", [m.agent_id for m in moments])
    if "hadBetrokkenen" in expand:
        fill(moments, "involvements", Involvement.contact_moment_id, Involvement.id)
        involvements = [i for m in moments for i in m.involvements]
        prefetch("betrokkenen", involvements, sub(expand, "hadBetrokkenen"))
    if "leiddeTotInterneTaken" in expand:
        prime("moment.tasks", keys)
        prefetch("internetaken", [t for k in keys for t in related("moment.tasks", k)])
    if "gingOverOnderwerpobjecten" in expand:
        fill(moments, "objects", SubjectObject.contact_moment_id, SubjectObject.id)
        prefetch("onderwerpobjecten", [o for m in moments for o in m.objects])
    if "omvatteBijlagen" in expand:
        prime("moment.attachments", keys)
        prefetch("bijlagen", [a for k in keys for a in related("moment.attachments", k)])


def _known_refs(moment: ContactMoment) -> None:
    """The references of a klantcontact created in this request, from the rows in hand."""
    remember(
        "moment.refs",
        moment.id,
        (
            [(i.uuid, i.party_uuid) for i in moment.involvements],
            [(o.uuid, None) for o in moment.objects],
            [],
            [],
        ),
    )


def actors_of(moment: ContactMoment) -> list[Any]:
    actors = list(related("moment.actors", moment.id))
    agent = related("user.actor", moment.agent_id)
    if agent is not None and all(a.id != agent.id for a in actors):
        actors.append(agent)
    return actors


def kanaal(moment: ContactMoment) -> str:
    given = (moment.details or {}).get("kanaal")
    return (
        given
        if isinstance(given, str) and given
        else CHANNELS_BACK.get(moment.channel, moment.channel)
    )


def _refs(base: str, path: str, items: list[tuple[Any, Any]]) -> list[dict[str, str]]:
    """``{uuid, url}`` of each item, as ``http.ref`` gives them."""
    prefix = f"{base}/{path}/"
    return [{"uuid": text, "url": prefix + text} for text in (str(key) for key, _ in items)]


def represent_contact(moment: ContactMoment, expand: set[str]) -> dict[str, Any]:
    involved, objects, tasks, attachments = related("moment.refs", moment.id)
    metadata = (moment.details or {}).get("metadata")
    base = base_url()
    own = str(moment.uuid)
    data: dict[str, Any] = {
        "uuid": own,
        "url": f"{base}/klantcontacten/{own}",
        "gingOverOnderwerpobjecten": _refs(base, "onderwerpobjecten", objects),
        "hadBetrokkenActoren": [represent("actoren", a) for a in actors_of(moment)],
        "omvatteBijlagen": _refs(base, "bijlagen", attachments),
        "hadBetrokkenen": _refs(base, "betrokkenen", involved),
        "leiddeTotInterneTaken": _refs(base, "internetaken", tasks),
        "nummer": moment.number,
        "referentienummer": moment.reference,
        "kanaal": kanaal(moment),
        "onderwerp": moment.subject,
        "inhoud": moment.text,
        "reactie": moment.response or "",
        "indicatieContactGelukt": moment.contact_succeeded,
        "verdereActieOndernomen": moment.further_action,
        "taal": language_out(moment.language),
        "vertrouwelijk": moment.confidential,
        "plaatsgevondenOp": moment.occurred_at.isoformat().replace("+00:00", "Z"),
        "metadata": metadata if isinstance(metadata, dict) else {},
    }
    if moment.main_subject_type:
        data["hoofdOnderwerpType"] = moment.main_subject_type
    if expand:
        found: dict[str, Any] = {}
        if "hadBetrokkenen" in expand:
            nested = sub(expand, "hadBetrokkenen")
            found["hadBetrokkenen"] = [
                represent("betrokkenen", i, nested) for i in moment.involvements
            ]
        if "leiddeTotInterneTaken" in expand:
            found["leiddeTotInterneTaken"] = [
                represent("internetaken", t) for t in related("moment.tasks", moment.id)
            ]
        if "gingOverOnderwerpobjecten" in expand:
            found["gingOverOnderwerpobjecten"] = [
                represent("onderwerpobjecten", o) for o in moment.objects
            ]
        if "omvatteBijlagen" in expand:
            found["omvatteBijlagen"] = [
                represent("bijlagen", a) for a in related("moment.attachments", moment.id)
            ]
        data["_expand"] = found
    return data


def _channel(data: dict[str, Any]) -> str:
    """Free text in the standard (up to 50 characters), kept as given; our channel is the one
    the name maps onto (see ``klantinteracties.config``)."""
    return channel_in(data["kanaal"])


def _occurred(data: dict[str, Any]) -> datetime | None:
    """A time without a zone is Dutch local time, as Open Klant reads it."""
    raw = data.get("plaatsgevondenOp")
    if not raw:
        return None
    parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL)
    try:
        return in_utc(parsed)
    except ValueError as exc:
        raise Invalid.param("plaatsgevondenOp", str(exc)) from None


def _details(data: dict[str, Any], existing: dict[str, Any] | None = None) -> dict[str, Any]:
    details = dict(existing or {})
    details["kanaal"] = data["kanaal"]
    details["metadata"] = data.get("metadata") or {}
    return details


def _extras(data: dict[str, Any]) -> dict[str, Any]:
    """The standard's klantcontact fields the core keeps for it, by the core's names."""
    return {
        "number": data.get("nummer") or None,
        "reference": data.get("referentienummer") or None,
        "response": data.get("reactie") or "",
        "contact_succeeded": data.get("indicatieContactGelukt"),
        "main_subject_type": data.get("hoofdOnderwerpType") or "",
        "further_action": bool(data.get("verdereActieOndernomen", False)),
    }


@cache
def _partij_lookup() -> Select[Any]:
    """A live partij with what its betrokkene's representation shows (the rest loads if read)."""
    shown = (Party.type, Party.given_names, Party.initials, Party.surname_prefix, Party.surname)
    return (
        live_parties()
        .options(load_only(Party.uuid, Party.name, *shown))
        .where(Party.uuid == bindparam("wanted"))
    )


@cache
def _partij_and_actor_lookup() -> Select[Any]:
    """:func:`_partij_lookup` with the actor of the user bound as ``me`` beside it (or null):
    the answer shows the recording employee's actor, read in the same statement."""
    return (
        _partij_lookup()
        .add_columns(Actor)
        .join_from(Party, Actor, Actor.user_id == bindparam("me"), isouter=True)
    )


def _partij(betrokkene: dict[str, Any], user: Caller) -> Party | None:
    """The betrokkene's partij, if it names one. An employee's contact shows their actor, so
    unless this request knows it already, it is read with the partij and kept for the answer."""
    given, name = betrokkene.get("wasPartij"), "betrokkene.wasPartij"
    if user.role == "system" or is_known("user.actor", user.id):
        return cast("Party | None", resolve(Party, given, name, lookup=_partij_lookup()))
    found = resolve_with(_partij_and_actor_lookup(), {"me": user.id}, given, name)
    if found is None:
        return None
    party, actor = found
    remember("user.actor", user.id, actor)
    return cast(Party, party)


def record(
    data: dict[str, Any],
    betrokkene: dict[str, Any] | None = None,
    onderwerp: dict[str, Any] | None = None,
) -> ContactMoment:
    """Record a klantcontact through the core, with its first betrokkene and onderwerpobject."""
    user = current_user()
    parties = []
    party: Party | None = None
    if betrokkene is not None:
        party = _partij(betrokkene, user)
    if betrokkene is not None and party is not None:
        parties.append(
            contacts.InvolvementInput(
                party_id=party.uuid,
                role=ROLES[betrokkene["rol"]],
                initiator=bool(betrokkene.get("initiator")),
                details=betrokkenen.given_details(betrokkene),
                party_key=party.id,
            )
        )
    objects = []
    if onderwerp is not None:
        ident = onderwerp.get("onderwerpobjectidentificator") or {}
        objects.append(
            contacts.ObjectInput(
                type=ident.get("codeObjecttype") or "",
                id=ident.get("objectId") or "",
                register=ident.get("codeRegister") or "",
                id_kind=ident.get("codeSoortObjectId") or "",
            )
        )
    number = numbers.number_for("klantcontact", ContactMoment.number, data.get("nummer"))
    extras = _extras(data)
    try:
        recorded = contacts.record_contact(
            contacts.ContactInput(
                channel=_channel(data),
                subject=data["onderwerp"],
                text=data.get("inhoud") or "",
                language=language_in(data["taal"]),
                confidential=bool(data["vertrouwelijk"]),
                occurred_at=_occurred(data),
                parties=parties,
                objects=objects,
                agent_id=user.uuid if user.role != "system" else None,
                details=_details(data),
                number=number,
                reference=extras["reference"],
                response=extras["response"],
                contact_succeeded=extras["contact_succeeded"],
                main_subject_type=extras["main_subject_type"],
                further_action=extras["further_action"],
            ),
            recorded_by=user.id,
        )
    except ValidationFailed as error:
        raise renamed(error, CORE_NAMES) from None
    # The klantcontact, its partij's part and its onderwerpobject went in with one insert each.
    moment = recorded.contact_moment
    if party is not None:
        # The partij is in hand: its betrokkene's representation need not read it again.
        set_committed_value(moment.involvements[0], "party", party)
    if betrokkene is not None and party is None:
        # Without a partij (an anonymous contact request) the core records the contact without
        # parties; the betrokkene is added with the name and addresses given.
        involvements.add_involvement(betrokkenen.involvement_change(betrokkene, moment, None))
    return moment


def update_contact(moment: ContactMoment, data: dict[str, Any]) -> ContactMoment:
    changes = {
        "channel": _channel(data),
        "subject": data["onderwerp"],
        "text": data.get("inhoud") or "",
        "language": language_in(data["taal"]),
        "confidential": bool(data["vertrouwelijk"]),
        "details": _details(data, moment.details),
        **_extras(data),
        "number": numbers.number_for(
            "klantcontact", ContactMoment.number, data.get("nummer"), moment
        ),
    }
    occurred = _occurred(data)
    if occurred is not None:
        changes["occurred_at"] = occurred
    return involvements.change_contact_moment(moment.uuid, changes)


def delete_contact(moment: ContactMoment) -> None:
    involvements.delete_contact_moment(moment.uuid)


def parties_of(rows: list[ContactMoment]) -> list[Any]:
    return [
        party for row in rows for _, party in related("moment.refs", row.id)[0] if party is not None
    ]


RESOURCE = Resource(
    path="klantcontacten",
    model=ContactMoment,
    schema="Klantcontact",
    represent=represent_contact,
    create=lambda data: record(data),
    update=update_contact,
    delete=delete_contact,
    query=_query,
    listing=Listing(filters=klantcontact_filters(), expand=EXPAND),
    item_expand=EXPAND,
    order=(ContactMoment.occurred_at.desc(), ContactMoment.id.desc()),
    prefetch=prefetch_contacts,
    parties=parties_of,
)
register(RESOURCE)


@blp.route("/maak-klantcontact", methods=["POST"])
@guarded(Activity.CUSTOMER_CONTACT)
def maak_klantcontact() -> Response:
    """Record a klantcontact with its betrokkene and onderwerpobject in one call."""
    data = body("MaakKlantcontact")
    betrokkene = data.get("betrokkene")
    if not data["klantcontact"].get("nummer") and (
        betrokkene is None or betrokkene.get("wasPartij") is not None
    ):
        # Its writes are the generated nummer and the klantcontact with its betrokkene and
        # onderwerpobject, written at once: each a statement complete by itself. (A nummer
        # given is claimed, and a betrokkene without partij added, in a transaction.)
        db.statements_alone()
    moment = record(data["klantcontact"], betrokkene, data.get("onderwerpobject"))
    none_yet("moment.actors", [moment.id])
    _known_refs(moment)
    none_yet("involvement.addresses", [i.id for i in moment.involvements])
    answer: dict[str, Any] = {"klantcontact": represent_contact(moment, set())}
    if data.get("betrokkene") is not None:
        answer["betrokkene"] = represent("betrokkenen", moment.involvements[0])
    if data.get("onderwerpobject") is not None:
        answer["onderwerpobject"] = represent("onderwerpobjecten", moment.objects[0])
    return json_response(answer, 201)
