"""The processing-log page in people's words, with filters by user, party and activity."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Caller
from tests.web.conftest import Browser

NO_RECORDS = "Geen regels."


def _resident(agent: Caller, surname: str, bsn: str) -> str:
    made = agent.post("/api/v1/parties", json={"type": "person", "surname": surname, "bsn": bsn})
    assert made.status_code == 201, made.json
    return str(made.json["id"])


def test_rows_name_the_user_the_party_and_the_activity(
    sign_in: Callable[..., Browser], make_caller
) -> None:
    agent = make_caller("agent", name="s.devries")
    jansen = _resident(agent, "Jansen", "111222333")
    _resident(agent, "Pietersen", "123456782")
    agent.get(f"/api/v1/parties/{jansen}/view")
    browser = sign_in("supervisor")

    page = browser.client.get(f"/dashboard/processing-log?user={agent.user_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "s.devries" in html and "Jansen" in html and "Pietersen" in html
    assert "<td>klantcontact</td>" in html
    assert agent.user_id.hex[:8] not in html.replace(str(agent.user_id), "")

    by_bsn = browser.client.get("/dashboard/processing-log?q=111222333").get_data(as_text=True)
    assert "Jansen" in by_bsn and "Pietersen" not in by_bsn
    by_name = browser.client.get("/dashboard/processing-log?q=Pietersen").get_data(as_text=True)
    assert "Pietersen" in by_name and ">Jansen<" not in by_name
    nobody = browser.client.get("/dashboard/processing-log?q=Nergensmans").get_data(as_text=True)
    assert "Geen inwoner of bedrijf gevonden" in nobody

    contact = browser.client.get(
        "/dashboard/processing-log?activity=kcc.customer-contact&action=read"
    ).get_data(as_text=True)
    assert "Jansen" in contact
    access = browser.client.get("/dashboard/processing-log?activity=kcc.subject-access")
    assert NO_RECORDS in access.get_data(as_text=True)


def test_the_log_page_is_for_supervision(sign_in: Callable[..., Browser]) -> None:
    assert sign_in("agent").client.get("/dashboard/processing-log").status_code == 403
