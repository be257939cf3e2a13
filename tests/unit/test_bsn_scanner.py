"""The BSN scanner: which numbers in free text are BSNs, and how they are masked."""

from __future__ import annotations

import dataclasses

import pytest

from kcc.parties.identifiers import mask_bsn
from kcc.parties.services import BSN_CONTEXT as PARTY_BSN_CONTEXT
from kcc.privacy.bsn import BSN_CONTEXT, find, mask, mask_text, named_bsn, scrub

# Eleven-check-valid; 012345672 is a BSN that is written without its leading zero, too.
BSN = "111222333"
OTHER = "123456782"


@pytest.mark.parametrize(
    "written",
    [
        "111222333",
        "111.222.333",
        "1112.22.333",
        "1112 22 333",
        "111 222 333",
        "111-222-333",
        "111\u00a0222\u00a0333",
    ],
)
def test_a_bsn_is_found_together_or_in_groups(written: str) -> None:
    assert [f.bsn for f in find(f"Mijn bsn is {written}, graag terugbellen.")] == [BSN]
    assert mask_text(f"bsn: {written}.") == ("bsn: *****2333.", [BSN])


def test_the_mask_and_the_encryption_are_the_ones_of_the_parties_bsns() -> None:
    assert mask(BSN) == mask_bsn(BSN) == "*****2333"
    assert BSN_CONTEXT == PARTY_BSN_CONTEXT  # a sealed BSN decrypts like a party's


@pytest.mark.parametrize(
    "text",
    [
        "111222334",  # fails the eleven-check
        "123456789",  # fails the eleven-check
        "000000000",  # not a BSN although 0 is divisible by 11
        # A mobile number whose last nine digits alone (612345671) would pass the check:
        "0612345671",
        "06 1234 5671",
        "06-12345671",
        "+31612345671",
        "+31 6 1234 5671",
        "0031 6 1234 5671",
        "+31 (0)6 1234 5671",
        "NL91ABNA0417164300",  # IBAN
        "NL91 ABNA 0417 1643 00",
        "DE89 3704 0044 0532 0130 00",
        "1111222333",  # a BSN's digits inside a longer run
        "11122233344",
        "111 222 333 444",
        "111.222.333.4",
        "9111222333",
        "BSN111222333",  # glued to letters: part of a code, not a number on its own
        "111222333abc",
        "12345672",  # eight digits: a date or a KvK number as often as an old BSN
        "20261202",
        "1 1 1 2 2 2 3 3",
        "Z-2026-001",
    ],
)
def test_what_is_not_a_bsn_is_left_alone(text: str) -> None:
    assert find(text) == []
    assert mask_text(f"zie {text} ok") == (f"zie {text} ok", [])


def test_several_bsns_and_their_neighbours() -> None:
    text = f"Ik ({BSN}) bel voor mijn zoon {OTHER}; tel 0612345678, IBAN NL91ABNA0417164300."
    masked, found = mask_text(text)
    assert found == [BSN, OTHER]
    assert masked == (
        "Ik (*****2333) bel voor mijn zoon *****6782; tel 0612345678, IBAN NL91ABNA0417164300."
    )
    assert mask_text(masked) == (masked, [])  # masking twice changes nothing


def test_json_is_scanned_in_values_keys_and_numbers() -> None:
    details = {
        "fields": {"toelichting": f"bsn {BSN}", OTHER: "sleutel", "aantal": 3},
        "bsn_als_getal": 123456782,
        "lijst": [f"a {BSN}", 7, None, True],
        "telefoon": "0612345678",
    }
    cleaned, found = scrub(details)
    assert cleaned == {
        "fields": {"toelichting": "bsn *****2333", "*****6782": "sleutel", "aantal": 3},
        "bsn_als_getal": "*****6782",
        "lijst": ["a *****2333", 7, None, True],
        "telefoon": "0612345678",
    }
    assert found == [BSN, OTHER, OTHER, BSN]
    assert details["lijst"][0] == f"a {BSN}"  # the input is not changed


def test_unchanged_values_come_back_as_they_are() -> None:
    details = {"omschrijving": "Tegel ligt los", "nummer": 42}
    cleaned, found = scrub(details)
    assert cleaned is details and found == []


def test_named_bsn_fields_are_identifiers_in_any_case_and_form() -> None:
    assert named_bsn({"omschrijving": "x", "BSN": "1112.22.333"}) == BSN
    assert named_bsn({"Burgerservicenummer": "12345672"}) == "012345672"
    assert named_bsn({"bsn": 123456782}) == OTHER
    assert named_bsn({"bsn": "123456789"}) is None  # fails the eleven-check
    assert named_bsn({"bsn": "weet ik niet"}) is None
    assert named_bsn({"bsn_kind": BSN}) is None  # only the declared names
    cleaned, found = scrub({"BurgerServiceNummer": "12345672", "bsn": "123456789"})
    assert cleaned == {"BurgerServiceNummer": "*****5672", "bsn": "123456789"}
    assert found == ["012345672"]


def test_records_without_a_bsn_are_not_copied() -> None:
    from kcc.privacy.bsn import protect_record

    @dataclasses.dataclass
    class Note:
        text: str
        details: dict[str, object]

    note = Note("Tegel ligt los bij nummer 12", {"a": 1})
    assert protect_record(note, "text") is note
