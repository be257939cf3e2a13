"""Every problem a raise site describes is marked for translation and has its Dutch words.

A raise site (``NotFound(...)``, ``ValidationFailed.field(name, ...)``, an invalid parameter's
``reason``) writes its English once, in ``_l("... %(name)s ...", name=...)``; the package's
Dutch catalogue holds the translation the API answers with on ``Accept-Language: nl``.
Klantinteracties keeps its own Dutch messages for the standard's API and is not covered.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kcc", "channels", "journeys")
ERRORS = {"KccError", "ValidationFailed", "NotFound", "Conflict", "Unauthorized", "Forbidden"}


def _words(call: ast.Call) -> Iterator[ast.expr]:
    """The expressions a raise site shows to people: its detail, reason and invalid reasons."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name in ERRORS and call.args:
        yield call.args[0]
    elif (
        name == "field"
        and isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in ERRORS
        and len(call.args) > 1
    ):
        yield call.args[1]
    else:
        return
    for keyword in call.keywords:
        if keyword.arg == "invalid_params" and isinstance(keyword.value, ast.List):
            for item in keyword.value.elts:
                if isinstance(item, ast.Dict):
                    for key, value in zip(item.keys, item.values, strict=True):
                        if isinstance(key, ast.Constant) and key.value == "reason":
                            yield value


def _raise_sites(package: str) -> Iterator[tuple[str, ast.expr]]:
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for words in _words(node):
                    yield f"{path.relative_to(ROOT)}:{words.lineno}", words


def _is_literal_text(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.BinOp) and (
        _is_literal_text(node.left) or _is_literal_text(node.right)
    )


def _marked(node: ast.expr) -> str | None:
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("_l", "lazy_gettext")
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        return str(node.args[0].value)
    return None


def _dutch(package: str) -> dict[str, str]:
    path = ROOT / package / "web" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
    return {m.id: m.string for m in read_po(BytesIO(path.read_bytes())) if m.id}


@pytest.mark.parametrize("package", PACKAGES)
def test_no_raise_site_shows_unmarked_english(package: str) -> None:
    unmarked = [where for where, words in _raise_sites(package) if _is_literal_text(words)]
    assert not unmarked, f"mark these with _l(...): {unmarked}"


@pytest.mark.parametrize("package", PACKAGES)
def test_every_raise_sites_words_have_a_dutch_translation(package: str) -> None:
    marked = {msgid: where for where, words in _raise_sites(package) if (msgid := _marked(words))}
    assert len(marked) > 20, f"{package}: too few raise sites found ({len(marked)})"
    dutch = _dutch(package)
    missing = sorted(f"{where}: {msgid}" for msgid, where in marked.items() if not dutch.get(msgid))
    assert not missing, f"no Dutch for: {missing[:10]}"
    same_placeholders = [
        msgid
        for msgid in marked
        if sorted(set(_placeholders(msgid))) != sorted(set(_placeholders(dutch[msgid])))
    ]
    assert not same_placeholders, f"Dutch with other placeholders: {same_placeholders}"


def _placeholders(text: str) -> list[str]:
    return re.findall(r"%\((\w+)\)[sr]", text)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_marked_text_is_given_exactly_its_placeholders(package: str) -> None:
    """``_l("... %(name)s ...", name=...)``: a missing value fails only when the words are
    shown (in the middle of an error), so the names are checked here."""
    wrong = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            msgid = _marked(node)
            if msgid is None or any(k.arg is None for k in node.keywords):
                continue  # not marked text, or its values come as **mapping
            if set(_placeholders(msgid)) != {k.arg for k in node.keywords}:
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}: {msgid}")
    assert not wrong, wrong
