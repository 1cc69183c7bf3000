"""Cleaning what a person types: invisible characters go, line breaks in one-line fields are
an error, paragraphs of a note survive."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.campaigns.text import _any_line, _plain_line, clean_line, clean_text
from app.errors import Unprocessable

PERSIAN = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # "I want", with a ZWNJ


@pytest.mark.parametrize(
    "value", ["Jane\nDoe", "Jane\rDoe", "Jane\r\nDoe", "Jane Doe\n", "a\u2028b", "a\x85b"]
)
def test_line_breaks_in_one_line_fields_are_422_naming_the_field(value: str) -> None:
    with pytest.raises(Unprocessable) as caught:
        clean_line("sender.name", value)
    assert [e.field for e in caught.value.errors] == ["sender.name"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Jane   Doe  ", "Jane Doe"),
        ("Jane\tDoe", "Jane Doe"),
        ("Ja\x00ne\x07 Doe\x1b", "Jane Doe"),
        ("\ufeffJane Doe", "Jane Doe"),  # BOM
        ("Jane\u202e eoD", "Jane eoD"),  # right-to-left override
        ("\u2066Jane\u2069 Doe\u200e", "Jane Doe"),  # isolates and marks
        ("Jo\u00adhn", "John"),  # soft hyphen
        ("Jose\u0301", "José"),  # NFC: e + combining acute -> é
        (PERSIAN, PERSIAN),  # ZWNJ kept: it spells the word
        ("👩\u200d👩\u200d👧", "👩\u200d👩\u200d👧"),  # ZWJ kept: emoji sequence
        ("Jane\ud800 Doe", "Jane Doe"),  # a lone surrogate cannot be encoded
        ("{{ 7*7 }}", "{{ 7*7 }}"),
    ],
)
def test_clean_line(value: str, expected: str) -> None:
    assert clean_line("sender.name", value) == expected


@given(st.text(alphabet=string.printable[:-5] + "  ", max_size=40))  # no \t\n\r\x0b\x0c
def test_printable_ascii_is_cleaned_as_any_line(value: str) -> None:
    # clean_line's shortcut for printable ASCII gives what the whole cleaning gives.
    assert value.isascii() and value.isprintable()
    assert _plain_line(value) == _any_line(value)


def test_one_line_limit_counts_characters_after_cleaning() -> None:
    assert clean_line("sender.city", " " + "я" * 10 + " ", max_length=10) == "я" * 10
    with pytest.raises(Unprocessable) as caught:
        clean_line("sender.city", "я" * 11, max_length=10)
    assert caught.value.errors[0].field == "sender.city"
    assert "at most 10" in caught.value.errors[0].message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("one\r\ntwo\rthree", "one\ntwo\nthree"),
        ("para one\n\npara two", "para one\n\npara two"),
        ("para one\n\n\n\n\npara two", "para one\n\npara two"),
        ("para one\n  \n\t\n\npara two", "para one\n\npara two"),  # blank-looking lines
        ("  \n\nindented\n\n  ", "indented"),
        ("col\tumn", "col\tumn"),  # TAB is kept in text
        ("bell\x07 and\x1b escape\u202e", "bell and escape"),
        ("a\u2029b", "a\nb"),  # paragraph separator becomes a line break
        ("trailing   \nspaces", "trailing\nspaces"),
    ],
)
def test_clean_text(value: str, expected: str) -> None:
    assert clean_text("personal_note", value) == expected


def test_text_limit_is_422_on_the_field() -> None:
    with pytest.raises(Unprocessable) as caught:
        clean_text("personal_note", "x" * 11, max_length=10)
    assert caught.value.errors[0].field == "personal_note"
