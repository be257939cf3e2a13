"""Per-municipality settings of the standard API: channel names and ``nummer`` format.

Read from the environment when the app starts (tests and deployments may set the Flask config
keys directly):

- ``KCC_KI_CHANNELS``: the municipality's own channel names and the channel each is, e.g.
  ``OIP Mijn vragen=web; Balie Stadskantoor=counter`` (KISS and Open Inwoner are configured
  with such names). Names are matched ignoring case, spaces, hyphens and underscores.
- ``KCC_KI_DEFAULT_CHANNEL``: the channel of a ``kanaal`` no name matches (``web``).
- ``KCC_KI_NUMMER_PREFIX`` and ``KCC_KI_NUMMER_LENGTH``: generated ``nummer`` values are the
  prefix and a zero-padded sequence number, ``length`` characters in all (``""`` and 10: Open
  Klant's ``0000000001``).
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, current_app

from kcc.constants import Channel

CHANNELS = "KI_CHANNELS"
DEFAULT_CHANNEL = "KI_DEFAULT_CHANNEL"
NUMMER_PREFIX = "KI_NUMMER_PREFIX"
NUMMER_LENGTH = "KI_NUMMER_LENGTH"
MAX_NUMMER_LENGTH = 10  # the standard's maxLength of ``nummer``


class SettingError(ValueError):
    """A setting of the standard API that cannot be used."""


def parse_channels(raw: str) -> dict[str, str]:
    """``"name=channel; name=channel"`` as a mapping; every channel must be one of ours."""
    found: dict[str, str] = {}
    for item in raw.replace("\n", ";").split(";"):
        if not item.strip():
            continue
        name, sep, channel = item.rpartition("=")
        channel = channel.strip().lower()
        if not sep or not name.strip() or channel not in set(Channel):
            raise SettingError(
                f"KCC_KI_CHANNELS: write 'name=channel' with a channel out of "
                f"{', '.join(Channel)}; got {item.strip()!r}"
            )
        found[name.strip()] = channel
    return found


def init_config(app: Flask, environ: dict[str, str] | None = None) -> None:
    """Fill the settings the app's config does not have yet from the environment."""
    env = os.environ if environ is None else environ
    app.config.setdefault(CHANNELS, parse_channels(env.get("KCC_KI_CHANNELS", "")))
    app.config.setdefault(DEFAULT_CHANNEL, env.get("KCC_KI_DEFAULT_CHANNEL") or Channel.WEB)
    app.config.setdefault(NUMMER_PREFIX, env.get("KCC_KI_NUMMER_PREFIX", ""))
    app.config.setdefault(NUMMER_LENGTH, int(env.get("KCC_KI_NUMMER_LENGTH") or MAX_NUMMER_LENGTH))
    check(app.config)


def check(config: Any) -> None:
    """Refuse settings that cannot work, when the app starts rather than on a request."""
    if config[DEFAULT_CHANNEL] not in set(Channel):
        raise SettingError(f"KCC_KI_DEFAULT_CHANNEL must be one of {', '.join(Channel)}")
    prefix, length = config[NUMMER_PREFIX], config[NUMMER_LENGTH]
    if not 1 <= length <= MAX_NUMMER_LENGTH or len(prefix) >= length:
        raise SettingError(
            "KCC_KI_NUMMER_LENGTH must be 1 to 10 and longer than KCC_KI_NUMMER_PREFIX"
        )


def setting(name: str) -> Any:
    return current_app.config[name]
