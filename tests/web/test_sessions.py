"""Web sessions are held on the server: they end at once, everywhere, and time out there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kcc.auth.models import WebSession
from kcc.db import db
from tests.conftest import Caller
from tests.web.conftest import PASSWORD, Browser, age_session, csrf_of, session_row

NEW_PASSWORD = "een-heel-nieuw-wachtwoord"


def _sign_in_again(app: Flask, name: str, password: str = PASSWORD) -> FlaskClient:
    """Another browser (another computer) signing in as the same user."""
    client = app.test_client()
    token = csrf_of(client.get("/sign-in").get_data(as_text=True))
    response = client.post(
        "/sign-in", data={"name": name, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.status_code
    assert client.get("/agent").status_code == 200
    return client


def _copy_cookie(app: Flask, source: FlaskClient) -> FlaskClient:
    """A second client with the very same session cookie (as a stolen or saved copy)."""
    copy = app.test_client()
    cookie = source.get_cookie("session")
    assert cookie is not None
    copy.set_cookie("session", cookie.value)
    return copy


def _sent_to_sign_in(client: FlaskClient, notice: str) -> None:
    response = client.get("/agent")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert notice in page, page[:2000]


def test_the_cookie_holds_a_random_key_not_the_user(
    app: Flask, sign_in: Callable[..., Browser]
) -> None:
    browser = sign_in("agent")
    with browser.client.session_transaction() as cookie:
        assert set(cookie) <= {"sid", "csrf", "lang", "_permanent"}, dict(cookie)
        assert len(cookie["sid"]) >= 40
    row = session_row(app, browser)
    assert row.ended_at is None and row.key_hash != cookie["sid"]


def test_sign_out_ends_the_session_on_the_server(
    app: Flask, sign_in: Callable[..., Browser]
) -> None:
    browser = sign_in("agent")
    saved = _copy_cookie(app, browser.client)
    saved_for_api = _copy_cookie(app, browser.client)
    assert saved.get("/agent").status_code == 200
    assert saved_for_api.get("/api/v1/me").status_code == 200
    assert browser.client.post("/sign-out", data={"csrf_token": browser.csrf}).status_code == 302
    assert browser.client.get("/agent").status_code == 302
    # The saved copies of the cookie no longer open anything, pages nor the API.
    _sent_to_sign_in(saved, "Uw sessie is beëindigd")
    refused = saved_for_api.get("/api/v1/me")
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"


def test_password_change_ends_every_session_and_keeps_this_browser(
    app: Flask, sign_in: Callable[..., Browser]
) -> None:
    browser = sign_in("agent")
    elsewhere = _sign_in_again(app, browser.name)
    old_csrf = browser.csrf

    wrong = browser.client.post(
        "/account/password",
        data={
            "csrf_token": browser.csrf,
            "current": "not-the-password",
            "new": NEW_PASSWORD,
            "repeat": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 422
    assert "Het huidige wachtwoord klopt niet." in wrong.get_data(as_text=True)
    assert elsewhere.get("/agent").status_code == 200

    unlike = browser.client.post(
        "/account/password",
        data={"csrf_token": browser.csrf, "current": PASSWORD, "new": NEW_PASSWORD, "repeat": "x"},
    )
    assert unlike.status_code == 422 and "niet gelijk" in unlike.get_data(as_text=True)
    no_token = browser.client.post(
        "/account/password",
        data={"current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD},
    )
    assert no_token.status_code == 400

    changed = browser.client.post(
        "/account/password",
        data={
            "csrf_token": browser.csrf,
            "current": PASSWORD,
            "new": NEW_PASSWORD,
            "repeat": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 302
    assert "Uw wachtwoord is gewijzigd" in browser.client.get(changed.headers["Location"]).get_data(
        as_text=True
    )
    _sent_to_sign_in(elsewhere, "Uw sessie is beëindigd")
    # This browser goes on with a new session and a new CSRF token; the old token is void.
    assert browser.client.get("/agent").status_code == 200
    with browser.client.session_transaction() as cookie:
        assert cookie["csrf"] != old_csrf
    stale = browser.client.post(
        "/api/v1/parties",
        json={"type": "person", "surname": "X"},
        headers={"X-CSRF-Token": old_csrf},
    )
    assert stale.status_code == 403
    # The new password signs in; the old one does not.
    _sign_in_again(app, browser.name, NEW_PASSWORD)
    client = app.test_client()
    token = csrf_of(client.get("/sign-in").get_data(as_text=True))
    refused = client.post(
        "/sign-in", data={"name": browser.name, "password": PASSWORD, "csrf_token": token}
    )
    assert refused.status_code == 401


def test_admin_disabling_a_user_ends_every_session_at_once(
    app: Flask, sign_in: Callable[..., Browser], make_caller: Callable[..., Caller]
) -> None:
    browser = sign_in("agent")
    elsewhere = _sign_in_again(app, browser.name)
    admin = make_caller("admin")
    response = admin.patch(f"/api/v1/users/{browser.user_id}", json={"is_active": False})
    assert response.status_code == 200 and response.get_json()["is_active"] is False
    for client in (browser.client, elsewhere):
        _sent_to_sign_in(client, "Uw sessie is beëindigd")
    with app.app_context():
        reasons = set(db.session().scalars(select(WebSession.end_reason)))
        db.remove()
    assert reasons == {"disabled"}
    client = app.test_client()
    token = csrf_of(client.get("/sign-in").get_data(as_text=True))
    assert (
        client.post(
            "/sign-in", data={"name": browser.name, "password": PASSWORD, "csrf_token": token}
        ).status_code
        == 401
    )
    assert admin.patch(f"/api/v1/users/{admin.user_id}", json={"is_active": False}).status_code == (
        409
    )


def test_admin_revokes_sessions_and_the_user_signs_in_again(
    app: Flask, sign_in: Callable[..., Browser], make_caller: Callable[..., Caller]
) -> None:
    browser = sign_in("agent")
    elsewhere = _sign_in_again(app, browser.name)
    admin = make_caller("admin")
    listed = admin.get(f"/api/v1/users/{browser.user_id}/sessions")
    assert listed.status_code == 200 and len(listed.get_json()) == 2
    # Only admins may end someone's sessions.
    assert make_caller("supervisor").delete(
        f"/api/v1/users/{browser.user_id}/sessions"
    ).status_code == (403)
    assert browser.api("DELETE", f"/api/v1/users/{browser.user_id}/sessions").status_code == 403  # type: ignore[attr-defined]
    ended = admin.delete(f"/api/v1/users/{browser.user_id}/sessions")
    assert ended.status_code == 200 and ended.get_json() == {"ended": 2}
    _sent_to_sign_in(browser.client, "Uw sessie is beëindigd")
    _sent_to_sign_in(elsewhere, "Uw sessie is beëindigd")
    assert admin.get(f"/api/v1/users/{browser.user_id}/sessions").get_json() == []
    _sign_in_again(app, browser.name)
    missing = admin.delete("/api/v1/users/00000000-0000-0000-0000-000000000000/sessions")
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"


def test_admin_password_reset_ends_every_session(
    app: Flask, sign_in: Callable[..., Browser], make_caller: Callable[..., Caller]
) -> None:
    browser = sign_in("agent")
    admin = make_caller("admin")
    short = admin.client.put(
        f"/api/v1/users/{browser.user_id}/password",
        json={"password": "kort"},
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert short.status_code == 422
    reset = admin.client.put(
        f"/api/v1/users/{browser.user_id}/password",
        json={"password": NEW_PASSWORD},
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert reset.status_code == 204
    _sent_to_sign_in(browser.client, "Uw sessie is beëindigd")
    _sign_in_again(app, browser.name, NEW_PASSWORD)


def test_idle_and_absolute_timeouts_are_kept_on_the_server(
    app: Flask, sign_in: Callable[..., Browser]
) -> None:
    browser = sign_in("agent")
    saved = _copy_cookie(app, browser.client)
    age_session(app, browser, idle=timedelta(minutes=29))
    assert browser.client.get("/agent").status_code == 200
    assert session_row(app, browser).end_reason is None
    age_session(app, browser, idle=timedelta(minutes=31))
    _sent_to_sign_in(browser.client, "Uw sessie is verlopen")
    # Whatever the cookie says, the server's record decides: the copy has timed out too.
    _sent_to_sign_in(saved, "Uw sessie is verlopen")

    busy = sign_in("agent")
    age_session(app, busy, idle=timedelta(minutes=1), age=timedelta(hours=10, minutes=1))
    row = session_row(app, busy)
    _sent_to_sign_in(busy.client, "Uw sessie is verlopen")
    with app.app_context():
        ended = db.session().get(WebSession, row.id)
        assert ended is not None and ended.end_reason == "expired"
        db.remove()


def test_use_keeps_an_active_session_alive(app: Flask, sign_in: Callable[..., Browser]) -> None:
    browser = sign_in("agent")
    age_session(app, browser, idle=timedelta(minutes=20))
    assert browser.client.get("/agent").status_code == 200
    row = session_row(app, browser)
    assert row.last_seen_at > row.created_at + timedelta(minutes=19)


def test_a_cookie_from_before_server_sessions_is_not_accepted(app: Flask) -> None:
    client = app.test_client()
    client.get("/sign-in")
    with client.session_transaction() as cookie:
        cookie.update(uid="00000000-0000-0000-0000-000000000001", started=0, seen=0, csrf="x")
    _sent_to_sign_in(client, "Uw sessie is beëindigd")


def test_signing_in_again_replaces_the_browsers_session(
    app: Flask, sign_in: Callable[..., Browser], make_user: Callable[..., tuple[str, object]]
) -> None:
    browser = sign_in("agent")
    first = session_row(app, browser)
    other, _ = make_user("supervisor")
    token = csrf_of(browser.client.get("/sign-in").get_data(as_text=True))
    response = browser.client.post(
        "/sign-in", data={"name": other, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    with app.app_context():
        replaced = db.session().get(WebSession, first.id)
        assert replaced is not None and replaced.end_reason == "replaced"
        db.remove()


def test_commands_end_sessions_disable_and_set_passwords(
    app: Flask, sign_in: Callable[..., Browser]
) -> None:
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from kcc.cli import main

    runner, info = CliRunner(), ScriptInfo(create_app=lambda: app)
    browser = sign_in("agent")
    ended = runner.invoke(main, ["users", "end-sessions", browser.name], obj=info)
    assert ended.exit_code == 0 and "1 web session(s)" in ended.output, ended.output
    _sent_to_sign_in(browser.client, "Uw sessie is beëindigd")

    elsewhere = _sign_in_again(app, browser.name)
    reset = runner.invoke(
        main,
        ["users", "set-password", browser.name],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
        obj=info,
    )
    assert reset.exit_code == 0, reset.output
    _sent_to_sign_in(elsewhere, "Uw sessie is beëindigd")
    again = _sign_in_again(app, browser.name, NEW_PASSWORD)

    disabled = runner.invoke(main, ["users", "disable", browser.name], obj=info)
    assert disabled.exit_code == 0, disabled.output
    _sent_to_sign_in(again, "Uw sessie is beëindigd")
    assert runner.invoke(main, ["users", "enable", browser.name], obj=info).exit_code == 0
    _sign_in_again(app, browser.name, NEW_PASSWORD)
    unknown = runner.invoke(main, ["users", "disable", "nobody-here"], obj=info)
    assert unknown.exit_code == 2 and "no user named" in unknown.output
