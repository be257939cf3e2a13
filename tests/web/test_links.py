"""Every page links to, loads and calls only what the app serves: without plugins and with all.

Each role signs in and opens every page the shell serves. Every href, src and form action and
every URL the page gives its scripts (``data-url`` and ``data-*-url``, with ``{name}`` where
the script puts a value) must match a route of the app; links and files are opened, and the
scripts a page loads may hold no URL of their own.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from kcc.app import create_app
from kcc.auth.passwords import hash_password
from kcc.auth.services import create_user
from kcc.config import Settings
from kcc.db import db
from kcc.web.registry import shell
from tests.conftest import Caller
from tests.fakes.twilio_server import FakeTwilio
from tests.suggestions.conftest import (
    consented_and_started,
    fake_twilio,
    make_person,
    small,
    text_in,
)
from tests.web.conftest import PASSWORD, csrf_of

__all__ = ["fake_twilio", "make_person", "small", "text_in"]  # fixtures

ROLES = ("agent", "supervisor", "process_owner", "admin")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# A script fills a placeholder with an id (a UUID), a key or a number.
SAMPLES = (str(uuid.UUID(int=7)), "1")
PATH_LITERAL = re.compile(r"""(["'`])(/[A-Za-z][^"'`\s]*)\1""")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Reference:
    """A URL in a page: followed as a link, sent by a form, or called by a script."""

    kind: str
    where: str
    url: str
    method: str = "GET"


class References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[Reference] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        method = (dict(attrs).get("method") or "get").upper()
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.found.append(Reference("link", f"<{tag} {name}>", value))
            elif name == "action":
                self.found.append(Reference("form", f"<{tag} action>", value, method))
            elif name == "data-url" or (name.startswith("data-") and name.endswith("-url")):
                self.found.append(Reference("call", f"<{tag} {name}>", value))


@dataclass
class Walk:
    """What the pages of one app referred to, and what did not resolve."""

    problems: list[str] = field(default_factory=list)
    # (role, page) -> the endpoints the page links to, loads or calls
    endpoints: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    status: dict[tuple[str, str], int] = field(default_factory=dict)
    opened: set[tuple[str, str]] = field(default_factory=set)

    def seen_by(self, role: str) -> set[str]:
        """What the pages the role may open refer to."""
        return set().union(
            *(e for k, e in self.endpoints.items() if k[0] == role and self.status[k] == 200)
        )


def _static(endpoint: str) -> bool:
    return endpoint == "static" or endpoint.endswith(".static")


def _endpoint(app: Flask, path: str, methods: tuple[str, ...]) -> str | None:
    """The route ``path`` reaches with any of ``methods``; placeholders take sample values."""
    adapter = app.url_map.bind("kcc.test")
    names = PLACEHOLDER.findall(path)
    for values in itertools.product(SAMPLES, repeat=len(names)):
        filled = iter(values)
        concrete = PLACEHOLDER.sub(lambda _, filled=filled: next(filled), path)
        for method in methods:
            try:
                endpoint, _ = adapter.match(concrete, method=method)
            except RequestRedirect:
                return None
            except HTTPException:
                continue
            return str(endpoint)
    return None


def _check(
    app: Flask, client: FlaskClient, page: str, html: str, walk: Walk, key: tuple[str, str]
) -> None:
    parser = References()
    parser.feed(html)
    seen = walk.endpoints.setdefault(key, set())
    for ref in parser.found:
        if ref.url.startswith("#"):
            continue
        target = urljoin(page, ref.url)
        parts = urlsplit(target)
        if parts.scheme or parts.netloc:
            walk.problems.append(f"{key}: {ref.where} leaves the site: {ref.url}")
            continue
        endpoint = _endpoint(app, parts.path, METHODS if ref.kind == "call" else (ref.method,))
        if endpoint is None:
            walk.problems.append(f"{key}: {ref.where} {ref.url} reaches no route")
            continue
        seen.add(endpoint)
        # An error page's language switch shows the same error in the other language.
        same_error = walk.status[key] >= 400 and parts.path == urlsplit(page).path
        if ref.kind == "link" and not same_error:
            _open(client, target, endpoint, walk, key)


def _open(
    client: FlaskClient, target: str, endpoint: str, walk: Walk, key: tuple[str, str]
) -> None:
    if (key[0], target) in walk.opened:
        return
    walk.opened.add((key[0], target))
    response = client.get(target)
    if response.status_code >= 400:
        walk.problems.append(f"{key}: {target} answers {response.status_code}")
    elif _static(endpoint) and urlsplit(target).path.endswith(".js"):
        for _, literal in PATH_LITERAL.findall(response.get_data(as_text=True)):
            walk.problems.append(f"{target} holds a URL of its own: {literal}")


def _pages(app: Flask, samples: dict[str, str]) -> list[str]:
    """Every page the app serves (GET routes of registered page blueprints)."""
    pages = shell(app).page_blueprints
    adapter = app.url_map.bind("kcc.test")
    found = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        if blueprint not in pages or _static(rule.endpoint) or "GET" not in (rule.methods or ()):
            continue
        missing = rule.arguments - samples.keys()
        assert not missing, f"the test has no value for {missing} of {rule.rule}"
        found.append(adapter.build(rule.endpoint, {a: samples[a] for a in rule.arguments}))
    return sorted(found)


def walk_pages(app: Flask, samples: dict[str, str]) -> Walk:
    """Open every page as every role and as a visitor who is not signed in."""
    walk = Walk()
    pages = _pages(app, samples)
    visitors = {role: _signed_in(app, role) for role in ROLES} | {"visitor": app.test_client()}
    for role, client in visitors.items():
        for page in [*pages, f"/parties/{uuid.uuid4()}"]:  # the last one is the 404 page
            response = client.get(page)
            walk.status[(role, page)] = response.status_code
            location = response.headers.get("Location")
            if location is not None:
                _check(app, client, page, f'<a href="{location}">', walk, (role, page))
            elif response.mimetype == "text/html":
                _check(app, client, page, response.get_data(as_text=True), walk, (role, page))
    return walk


def _signed_in(app: Flask, role: str) -> FlaskClient:
    name = f"{role}-{uuid.uuid4().hex[:6]}"
    with app.app_context():
        create_user(name, role, team="KCC", password_hash=hash_password(PASSWORD))
        db.commit()
        db.remove()
    client = app.test_client()
    token = csrf_of(client.get("/sign-in").get_data(as_text=True))
    response = client.post(
        "/sign-in", data={"name": name, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture(scope="module")
def bare_app(app: Flask, settings: Settings) -> Iterator[Flask]:
    """The app with no outer package at all, on the same (migrated) database."""
    application = create_app(settings, plugins=())
    application.config["TESTING"] = True
    yield application


def _party(client: FlaskClient) -> str:
    with client.session_transaction() as session:
        token = str(session["csrf"])
    response = client.post(
        "/api/v1/parties",
        json={"type": "person", "surname": "Jansen", "bsn": "111222333"},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def _task(client: FlaskClient, party: str) -> str:
    with client.session_transaction() as session:
        token = str(session["csrf"])
    response = client.post(
        "/api/v1/tasks",
        json={"kind": "callback", "party_id": party, "assigned_team": "KCC"},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def test_without_plugins_no_page_refers_to_what_is_not_there(bare_app: Flask) -> None:
    paths = {rule.rule for rule in bare_app.url_map.iter_rules()}
    assert not {"/chat", "/studio", "/studio/<key>"} & paths
    assert bare_app.test_client().get("/chat").status_code == 404
    party = _party(_signed_in(bare_app, "agent"))
    task = _task(_signed_in(bare_app, "agent"), party)

    walk = walk_pages(bare_app, {"party_id": party, "task_id": task})

    assert not walk.problems, "\n".join(walk.problems)
    assert walk.status[("agent", f"/parties/{party}")] == 200
    assert walk.status[("supervisor", "/dashboard")] == 200
    # The customer view still offers the core's own actions, each to its route.
    assert {
        "contact_moments.ContactMoments",
        "tasks.Tasks",
        "consents.Consents",
        "identity.Merge",
        "subject_access.SubjectAccessExport",
    } <= walk.endpoints[("agent", f"/parties/{party}")]
    # A process owner has no page of the shell but the password page, and starts there.
    assert walk.status[("process_owner", "/")] == 302
    assert "web_auth.password" in walk.endpoints[("process_owner", "/")]


def test_with_all_plugins_every_reference_resolves_and_pages_are_linked_for_their_roles(
    app: Flask,
    small: str,
    make_person: Callable[..., object],
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    run_jobs: Callable[[], int],
    text_in: Callable[..., object],
) -> None:
    person = make_person()
    consented_and_started(agent, system, person, run_jobs)  # type: ignore[arg-type]
    assert text_in(person.phone, "Hoe laat is de Stadswinkel open?").status_code == 200  # type: ignore[attr-defined]
    party = str(person.uuid)  # type: ignore[attr-defined]
    with app.app_context():
        from sqlalchemy import select

        from channels.models import Conversation
        from kcc.db import db

        conversation = str(db.session().scalars(select(Conversation.uuid)).first())
        db.remove()

    task = agent.post(
        "/api/v1/tasks", json={"kind": "callback", "party_id": party, "assigned_team": "KCC"}
    ).json["id"]

    from journeys.suggestions.withdrawal import link_token

    offered = agent.get(f"/api/v1/parties/{party}/suggestions").get_json()["items"][0]
    with app.test_request_context():
        token = link_token(uuid.UUID(offered["id"]), "nl")  # the residents' stop page
    walk = walk_pages(
        app,
        {
            "party_id": party,
            "key": small,
            "task_id": task,
            "conversation_id": conversation,
            "token": token,
        },
    )

    assert not walk.problems, "\n".join(walk.problems)
    customer = walk.endpoints[("agent", f"/parties/{party}")]
    assert {
        "conversations.ConversationItem",
        "conversations.ConversationMessages",
        "journeys.VersionDiagram",
        "suggestions.Accept",
        "suggestions.Decline",
        "journey_instances.JourneyInstances",
        "journeys_web.static",
        "channels_web.static",
    } <= customer
    assert "conversations.Conversations" in walk.endpoints[("agent", "/agent")]
    page = walk.endpoints[("agent", f"/conversations/{conversation}")]
    assert {"conversation_work.TakeConversation", "conversations.CloseConversation"} <= page
    assert "journeys.VersionStats" in walk.endpoints[("supervisor", "/dashboard")]
    studio = walk.endpoints[("process_owner", f"/studio/{small}")]
    assert {"journeys.JourneyItem", "journeys.SimulateVersion", "journeys.PublishVersion"} <= studio
    # The studio is in the menu of the roles that may open it, and of no other.
    for role in ("process_owner", "supervisor", "admin"):
        assert "journeys_web.studio" in walk.seen_by(role), role
        assert walk.status[(role, "/studio")] == 200
    assert "journeys_web.studio" not in walk.seen_by("agent")
    assert walk.status[("agent", "/studio")] == 403
    assert "journeys_web.studio" in walk.endpoints[("process_owner", "/")]  # its start page
    # The residents' chat needs no sign-in, and calls the chat API only.
    assert walk.status[("visitor", "/chat")] == 200
    assert {"chat.ChatSessions", "chat.ChatMessages"} <= walk.endpoints[("visitor", "/chat")]
