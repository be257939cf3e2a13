"""A generated ``nummer`` does not make other requests wait: the counter is incremented and
committed at once (PostgreSQL), not held until the request that took the number commits."""

from __future__ import annotations

import os

import pytest
from flask import Flask
from sqlalchemy import text

from kcc.contacts.models import ContactMoment
from kcc.db import db
from klantinteracties import numbers
from tests.conftest import Caller
from tests.klantinteracties.test_flows import post


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("KCC_TEST_DATABASE_URL"), reason="needs PostgreSQL (KCC_TEST_DATABASE_URL)"
)
def test_a_number_taken_in_an_open_transaction_holds_no_lock(app: Flask, system: Caller) -> None:
    body = {"kanaal": "telefoon", "onderwerp": "Afval", "taal": "nld", "vertrouwelijk": False}
    first = post(system, "/klantcontacten", body).get_json()["nummer"]
    engine = db.engine
    assert engine is not None
    with app.test_request_context():
        taken = numbers.generate("klantcontact", ContactMoment.number)  # transaction stays open
        with engine.connect() as other:
            other.execute(text("SET lock_timeout = '1s'"))
            # Before: this waited until the first transaction ended (lock_timeout: an error).
            other.execute(
                text("UPDATE ki_number_counters SET last = last WHERE resource = 'klantcontact'")
            )
            other.rollback()
        second = post(system, "/klantcontacten", body).get_json()["nummer"]
        db.rollback()
    assert int(first) < int(taken) < int(second)
    # The rolled-back request's number is not handed out again: a gap, never a duplicate.
    third = post(system, "/klantcontacten", body).get_json()["nummer"]
    assert int(third) > int(second)
