"""The processing activities (GDPR register entries) our endpoints and jobs serve."""

from __future__ import annotations

from enum import StrEnum


class Activity(StrEnum):
    """Keys of entries in the municipality's register of processing activities."""

    CUSTOMER_CONTACT = "kcc.customer-contact"
    PARTY_REGISTRATION = "kcc.party-registration"
    TASK_HANDLING = "kcc.task-handling"
    COMPLAINT_HANDLING = "kcc.complaint-handling"
    SUPERVISION = "kcc.supervision"
    SUBJECT_ACCESS = "kcc.subject-access"
    PROACTIVE_SERVICE = "kcc.proactive-service"
    SYSTEM = "kcc.system"


DESCRIPTIONS = {
    Activity.CUSTOMER_CONTACT: "Answering questions of residents and businesses on every channel",
    Activity.PARTY_REGISTRATION: "Keeping the register of parties the contact centre serves",
    Activity.TASK_HANDLING: "Handling callback requests and follow-up work",
    Activity.COMPLAINT_HANDLING: "Handling complaints and objections within their statutory terms",
    Activity.SUPERVISION: "Supervising the contact centre and its processing of personal data",
    Activity.SUBJECT_ACCESS: "Answering subject access requests (GDPR art. 15)",
    Activity.PROACTIVE_SERVICE: "Offering proactive services with the resident's consent",
    Activity.SYSTEM: "Technical processing by the application itself",
}
