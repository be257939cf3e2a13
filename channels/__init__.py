"""Channels: wired into the app by kcc.app.create_app."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this package's routes, subscribers and customer-view sections."""
