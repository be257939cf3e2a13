# ruff: noqa: RUF001  (Turkish names keep their dotless i)
"""Generators for Dutch demo people and businesses with valid identifiers."""

from __future__ import annotations

import random

from kcc.parties.services import AddressInput, PartyInput

# The first demo resident, printed by make demo and used in the README's examples (a test
# BSN that passes the eleven-check; no real person has it).
EXAMPLE_PHONE = "0612345678"
EXAMPLE_BSN = "999993653"
DEMO_PASSWORD = "demo-wachtwoord"  # noqa: S105  (printed by make demo; demo data only)

GIVEN = [
    "Sanne",
    "Daan",
    "Emma",
    "Lucas",
    "Fleur",
    "Mohamed",
    "Noor",
    "Sem",
    "Julia",
    "Bram",
    "Fatima",
    "Jesse",
    "Anouk",
    "Thijs",
    "Zeynep",
    "Ruben",
    "Lotte",
    "Youssef",
    "Iris",
    "Kees",
    "Ayşe",
    "Joris",
    "Maud",
    "Stijn",
    "Eline",
    "Björn",
    "Chloé",
    "Wim",
    "Hanneke",
    "Özlem",
]
SURNAMES = [
    (None, "Jansen"),
    ("de", "Vries"),
    ("van den", "Berg"),
    ("van", "Dijk"),
    (None, "Bakker"),
    (None, "Janssen"),
    ("de", "Boer"),
    (None, "Mulder"),
    ("de", "Groot"),
    (None, "Bos"),
    ("van der", "Linden"),
    (None, "Yılmaz"),
    (None, "El Amrani"),
    (None, "Müller"),
    ("van 't", "Hof"),
    (None, "Çelik"),
    ("ter", "Horst"),
    (None, "Hendriks"),
    ("in 't", "Veld"),
    (None, "Peeters"),
    ("van", "Beek"),
    (None, "Kuipers"),
]
BUSINESSES = [
    "Bakkerij Het Waalbrood",
    "Fietsenmaker De Spaak",
    "Café De Blauwe Hand",
    "Kapsalon Knip & Zo",
    "Nijmeegse Boekhandel",
    "Schildersbedrijf Van Gelder",
]
LANGUAGES = ["nl"] * 8 + ["en", "tr", "ar", "pl"]
STREETS = [
    "Molenstraat",
    "Sint Annastraat",
    "Graafseweg",
    "Tooropstraat",
    "Hatertseweg",
    "Dukenburgseweg",
    "Wolfskuilseweg",
    "Berg en Dalseweg",
    "Groenestraat",
    "Lentseweg",
    "Thermionweg",
    "Zwanenveld",
]
# Nijmegen's residential postcode areas (6500-6510 are PO boxes and company numbers).
POSTCODE_AREAS = (6511, 6546)


def valid_bsn(rng: random.Random) -> str:
    """A random number that passes the eleven-check (never a real person's on purpose)."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        digits[0] = rng.randint(1, 6)
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def valid_rsin(rng: random.Random) -> str:
    return valid_bsn(rng)


def nijmegen_address(rng: random.Random) -> dict[str, object]:
    """A made-up address in Nijmegen, in the Klantinteracties address fields: its postcode
    area (the four digits) is the district the dashboard counts contacts by."""
    letters = "".join(rng.choice("ABCDEGHJKLMNPRSTVWXZ") for _ in range(2))
    return {
        "straatnaam": rng.choice(STREETS),
        "huisnummer": rng.randint(1, 250),
        "postcode": f"{rng.randint(*POSTCODE_AREAS)} {letters}",
        "stad": "Nijmegen",
    }


def resident(rng: random.Random, index: int) -> PartyInput:
    given = GIVEN[index % len(GIVEN)]
    prefix, surname = SURNAMES[(index * 7) % len(SURNAMES)]
    mobile = f"06{rng.randint(1, 5)}{rng.randint(1000000, 9999999)}"
    bsn = valid_bsn(rng)
    if index == 0:  # the README's examples search for this resident
        mobile, bsn = EXAMPLE_PHONE, EXAMPLE_BSN
    addresses = [AddressInput(kind="phone", address=f"{mobile[:2]} {mobile[2:]}")]
    if rng.random() < 0.7:
        email = f"{given.lower()}.{surname.lower()}{index}@example.nl"
        email = (
            email.replace("ş", "s")
            .replace("ö", "o")
            .replace("é", "e")
            .replace("ı", "i")
            .replace("ç", "c")
        )
        email = email.replace("ü", "u").replace("ø", "o").replace(" ", "")
        addresses.append(AddressInput(kind="email", address=email))
    return PartyInput(
        type="person",
        bsn=bsn,
        visiting_address=nijmegen_address(rng),
        given_names=given,
        surname_prefix=prefix,
        surname=surname,
        preferred_language=LANGUAGES[index % len(LANGUAGES)],
        preferred_channel=rng.choice(["sms", "email", "phone", None]),
        digital_addresses=addresses,
    )


def business(rng: random.Random, index: int) -> PartyInput:
    name = BUSINESSES[index % len(BUSINESSES)]
    return PartyInput(
        type="organisation",
        name=name,
        kvk=f"{rng.randint(10000000, 99999999)}",
        rsin=valid_rsin(rng),
        digital_addresses=[
            AddressInput(kind="phone", address=f"024 {rng.randint(3000000, 3999999)}")
        ],
        preferred_channel="email",
        visiting_address=nijmegen_address(rng),
    )
