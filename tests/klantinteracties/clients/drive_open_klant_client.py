"""Scenarios driven by ``open-klant-client`` (the library Open Inwoner and Open Formulieren build
on) against a running server; run in the client's own Python 3.12 environment:

    .venv/okc/bin/python tests/klantinteracties/clients/drive_open_klant_client.py SCENARIO URL TOKEN

Every answer is checked against the client's own typed response models (its TypedDicts, through
pydantic). The only mismatches allowed are the documented differences from Open Klant (README):
address fields whose empty value the standard's document forbids are left out while empty.
Prints one JSON object with what the scenario found; exits non-zero on the first failure.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from openklant_client.client import OpenKlantClient
from openklant_client.exceptions import BadRequest, NotFound
from openklant_client.types.methods.maak_klant_contact import MaakKlantContactResponse
from openklant_client.types.pagination import PaginatedResponseBody
from openklant_client.types.resources.actor import Actor
from openklant_client.types.resources.betrokkene import Betrokkene
from openklant_client.types.resources.digitaal_adres import DigitaalAdres
from openklant_client.types.resources.interne_taak import InterneTaak
from openklant_client.types.resources.klant_contact import KlantContact
from openklant_client.types.resources.onderwerp_object import OnderwerpObject
from openklant_client.types.resources.partij import Partij
from openklant_client.types.resources.partij_identificator import PartijIdentificator
from pydantic import TypeAdapter, ValidationError

# Fields the standard's document does not allow to be "" (pattern, minimum length): we leave
# them out while empty where Open Klant sends "" (see the README): three of an address group,
# and a digitaal adres's ``referentie``.
DOCUMENTED = {"nummeraanduidingId", "postcode", "land"}
ADDRESS_GROUPS = {"bezoekadres", "correspondentieadres"}


def typed(model: Any, value: Any) -> Any:
    """``value`` checked against the client's model; a documented difference is let through."""
    try:
        TypeAdapter(model).validate_python(value)
    except ValidationError as error:
        left = [
            e
            for e in error.errors()
            if not (
                e["type"] == "missing"
                and (
                    (e["loc"][-1] in DOCUMENTED and any(p in ADDRESS_GROUPS for p in e["loc"]))
                    or e["loc"][-1] == "referentie"
                )
            )
        ]
        if left:
            raise AssertionError(f"{getattr(model, '__name__', model)}: {left}") from None
    return value


def page(model: Any, value: Any) -> Any:
    return typed(PaginatedResponseBody[model], value)


def bsn_persoon(client: OpenKlantClient, bsn: str, voornaam: str, achternaam: str) -> Partij:
    """Open Inwoner's find-or-create of the resident by BSN (``find_persoon_for_bsn``)."""
    found = page(
        Partij,
        client.partij.list(
            params={
                "partijIdentificator__codeSoortObjectId": "bsn",
                "partijIdentificator__codeRegister": "brp",
                "partijIdentificator__codeObjecttype": "natuurlijk_persoon",
                "partijIdentificator__objectId": bsn,
                "soortPartij": "persoon",
            }
        ),
    )
    if found["count"]:
        return typed(
            Partij,
            client.partij.retrieve(
                found["results"][0]["uuid"],
                params={
                    "expand": ["digitaleAdressen", "betrokkenen", "betrokkenen.hadKlantcontact"]
                },
            ),
        )
    persoon = typed(
        Partij,
        client.partij.create_persoon(
            data={
                "digitaleAdressen": None,
                "voorkeursDigitaalAdres": None,
                "rekeningnummers": None,
                "voorkeursRekeningnummer": None,
                "indicatieGeheimhouding": False,
                "indicatieActief": True,
                "voorkeurstaal": "nld",
                "soortPartij": "persoon",
                "partijIdentificatie": {
                    "contactnaam": {
                        "voornaam": voornaam,
                        "achternaam": achternaam,
                        "voorletters": "",
                        "voorvoegselAchternaam": "",
                    }
                },
            }
        ),
    )
    typed(
        PartijIdentificator,
        client.partij_identificator.create(
            data={
                "identificeerdePartij": {"uuid": persoon["uuid"]},
                "partijIdentificator": {
                    "codeObjecttype": "natuurlijk_persoon",
                    "codeSoortObjectId": "bsn",
                    "objectId": bsn,
                    "codeRegister": "brp",
                },
            }
        ),
    )
    return persoon


