"""The contact-moment-recorded event stores the payload every domain event would."""

from __future__ import annotations

from kcc.contacts.events import ContactMomentRecorded
from kcc.events.base import DomainEvent


def test_its_payload_is_the_generic_one_and_shares_no_list():
    for agent in ("b6f1d7a2-3c4e-4f5a-8b9c-0d1e2f3a4b5c", None):
        event = ContactMomentRecorded(
            contact_moment_id="3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c",
            channel="phone",
            direction="inbound",
            subject="Paspoort",
            party_ids=["a", "b"],
            objects=[{"type": "case", "id": "Z-1"}],
            agent_id=agent,
        )
        payload = event.to_payload()
        assert payload == DomainEvent.to_payload(event)
        assert list(payload) == list(DomainEvent.to_payload(event))
        assert payload["party_ids"] is not event.party_ids
        assert payload["objects"][0] is not event.objects[0]
