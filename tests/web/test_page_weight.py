"""No page weighs more than 300 kB before caching: its HTML plus the CSS and JS it loads."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient

from tests.web.conftest import Browser

LIMIT = 300 * 1024
ASSET = re.compile(r'(?:src|href)="(/static/[^"]+)"')


def _weight(client: FlaskClient, path: str) -> int:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    html = response.get_data(as_text=True)
    assets = sorted(set(ASSET.findall(html)))
    assert assets, f"{path} loads no stylesheet or script?"
    total = len(response.get_data())
    for asset in assets:
        loaded = client.get(asset)
        assert loaded.status_code == 200, asset
        total += len(loaded.get_data())
    return total


def test_every_page_stays_under_300_kb(sign_in: Callable[..., Browser]) -> None:
    agent = sign_in("agent")
    party = agent.api(
        "POST", "/api/v1/parties", {"type": "person", "surname": "Jansen", "bsn": "111222333"}
    ).get_json()["id"]  # type: ignore[attr-defined]
    for i in range(30):
        body = {
            "channel": ("phone", "sms", "email", "counter", "chat", "web")[i % 6],
            "subject": f"Vraag {i}",
            "text": "Een lange uitleg van wat er gevraagd en geantwoord is. " * 20,
            "parties": [{"party_id": party, "role": "resident"}],
        }
        assert agent.api("POST", "/api/v1/contact-moments", body).status_code == 201  # type: ignore[attr-defined]
    supervisor = sign_in("supervisor")
    owner = sign_in("process_owner")
    pages = [
        (agent.client, "/sign-in"),
        (agent.client, "/chat"),
        (agent.client, "/agent?q=Jansen"),
        (agent.client, f"/parties/{party}"),
        (agent.client, "/account/password"),
        (owner.client, "/studio"),
        (supervisor.client, "/dashboard"),
        (supervisor.client, "/dashboard/processing-log"),
    ]
    weights = {path: _weight(client, path) for client, path in pages}
    over = {path: size for path, size in weights.items() if size > LIMIT}
    assert not over, over
    assert weights[f"/parties/{party}"] > 20 * 1024  # the timeline is really there
