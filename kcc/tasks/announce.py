"""Live notices to the pages of the people a task concerns: its assignee and its team's queue.

Pages follow ``user:<uuid>`` and ``queue:<team>``; the notice names only the task and what
happened, so a page fetches what it shows (and the processing log records that read).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kcc.auth.models import User
from kcc.live import notify
from kcc.tasks.models import Task


def _notify(topic: str, kind: str, data: Mapping[str, Any]) -> None:
    """Hand one notice to the live stream port; it is published once the transaction commits."""
    notify(topic, kind, data)


def _topics(user: User | None, team: str | None) -> list[str]:
    topics = [f"user:{user.uuid}"] if user is not None else []
    if team:
        topics.append(f"queue:{team}")
    return topics


def task_changed(task: Task, kind: str) -> None:
    """Tell the task's assignee and team queue that it changed."""
    data = {"task_id": str(task.uuid), "status": task.status}
    for topic in _topics(task.assigned_user, task.assigned_team):
        _notify(topic, kind, data)


def task_moved(task: Task, before_user: User | None, before_team: str | None) -> None:
    """Tell where the task went and where it came from."""
    data = {"task_id": str(task.uuid), "status": task.status}
    seen: set[str] = set()
    for topic in _topics(task.assigned_user, task.assigned_team):
        seen.add(topic)
        _notify(topic, "task.assigned", data)
    for topic in _topics(before_user, before_team):
        if topic not in seen:
            _notify(topic, "task.unassigned", data)
