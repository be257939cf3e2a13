"""Wrong passwords slow down the address they come from; the owner elsewhere still gets in."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Caller
from tests.web.conftest import PASSWORD, csrf_of

STRANGER = "203.0.113.66"
OWNER = "198.51.100.7"


def _attempt(client: FlaskClient, name: str, password: str, address: str):  # type: ignore[no-untyped-def]
    environ = {"REMOTE_ADDR": address}
    token = csrf_of(client.get("/sign-in", environ_base=environ).get_data(as_text=True))
    return client.post(
        "/sign-in",
        data={"name": name, "password": password, "csrf_token": token},
        environ_base=environ,
    )


def test_a_stranger_hammering_an_account_is_slowed_but_the_owner_gets_in(
    app: Flask, make_user: Callable, supervisor: Caller
) -> None:
    name, _ = make_user("agent")
    stranger = app.test_client()
    statuses = [_attempt(stranger, name, f"guess-{n}", STRANGER).status_code for n in range(8)]
    # The fifth wrong password trips the limit, and its answer says so.
    assert statuses == [401] * 4 + [429] * 4
    refused = _attempt(stranger, name, PASSWORD, STRANGER)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "Probeer het over" in refused.get_data(as_text=True)

    owner = app.test_client()
    signed_in = _attempt(owner, name, PASSWORD, OWNER)
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/agent")
    assert owner.get("/agent").status_code == 200

    records = supervisor.get("/api/v1/sign-in-throttles").json["items"]
    assert [(r["account"], r["source"], r["scope"]) for r in records] == [
        (name, STRANGER, "account_at_address")
    ]


def test_one_address_trying_many_accounts_is_slowed_down(
    app: Flask, make_user: Callable, supervisor: Caller
) -> None:
    client = app.test_client()
    names = [f"guess-{n}" for n in range(30)]
    statuses = [_attempt(client, name, "Welkom01!", STRANGER).status_code for name in names]
    assert statuses == [401] * 29 + [429]
    real, _ = make_user("agent")
    assert _attempt(client, real, PASSWORD, STRANGER).status_code == 429
    assert _attempt(app.test_client(), real, PASSWORD, OWNER).status_code == 302
    scopes = [r["scope"] for r in supervisor.get("/api/v1/sign-in-throttles").json["items"]]
    assert scopes == ["address"]


def test_agents_may_not_read_the_throttle_records(agent: Caller) -> None:
    assert agent.get("/api/v1/sign-in-throttles").status_code == 403
