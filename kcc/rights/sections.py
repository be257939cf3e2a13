"""Privacy sections: for every table with personal data, how it is exported, erased or kept.

A package that holds data about parties declares it here once, from its ``init_app``, with
``register_privacy_section``. The subject access export, erasure and retention ask every
section, so a table that a section names cannot be forgotten by any of them; a test walks
the schema and fails for a table that refers to a party and that no section names.

A section either erases (``erase`` with ``count``: how many rows erasure would remove now,
asked again afterwards to prove nothing erasable is left) or keeps its rows on purpose
(``kept_because``). ``held`` names rows it keeps *for now* (an open statutory task): the
erasure is then not complete and must be asked again later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kcc.parties.models import Party
    from kcc.rights.retention import Category

Parties = list["Party"]
ExportProvider = Callable[[Parties], list[dict[str, Any]]]
Eraser = Callable[[Parties], int]
Counter = Callable[[Parties], int]
KeptReporter = Callable[[Parties], list[dict[str, Any]]]


@dataclass(frozen=True)
class PrivacySection:
    """How one package's data about parties is exported, erased, kept and retained.

    Args:
        name: The key of the section in the export and in the erasure answer.
        tables: Every table whose rows this section exports and erases (or keeps).
        export: The section's part of the subject access export; ``None`` when its rows are
            exported inside another section, named by ``exported_in``.
        exported_in: Where the export shows these rows' content instead: the section that
            holds them, or the sections whose facts they copy.
        erase: Removes what may be removed about the parties; returns how many rows.
        count: How many rows erasure would remove now; zero once erasure has run.
        kept_because: Why rows stay after erasure (all of them when there is no ``erase``).
        kept: What stays and why, for the erasure answer (default: ``count_kept`` rows with
            ``kept_because``).
        count_kept: How many rows about the parties stay, for the default ``kept``.
        kept_what: What those rows are, in words (default: the tables' names).
        retention: The categories of the retention run for these tables.
        order: Erasure runs sections by ascending order (then name); the core's identity last.
    """

    name: str
    tables: tuple[str, ...]
    export: ExportProvider | None = None
    exported_in: str | None = None
    erase: Eraser | None = None
    count: Counter | None = None
    kept_because: str | None = None
    kept: KeptReporter | None = None
    count_kept: Counter | None = None
    kept_what: str | None = None
    retention: tuple[Category, ...] = field(default=())
    order: int = 100

    def __post_init__(self) -> None:
        if not self.tables:
            raise ValueError(f"privacy section {self.name!r} names no table")
        if (self.export is None) == (self.exported_in is None):
            raise ValueError(
                f"privacy section {self.name!r} needs either an export or the section it is exported in"
            )
        if self.erase is not None and self.count is None:
            raise ValueError(
                f"privacy section {self.name!r} erases, so it must count what erasure would remove"
            )
        if self.erase is None and not self.kept_because:
            raise ValueError(
                f"privacy section {self.name!r} erases nothing, so it must say why it keeps its rows"
            )

    def kept_rows(self, parties: Parties) -> list[dict[str, Any]]:
        """What this section keeps about the parties after erasure, with the reason."""
        if self.kept is not None:
            return [{"section": self.name, "held": False, **k} for k in self.kept(parties)]
        if self.count_kept is None or not self.kept_because:
            return []
        n = self.count_kept(parties)
        if not n:
            return []
        return [
            {
                "section": self.name,
                "what": self.kept_what or ", ".join(self.tables).replace("_", " "),
                "count": n,
                "why": self.kept_because,
                "held": False,
            }
        ]


@dataclass(frozen=True)
class NotPartyData:
    """A table that refers to parties' tables but holds no data about a resident, and why."""

    table: str
    why: str


_sections: dict[str, PrivacySection] = {}
_not_party_data: dict[str, NotPartyData] = {}


def register_privacy_section(section: PrivacySection) -> None:
    """Declare one section; a table may belong to one section only.

    Raises:
        ValueError: The name or one of the tables is already declared by another section.
    """
    previous = _sections.get(section.name)
    owners = {t: s.name for s in _sections.values() if s is not previous for t in s.tables}
    taken = [t for t in section.tables if t in owners or t in _not_party_data]
    if taken:
        raise ValueError(
            f"privacy section {section.name!r}: table {taken[0]} is already declared "
            f"by {owners.get(taken[0], 'a not-party-data entry')!r}"
        )
    _sections[section.name] = section
    if section.retention:
        from kcc.rights.retention import register_retention_category

        for category in section.retention:
            register_retention_category(category)


def declare_not_party_data(table: str, why: str) -> None:
    """Declare a table that the schema links to parties but that holds no resident's data."""
    _not_party_data[table] = NotPartyData(table, why)


def privacy_sections() -> list[PrivacySection]:
    """Every section, in erasure order."""
    return sorted(_sections.values(), key=lambda s: (s.order, s.name))


def section(name: str) -> PrivacySection:
    return _sections[name]


def not_party_data() -> dict[str, NotPartyData]:
    return dict(_not_party_data)


def covered_tables() -> dict[str, str]:
    """Each declared table with the section (or the not-party-data entry) that covers it."""
    found = {t: s.name for s in _sections.values() for t in s.tables}
    found.update({t: "not party data" for t in _not_party_data})
    return found
