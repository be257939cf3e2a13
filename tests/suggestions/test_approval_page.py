"""The agents' approval queue page: offers across residents that wait for an agent, with names
(never a BSN), labels in the page's language, the plain explanation and how long each waits;
opening it is logged for every resident it shows."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from kcc.db import db
from tests.conftest import Caller
from tests.suggestions.conftest import consented_and_started, offer_for_approval
from tests.web.conftest import Browser, make_user, sign_in  # noqa: F401  (fixtures)


def _reads(app: Flask, party_uuid: object, actor: object) -> list[str]:
    from kcc.privacy.models import ProcessingRecord
    from kcc.privacy.services import subject_lookup

    with app.app_context():
        rows = list(
            db.session().scalars(
                select(ProcessingRecord.operation).where(
                    ProcessingRecord.subject_lookup == subject_lookup(party_uuid),  # type: ignore[arg-type]
                    ProcessingRecord.action == "read",
                    ProcessingRecord.actor_id == str(actor),
                )
            )
        )
        db.remove()
    return rows


def test_the_queue_lists_offers_across_residents_and_logs_the_reading(
    app: Flask,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    run_jobs,
    fake_twilio,
    sign_in: Callable[..., Browser],  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    first, second = make_person(), make_person()
    for person in (first, second):
        consented_and_started(agent, system, person, run_jobs)
    ids = [*offer_for_approval(app, first, 1), *offer_for_approval(app, second, 1)]
    browser = sign_in("agent")
    page = browser.client.get("/approvals")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Aanbiedingen goedkeuren" in html and 'lang="nl"' in html
    assert html.count("Sanne de Vries") >= 2 and "Afvalpas 0" in html
    assert first.bsn not in html and second.bsn not in html
    assert "Goedkeuren en versturen" in html and "Niet versturen" in html
    assert "Waarom deze suggestie?" in html and "De gemeente beslist hier niets mee." in html
    for suggestion_id in ids:
        assert f"/api/v1/suggestions/{suggestion_id}/approve" in html
        assert f"/api/v1/suggestions/{suggestion_id}/withhold" in html
    # The journey and the service by their titles, not their keys.
    assert "waste-pass" not in html and "Klein" in html  # titles, not keys
    assert 'href="/approvals"' in html  # in the main menu
    for person in (first, second):
        assert _reads(app, person.uuid, browser.user_id) != []

    english = browser.client.get("/approvals?lang=en").get_data(as_text=True)
    assert "Offers to approve" in english and "Approve and send" in english

    # After approving one and withholding the other through the API, the queue is empty.
    assert browser.api("POST", f"/api/v1/suggestions/{ids[0]}/approve").status_code == 200  # type: ignore[attr-defined]
    assert browser.api("POST", f"/api/v1/suggestions/{ids[1]}/withhold", {}).status_code == 200  # type: ignore[attr-defined]
    empty = browser.client.get("/approvals?lang=nl").get_data(as_text=True)
    assert "Er wachten geen aanbiedingen op goedkeuring." in empty


def test_the_queue_pages_oldest_first_and_refuses_a_made_up_cursor(
    app: Flask,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    run_jobs,
    fake_twilio,
    sign_in: Callable[..., Browser],  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    from journeys.web import approvals

    person = make_person()
    consented_and_started(agent, system, person, run_jobs)
    ids = offer_for_approval(app, person, approvals.PAGE_SIZE + 2)
    browser = sign_in("agent")
    html = browser.client.get("/approvals").get_data(as_text=True)
    assert str(ids[0]) in html and str(ids[-1]) not in html
    assert "Volgende pagina" in html
    start = html.index("/approvals?cursor=")
    next_url = html[start : html.index('"', start)].replace("&amp;", "&")
    rest = browser.client.get(next_url).get_data(as_text=True)
    assert str(ids[-1]) in rest and str(ids[0]) not in rest and "Terug naar de oudste" in rest
    assert browser.client.get("/approvals?cursor=bm9wZQ").status_code == 422


def test_only_agents_supervisors_and_admins_open_the_queue(
    app: Flask,
    sign_in: Callable[..., Browser],  # noqa: F811
    client,
) -> None:  # type: ignore[no-untyped-def]
    assert sign_in("process_owner").client.get("/approvals").status_code == 403
    assert sign_in("supervisor").client.get("/approvals").status_code == 200
    assert sign_in("admin").client.get("/approvals").status_code == 200
    signed_out = client.get("/approvals")
    assert signed_out.status_code == 302 and "/sign-in" in signed_out.headers["Location"]
