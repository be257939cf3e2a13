"""Pages: roles, security headers, escaping of every text field, and the API through the session."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from tests.web.conftest import Browser

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _resident(browser: Browser, **extra: object) -> dict:
    body = {
        "type": "person",
        "given_names": XSS,
        "surname": "Jansen",
        "bsn": "111222333",
        "digital_addresses": [{"kind": "phone", "address": "06-12345678"}],
        **extra,
    }
    response = browser.api("POST", "/api/v1/parties", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_api_accepts_the_session_with_the_csrf_header(sign_in: Callable[..., Browser]) -> None:
    browser = sign_in("agent")
    party = _resident(browser)
    assert browser.api("GET", f"/api/v1/parties/{party['id']}", csrf=False).status_code == 200


def test_api_refuses_an_unsafe_cookie_request_without_the_csrf_header(
    sign_in: Callable[..., Browser],
) -> None:
    browser = sign_in("agent")
    response = browser.api(
        "POST", "/api/v1/parties", {"type": "person", "surname": "X"}, csrf=False
    )
    assert response.status_code == 403
    assert "X-CSRF-Token" in response.get_json()["detail"]
    wrong = browser.client.post(
        "/api/v1/parties",
        json={"type": "person", "surname": "X"},
        headers={"X-CSRF-Token": "not-the-token"},
    )
    assert wrong.status_code == 403


def test_api_without_token_or_session_is_still_401(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/parties?q=jansen").status_code == 401


def test_bearer_tokens_still_work_without_csrf(agent) -> None:  # type: ignore[no-untyped-def]
    assert (
        agent.post("/api/v1/parties", json={"type": "person", "surname": "Bakker"}).status_code
        == 201
    )


def test_search_by_phone_in_any_notation_finds_the_resident(
    sign_in: Callable[..., Browser],
) -> None:
    browser = sign_in("agent")
    party = _resident(browser)
    page = browser.client.get("/agent?q=06-12345678").get_data(as_text=True)
    assert f"/parties/{party['id']}" in page
    assert "Gezocht op telefoon: 1 gevonden." in page
    assert f"/parties/{party['id']}" in browser.client.get("/agent?q=%2B31 6 1234 5678").get_data(
        as_text=True
    )
    assert f"/parties/{party['id']}" in browser.client.get("/agent?q=111222333").get_data(
        as_text=True
    )


def test_script_in_every_text_field_is_escaped(sign_in: Callable[..., Browser]) -> None:
    browser = sign_in("agent")
    party = _resident(browser)
    moment = {
        "channel": "phone",
        "subject": XSS,
        "text": XSS,
        "parties": [{"party_id": party["id"], "role": "resident"}],
    }
    assert browser.api("POST", "/api/v1/contact-moments", moment).status_code == 201
    task = {"kind": "callback", "party_id": party["id"], "description": XSS, "assigned_team": "KCC"}
    assert browser.api("POST", "/api/v1/tasks", task).status_code == 201
    for path in (f"/parties/{party['id']}", "/agent?q=Jansen", f"/agent?q={XSS}"):
        html = browser.client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;" in html, path


def test_customer_view_shows_masked_bsn_and_filters_the_timeline(
    sign_in: Callable[..., Browser],
) -> None:
    browser = sign_in("agent")
    party = _resident(browser)
    for channel, subject in (("phone", "Vraag over afvalpas"), ("counter", "Paspoort aanvragen")):
        body = {
            "channel": channel,
            "subject": subject,
            "parties": [{"party_id": party["id"], "role": "resident"}],
        }
        assert browser.api("POST", "/api/v1/contact-moments", body).status_code == 201
    html = browser.client.get(f"/parties/{party['id']}").get_data(as_text=True)
    assert "111222333" not in html and party["bsn_masked"] in html
    assert "Vraag over afvalpas" in html and "Paspoort aanvragen" in html
    filtered = browser.client.get(f"/parties/{party['id']}?channel=counter").get_data(as_text=True)
    assert "Paspoort aanvragen" in filtered and "Vraag over afvalpas" not in filtered


def test_agent_opening_a_supervisor_page_gets_an_html_403(sign_in: Callable[..., Browser]) -> None:
    browser = sign_in("agent")
    for path in ("/dashboard", "/dashboard/processing-log", "/studio"):
        response = browser.client.get(path)
        assert response.status_code == 403, path
        assert response.mimetype == "text/html"
        assert "U mag deze pagina niet openen" in response.get_data(as_text=True)


def test_pages_need_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/agent", "/dashboard", "/studio"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_security_headers_on_pages(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sign-in")
    policy = response.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy
        and "frame-ancestors 'none'" in policy
    )
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.get_data(as_text=True)
    assert "Strict-Transport-Security" not in response.headers  # not outside production


def test_production_pages_ask_browsers_to_keep_to_https(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    app.config["KCC_HSTS"] = True
    try:
        response = client.get("/chat")
    finally:
        app.config["KCC_HSTS"] = False
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_chat_may_be_framed_only_by_the_configured_origins(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    original = app.config["KCC_CHAT_EMBED_ORIGINS"]
    app.config["KCC_CHAT_EMBED_ORIGINS"] = ("https://www.gemeente.example.nl",)
    try:
        response = client.get("/chat")
    finally:
        app.config["KCC_CHAT_EMBED_ORIGINS"] = original
    assert (
        "frame-ancestors 'self' https://www.gemeente.example.nl"
        in response.headers["Content-Security-Policy"]
    )
    assert "X-Frame-Options" not in response.headers
    assert "Chat met de gemeente" in response.get_data(as_text=True)


def test_embed_origins_are_parsed_strictly() -> None:
    from kcc.web.security import embed_origins

    assert embed_origins("https://a.nl, https://b.nl/ javascript:x 'unsafe-inline'") == (
        "https://a.nl",
        "https://b.nl",
    )


def test_supervisor_sees_dashboard_and_processing_log(sign_in: Callable[..., Browser]) -> None:
    browser = sign_in("supervisor")
    party = _resident(browser)
    browser.client.get(f"/parties/{party['id']}")
    html = browser.client.get("/dashboard").get_data(as_text=True)
    assert html.count('<svg class="chart__svg"') >= 4
    assert "Contactmomenten per kanaal per dag" in html
    log = browser.client.get(f"/dashboard/processing-log?party={party['id']}&action=read").get_data(
        as_text=True
    )
    assert "&lt;uuid:party_id&gt;" not in log  # no raw routes: who, what, about whom
    assert "<td>klantcontact</td>" in log and "<td>kcc.customer-contact</td>" not in log
    english = browser.client.get(f"/dashboard/processing-log?party={party['id']}&lang=en")
    assert "<td>customer contact</td>" in english.get_data(as_text=True)
    browser.client.get("/dashboard?lang=nl")
    assert "klopt niet" in browser.client.get("/dashboard/processing-log?party=nope").get_data(
        as_text=True
    )


def test_studio_upload_too_large_is_refused_with_a_clear_message(
    sign_in: Callable[..., Browser],
) -> None:
    browser = sign_in("process_owner")
    assert browser.client.get("/studio").status_code == 200
    response = browser.api("POST", "/api/v1/journeys", {"document": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413
    assert "larger than the limit" in response.get_json()["detail"]


def test_package_pages_get_the_page_headers_and_the_api_does_not(client) -> None:  # type: ignore[no-untyped-def]
    studio = client.get("/studio")  # a page of the journeys package: sends to sign-in
    assert studio.status_code == 302
    assert "frame-ancestors 'none'" in studio.headers["Content-Security-Policy"]
    assert studio.headers["X-Frame-Options"] == "DENY"
    script = client.get("/static/journeys/studio.js")
    assert script.status_code == 200 and "Content-Security-Policy" in script.headers
    api = client.get("/api/v1/health")
    assert "X-Frame-Options" not in api.headers and "Content-Security-Policy" not in api.headers
