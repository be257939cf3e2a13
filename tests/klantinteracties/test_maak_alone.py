"""maak-klantcontact whose writes are each one statement runs them without a transaction on
PostgreSQL; its generated nummer then follows the highest in use, also for a resource that
has no counter yet."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import text

from kcc.db import db
from tests.conftest import Caller
from tests.klantinteracties.test_flows import person, post
from tests.statements import autocommit_of_statements

KLANTCONTACT = {"kanaal": "telefoon", "onderwerp": "Afval", "taal": "nld", "vertrouwelijk": False}


def maak(caller: Caller, partij: dict[str, Any] | None, **klantcontact: Any) -> Any:
    """POST /maak-klantcontact for the partij, or for an anonymous betrokkene (Ann)."""
    betrokkene = (
        {"wasPartij": {"uuid": partij["uuid"]}}
        if partij
        else {"wasPartij": None, "contactnaam": {"voornaam": "Ann"}}
    )
    return post(
        caller,
        "/maak-klantcontact",
        {
            "klantcontact": {**KLANTCONTACT, **klantcontact},
            "betrokkene": {**betrokkene, "rol": "klant", "initiator": True},
        },
    )


def test_numbers_follow_the_highest_in_use_without_a_transaction(
    app: Flask, system: Caller
) -> None:
    partij = person(system)
    with app.app_context():
        engine = db.engine
        assert engine is not None
        postgres = engine.dialect.name == "postgresql"
        db.remove()
    existing = post(system, "/klantcontacten", KLANTCONTACT)  # a row to carry a number
    assert existing.status_code == 201, existing.get_json()
    with app.app_context():
        with engine.begin() as connection:  # a number in use, and no counter yet
            connection.execute(text("DELETE FROM ki_number_counters"))
            connection.execute(
                text("UPDATE contact_moments SET number = '0000000041'"),
            )
        db.remove()
    with autocommit_of_statements() as autocommit:
        first = maak(system, partij)
        second = maak(system, partij)
    assert first.status_code == 201, first.get_json()
    numbers = [r.get_json()["klantcontact"]["nummer"] for r in (first, second)]
    assert numbers == ["0000000042", "0000000043"]
    # The klantcontact's statement (WITH … INSERT) commits on its own on PostgreSQL.
    if postgres:
        assert {alone for alone, verb in autocommit if verb == "WITH"} == {True}
    else:
        assert not any(alone for alone, _ in autocommit)


def test_a_given_nummer_or_an_anonymous_betrokkene_keeps_a_transaction(
    app: Flask, system: Caller
) -> None:
    partij = person(system)
    with autocommit_of_statements() as autocommit:
        given = maak(system, partij, nummer="K-77")
        anonymous = maak(system, None)
    assert given.status_code == 201, given.get_json()
    assert given.get_json()["klantcontact"]["nummer"] == "K-77"
    assert anonymous.status_code == 201, anonymous.get_json()
    assert anonymous.get_json()["betrokkene"]["contactnaam"]["voornaam"] == "Ann"
    # Only a generated nummer's increment (on a connection of its own) commits on its own.
    assert {verb for alone, verb in autocommit if alone} <= {"UPDATE"}


def test_an_identifier_filter_of_other_digits_is_no_server_error(system: Caller) -> None:
    """schemathesis: ``partijIdentificator__objectId=²`` (a digit to ``str.isdigit``)."""
    from tests.klantinteracties.test_flows import get

    answer = get(system, "/partijen?partijIdentificator__objectId=%C2%B2%C2%B2%C2%B2")
    assert answer.status_code in (200, 400), answer.get_json()
    page = get(system, "/partijen?page=%C2%B2")
    assert page.status_code in (200, 400, 404), page.get_json()
