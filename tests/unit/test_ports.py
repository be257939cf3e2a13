"""Guards for what import-linter cannot see: a package reading another's tables by name, a
channel writing core rows past the core's services, the core listening to an outer event.

These read the source; the behaviour tests (conversations starting journeys, answers reaching
suggestions) are the proof that the ports work.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from flask import Flask

from kcc.db import Base
from kcc.events.base import _SUBSCRIBERS, EVENT_TYPES
from tests.conftest import ROOT

SQL_CALLS = {"table", "Table", "text", "literal_column"}
WRITES = {"update", "insert", "delete"}


def _sources(package: str) -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted((Path(ROOT) / package).rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _where(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _owners() -> dict[str, str]:
    """Every mapped table with the package that declares it (``kcc``, ``channels``, ...)."""
    return {
        mapper.local_table.name: mapper.class_.__module__.partition(".")[0]
        for mapper in Base.registry.mappers
    }


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _strings(node: ast.AST) -> Iterator[str]:
    for found in ast.walk(node):
        if isinstance(found, ast.Constant) and isinstance(found.value, str):
            yield found.value


def tables_named_outside(package: str, owners: dict[str, str]) -> list[str]:
    """Where ``package`` declares a table it does not own, or names another's in SQL text."""
    foreign = {t for t, owner in owners.items() if owner != package}
    problems = []
    for path, tree in _sources(package):
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _name(node.func) not in SQL_CALLS:
                continue
            if _name(node.func) in ("table", "Table"):
                declared = [a.value for a in node.args[:1] if isinstance(a, ast.Constant)]
                wrong = [d for d in declared if owners.get(d) != package]
            else:
                wrong = [v for v in _strings(node) if set(re.findall(r"\w+", v)) & foreign]
            problems += [f"{_where(path)}:{node.lineno}: {value!r}" for value in wrong]
    return problems


def test_journeys_neither_declare_nor_read_other_packages_tables(app: Flask) -> None:
    owners = _owners()
    assert owners["channel_messages"] == "channels" and owners["journey_instances"] == "journeys"
    assert tables_named_outside("journeys", owners) == []


def test_the_table_check_finds_a_table_read_by_name(app: Flask, tmp_path: Path) -> None:
    """The check above can fail: the way suggestions once read the channels' messages."""
    package = tmp_path / "journeys_like"
    package.mkdir()
    (package / "handlers.py").write_text(
        "from sqlalchemy import column, table, text\n"
        '_m = table("channel_messages", column("body"))\n'
        'q = text("SELECT body FROM conversations")\n',
        encoding="utf-8",
    )
    owners = {**_owners(), "suggestions": "journeys_like"}
    found = tables_named_outside(str(package), owners)
    assert [f.rsplit(": ", 1)[1] for f in found] == [
        "'channel_messages'",
        "'SELECT body FROM conversations'",
    ]


