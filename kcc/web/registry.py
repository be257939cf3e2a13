"""What packages add to the web shell: page blueprints, navigation, panels and translations.

The shell (layout, sign-in, navigation, translations, security headers, the core's pages)
names no package. A package that shows pages registers them here from its ``init_app``, with
its own templates, scripts and catalogue. Everything is kept on the app, so an app built
without a package neither links to nor loads anything of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, current_app

if TYPE_CHECKING:
    from kcc.auth.models import User
    from kcc.view.services import CustomerView

EXTENSION = "kcc.web.shell"
# Where a panel can go: the agent's home, three places on the customer view, the dashboard.
SLOTS = ("home", "customer.main", "customer.side", "customer.actions", "dashboard")


@dataclass
class PanelPage:
    """What a panel's context function learns about the page the panel goes on."""

    user: User
    language: str
    view: CustomerView | None = None
    # Channel icons the panel shows; the page draws each icon's shape once.
    icons: set[str] = field(default_factory=set)


PanelContext = Callable[[PanelPage], Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class Asset:
    """A static file of a blueprint: the endpoint of its static route and the file name."""

    endpoint: str
    filename: str


@dataclass(frozen=True, slots=True)
class NavigationEntry:
    label: Any  # a lazy translated string, rendered in the page's language
    endpoint: str
    roles: frozenset[str]
    order: int


@dataclass(frozen=True, slots=True)
class Panel:
    slot: str
    template: str
    order: int
    roles: frozenset[str] | None
    context: PanelContext | None
    scripts: tuple[Asset, ...]
    styles: tuple[Asset, ...]


@dataclass
class Shell:
    """One app's registrations."""

    page_blueprints: set[str] = field(default_factory=set)
    navigation: list[NavigationEntry] = field(default_factory=list)
    homes: dict[str, str] = field(default_factory=dict)
    panels: list[Panel] = field(default_factory=list)
    translations: list[str] = field(default_factory=list)
    framable: dict[str, str] = field(default_factory=dict)


def shell(app: Flask | None = None) -> Shell:
    """The registrations of ``app`` (default: the current app)."""
    target = app if app is not None else current_app
    found: Shell | None = target.extensions.get(EXTENSION)
    if found is None:
        found = target.extensions[EXTENSION] = Shell()
    return found


def register_pages(app: Flask, blueprint: Blueprint, translations: Path | None = None) -> None:
    """Serve ``blueprint``'s pages: security headers, CSRF on its forms, its catalogue.

    Give the blueprint its own ``template_folder`` (with a subfolder named after the package,
    so template names do not collide) and its own ``static_folder`` and ``static_url_path``.
    """
    app.register_blueprint(blueprint)
    shell(app).page_blueprints.add(blueprint.name)
    if translations is not None:
        register_translations(app, translations)


def register_translations(app: Flask, directory: Path) -> None:
    """Add a catalogue directory (``<lang>/LC_MESSAGES/messages.mo``) to the app's one domain.

    The shell's own catalogue is merged last, so a package cannot change the shell's words.
    Packages register from their ``init_app``, which runs before the shell configures
    Flask-Babel with the list.
    """
    if "babel" in app.extensions:
        raise RuntimeError("register translations before kcc.web.init_app configures Babel")
    shell(app).translations.append(str(directory))


def register_navigation(
    app: Flask,
    label: Any,
    endpoint: str,
    roles: Iterable[str],
    order: int,
    home_for: Iterable[str] = (),
) -> None:
    """Add a link to the main menu for ``roles``, in ``order`` (lower first).

    ``home_for`` names roles the shell has no start page for, which start on this page.
    """
    registry = shell(app)
    registry.navigation.append(
        NavigationEntry(label, endpoint, frozenset(str(r) for r in roles), order)
    )
    registry.navigation.sort(key=lambda entry: entry.order)
    for role in home_for:
        registry.homes.setdefault(str(role), endpoint)


def register_panel(
    app: Flask,
    slot: str,
    template: str,
    *,
    order: int,
    roles: Iterable[str] | None = None,
    context: PanelContext | None = None,
    scripts: Iterable[Asset] = (),
    styles: Iterable[Asset] = (),
) -> None:
    """Put a panel (a template of the package, and the scripts it needs) on a shell page.

    The template is rendered with ``user``, ``lang``, the page's own values (``party`` on the
    customer view) and what ``context`` returns for the page. Its scripts take every URL they
    call from the panel's markup (``data-url`` or ``data-*-url`` attributes).
    """
    if slot not in SLOTS:
        raise ValueError(f"unknown page slot {slot!r}; known: {', '.join(SLOTS)}")
    panel = Panel(
        slot,
        template,
        order,
        frozenset(str(r) for r in roles) if roles is not None else None,
        context,
        tuple(scripts),
        tuple(styles),
    )
    registry = shell(app)
    registry.panels.append(panel)
    registry.panels.sort(key=lambda p: p.order)


def allow_framing(app: Flask, endpoint: str, origins_setting: str) -> None:
    """Let the sites in ``app.config[origins_setting]`` embed the page of ``endpoint``."""
    shell(app).framable[endpoint] = origins_setting
