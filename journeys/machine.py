"""Compile a journey's statechart once per version and run it from a stored configuration.

The statechart is loaded with ``statemachine.io.load(..., trusted=False)``: guards and
assignments run in the library's restricted evaluator. A machine is rebuilt for every event
from the cached class, the stored configuration (active state ids) and the datamodel, then
thrown away. A bounded engine stops a document that keeps moving without an outside event.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from statemachine.engines.sync import SyncEngine
from statemachine.io import load
from statemachine.orderedset import OrderedSet
from statemachine.statemachine import StateChart

MAX_MICROSTEPS = 50
HISTORY_KEY = "__history__"
RESERVED = frozenset({"state", "machine", "model", "event", "source", "target", "transition"})


class RunawayJourney(BaseException):
    """More microsteps for one event than a journey may take (an eventless loop).

    A BaseException, so the library's error.execution handling cannot swallow it.
    """


class BoundedEngine(SyncEngine):
    """The library's synchronous engine with a cap on microsteps per event."""

    budget = MAX_MICROSTEPS

    def microstep(self, transitions: Any, trigger_data: Any) -> Any:
        used = getattr(self, "_kcc_used", 0) + 1
        self._kcc_used = used
        if used > self.budget:
            raise RunawayJourney(f"more than {self.budget} transitions for one event")
        return super().microstep(transitions, trigger_data)


def _bounded_engine(self: StateChart) -> SyncEngine:
    return BoundedEngine(self)


class JourneyModel:
    """The machine's model: ``state`` plus the datamodel variables as attributes."""

    def __init__(self, configuration: list[str] | None, datamodel: dict[str, Any]) -> None:
        self.__dict__.update(datamodel)
        if not configuration:
            self.state: Any = None
        elif len(configuration) == 1:
            self.state = configuration[0]
        else:
            self.state = OrderedSet(configuration)

    def _snapshot(self) -> dict[str, Any]:
        values = {k: v for k, v in vars(self).items() if k != "state" and not k.startswith("_")}
        return json.loads(json.dumps(values, default=str))  # type: ignore[no-any-return]


class Recorder:
    """Listener that notes which states were entered and left, in order."""

    def __init__(self) -> None:
        self.entered: list[str] = []
        self.exited: list[str] = []

    def on_enter_state(self, state: Any) -> None:
        self.entered.append(state.id)

    def on_exit_state(self, state: Any) -> None:
        self.exited.append(state.id)


@dataclass
class Outcome:
    """What one event did to a machine."""

    before: list[str]
    after: list[str]
    entered: list[str]
    exited: list[str]
    datamodel: dict[str, Any]
    terminated: bool

    @property
    def moved(self) -> bool:
        return bool(self.entered or self.exited)


@dataclass
class Compiled:
    """A journey version ready to run: its class and the outcome of starting it."""

    machine_class: type[StateChart]
    start: Outcome
    final_states: frozenset[str]
    events: frozenset[str] = field(default_factory=frozenset)


def compile_chart(statechart: dict[str, Any], name: str) -> Compiled:
    """Load the statechart (trusted=False) and run its initial macrostep once, to snapshot it.

    Raises the library's InvalidDefinition, or RunawayJourney for an eventless loop.
    """
    text = json.dumps(statechart, indent=1)  # multi-line, so load() never takes it for a path
    cls = load(text, format="json", trusted=False, name=name)
    cls._get_engine = _bounded_engine  # type: ignore[method-assign]
    model = JourneyModel(None, {})
    recorder = Recorder()
    machine = cls(model=model, listeners=[recorder])
    start = Outcome(
        before=[],
        after=[str(v) for v in machine.configuration_values],
        entered=recorder.entered,
        exited=recorder.exited,
        datamodel=model._snapshot(),
        terminated=machine.is_terminated,
    )
    finals = frozenset(s.id for s in cls.states_map.values() if s.final and s.parent is None)
    events = frozenset(str(e.id) for e in cls._events)
    return Compiled(cls, start, finals, events)


def run(
    compiled: Compiled,
    configuration: list[str],
    datamodel: dict[str, Any],
    event: str,
    data: dict[str, Any] | None = None,
) -> Outcome:
    """Rebuild the machine at ``configuration`` and send ``event`` with ``data`` as payload."""
    variables = {k: v for k, v in datamodel.items() if k != HISTORY_KEY}
    model = JourneyModel(configuration, variables)
    recorder = Recorder()
    machine = compiled.machine_class(model=model, listeners=[recorder])
    history = datamodel.get(HISTORY_KEY)
    if history:
        states = machine.states_map
        machine.history_values = {
            h: [states[s] for s in ids if s in states] for h, ids in history.items()
        }
    payload = {
        k: v
        for k, v in (data or {}).items()
        if k.isidentifier() and k not in RESERVED and not k.startswith("_")
    }
    machine.send(event, **payload)
    values = model._snapshot()
    if machine.history_values:
        values[HISTORY_KEY] = {
            h: [s.id for s in found] for h, found in machine.history_values.items()
        }
    return Outcome(
        before=list(configuration),
        after=[str(v) for v in machine.configuration_values],
        entered=recorder.entered,
        exited=recorder.exited,
        datamodel=values,
        terminated=bool(set(str(v) for v in machine.configuration_values) & compiled.final_states),
    )


class CompiledCache:
    """Compiled classes per version id, least recently used dropped first; thread-safe."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
