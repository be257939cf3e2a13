"""Who may follow which live topic: prefixes registered by the packages that publish on them."""

from __future__ import annotations

from collections.abc import Callable

from kcc.auth.models import Caller

MayFollow = Callable[[Caller, str], bool]

_TOPICS: dict[str, MayFollow] = {}
# A topic names what it is about and nothing more (no spaces, no personal data).
MAX_TOPIC_LENGTH = 200


def register_topic(prefix: str, may_follow: MayFollow) -> None:
    """Allow topics starting with ``prefix`` to those callers for whom ``may_follow`` says so.

    ``prefix`` is e.g. ``"party:"``, ``"queue:"`` or the whole topic (``"supervision"``);
    ``may_follow(caller, topic)`` gets the full topic and must be cheap (it runs when a
    stream opens). Registering a prefix again replaces its rule.
    """
    if not prefix or any(ch.isspace() for ch in prefix):
        raise ValueError(f"a topic prefix needs characters and no spaces: {prefix!r}")
    _TOPICS[prefix] = may_follow


def unregister_topic(prefix: str) -> None:
    """Forget a prefix (tests, and apps built without the package that registered it)."""
    _TOPICS.pop(prefix, None)


def rule_for(topic: str) -> MayFollow | None:
    """The rule of the longest registered prefix of ``topic``, or None when none matches."""
    found = [prefix for prefix in _TOPICS if topic.startswith(prefix)]
    return _TOPICS[max(found, key=len)] if found else None
