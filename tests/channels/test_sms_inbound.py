"""Inbound SMS: signed webhooks land in a conversation of the right resident, exactly once."""

from __future__ import annotations

from channels.models import ChannelMessage, Conversation, SmsOptOut
from kcc.contacts.models import ContactMoment
from kcc.parties.models import Party
from tests.channels.conftest import PUBLIC, SMS_PATH, count
from tests.fakes.twilio_server import deliver_signed, flask_poster


def test_text_from_known_resident_lands_in_open_conversation(app, agent, text_in, run_jobs):
    party = agent.post(
        "/api/v1/parties",
        json={
            "type": "person",
            "surname": "Jansen",
            "digital_addresses": [{"kind": "phone", "address": "06 12345678"}],
        },
    ).json
    response = text_in("+31612345678", "Wanneer wordt het grofvuil opgehaald?")
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert b"<Response></Response>" in response.data
    run_jobs()

    listed = agent.get("/api/v1/conversations?channel=sms&assigned=unassigned").json
    assert len(listed["items"]) == 1
    conversation = listed["items"][0]
    assert conversation["party_id"] == party["id"]
    assert conversation["status"] == "open"

    view = agent.get(f"/api/v1/parties/{party['id']}/view").json
    assert (
        view["conversations"][0]["messages"][0]["body"] == "Wanneer wordt het grofvuil opgehaald?"
    )
    moments = view["contact_moments"]["items"]
    assert [m["channel"] for m in moments] == ["sms"]

    text_in("+31612345678", "En kan ik ook een afspraak maken?")
    run_jobs()
    detail = agent.get(f"/api/v1/conversations/{conversation['id']}").json
    assert [m["body"] for m in detail["messages"]] == [
        "Wanneer wordt het grofvuil opgehaald?",
        "En kan ik ook een afspraak maken?",
    ]
    assert count(app, ContactMoment) == 1
    view = agent.get(f"/api/v1/parties/{party['id']}/view").json
    assert "afspraak" in view["contact_moments"]["items"][0]["text"]


def test_unknown_number_creates_unidentified_party(app, agent, text_in, run_jobs):
    text_in("+31687654321", "Hallo")
    run_jobs()
    found = agent.get("/api/v1/parties?phone=0687654321").json["items"]
    assert len(found) == 1
    conversation = agent.get("/api/v1/conversations").json["items"][0]
    assert conversation["party_id"] == found[0]["id"]


def test_quiet_period_starts_new_conversation(app, agent, text_in, run_jobs, channel_settings):
    text_in("+31612345678", "Eerste vraag")
    run_jobs()
    channel_settings(quiet_period_minutes=0)
    text_in("+31612345678", "Veel later")
    run_jobs()
    assert count(app, Conversation) == 2


def test_retries_of_one_message_store_it_once(app, client, agent, fake_twilio, run_jobs):
    form = fake_twilio.inbound_form("+31612345678", "Dubbel?")
    first = deliver_signed(fake_twilio, flask_poster(client), PUBLIC, SMS_PATH, form)
    again = [
        deliver_signed(fake_twilio, flask_poster(client), PUBLIC, SMS_PATH, form) for _ in range(4)
    ]
    run_jobs()
    assert all(r.status_code == first.status_code and r.data == first.data for r in again)
    assert count(app, ChannelMessage) == 1
    assert count(app, Conversation) == 1
    assert count(app, Party) == 1


def test_media_kept_as_references(app, agent, text_in, run_jobs):
    text_in(
        "whatsapp:+31612345678",
        "Foto van de lantaarnpaal",
        NumMedia="1",
        MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
        MediaContentType0="image/jpeg",
    )
    run_jobs()
    conversation = agent.get("/api/v1/conversations").json["items"][0]
    assert conversation["address"] == "whatsapp:+31612345678"
    message = agent.get(f"/api/v1/conversations/{conversation['id']}").json["messages"][0]
    assert message["media"] == [
        {
            "url": "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
            "content_type": "image/jpeg",
        }
    ]


def test_bad_signatures_are_refused_and_store_nothing(app, client, fake_twilio):
    form = fake_twilio.inbound_form("+31612345678", "Vals")
    post = flask_poster(client)
    missing = post(SMS_PATH, form, {})
    forged = post(SMS_PATH, form, {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"})
    other_url = post(
        SMS_PATH, form, {"X-Twilio-Signature": fake_twilio.sign(PUBLIC + "/elsewhere", form)}
    )
    tampered = dict(form, Body="Iets anders")
    changed = post(
        SMS_PATH, tampered, {"X-Twilio-Signature": fake_twilio.sign(PUBLIC + SMS_PATH, form)}
    )
    for response in (missing, forged, other_url, changed):
        assert response.status_code == 403
        assert response.mimetype == "application/problem+json"
        assert response.json["detail"]
    assert count(app, ChannelMessage) == 0


def test_signed_malformed_body_is_422(app, client, fake_twilio):
    form = {"Body": "geen sid"}
    response = deliver_signed(fake_twilio, flask_poster(client), PUBLIC, SMS_PATH, form)
    assert response.status_code == 422
    assert count(app, ChannelMessage) == 0


def test_stop_and_start_keywords(app, agent, text_in, run_jobs):
    text_in("+31612345678", "Stop")
    run_jobs()
    assert count(app, SmsOptOut, SmsOptOut.opted_out_at.is_not(None)) == 1
    conversation = agent.get("/api/v1/conversations").json["items"][0]
    refused = agent.post(
        f"/api/v1/conversations/{conversation['id']}/messages", json={"body": "Hallo?"}
    )
    assert refused.status_code == 409
    assert "STOP" in refused.json["detail"]
    assert count(app, ChannelMessage) == 1

    text_in("+31612345678", "AANMELDEN")
    run_jobs()
    assert count(app, SmsOptOut, SmsOptOut.opted_out_at.is_not(None)) == 0


def test_dutch_afmelden_and_opt_out_type(app, text_in, run_jobs):
    text_in("+31611111111", "afmelden")
    text_in("+31622222222", "doe maar niet meer", OptOutType="STOP")
    run_jobs()
    assert count(app, SmsOptOut, SmsOptOut.opted_out_at.is_not(None)) == 2


def test_help_answers_in_the_residents_language(app, agent, text_in, fake_twilio, run_jobs):
    agent.post(
        "/api/v1/parties",
        json={
            "type": "person",
            "surname": "Smith",
            "preferred_language": "en",
            "digital_addresses": [{"kind": "phone", "address": "+31612345678"}],
        },
    )
    text_in("+31612345678", "HELP")
    run_jobs()
    run_jobs()
    sent = fake_twilio.sent()
    assert len(sent) == 1
    assert sent[0].to == "+31612345678"
    assert "Reply STOP" in sent[0].body
