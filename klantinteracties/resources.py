"""One table of routes for every resource: list, create, read, replace, change and delete."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Response, request
from sqlalchemy import Select, select

from kcc.constants import Action
from kcc.db import db
from kcc.errors import NotFound
from kcc.privacy.activities import Activity
from kcc.privacy.services import log_processing
from klantinteracties import batch
from klantinteracties.http import (
    Listing,
    apply_filters,
    blp,
    body,
    expansions,
    guarded,
    json_response,
    paginate,
)

Represent = Callable[[Any, set[str]], dict[str, Any]]
Prefetch = Callable[[list[Any], set[str]], None]
REPRESENTERS: dict[str, Represent] = {}
PREFETCHERS: dict[str, Prefetch] = {}


def represent(path: str, row: Any, expand: set[str] | None = None) -> dict[str, Any]:
    """Another resource's representation (for ``_expand``), without a module import cycle."""
    return REPRESENTERS[path](row, expand or set())


def prefetch(path: str, rows: Iterable[Any], expand: set[str] | None = None) -> None:
    """Load what another resource's representation of ``rows`` (with ``expand``) reads, in a
    fixed number of queries whatever the number of rows."""
    unique = list({id(row): row for row in rows if row is not None}.values())
    if unique:
        PREFETCHERS[path](unique, expand or set())


def sub(expand: set[str], name: str) -> set[str]:
    """The expansions below ``name``: ``{"a.b"}`` under ``a`` is ``{"b"}``."""
    prefix = name + "."
    return {e[len(prefix) :] for e in expand if e.startswith(prefix)}


@dataclass
class Resource:
    """How one Klantinteracties resource maps onto our tables."""

    path: str
    model: Any
    schema: str
    represent: Represent
    create: Callable[[dict[str, Any]], Any]
    update: Callable[[Any, dict[str, Any]], Any]
    delete: Callable[[Any], Response | None]
    query: Callable[[], Select[Any]] | None = None
    listing: Listing = field(default_factory=Listing)
    item_expand: tuple[str, ...] = ()
    parties: Callable[[list[Any]], list[uuid.UUID]] = lambda rows: []
    order: tuple[Any, ...] = ()
    prefetch: Prefetch = lambda rows, expand: None
    core_logs_writes: bool = False  # the core service writes the processing log itself
    read_activity: str = Activity.CUSTOMER_CONTACT
    write_activity: str = Activity.CUSTOMER_CONTACT

    def select(self) -> Select[Any]:
        return self.query() if self.query is not None else select(self.model)

    def load(self, item_uuid: uuid.UUID) -> Any:
        row = db.session().scalar(self.select().where(self.model.uuid == item_uuid))
        if row is None:
            raise NotFound("Niet gevonden.")
        return row

    def reload(self, row: Any) -> Any:
        db.session().flush()
        db.session().expire(row)
        batch.forget()
        return self.load(row.uuid)


def expandable(resource: Resource, data: dict[str, Any]) -> dict[str, Any]:
    """A read of a resource that can expand carries ``_expand``, ``{}`` when nothing was asked
    for (as Open Klant answers)."""
    if resource.listing.expand or resource.item_expand:
        data.setdefault("_expand", {})
    return data


def register(resource: Resource) -> None:
    """Add the resource's five or six routes to the blueprint."""
    name = resource.path.replace("-", "_")
    REPRESENTERS[resource.path] = resource.represent
    PREFETCHERS[resource.path] = resource.prefetch

    @guarded(resource.read_activity)
    def collection_get() -> Response:
        expand = expansions(resource.listing.expand)
        stmt = apply_filters(resource.select(), resource.listing)
        rows, meta = paginate(stmt, resource.order or (resource.model.id,))
        prefetch(resource.path, rows, expand)
        log_processing(resource.parties(rows), Action.SEARCH)
        results = [expandable(resource, resource.represent(row, expand)) for row in rows]
        return json_response({**meta, "results": results})

    @guarded(resource.write_activity)
    def collection_post() -> Response:
        row = resource.create(body(resource.schema))
        row = resource.reload(row)
        if not resource.core_logs_writes:
            log_processing(resource.parties([row]), Action.CREATE)
        return json_response(resource.represent(row, set()), 201)

    @guarded(resource.read_activity)
    def item_get(item_uuid: uuid.UUID) -> Response:
        expand = expansions(resource.item_expand)
        row = resource.load(item_uuid)
        prefetch(resource.path, [row], expand)
        log_processing(resource.parties([row]), Action.READ)
        return json_response(expandable(resource, resource.represent(row, expand)))

    @guarded(resource.write_activity)
    def item_put(item_uuid: uuid.UUID) -> Response:
        row = resource.load(item_uuid)
        merge = resource.represent(row, set()) if request.method == "PATCH" else None
        data = body(resource.schema, merge_onto=merge)
        row = resource.reload(resource.update(row, data))
        if not resource.core_logs_writes:
            log_processing(resource.parties([row]), Action.UPDATE)
        return json_response(resource.represent(row, set()))

    @guarded(resource.write_activity)
    def item_delete(item_uuid: uuid.UUID) -> Response:
        row = resource.load(item_uuid)
        parties = resource.parties([row])
        answer = resource.delete(row)
        db.session().flush()
        log_processing(parties, Action.DELETE)
        return answer if answer is not None else Response(status=204)

    blp.add_url_rule(f"/{resource.path}", f"{name}_list", collection_get, methods=["GET"])
    blp.add_url_rule(f"/{resource.path}", f"{name}_create", collection_post, methods=["POST"])
    item = f"/{resource.path}/<uuid:item_uuid>"
    blp.add_url_rule(item, f"{name}_read", item_get, methods=["GET"])
    blp.add_url_rule(item, f"{name}_update", item_put, methods=["PUT", "PATCH"])
    blp.add_url_rule(item, f"{name}_delete", item_delete, methods=["DELETE"])
