"""KCC core: parties, contact moments, tasks, the customer view, the processing log and events."""

from kcc.app import create_app

__all__ = ["create_app"]
