"""Request and response shapes for duplicate candidates and merges."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from kcc.http.schemas import StrictSchema, Timestamp
from kcc.identity.constants import MoveOutcome
from kcc.identity.models import MergeRecord
from kcc.parties.schemas import PartySchema


class DuplicateSchema(ma.Schema):
    parties = ma.fields.List(
        ma.fields.Nested(PartySchema), metadata={"description": "The two parties, older first."}
    )
    reasons = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "What they share: bsn, kvk, rsin, branch_number, phone, email."},
    )


class MergeInSchema(StrictSchema):
    duplicate_id = ma.fields.UUID(
        required=True, metadata={"description": "The party merged away into the survivor."}
    )
    reason = ma.fields.String(
        required=True,
        validate=validate.Length(1, 1000),
        metadata={"description": "Why the two are one party."},
    )


class MergeMoveSchema(ma.Schema):
    table = ma.fields.String(attribute="table_name")
    column = ma.fields.String(attribute="column_name")
    row = ma.fields.Dict(attribute="row_key", metadata={"description": "The row's primary key."})
    old_value = ma.fields.Raw(allow_none=True)
    new_value = ma.fields.Raw(allow_none=True)
    outcome = ma.fields.String(
        metadata={
            "description": "moved, skipped (would clash; stays with the duplicate) "
            "or changed (a flag given up)"
        }
    )
    undo_outcome = ma.fields.String(
        allow_none=True, metadata={"description": "restored, gone or clash, once undone"}
    )


class MergeSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    survivor_id = ma.fields.Method("_survivor")
    duplicate_id = ma.fields.Method("_duplicate")
    reason = ma.fields.String()
    merged_at = Timestamp()
    merged_by = ma.fields.Method("_merged_by", allow_none=True)
    undone_at = Timestamp(allow_none=True)
    undone_by = ma.fields.Method("_undone_by", allow_none=True)
    moved = ma.fields.Method("_moved", metadata={"description": "Rows moved per table.column."})
    skipped = ma.fields.Method(
        "_skipped", metadata={"description": "Rows kept with the duplicate per table.column."}
    )
    moves = ma.fields.List(ma.fields.Nested(MergeMoveSchema))

    def _survivor(self, merge: MergeRecord) -> str:
        return str(merge.survivor.uuid)

    def _duplicate(self, merge: MergeRecord) -> str:
        return str(merge.duplicate.uuid)

    def _merged_by(self, merge: MergeRecord) -> str | None:
        return str(merge.merged_by.uuid) if merge.merged_by else None

    def _undone_by(self, merge: MergeRecord) -> str | None:
        return str(merge.undone_by.uuid) if merge.undone_by else None

    @staticmethod
    def _count(merge: MergeRecord, outcome: str) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for move in merge.moves:
            if move.outcome == outcome:
                name = f"{move.table_name}.{move.column_name}"
                counts[name] = counts.get(name, 0) + 1
        return counts

    def _moved(self, merge: MergeRecord) -> dict[str, Any]:
        return self._count(merge, MoveOutcome.MOVED)

    def _skipped(self, merge: MergeRecord) -> dict[str, Any]:
        return self._count(merge, MoveOutcome.SKIPPED)
