"""py-spy raw profiles: the command that records one, and summaries of CPU share per phase (a
marker frame) and per library.

Shared by the profiling scripts (``bench/core/profile_w1.py``, ``bench/core/cpu.py``,
``bench/channels/profile_inbound.py``, ``bench/channels/outbound_sms.py``). A raw profile has
one line per distinct stack: ``frame;frame;... count``; a frame reads ``function (path:line)``.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Sequence
from pathlib import Path

OTHER_PHASE = "other (WSGI, test client, routing)"
PY_SPY = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "py-spy"


def record_command(raw: Path, rate: int, command: Sequence[str], gil: bool = False) -> list[str]:
    """``command`` run under ``py-spy record`` at ``rate`` samples/s, raw samples to ``raw``.

    With ``gil`` only the thread holding the GIL is sampled.
    """
    spy = [str(PY_SPY), "record", "-r", str(rate), "-f", "raw", "-o", str(raw)]
    return [*spy, *(["--gil"] if gil else []), "--", *command]


def phase_of(stack: str, phases: Sequence[tuple[str, str]]) -> str:
    """The phase of the innermost frame that carries one of the phases' markers."""
    for frame in reversed(stack.split(";")):
        for phase, marker in phases:
            if marker in frame:
                return phase
    return OTHER_PHASE


def library_of(stack: str, libraries: Sequence[str]) -> str:
    """The library the leaf frame's file belongs to."""
    leaf = stack.split(";")[-1]
    path = leaf[leaf.rfind("(") + 1 :]
    for name in libraries:
        if path.startswith(name + "/") or f"/{name}/" in path:
            return name
    return "other"


def summarise(
    raw: Path,
    inside: Callable[[str], bool],
    phases: Sequence[tuple[str, str]],
    libraries: Sequence[str],
) -> None:
    """Print Markdown tables of the CPU share per phase and per library, counting only the
    samples whose stack ``inside`` accepts (the request loop)."""
    by_phase: collections.Counter[str] = collections.Counter()
    by_library: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not inside(stack):
            continue
        n = int(count)
        total += n
        by_phase[phase_of(stack, phases)] += n
        by_library[library_of(stack, libraries)] += n
    if not total:
        print("no samples inside the request loop")
        return
    print(
        f"\n{total} on-CPU samples inside the request loop\n\n| Phase | Share of CPU |\n|---|---|"
    )
    for phase, n in by_phase.most_common():
        print(f"| {phase} | {n / total:.1%} |")
    print("\n| Library (leaf frame) | Share of CPU |\n|---|---|")
    for name, n in by_library.most_common():
        print(f"| {name} | {n / total:.1%} |")
