"""Compile a journey's statechart once per version and run it from a stored configuration.

The statechart is loaded with ``statemachine.io.load(..., trusted=False)``: guards and
assignments run in the library's restricted evaluator. Every event starts from the stored
configuration (active state ids) and datamodel, never from what an earlier event left in
memory. Building a machine instance resolves every callback of every state and transition,
which costs more than the event itself, so a compiled version keeps a few idle instances
("warm" machines) and restores one for each event: its model's variables are replaced, its
configuration and history are set from the stored ones, and its engine is reset. A machine
whose event raised is dropped, never reused.

An event that no transition of the stored configuration (or its ancestors) names cannot move
the instance, so no machine is restored for it at all. A bounded engine stops a document that
keeps moving without an outside event, and an expression that fails at run time (a guard or
an assignment over the event's data) stops the event with a plain explanation.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from statemachine.engines.sync import SyncEngine
from statemachine.io import load
from statemachine.orderedset import OrderedSet
from statemachine.statemachine import StateChart

MAX_MICROSTEPS = 50
HISTORY_KEY = "__history__"
RESERVED = frozenset({"state", "machine", "model", "event", "source", "target", "transition"})


class JourneyStopped(BaseException):
    """An event the journey could not handle; the instance stays where it was.

    A BaseException, so the library's error.execution handling cannot swallow it.
    """


class RunawayJourney(JourneyStopped):
    """More microsteps for one event than a journey may take (an eventless loop)."""


class ExpressionFailed(JourneyStopped):
    """A guard or an assignment raised while handling an event (e.g. over missing event data)."""


class BoundedEngine(SyncEngine):
    """The library's synchronous engine with a cap on microsteps per event.

    It notes which states were entered and left, in order (where the library changes the
    configuration, cheaper than a listener's callbacks), and the errors the library turns
    into ``error.execution`` events (a journey cannot name such an event, so nothing in the
    document handles them), with the guard that raised when it was one.
    """

    budget = MAX_MICROSTEPS

    def __init__(self, sm: StateChart) -> None:
        super().__init__(sm)
        self.kcc_used = 0
        self.kcc_errors: list[str] = []
        self.entered: list[str] = []
        self.exited: list[str] = []
        self._kcc_guard: Any = None

    def _add_state_to_configuration(self, target: Any) -> None:
        self.entered.append(target.id)
        super()._add_state_to_configuration(target)

    def _remove_state_from_configuration(self, state: Any) -> None:
        self.exited.append(state.id)
        super()._remove_state_from_configuration(state)

    def microstep(self, transitions: Any, trigger_data: Any) -> Any:
        self.kcc_used += 1
        if self.kcc_used > self.budget:
            raise RunawayJourney(f"more than {self.budget} transitions for one event")
        return super().microstep(transitions, trigger_data)

    def _conditions_match(self, transition: Any, trigger_data: Any) -> Any:
        self._kcc_guard = transition
        try:
            return super()._conditions_match(transition, trigger_data)
        finally:
            self._kcc_guard = None

    def _on_error_handler(self) -> Any:
        handler = super()._on_error_handler()
        if handler is None:
            return None

        def noting(error: Exception) -> None:
            self.kcc_errors.append(self._describe(error))
            handler(error)

        return noting

    def _send_error_execution(self, error: Exception, trigger_data: Any) -> None:
        self.kcc_errors.append(self._describe(error))
        super()._send_error_execution(error, trigger_data)

    def _describe(self, error: Exception) -> str:
        reason = f"{error} ({type(error).__name__})"
        transition = self._kcc_guard
        if transition is None:
            return f"an action of the statechart failed: {reason}"
        guards = [str(getattr(spec, "attr_name", spec)) for spec in transition.cond]
        guard = " and ".join(f"'{g}'" for g in guards) or "the condition"
        targets = ", ".join(t.id for t in transition.targets) or transition.source.id
        return (
            f"the condition {guard} of the transition on '{transition.event}' from "
            f"'{transition.source.id}' to '{targets}' could not be evaluated: {reason}"
        )

    def reset(self) -> None:
        """Ready for the next event: nothing an earlier event did stays in the engine."""
        self.kcc_used = 0
        self.kcc_errors = []
        self.entered = []
        self.exited = []
        self._kcc_guard = None
        self.running = True
        self._cache.clear()
        self._macrostep_count = 0
        self._microstep_count = 0
        self._root_parallel_final_pending = None

    @property
    def idle(self) -> bool:
        """Whether the engine ended its last event cleanly (queues empty, not processing)."""
        return (
            self.external_queue.is_empty()
            and self.internal_queue.is_empty()
            and not self._processing.locked()
        )


def _bounded_engine(self: StateChart) -> SyncEngine:
    return BoundedEngine(self)


class JourneyModel:
    """The machine's model: ``state`` plus the datamodel variables as attributes."""

    def __init__(self, configuration: list[str] | None, datamodel: dict[str, Any]) -> None:
        self.restore(configuration, datamodel)

    def restore(self, configuration: list[str] | None, datamodel: dict[str, Any]) -> None:
        """Only these variables and this configuration, whatever the model held before."""
        self.__dict__.clear()
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


class Warm:
    """A machine instance with its model, restored for each event it runs."""

    __slots__ = ("engine", "machine", "model")

    def __init__(self, machine_class: type[StateChart], start: Outcome) -> None:
        # The model starts with the document's variables, so callbacks resolve as they
        # would for a stored instance; a configuration is set, so nothing is entered.
        self.model = JourneyModel(start.after, start.datamodel)
        self.machine = machine_class(model=self.model)
        engine = self.machine._engine
        assert isinstance(engine, BoundedEngine)
        self.engine = engine

    def restore(
        self, configuration: list[str], variables: dict[str, Any], history: dict[str, Any] | None
    ) -> None:
        self.model.restore(configuration, variables)
        machine = self.machine
        machine._config._invalidate()
        if history:
            states = machine.states_map
            machine.history_values = {
                h: [states[s] for s in ids if s in states] for h, ids in history.items()
            }
        else:
            machine.history_values = {}
        self.engine.reset()


WARM_PER_VERSION = 4
HANDLES_CACHE = 4096


@dataclass
class Compiled:
    """A journey version ready to run: its class and the outcome of starting it."""

    machine_class: type[StateChart]
    start: Outcome
    final_states: frozenset[str]
    events: frozenset[str] = field(default_factory=frozenset)
    _warm: list[Warm] = field(default_factory=list, repr=False, compare=False)
    _handles: dict[tuple[tuple[str, ...], str], bool] = field(
        default_factory=dict, repr=False, compare=False
    )

    def handles(self, configuration: list[str], event: str) -> bool:
        """Whether a transition of an active state (or of an ancestor) names ``event``.

        When none does, the event cannot change the configuration, the datamodel or the
        history: the library would select no transition and the configuration is stable.
        """
        key = (tuple(configuration), event)
        found = self._handles.get(key)
        if found is None:
            found = _names_event(self.machine_class, configuration, event)
            if len(self._handles) < HANDLES_CACHE:
                self._handles[key] = found
        return found

    def take(self) -> Warm:
        """An idle warm machine, or a new one (thread-safe: list pop and append are atomic)."""
        try:
            return self._warm.pop()
        except IndexError:
            return Warm(self.machine_class, self.start)

    def give_back(self, warm: Warm) -> None:
        if warm.engine.idle and len(self._warm) < WARM_PER_VERSION:
            self._warm.append(warm)


def _names_event(machine_class: type[StateChart], configuration: list[str], event: str) -> bool:
    states = machine_class.states_map
    for state_id in configuration:
        state = states.get(state_id)
        if state is None:
            return True  # not ours to judge: let the library run (and fail) as it would
        for scope in chain([state], state.ancestors()):
            if any(not t.initial and t.match(event) for t in scope.transitions):
                return True
    return False


def compile_chart(statechart: dict[str, Any], name: str) -> Compiled:
    """Load the statechart (trusted=False) and run its initial macrostep once, to snapshot it.

    Raises the library's InvalidDefinition, or RunawayJourney for an eventless loop.
    """
    text = json.dumps(statechart, indent=1)  # multi-line, so load() never takes it for a path
    cls = load(text, format="json", trusted=False, name=name)
    cls._get_engine = _bounded_engine  # type: ignore[method-assign]
    model = JourneyModel(None, {})
    machine = cls(model=model)
    engine = machine._engine
    assert isinstance(engine, BoundedEngine)
    start = Outcome(
        before=[],
        after=[str(v) for v in machine.configuration_values],
        entered=engine.entered,
        exited=engine.exited,
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
    """Restore a machine at ``configuration`` and send ``event`` with ``data`` as payload.

    Raises RunawayJourney for an eventless loop and ExpressionFailed when a guard or an
    action raised; either way nothing of the event's outcome is kept.
    """
    if not compiled.handles(configuration, event):
        return Outcome(
            before=list(configuration),
            after=list(configuration),
            entered=[],
            exited=[],
            datamodel=datamodel,
            terminated=bool(set(configuration) & compiled.final_states),
        )
    variables = {k: v for k, v in datamodel.items() if k != HISTORY_KEY}
    payload = {
        k: v
        for k, v in (data or {}).items()
        if k.isidentifier() and k not in RESERVED and not k.startswith("_")
    }
    warm = compiled.take()
    warm.restore(configuration, variables, datamodel.get(HISTORY_KEY))
    machine, engine = warm.machine, warm.engine
    machine.send(event, **payload)  # on an exception the machine is dropped, not given back
    if engine.kcc_errors:
        raise ExpressionFailed("; ".join(dict.fromkeys(engine.kcc_errors)))
    values = warm.model._snapshot()
    if machine.history_values:
        values[HISTORY_KEY] = {
            h: [s.id for s in found] for h, found in machine.history_values.items()
        }
    after = [str(v) for v in machine.configuration_values]
    outcome = Outcome(
        before=list(configuration),
        after=after,
        entered=engine.entered,
        exited=engine.exited,
        datamodel=values,
        terminated=bool(set(after) & compiled.final_states),
    )
    compiled.give_back(warm)
    return outcome


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
