"""Problems in people's words: what a page says when a request fails with no detail to show.

The API answers a page's scripts in the page's language (they send it as ``Accept-Language``),
so a page shows the API's ``detail``; these sentences, one per kind of problem, are for an
answer without one (a proxy's error page, a dropped connection).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

PROBLEMS = {
    400: _l("The request could not be handled. Check what you entered."),
    401: _l("Your session has ended. Sign in again."),
    403: _l("Your role does not allow this."),
    404: _l("This item does not exist (any more) or could not be found."),
    409: _l("This was changed already, perhaps by a colleague. Reload the page and try again."),
    413: _l("The upload is too large."),
    422: _l("Some of what you entered is not valid. Check it and try again."),
    429: _l("Too many attempts. Wait a moment and try again."),
    503: _l("The service is not available right now. Try again later."),
}


def problem_texts() -> Markup:
    """Data attributes with every problem sentence, for the pages' scripts (``data-s409``)."""
    # Each sentence is escaped before it goes into the attribute.
    return Markup(" ").join(
        Markup(f'data-s{status}="{escape(str(sentence))}"')  # noqa: S704
        for status, sentence in PROBLEMS.items()
    )
