"""Sign-in: passwords, throttling, CSRF on the form, session expiry and sign-out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask

from tests.web.conftest import PASSWORD, Browser, age_session, csrf_of


def _form(client, name: str, password: str) -> object:  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/sign-in").get_data(as_text=True))
    return client.post("/sign-in", data={"name": name, "password": password, "csrf_token": token})


def test_right_password_signs_in_and_opens_the_home_page(app: Flask, make_user: Callable) -> None:
    client = app.test_client()
    name, _ = make_user("agent")
    response = _form(client, name, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/agent")
    assert "Zoeken en wachtrij" in client.get("/agent").get_data(as_text=True)


def test_wrong_password_is_refused_with_a_message(app: Flask, make_user: Callable) -> None:
    client = app.test_client()
    name, _ = make_user("agent")
    response = _form(client, name, "wrong")
    assert response.status_code == 401
    assert "De naam of het wachtwoord klopt niet." in response.get_data(as_text=True)
    assert client.get("/agent").status_code == 302


def test_unknown_user_gets_the_same_message(app: Flask) -> None:
    response = _form(app.test_client(), "nobody", "whatever")
    assert response.status_code == 401
    assert "De naam of het wachtwoord klopt niet." in response.get_data(as_text=True)


def test_five_failures_slow_down_that_address_even_for_the_right_password(
    app: Flask, make_user: Callable
) -> None:
    client = app.test_client()
    name, _ = make_user("agent")
    for _ in range(4):
        assert _form(client, name, "wrong").status_code == 401
    assert _form(client, name, "wrong").status_code == 429
    throttled = _form(client, name, PASSWORD)
    assert throttled.status_code == 429
    assert "Probeer het over 15 minuten opnieuw" in throttled.get_data(as_text=True)


def test_sign_in_form_without_csrf_token_is_refused(app: Flask, make_user: Callable) -> None:
    client = app.test_client()
    name, _ = make_user("agent")
    client.get("/sign-in")
    response = client.post("/sign-in", data={"name": name, "password": PASSWORD})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "beveiligingscode" in response.get_data(as_text=True)
    assert client.get("/agent").status_code == 302


def test_sign_out_needs_csrf_and_ends_the_session(sign_in: Callable[..., Browser]) -> None:
    browser = sign_in("agent")
    assert browser.client.post("/sign-out").status_code == 400
    assert browser.client.get("/agent").status_code == 200
    assert browser.client.post("/sign-out", data={"csrf_token": browser.csrf}).status_code == 302
    assert browser.client.get("/agent").status_code == 302


def test_idle_session_expires(app: Flask, sign_in: Callable[..., Browser]) -> None:
    browser = sign_in("agent")
    age_session(app, browser, idle=timedelta(minutes=31))
    response = browser.client.get("/agent")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert "Uw sessie is verlopen" in browser.client.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_next_parameter_never_leaves_the_site(app: Flask, make_user: Callable) -> None:
    client = app.test_client()
    name, _ = make_user("agent")
    token = csrf_of(client.get("/sign-in").get_data(as_text=True))
    response = client.post(
        "/sign-in",
        data={"name": name, "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"},
    )
    assert response.headers["Location"].endswith("/agent")


def test_english_on_request_and_remembered(app: Flask) -> None:
    client = app.test_client()
    assert "Inloggen" in client.get("/sign-in").get_data(as_text=True)
    assert "Sign in" in client.get("/sign-in?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in client.get("/sign-in").get_data(as_text=True)
