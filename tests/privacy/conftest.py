"""Fixtures for the privacy tests: the journeys' documents and residents."""

from tests.journeys.conftest import make_resident, small  # noqa: F401  (fixtures)
