"""The BSN check is the eleven-check python-stdnum implements: the same verdict on every
number, whether it passes or not."""

from __future__ import annotations

import random

import pytest
from stdnum.nl import bsn as stdnum_bsn

from kcc.errors import ValidationFailed
from kcc.parties.identifiers import validate_bsn


def _ours(value: str) -> bool:
    try:
        validate_bsn(value)
    except ValidationFailed:
        return False
    return True


def test_same_verdict_as_python_stdnum_on_many_numbers():
    draw = random.Random(20261203)
    numbers = [f"{draw.randrange(10**9):09d}" for _ in range(20_000)]
    numbers += ["000000000", "111222333", "123456782", "999999990"]
    passed = 0
    for number in numbers:
        assert _ours(number) == stdnum_bsn.is_valid(number), number
        passed += _ours(number)
    assert passed > 1000  # about one in eleven passes: both verdicts were seen


@pytest.mark.parametrize("written", ["1112.22.333", "111 222 333", " 111222333 "])
def test_dots_and_spaces(written):
    assert validate_bsn(written) == "111222333"


@pytest.mark.parametrize(
    "value",
    [
        "\u00b2" * 9,  # superscript two
        "\u0661\u0661\u0661\u0662\u0662\u0662\u0663\u0663\u0663",  # Arabic-Indic
        "11122233\u00b3",  # a superscript three last
    ],
    ids=["super", "arabic", "mixed"],
)
def test_digits_of_other_scripts_are_refused_not_crashed_on(value: str) -> None:
    """``str.isdigit`` holds for these; an identifier takes 0-9 only. (Fullwidth digits are
    read as 0-9: python-stdnum's ``compact`` maps them.)"""
    assert not _ours(value)
    assert _ours("\uff11\uff11\uff11\uff12\uff12\uff12\uff13\uff13\uff13")
