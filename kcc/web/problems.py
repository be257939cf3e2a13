"""Problems in people's words: what a page says when a request fails, in the page's language.

The API's ``detail`` is written for developers (in English); a page in another language says
what went wrong and what to do instead, by the kind of problem.
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


def problem_sentence(status: int) -> str | None:
    """What to tell a person about a problem of this status, in the page's language."""
    sentence = PROBLEMS.get(status)
    return str(sentence) if sentence is not None else None


def problem_texts() -> Markup:
    """Data attributes with every problem sentence, for the pages' scripts (``data-s409``)."""
    # Each sentence is escaped before it goes into the attribute.
    return Markup(" ").join(
        Markup(f'data-s{status}="{escape(str(sentence))}"')  # noqa: S704
        for status, sentence in PROBLEMS.items()
    )
