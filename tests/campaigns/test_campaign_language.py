"""Language negotiation: asked for, else the Accept-Language header, else the default."""

import pytest

from app.campaigns.language import negotiate, parse_accept_language
from app.errors import Unprocessable

SUPPORTED = ("de", "en", "es", "fr", "ru")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("de", "de"),
        ("de-CH;q=0.9", "de"),
        ("de-CH", "de"),
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("en;q=0.5, ru;q=0.8", "ru"),
        ("ja, ru;q=0.1", "ru"),  # unsupported first choice: the next supported one
        ("ja, zh-CN", "en"),  # nothing supported: the default
        ("ru;q=0.5, es;q=0.5", "ru"),  # equal q: header order decides
        ("*", "en"),  # anything: the campaign's default
        ("ja, *;q=0.5", "en"),
        ("en;q=0, *", "de"),  # "*" but not English: a stable pick among the rest
        ("en;q=0, de;q=0, *;q=0.3", "es"),
        ("ru;q=0", "en"),  # q=0 refuses; nothing else asked: default
        ("ES", "es"),  # tags are case-insensitive
        ("pt_BR, fr", "fr"),
        ("de;q=1.000", "de"),
        ("de; q=0.7 , ru ; q=0.8", "ru"),
        ("de;level=1;q=0.4, ru;q=0.3", "de"),  # other parameters are ignored
    ],
)
def test_accept_language(header: str | None, expected: str) -> None:
    assert negotiate(None, header, SUPPORTED, "en") == expected


@pytest.mark.parametrize(
    "junk",
    [
        ";;;,,,",
        "de;q=abc",
        "de;q=2",
        "de;q=-1",
        "de;q=0.1234",
        "de;q=nan",
        "de;q=inf",
        "12345",
        "ru-😀",
        "\x00\x01\n\r",
        "q=1",
        "-" * 10_000,
        "de," * 100_000,
        "en-" + "a" * 100,
    ],
)
def test_junk_header_never_raises(junk: str) -> None:
    assert negotiate(None, junk, SUPPORTED, "en") in SUPPORTED


def test_malformed_ranges_are_skipped_but_good_ones_count() -> None:
    assert negotiate(None, "de;q=abc, ru;q=0.2", SUPPORTED, "en") == "ru"
    assert [r.primary for r in parse_accept_language("xx;q=0.1, ;q=, fr")] == ["xx", "fr"]


@pytest.mark.parametrize(("requested", "expected"), [("ru", "ru"), ("RU", "ru"), ("de-AT", "de")])
def test_requested_language_wins_over_header(requested: str, expected: str) -> None:
    assert negotiate(requested, "fr", SUPPORTED, "en") == expected


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_requested_counts_as_not_given(blank: str) -> None:
    assert negotiate(blank, "fr", SUPPORTED, "en") == "fr"


@pytest.mark.parametrize("requested", ["it", "xx", "english", "{{ 7*7 }}"])
def test_unsupported_requested_language_is_422_listing_the_supported(requested: str) -> None:
    with pytest.raises(Unprocessable) as caught:
        negotiate(requested, "de", SUPPORTED, "en")
    [error] = caught.value.errors
    assert error.field == "language"
    assert error.message.endswith("supported: de, en, es, fr, ru")
