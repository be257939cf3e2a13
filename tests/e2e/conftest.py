"""A live server on loopback, a headless Debian Chromium and axe-core for the page tests.

The browser suite runs once, in the SQLite run: it is skipped when KCC_TEST_DATABASE_URL is
set, and when Playwright or /usr/bin/chromium are missing (with the reason).
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from kcc.app import create_app
from kcc.auth.passwords import hash_password
from kcc.auth.services import create_user
from kcc.config import Settings
from kcc.db import db

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]
PASSWORD = "demo-wachtwoord"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BLOCKING = ("serious", "critical")
# Per page: Content-Security-Policy violations and uncaught script errors seen so far.
PROBLEMS: dict[int, list[str]] = {}


def skip_reason() -> str | None:
    """Why the browser suite cannot run here, or None."""
    if os.environ.get("KCC_TEST_DATABASE_URL"):
        return "the browser suite runs once, in the SQLite run"
    for module in ("playwright.sync_api", "axe_playwright_python.sync_playwright"):
        try:
            importlib.import_module(module)
        except ImportError:
            return f"{module} is not installed (pip install -e '.[dev]')"
    if not shutil.which(CHROMIUM):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = skip_reason()
    if reason is None:
        return
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.skip(reason=reason))


def _serve(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    yield from _serve(app)


@pytest.fixture(scope="session")
def bare_live_server(app: Flask, settings: Settings) -> Iterator[str]:
    """The app built without any outer package, on the same database."""
    bare = create_app(settings, plugins=())
    bare.config["TESTING"] = True
    yield from _serve(bare)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def new_page(browser: Any, live_server: str) -> Iterator[Callable[[], Any]]:
    contexts = []

    def make(base_url: str | None = None, **options: Any) -> Any:
        context = browser.new_context(base_url=base_url or live_server, locale="nl-NL", **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        problems = PROBLEMS.setdefault(id(page), [])
        page.on(
            "console",
            lambda message: (
                problems.append(message.text)
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on(
            "response",
            lambda response: (
                problems.append(f"{response.status} from {response.url}")
                if response.status == 404 and not response.url.endswith("/favicon.ico")
                else None
            ),
        )
        return page

    yield make
    for context in contexts:
        for page in context.pages:
            PROBLEMS.pop(id(page), None)
        context.close()


@pytest.fixture()
def user(app: Flask) -> Callable[[str], str]:
    def make(role: str) -> str:
        name = f"{role}-{uuid.uuid4().hex[:6]}"
        with app.app_context():
            create_user(
                name,
                role,
                display_name=f"Test {role}",
                team="KCC",
                password_hash=hash_password(PASSWORD),
            )
            db.commit()
            db.remove()
        return name

    return make


def sign_in(page: Any, name: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Gebruikersnaam").fill(name)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def check_page(page: Any, name: str) -> None:
    """Save a screenshot; fail on serious or critical axe-core violations, on anything the
    Content-Security-Policy blocked, on script errors and on anything the page asked for that
    is not there (404)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    problems = PROBLEMS.get(id(page), [])
    assert not problems, f"{name}: {problems}"
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]
    assert not bad, f"axe-core on {name}: {bad}"


@pytest.fixture()
def fake_twilio(app: Flask) -> Iterator[Any]:
    from channels.config import EXTENSION
    from tests.fakes.twilio_server import FakeTwilio

    fake = FakeTwilio(hang_seconds=1.5).start()
    settings, channels = app.config["KCC_SETTINGS"], app.extensions[EXTENSION]
    app.config["KCC_SETTINGS"] = dataclasses.replace(settings, twilio_api_base_url=fake.base_url)
    try:
        yield fake
    finally:
        app.config["KCC_SETTINGS"] = settings
        app.extensions[EXTENSION] = channels
        fake.stop()


def act(page: Any, button: str, within: Any = None) -> None:
    """Click an action (in ``within``, a part of the page, if given) whose success reloads
    the page, and wait for that reload: a click on the old page while it is being replaced
    would be lost (the live stream may already show the change before the reload comes)."""
    with page.expect_navigation(timeout=10_000):
        (within or page).get_by_role("button", name=button).click()
    page.wait_for_load_state()
