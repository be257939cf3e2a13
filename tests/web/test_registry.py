"""The web shell's registry: menu order, start pages, and mistakes refused when they are made."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from kcc.web.registry import register_panel, register_translations, shell


def test_the_menu_interleaves_package_entries_by_order(app: Flask) -> None:
    entries = [(e.endpoint, sorted(e.roles)) for e in shell(app).navigation]
    assert entries == [
        ("web_agent.home", ["admin", "agent", "supervisor"]),
        ("channels_desk.queue_page", ["admin", "agent", "supervisor"]),
        ("web_tasks.task_list", ["admin", "agent", "supervisor"]),
        ("journeys_approvals.approval_queue", ["admin", "agent", "supervisor"]),
        ("journeys_web.studio", ["admin", "process_owner", "supervisor"]),
        ("web_topics.answers", ["admin", "agent", "supervisor"]),
        ("journeys_web.services", ["admin", "process_owner", "supervisor"]),
        ("web_dashboard.dashboard", ["admin", "supervisor"]),
        ("web_topics.patterns", ["admin", "supervisor"]),
        ("web_dashboard.processing_log", ["admin", "supervisor"]),
        ("web_directory.directory", ["admin", "agent", "supervisor"]),
        ("web_topics.catalogue", ["admin"]),
    ]
    assert shell(app).homes == {"process_owner": "journeys_web.studio"}


def test_a_panel_for_an_unknown_place_is_refused(app: Flask) -> None:
    with pytest.raises(ValueError, match="unknown page slot 'sidebar'"):
        register_panel(app, "sidebar", "x.html", order=1)


def test_a_catalogue_registered_after_the_shell_started_is_refused(app: Flask) -> None:
    with pytest.raises(RuntimeError, match=r"before kcc\.web\.init_app"):
        register_translations(app, Path("/nowhere"))
    assert "/nowhere" not in shell(app).translations
