"""Every table with data about a party is declared by a privacy section, and every section's
tables exist: walked over the whole app's schema with every package loaded."""

from __future__ import annotations

import re
from collections import deque

import pytest
from flask import Flask
from sqlalchemy import Table

from kcc.db import Base
from kcc.rights.sections import (
    PrivacySection,
    covered_tables,
    not_party_data,
    privacy_sections,
    register_privacy_section,
)

# Columns that hold a party's id, address or identity as a value, without a foreign key.
VALUE_COLUMN = re.compile(
    r"(^|_)(address|bsn|iban|phone|email|sender|recipient|subject_lookup|party|party_uuid)(_|$)"
)
# Tables that hold a party's public id inside a text or JSON value (found by reading them).
BY_VALUE = {
    "outbox": "payload: domain events name the party's public id",
    "idempotency_records": "body: the stored first answer to a POST about a party",
    "processing_log": "subject_lookup: the keyed hash of the party's public id",
}


def _neighbours(table: Table) -> set[str]:
    """Tables this one points at and tables pointing at it (a link table joins both ways)."""
    out = {fk.column.table.name for fk in table.foreign_keys}
    out |= {
        other.name
        for other in Base.metadata.tables.values()
        if any(fk.column.table is table for fk in other.foreign_keys)
    }
    return out - {table.name}


def party_tables() -> dict[str, str]:
    """Each table that refers to a party, with the path that proves it."""
    stop = set(not_party_data())
    found = {"parties": "parties"}
    queue = deque(["parties"])
    while queue:
        name = queue.popleft()
        if name in stop:
            continue  # declared as holding no resident data: do not walk on through it
        for other in sorted(_neighbours(Base.metadata.tables[name])):
            if other not in found:
                found[other] = f"{found[name]} - {other}"
                queue.append(other)
    for table in Base.metadata.tables.values():
        for column in table.columns:
            if VALUE_COLUMN.search(column.name) and table.name not in found:
                found[table.name] = f"{table.name}.{column.name} (a value)"
    for name, why in BY_VALUE.items():
        found.setdefault(name, f"{name}.{why}")
    return found


def test_every_table_about_a_party_is_declared(app: Flask) -> None:
    covered = covered_tables()
    missing = {name: path for name, path in party_tables().items() if name not in covered}
    assert not missing, "tables with party data that no privacy section declares: " + "; ".join(
        f"{name} (reached by {path})" for name, path in sorted(missing.items())
    )


def test_the_walk_reaches_tables_through_others(app: Flask) -> None:
    """The walk is what the first test relies on: it must find the indirect tables too."""
    found = party_tables()
    for name in ("channel_attachments", "contact_attachments", "journey_steps", "task_actors"):
        assert name in found, name
    assert found["channel_attachments"].count(" - ") >= 3  # through messages and conversations
    assert "sms_opt_outs" in found and "outbox" in found
    assert "journeys" not in found  # behind journey_versions, declared as definitions only
    assert "web_sessions" not in found  # behind users, declared as staff data


def test_every_declared_table_exists(app: Flask) -> None:
    tables = set(Base.metadata.tables)
    unknown = {name: owner for name, owner in covered_tables().items() if name not in tables}
    assert not unknown, f"privacy sections name tables that do not exist: {unknown}"
    assert all(entry.why for entry in not_party_data().values())


def test_every_section_exports_and_erases_or_says_why(app: Flask) -> None:
    for section in privacy_sections():
        assert section.export is not None or section.exported_in, section.name
        assert (section.erase is not None and section.count is not None) or section.kept_because


def test_a_section_that_says_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="must say why it keeps"):
        PrivacySection("silent", ("t",), export=lambda _parties: [])
    with pytest.raises(ValueError, match="must count"):
        PrivacySection("blind", ("t",), export=lambda _parties: [], erase=lambda _parties: 0)
    with pytest.raises(ValueError, match="either an export"):
        PrivacySection("hidden", ("t",), kept_because="kept")


def test_a_table_belongs_to_one_section(app: Flask) -> None:
    with pytest.raises(ValueError, match="bank_accounts is already declared"):
        register_privacy_section(
            PrivacySection(
                "second_owner", ("bank_accounts",), export=lambda _p: [], kept_because="kept"
            )
        )
    assert "second_owner" not in {s.name for s in privacy_sections()}
