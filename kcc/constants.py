"""Stored statuses and choices, as StrEnums in one place."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    PROCESS_OWNER = "process_owner"
    ADMIN = "admin"
    SYSTEM = "system"


class PartyType(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"
    CONTACT_PERSON = "contact_person"


class IdentifierKind(StrEnum):
    """Maps onto Klantinteracties codeSoortObjectId."""

    BSN = "bsn"
    KVK = "kvk"
    RSIN = "rsin"
    BRANCH_NUMBER = "branch_number"


class AddressKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    OTHER = "other"


class Channel(StrEnum):
    COUNTER = "counter"
    PHONE = "phone"
    WEB = "web"
    CHAT = "chat"
    SMS = "sms"
    EMAIL = "email"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class InvolvementRole(StrEnum):
    RESIDENT = "resident"
    REPRESENTATIVE = "representative"


class Outcome(StrEnum):
    ANSWERED = "answered"
    FORWARDED = "forwarded"
    CALLBACK_REQUESTED = "callback_requested"
    TASK_CREATED = "task_created"
    NOT_REACHED = "not_reached"
    IN_PROGRESS = "in_progress"
    NO_ANSWER_NEEDED = "no_answer_needed"


class Language(StrEnum):
    NL = "nl"
    EN = "en"
    DE = "de"
    FR = "fr"
    PL = "pl"
    TR = "tr"
    AR = "ar"
    UK = "uk"


class TaskKind(StrEnum):
    CALLBACK = "callback"
    FOLLOW_UP = "follow_up"
    COMPLAINT = "complaint"
    OBJECTION = "objection"


class TaskStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


OPEN_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


class Action(StrEnum):
    """What a processing-log record says was done with personal data."""

    CREATE = "create"
    READ = "read"
    UPDATE = "update"
    DELETE = "delete"
    SEARCH = "search"
    EXPORT = "export"
