"""Panels packages put on the shell's pages, rendered before the page that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import render_template, url_for
from markupsafe import Markup

from kcc.web.registry import PanelPage, shell


@dataclass
class RenderedPanels:
    """The panels of one page, per slot, and the scripts and stylesheets they need."""

    slots: dict[str, list[Markup]] = field(default_factory=dict)
    scripts: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)

    def __call__(self, slot: str) -> list[Markup]:
        return self.slots.get(slot, [])


def render_panels(page_name: str, page: PanelPage, **shared: Any) -> RenderedPanels:
    """Render every panel registered for the slots of ``page_name`` that the user's role sees.

    Each panel template gets ``user``, ``lang``, ``shared`` (the page's own values) and what
    the panel's context function returns; icons the panels ask for are added to ``page.icons``.
    """
    rendered = RenderedPanels()
    role = str(page.user.role)
    for panel in shell().panels:
        on_page = panel.slot == page_name or panel.slot.startswith(page_name + ".")
        if not on_page or (panel.roles is not None and role not in panel.roles):
            continue
        values = dict(panel.context(page)) if panel.context is not None else {}
        html = render_template(
            panel.template, user=page.user, lang=page.language, **{**shared, **values}
        )
        # Trusted output of our own autoescaping template, placed as it is.
        rendered.slots.setdefault(panel.slot, []).append(Markup(html))  # noqa: S704
        for asset, urls in [(a, rendered.scripts) for a in panel.scripts] + [
            (a, rendered.styles) for a in panel.styles
        ]:
            url = url_for(asset.endpoint, filename=asset.filename)
            if url not in urls:
                urls.append(url)
    return rendered