def sync_addresses(client: OpenKlantClient, partij: Partij, email: str, phone: str) -> list[bool]:
    """Open Inwoner's profile sync (``update_partij_from_user``): an address is created only
    when none of the partij's addresses of that kind reads exactly as the profile has it."""
    expanded = typed(
        Partij, client.partij.retrieve(partij["uuid"], params={"expand": ["digitaleAdressen"]})
    )
    adressen = expanded["_expand"].get("digitaleAdressen", [])
    created = []
    for soort, adres in (("email", email), ("telefoonnummer", phone)):
        if any(a["soortDigitaalAdres"] == soort and a["adres"] == adres for a in adressen):
            created.append(False)
            continue
        typed(
            DigitaalAdres,
            client.digitaal_adres.create(
                data={
                    "adres": adres,
                    "soortDigitaalAdres": soort,
                    "verstrektDoorPartij": {"uuid": partij["uuid"]},
                    "verstrektDoorBetrokkene": None,
                    "omschrijving": "OIP profiel",
                }
            ),
        )
        created.append(True)
    return created


def open_inwoner(client: OpenKlantClient) -> dict[str, Any]:
    """Find or create the resident, their digital addresses, ask a question, list questions."""
    actor = typed(
        Actor,
        client.actor.create(
            data={
                "naam": "Mijn vragen",
                "soortActor": "organisatorische_eenheid",
                "indicatieActief": True,
            }
        ),
    )
    persoon = bsn_persoon(client, "111222333", "Anna", "Jansen")
    again = bsn_persoon(client, "111222333", "Anna", "Jansen")
    assert again["uuid"] == persoon["uuid"], "the second login found another partij"
    first = sync_addresses(client, persoon, "anna@example.nl", "0644938475")
    second = sync_addresses(client, persoon, "anna@example.nl", "0644938475")
    kanaal = "OIP Mijn vragen"
    klantcontact = typed(
        KlantContact,
        client.klant_contact.create(
            data={
                "inhoud": "Wanneer wordt mijn container geleegd?",
                "onderwerp": "Afval",
                "taal": "nld",
                "kanaal": kanaal,
                "vertrouwelijk": False,
                "plaatsgevondenOp": "2026-12-01T10:15:00",
            }
        ),
    )
    typed(
        Betrokkene,
        client.betrokkene.create(
            data={
                "rol": "klant",
                "hadKlantcontact": {"uuid": klantcontact["uuid"]},
                "initiator": True,
                "wasPartij": {"uuid": persoon["uuid"]},
                "organisatienaam": "Open Inwoner Platform",
            }
        ),
    )
    taak = typed(
        InterneTaak,
        client.interne_taak.create(
            data={
                "aanleidinggevendKlantcontact": {"uuid": klantcontact["uuid"]},
                "toelichting": "Beantwoorden vraag",
                "gevraagdeHandeling": "Vraag beantwoorden in aanleiding gevend klant contact",
                "status": "te_verwerken",
                "toegewezenAanActor": {"uuid": actor["uuid"]},
            }
        ),
    )
    questions = [
        typed(KlantContact, row)
        for row in client.klant_contact.list_iter(
            params={
                "kanaal": kanaal,
                "expand": [
                    "leiddeTotInterneTaken",
                    "gingOverOnderwerpobjecten",
                    "hadBetrokkenen",
                    "hadBetrokkenen.wasPartij",
                ],
            }
        )
    ]
    mine = [
        q
        for q in questions
        if persoon["uuid"] in [b["wasPartij"]["uuid"] for b in q["_expand"]["hadBetrokkenen"]]
    ]
    return {
        "partij": persoon["uuid"],
        "partijNummer": persoon["nummer"],
        "addressesCreated": [first, second],
        "klantcontact": klantcontact,
        "taakNummer": taak["nummer"],
        "questions": [q["uuid"] for q in mine],
        "questionTasks": [t["uuid"] for q in mine for t in q["_expand"]["leiddeTotInterneTaken"]],
    }


