"""Which published journeys name a service, so that it is not taken away from under them."""

from __future__ import annotations

from typing import Any


def suggested_services(document: dict[str, Any]) -> set[str]:
    """Every service a journey document's suggestions name."""
    return {
        suggestion["service"]
        for info in (document.get("states") or {}).values()
        for suggestion in (info or {}).get("suggestions") or []
        if suggestion.get("service")
    }


def published_uses(keys: set[str]) -> list[str]:
    """A sentence for each published journey version that suggests one of ``keys``."""
    from journeys.versions import definition_for, published_versions

    uses = []
    for version_id, journey, digest in sorted(published_versions(), key=lambda v: v[1]):
        definition = definition_for(version_id, digest)
        for key in sorted(suggested_services(definition.document) & keys):
            uses.append(f"published journey '{journey}' v{definition.number} suggests '{key}'")
    return uses
