"""The usual ways residents write yes, no and stop are understood, with an offer's number."""

from __future__ import annotations

import pytest

from kcc.messaging.keywords import Keyword, answer_of, keyword_of


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("stop", Keyword.STOP),
        ("STOP", Keyword.STOP),
        ("Stop suggesties", Keyword.STOP),
        ("stop berichten.", Keyword.STOP),
        ("NEE bedankt", Keyword.NO),
        ("Nee, dank u!", Keyword.NO),
        ("Ja graag!", Keyword.YES),
        ("ja hoor", Keyword.YES),
        ("Yes please", Keyword.YES),
        ("Ik wil graag meer weten", None),
    ],
)
def test_variants(text: str, keyword: Keyword | None) -> None:
    assert keyword_of(text) == keyword


def test_an_answer_may_carry_the_offers_number() -> None:
    assert answer_of("JA 2") == (Keyword.YES, 2)
    assert answer_of("nee 1.") == (Keyword.NO, 1)
    assert answer_of("Ja graag") == (Keyword.YES, None)
    assert answer_of("STOP 2") is None and answer_of("bel mij 2") is None
