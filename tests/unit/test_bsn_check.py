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
