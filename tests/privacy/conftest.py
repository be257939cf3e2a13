"""Fixtures for the privacy tests: the journeys', channels' and suggestions' residents and fakes."""

from tests.channels.conftest import channel_settings, fake_twilio, text_in  # noqa: F401  (fixtures)
from tests.journeys.conftest import make_resident, small  # noqa: F401  (fixtures)
from tests.suggestions.conftest import make_person  # noqa: F401  (fixtures)