class CoreWrites(ast.NodeVisitor):
    """Finds, in one module of an outer package, writes to core rows: attributes set on an
    object that came from a core model (a query of it, a relationship to it), a core model
    constructed, or a bulk UPDATE/INSERT/DELETE on one."""

    def __init__(self, core: set[str], relations: set[str]) -> None:
        self.core = core
        self.relations = relations
        self.held: set[str] = set()
        self.found: list[tuple[int, str]] = []

    def holds_core(self, node: ast.expr) -> bool:
        """Whether ``node`` evaluates to a core row (or rows)."""
        if isinstance(node, ast.Name):
            return node.id in self.held
        if isinstance(node, ast.Attribute):
            return node.attr in self.relations or self.holds_core(node.value)
        if isinstance(node, ast.Subscript):
            return self.holds_core(node.value)
        if isinstance(node, ast.Call):
            return any(isinstance(n, ast.Name) and n.id in self.core for n in ast.walk(node))
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            return any(self.holds_core(g.iter) for g in node.generators)
        return False

    def _bind(self, target: ast.expr, core: bool) -> None:
        if isinstance(target, ast.Name):
            (self.held.add if core else self.held.discard)(target.id)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        outer = set(self.held)
        for arg in [*node.args.args, *node.args.kwonlyargs]:
            if (
                arg.annotation is not None
                and set(_strings(arg.annotation))
                | {n.id for n in ast.walk(arg.annotation) if isinstance(n, ast.Name)} & self.core
            ):
                self.held.add(arg.arg)
        self.generic_visit(node)
        self.held = outer

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._check_target(target)
            self._bind(target, self.holds_core(node.value))
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._check_target(node.target)
        if node.value is not None:
            self._bind(node.target, self.holds_core(node.value))
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._check_target(node.target)
        self.generic_visit(node)

    def visit_For(self, node: ast.For) -> None:
        self._bind(node.target, self.holds_core(node.iter))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        called = _name(node.func)
        if isinstance(node.func, ast.Name) and called in self.core:
            self.found.append((node.lineno, f"constructs {called}"))
        if called in WRITES and any(
            isinstance(a, ast.Name) and a.id in self.core for a in node.args
        ):
            self.found.append((node.lineno, f"{called}() on a core table"))
        self.generic_visit(node)

    def _check_target(self, target: ast.expr) -> None:
        if isinstance(target, ast.Attribute) and self.holds_core(target.value):
            self.found.append((target.lineno, f"sets .{target.attr} of a core row"))


def core_writes(package: str) -> list[str]:
    core = {
        m.class_.__name__ for m in Base.registry.mappers if m.class_.__module__.startswith("kcc.")
    }
    relations = {
        r.key
        for m in Base.registry.mappers
        if m.class_.__module__.startswith(f"{package}.")
        for r in m.relationships
        if r.mapper.class_.__module__.startswith("kcc.")
    }
    problems = []
    for path, tree in _sources(package):
        visitor = CoreWrites(core, relations)
        visitor.visit(tree)
        problems += [f"{_where(path)}:{line}: {what}" for line, what in visitor.found]
    return problems


def test_channels_change_core_rows_only_through_core_services(app: Flask) -> None:
    assert core_writes("channels") == []


def test_the_write_check_finds_the_old_ways(app: Flask) -> None:
    """The check above can fail: the shapes the channels used before the core's services."""
    source = """
from kcc.contacts.models import ContactMoment
from kcc.parties.models import Party

def grow(conversation, line):
    moment = db.session().get(ContactMoment, conversation.contact_moment_id)
    moment.text = moment.text + line
    residents = [i for i in moment.involvements if i.role == "resident"]
    residents[0].party_id = 3
    conversation.contact_moment.outcome = "answered"
    party = Party(type="person")
    session.execute(update(ContactMoment).values(text=""))

def fine(conversation, party):
    conversation.party = party
"""
    core = {
        m.class_.__name__ for m in Base.registry.mappers if m.class_.__module__.startswith("kcc.")
    }
    visitor = CoreWrites(core, {"contact_moment", "party"})
    visitor.visit(ast.parse(source))
    assert [what for _, what in visitor.found] == [
        "sets .text of a core row",
        "sets .party_id of a core row",
        "sets .outcome of a core row",
        "constructs Party",
        "update() on a core table",
    ]


def test_the_core_subscribes_only_to_its_own_events(app: Flask) -> None:
    """A core subscriber of an event an outer package declares is a dependency behind a string."""
    for name, handlers in _SUBSCRIBERS.items():
        if name == "*":
            continue
        for key, handler in handlers.items():
            if handler.__module__.startswith("kcc."):
                declared = EVENT_TYPES.get(name)
                assert declared is not None, f"{key} listens to an undeclared event {name}"
                assert declared.__module__.startswith("kcc."), (
                    f"{key} listens to {name}, declared in {declared.__module__}"
                )
