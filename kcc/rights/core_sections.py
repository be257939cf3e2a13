"""The core's privacy sections: every core table with data about a party, and how it is handled."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select

from kcc.consent.models import ConsentRecord
from kcc.consent.sections import consents_export
from kcc.db import db
from kcc.identity.models import MergeRecord
from kcc.parties.models import Party
from kcc.privacy.models import ProcessingRecord
from kcc.privacy.services import subject_lookup
from kcc.rights import core_erasure as ce
from kcc.rights import export
from kcc.rights.retention import Category
from kcc.rights.retention_models import ErasureRequest
from kcc.rights.sections import PrivacySection, declare_not_party_data, register_privacy_section

RETENTION_LOG = "removed by the retention run"


def _consents(parties: list[Party]) -> int:
    query = select(func.count()).where(ConsentRecord.party_id.in_([p.id for p in parties]))
    return int(db.session().scalar(query.select_from(ConsentRecord)) or 0)


def _log(parties: list[Party]) -> int:
    lookups = [subject_lookup(p.uuid) for p in parties]
    query = select(func.count()).select_from(ProcessingRecord)
    return int(db.session().scalar(query.where(ProcessingRecord.subject_lookup.in_(lookups))) or 0)


def merges_export(parties: list[Party]) -> list[dict[str, Any]]:
    """Every merge the parties took part in: which party went into which, when and why."""
    ids = [p.id for p in parties]
    uuids = {p.id: str(p.uuid) for p in parties}
    rows = db.session().scalars(
        select(MergeRecord)
        .where(or_(MergeRecord.survivor_id.in_(ids), MergeRecord.duplicate_id.in_(ids)))
        .order_by(MergeRecord.id)
    )
    return [
        {
            "survivor": uuids.get(m.survivor_id),
            "duplicate": uuids.get(m.duplicate_id),
            "reason": m.reason,
            "merged_at": m.merged_at.isoformat(),
            "undone_at": m.undone_at.isoformat() if m.undone_at else None,
        }
        for m in rows
    ]


def _erasures(parties: list[Party]) -> Any:
    lookups = [subject_lookup(p.uuid) for p in parties]
    return select(ErasureRequest).where(ErasureRequest.subject_lookup.in_(lookups))


def erasures_export(parties: list[Party]) -> list[dict[str, Any]]:
    """Every erasure of the parties on request: when, why, and whether it was complete."""
    rows = db.session().scalars(_erasures(parties).order_by(ErasureRequest.id))
    return [
        {"at": r.erased_at.isoformat(), "reason": r.reason, "complete": r.complete} for r in rows
    ]


def _count_erasures(parties: list[Party]) -> int:
    query = select(func.count()).select_from(_erasures(parties).subquery())
    return int(db.session().scalar(query) or 0)


def _expired_erasures(cutoff: datetime) -> Any:
    return select(ErasureRequest.id, ErasureRequest.erased_at, ErasureRequest.complete).where(
        ErasureRequest.erased_at < cutoff
    )


# Kept as long as the processing log it belongs to (5 years, art. 3:310 BW).
ERASURES = Category(
    "erasure_requests",
    1825,
    _expired_erasures,
    lambda ids: db.session().execute(delete(ErasureRequest).where(ErasureRequest.id.in_(ids))),
)


def register_core_sections() -> None:
    """Declare the core's tables to export, erasure and retention."""
    for section in (
        PrivacySection(
            "contact_moments",
            ("contact_moments", "involvements", "subject_objects"),
            export=export.contact_moments_export,
            erase=ce.erase_moments,
            count=ce.count_moments,
            order=10,
        ),
        PrivacySection(
            "tasks",
            ("tasks", "task_comments"),
            export=export.tasks_export,
            erase=ce.erase_tasks,
            count=ce.count_tasks,
            kept_because="an open task is a legal hold until it is closed",
            kept=ce.kept_tasks,
            order=20,
        ),
        PrivacySection(
            "addresses",
            ("digital_addresses",),
            export=export.addresses_export,
            erase=ce.erase_addresses,
            count=ce.count_addresses,
            order=800,
        ),
        PrivacySection(
            "bank_accounts",
            ("bank_accounts",),
            export=export.bank_accounts_export,
            erase=ce.erase_bank_accounts,
            count=ce.count_bank_accounts,
            order=850,
        ),
        PrivacySection(
            "identity",
            ("parties", "party_identifiers"),
            export=export.identity_export,
            erase=ce.erase_identity,
            count=ce.count_identity,
            kept_because="the party's record stays without personal data",
            kept=ce.kept_identity,
            order=900,
        ),
        PrivacySection(
            "merges",
            ("merge_records", "merge_moves"),
            export=merges_export,
            erase=ce.erase_merges,
            count=ce.count_merges,
            kept_because="which party was merged into which, without the reason, so that the "
            "anonymous records of one resident still hang together",
            count_kept=ce.count_kept_merges,
        ),
        PrivacySection(
            "events",
            ("outbox", "idempotency_records"),
            # Copies of what the other sections export; scanning every event for an export
            # would cost more than it shows.
            exported_in="the sections whose changes they announce or answered",
            erase=ce.erase_events,
            count=ce.count_events,
            kept_because="an event that not every subscriber has handled yet is still being "
            "delivered; ask again to remove it once handled",
            count_kept=ce.count_pending_events,
            kept_what="domain events not yet handled",
        ),
        PrivacySection(
            "consents",
            ("consent_records",),
            export=consents_export,
            kept_because="proof of what the resident agreed to and withdrew (art. 7(1) AVG); "
            + RETENTION_LOG,
            count_kept=_consents,
        ),
        PrivacySection(
            "processing_log",
            ("processing_log",),
            export=export.processing_log_export,
            kept_because="accountability for every processing (art. 5(2) and 30 AVG); "
            + RETENTION_LOG,
            count_kept=_log,
        ),
        PrivacySection(
            "erasures",
            ("erasure_requests",),
            export=erasures_export,
            kept_because="accountability: that the party was erased on request, when and why "
            "(art. 5(2) AVG); " + RETENTION_LOG,
            count_kept=_count_erasures,
            retention=(ERASURES,),
        ),
    ):
        register_privacy_section(section)
    for table in ("departments", "teams"):
        declare_not_party_data(
            table, "the municipality's directory: functional mailboxes, not residents' data"
        )
    declare_not_party_data(
        "staff_mails",
        "notices to staff mailboxes that work was routed to them: the task's number and a "
        "link, never the resident's data",
    )
    declare_not_party_data(
        "users",
        "staff accounts: data about employees, not residents (the municipality's staff terms)",
    )
