"""Diagrams of a journey version: Mermaid always (the library's renderer), SVG when Graphviz is installed."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from statemachine.contrib.diagram.formatter import formatter

from journeys.validation import Definition

DOT_TIMEOUT = 10


def mermaid(definition: Definition) -> str:
    return formatter.render(definition.compiled.machine_class, "mermaid")


def dot(definition: Definition) -> str:
    """A Graphviz description: compound states as clusters, timers as dashed edges' labels."""
    lines = [
        "digraph journey {",
        '  rankdir=LR; node [shape=box, style=rounded, fontname="Helvetica"];',
    ]
    edges: list[str] = []

    def walk(states: dict[str, Any], indent: str) -> None:
        for state_id, body in states.items():
            body = body or {}
            label = definition.label(state_id).replace('"', "'")
            for transition in body.get("transitions") or []:
                for target in (transition.get("target") or "").split():
                    edges.append(
                        f'  "{state_id}" -> "{target}" [label="{transition.get("event") or ""}"];'
                    )
            if body.get("states"):
                lines.append(f'{indent}subgraph "cluster_{state_id}" {{ label="{label}";')
                lines.append(f'{indent}  "{state_id}" [shape=point];')
                walk(body["states"], indent + "  ")
                lines.append(f"{indent}}}")
            else:
                shape = ", peripheries=2" if body.get("final") else ""
                lines.append(f'{indent}"{state_id}" [label="{label}"{shape}];')

    walk(definition.document["statechart"]["states"], "  ")
    return "\n".join([*lines, *edges, "}"])


def svg(definition: Definition) -> str | None:
    """SVG rendered by Graphviz ``dot``; None when it is not installed or fails."""
    binary = shutil.which("dot")
    if binary is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 - a fixed binary and arguments; the input is our DOT text
            [binary, "-Tsvg"],
            input=dot(definition).encode(),
            capture_output=True,
            timeout=DOT_TIMEOUT,
            check=True,
        )
    except (subprocess.SubprocessError, OSError):
        return None
    return done.stdout.decode("utf-8")
