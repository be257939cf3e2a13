"""The one-word answers residents send: one list, read by the SMS opt-out and the suggestions."""

from __future__ import annotations

import pytest

from channels.constants import OptOutKind
from channels.twilio.keywords import classify
from kcc.messaging.keywords import Keyword, first_own_line, keyword_of


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("Ja", Keyword.YES),
        (" ja! ", Keyword.YES),
        ("oké", None),
        ("OKE", Keyword.YES),
        ("nee  dank", Keyword.NO),
        ("No thanks.", Keyword.NO),
        ("stop", Keyword.STOP),
        ("Afmelden", Keyword.STOP),
        ("STOPALL", Keyword.STOP),
        ("start", Keyword.START),
        ("Info?", Keyword.HELP),
        ("Ja, maar wanneer?", None),
        ("", None),
    ],
)
def test_a_whole_message_is_a_keyword_or_nothing(text: str, keyword: Keyword | None) -> None:
    assert keyword_of(text) == keyword


def test_the_sms_opt_out_reads_the_same_words() -> None:
    assert classify("afmelden") == OptOutKind.STOP
    assert classify("Aanmelden!") == OptOutKind.START
    assert classify("help") == OptOutKind.HELP
    assert classify("ja") is None  # an answer, not an opt-out keyword
    assert classify("Hello", opt_out_type="stop") == OptOutKind.STOP  # Twilio matched it


def test_an_email_answer_is_its_first_own_line() -> None:
    body = "\n> Wilt u hulp? Antwoord JA of NEE\nNee\n\nMet vriendelijke groet,\nPiet\n"
    assert first_own_line(body) == "Nee"
    assert keyword_of(first_own_line(body)) == Keyword.NO
    assert first_own_line("> alleen geciteerd\n") == ""
