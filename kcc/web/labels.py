"""Words the pages show for stored values (channels, statuses, roles), marked for translation."""

from __future__ import annotations

import json

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from kcc.web.i18n import catalog

LABELS = (
    _l("counter"),
    _l("phone"),
    _l("web"),
    _l("chat"),
    _l("sms"),
    _l("email"),
    _l("other"),
    _l("any"),
    _l("inbound"),
    _l("outbound"),
    _l("answered"),
    _l("forwarded"),
    _l("callback_requested"),
    _l("task_created"),
    _l("not_reached"),
    _l("reached"),
    _l("left_message"),
    _l("in_progress"),
    _l("no_answer_needed"),
    _l("callback"),
    _l("follow_up"),
    _l("complaint"),
    _l("objection"),
    _l("open"),
    _l("pending"),
    _l("closed"),
    _l("done"),
    _l("cancelled"),
    _l("active"),
    _l("completed"),
    _l("queued"),
    _l("sending"),
    _l("sent"),
    _l("delivered"),
    _l("undelivered"),
    _l("failed"),
    _l("read"),
    _l("received"),
    _l("granted"),
    _l("withdrawn"),
    _l("withheld"),
    _l("proposed"),
    _l("approved"),
    _l("accepted"),
    _l("declined"),
    _l("expired"),
    _l("draft"),
    _l("published"),
    _l("retired"),
    _l("agent"),
    _l("supervisor"),
    _l("process_owner"),
    _l("admin"),
    _l("create"),
    _l("update"),
    _l("delete"),
    _l("search"),
    _l("export"),
    _l("bsn"),
    _l("kvk"),
    _l("name"),
    _l("system"),
    _l("provider"),
    # Processing activities (kcc.privacy.activities) as the processing log shows them.
    _l("kcc.customer-contact"),
    _l("kcc.party-registration"),
    _l("kcc.task-handling"),
    _l("kcc.complaint-handling"),
    _l("kcc.supervision"),
    _l("kcc.subject-access"),
    _l("kcc.proactive-service"),
    _l("kcc.system"),
)


_JSON: dict[str, Markup] = {}


def labels_json() -> Markup:
    """Every label in the page's language as JSON, for the pages' scripts (one per locale)."""
    language = str(get_locale() or "nl")
    found = _JSON.get(language)
    if found is None:
        words = {str(item._args[0]): label(item._args[0]) for item in LABELS}
        # Escaped for an HTML attribute by Jinja: the JSON itself is plain text here.
        found = _JSON[language] = Markup.escape(json.dumps(words, ensure_ascii=False))
    return found


def label(value: object) -> str:
    """The word for a stored value (a channel, a status, a kind) in the page's language."""
    return catalog().ugettext(str(value))
