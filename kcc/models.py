"""Imports every core model so that the metadata is complete (Alembic, tests)."""

from kcc.auth.models import ApiToken, User
from kcc.consent.models import ConsentRecord
from kcc.contacts.models import ContactMoment, Involvement, SubjectObject
from kcc.db import Base
from kcc.directory.models import Department, Team
from kcc.events.models import EventDelivery, OutboxEvent
from kcc.http.models import IdempotencyRecord
from kcc.identity.models import MergeMove, MergeRecord  # noqa: F401  (merge records)
from kcc.knowledge.models import Answer, AnswerTopic, AnswerVersion
from kcc.parties.models import DigitalAddress, Party, PartyIdentifier
from kcc.privacy.models import ProcessingRecord
from kcc.rights.retention_models import RetentionCount, RetentionRun
from kcc.tasks.models import StaffMail, Task, TaskComment
from kcc.topics.models import ContactMomentTopic, Topic

__all__ = [
    "Answer",
    "AnswerTopic",
    "AnswerVersion",
    "ApiToken",
    "Base",
    "ConsentRecord",
    "ContactMoment",
    "ContactMomentTopic",
    "Department",
    "DigitalAddress",
    "EventDelivery",
    "IdempotencyRecord",
    "Involvement",
    "OutboxEvent",
    "Party",
    "PartyIdentifier",
    "ProcessingRecord",
    "RetentionCount",
    "RetentionRun",
    "StaffMail",
    "SubjectObject",
    "Task",
    "TaskComment",
    "Team",
    "Topic",
    "User",
]
