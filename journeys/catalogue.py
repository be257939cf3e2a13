"""The service catalogue: the services a journey's suggestions may name."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

CATALOGUE_PATH = Path(__file__).with_name("catalogue.yaml")


@cache
def services() -> dict[str, dict[str, Any]]:
    """Every service in the catalogue by key."""
    entries = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))["services"]
    return {entry["key"]: entry for entry in entries}


def service(key: str) -> dict[str, Any] | None:
    return services().get(key)