def resources(client: OpenKlantClient) -> dict[str, Any]:
    """Every resource call of the client the three clients use, and its error types."""
    persoon = bsn_persoon(client, "123456782", "Piet", "Bakker")
    organisatie = typed(
        Partij,
        client.partij.create_organisatie(
            data={
                "digitaleAdressen": None,
                "voorkeursDigitaalAdres": None,
                "rekeningnummers": None,
                "voorkeursRekeningnummer": None,
                "indicatieGeheimhouding": False,
                "indicatieActief": True,
                "voorkeurstaal": "nld",
                "soortPartij": "organisatie",
                "partijIdentificatie": {"naam": "Bakkerij Bakker"},
            }
        ),
    )
    contactpersoon = typed(
        Partij,
        client.partij.create_contactpersoon(
            data={
                "digitaleAdressen": None,
                "voorkeursDigitaalAdres": None,
                "rekeningnummers": None,
                "voorkeursRekeningnummer": None,
                "indicatieGeheimhouding": False,
                "indicatieActief": True,
                "voorkeurstaal": "nld",
                "soortPartij": "contactpersoon",
                "partijIdentificatie": {
                    "contactnaam": {
                        "voornaam": "Kees",
                        "achternaam": "Bakker",
                        "voorletters": "K",
                        "voorvoegselAchternaam": "",
                    },
                    "werkteVoorPartij": {"uuid": organisatie["uuid"]},
                },
            }
        ),
    )
    patched = typed(
        Partij,
        client.partij.partial_update(
            persoon["uuid"],
            data={
                "soortPartij": "persoon",
                "nummer": "18744",
                "correspondentieadres": {
                    "adresregel1": "foo",
                    "adresregel2": "bar",
                    "adresregel3": "baz",
                    "land": "NL",
                    "nummeraanduidingId": "",
                },
            },
        ),
    )
    listed = page(
        Partij, client.partij.list(params={"soortPartij": "organisatie", "page": 1, "pageSize": 10})
    )
    identificatoren = page(
        PartijIdentificator,
        client.partij_identificator.list(params={"partijIdentificatorObjectId": "123456782"}),
    )
    identificator = typed(
        PartijIdentificator,
        client.partij_identificator.retrieve(identificatoren["results"][0]["uuid"]),
    )
    adres = typed(
        DigitaalAdres,
        client.digitaal_adres.create(
            data={
                "verstrektDoorBetrokkene": None,
                "verstrektDoorPartij": {"uuid": persoon["uuid"]},
                "adres": "06 12345678",
                "omschrijving": "mobiel",
                "soortDigitaalAdres": "telefoonnummer",
            }
        ),
    )
    by_normalised = page(
        DigitaalAdres, client.digitaal_adres.list(params={"adres": "+31612345678"})
    )
    adres_patched = typed(
        DigitaalAdres,
        client.digitaal_adres.partial_update(adres["uuid"], data={"omschrijving": "werk"}),
    )
    typed(DigitaalAdres, client.digitaal_adres.retrieve(adres["uuid"]))
    loose = typed(
        DigitaalAdres,
        client.digitaal_adres.create(
            data={
                "verstrektDoorBetrokkene": None,
                "verstrektDoorPartij": None,
                "adres": "los@example.nl",
                "omschrijving": "",
                "soortDigitaalAdres": "email",
            }
        ),
    )
    deleted = client.digitaal_adres.delete(loose["uuid"]).status_code
    made = typed(
        MaakKlantContactResponse,
        client.methods.maak_klant_contact(
            data={
                "klantcontact": {
                    "kanaal": "Balie Stadskantoor",
                    "onderwerp": "Paspoort",
                    "taal": "nld",
                    "vertrouwelijk": False,
                },
                "betrokkene": {
                    "wasPartij": {"uuid": persoon["uuid"]},
                    "rol": "klant",
                    "organisatienaam": "",
                    "initiator": True,
                },
                "onderwerpobject": {
                    "onderwerpobjectidentificator": {
                        "objectId": "Z-1",
                        "codeObjecttype": "zaak",
                        "codeRegister": "openzaak",
                        "codeSoortObjectId": "identificatie",
                    }
                },
            }
        ),
    )
    contact = made["klantcontact"]
    onderwerp = typed(
        OnderwerpObject,
        client.onderwerp_object.create(
            data={
                "klantcontact": {"uuid": contact["uuid"]},
                "wasKlantcontact": None,
                "onderwerpobjectidentificator": None,
            }
        ),
    )
    typed(OnderwerpObject, client.onderwerp_object.retrieve(onderwerp["uuid"]))
    # Registered before its klantcontact, as Open Klant allows.
    alone = typed(
        OnderwerpObject,
        client.onderwerp_object.create(
            data={
                "klantcontact": None,
                "wasKlantcontact": None,
                "onderwerpobjectidentificator": {
                    "objectId": "ZAAK-1",
                    "codeObjecttype": "zaak",
                    "codeRegister": "openzaak",
                    "codeSoortObjectId": "identificatie",
                },
            }
        ),
    )
    page(
        OnderwerpObject,
        client.onderwerp_object.list(params={"klantcontact__uuid": contact["uuid"]}),
    )
    actor = typed(
        Actor,
        client.actor.create(
            data={
                "naam": "Medewerker KCC",
                "soortActor": "medewerker",
                "indicatieActief": True,
                "actoridentificator": {
                    "objectId": "m.devries",
                    "codeObjecttype": "mdw",
                    "codeRegister": "obj",
                    "codeSoortObjectId": "idf",
                },
            }
        ),
    )
    typed(Actor, client.actor.retrieve(actor["uuid"]))
    page(Actor, client.actor.list(params={"naam": "Medewerker"}))
    taak = typed(
        InterneTaak,
        client.interne_taak.create(
            data={
                "gevraagdeHandeling": "Terugbellen",
                "aanleidinggevendKlantcontact": {"uuid": contact["uuid"]},
                "toegewezenAanActor": {"uuid": actor["uuid"]},
                "toelichting": "",
                "status": "te_verwerken",
            }
        ),
    )
    typed(InterneTaak, client.interne_taak.retrieve(taak["uuid"]))
    page(
        InterneTaak,
        client.interne_taak.list(params={"aanleidinggevendKlantcontact__uuid": contact["uuid"]}),
    )
    betrokkene = made["betrokkene"]
    assert betrokkene is not None
    typed(Betrokkene, client.betrokkene.retrieve(betrokkene["uuid"]))
    page(
        Betrokkene,
        client.betrokkene.list(
            params={"wasPartij__uuid": persoon["uuid"], "expand": ["digitaleAdressen"]}
        ),
    )
    read = typed(
        KlantContact,
        client.klant_contact.retrieve(
            contact["uuid"],
            params={
                "expand": [
                    "hadBetrokkenen",
                    "hadBetrokkenen.wasPartij",
                    "leiddeTotInterneTaken",
                    "gingOverOnderwerpobjecten",
                ]
            },
        ),
    )
    contacts = page(
        KlantContact,
        client.klant_contact.list(params={"hadBetrokkene__wasPartij__uuid": persoon["uuid"]}),
    )
    try:
        client.klant_contact.create(
            data={"kanaal": "telefoon", "taal": "nld", "vertrouwelijk": False}
        )  # type: ignore[typeddict-item]
        bad: Any = None
    except BadRequest as error:
        bad = {"title": error.title, "invalidParams": error.invalidParams}
    try:
        client.partij.retrieve("00000000-0000-4000-8000-000000000000")
        missing: Any = None
    except NotFound as error:
        missing = {"status": error.status, "title": error.title}
    return {
        "patched": {
            "nummer": patched["nummer"],
            "correspondentieadres": patched["correspondentieadres"],
        },
        "contactpersoon": contactpersoon["soortPartij"],
        "organisaties": listed["count"],
        "identificatoren": identificatoren["count"],
        "identificator": identificator["partijIdentificator"]["objectId"],
        "onderwerpZonderKlantcontact": alone["klantcontact"],
        "adres": adres["adres"],
        "adresOmschrijving": adres_patched["omschrijving"],
        "isStandaardAdres": adres["isStandaardAdres"],
        "byNormalised": [a["uuid"] for a in by_normalised["results"]] == [adres["uuid"]],
        "looseDeleted": deleted,
        "kanaal": read["kanaal"],
        "expand": sorted(read["_expand"]),
        "contactNummer": contact["nummer"],
        "taakNummer": taak["nummer"],
        "contacts": contacts["count"],
        "listExpand": contacts["results"][0].get("_expand"),
        "badRequest": bad,
        "notFound": missing,
    }


SCENARIOS = {"open_inwoner": open_inwoner, "resources": resources}


def main() -> None:
    scenario, base_url, token = sys.argv[1:4]
    client = OpenKlantClient(base_url, token=token)
    print(json.dumps(SCENARIOS[scenario](client)))


if __name__ == "__main__":
    main()
