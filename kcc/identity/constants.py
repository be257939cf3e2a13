"""Stored statuses of merges and their moves."""

from __future__ import annotations

from enum import StrEnum


class MoveOutcome(StrEnum):
    """What a merge did with one referencing row."""

    MOVED = "moved"
    SKIPPED = "skipped"
    CHANGED = "changed"


class UndoOutcome(StrEnum):
    """What undoing a merge did with one recorded move."""

    RESTORED = "restored"
    GONE = "gone"
    CLASH = "clash"


class DuplicateReason(StrEnum):
    """Why two parties are listed as duplicate candidates."""

    BSN = "bsn"
    KVK = "kvk"
    RSIN = "rsin"
    BRANCH_NUMBER = "branch_number"
    PHONE = "phone"
    EMAIL = "email"
