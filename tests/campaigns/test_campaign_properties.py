"""Properties over arbitrary Unicode: a person's input is refused (422) or printed, never run."""

import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.campaigns.language import negotiate
from app.campaigns.models import Campaign, SenderInput, Signature
from app.campaigns.render import render
from app.campaigns.templating import _tidy
from app.campaigns.text import clean_line, clean_text
from app.errors import Unprocessable

# Template syntax mixed into arbitrary text, so examples are not only random noise.
PAYLOADS = st.sampled_from(["{{ 7*7 }}", "{% for x in y %}", "{{ ''.__class__ }}", "{#", "}}"])
TEXT = st.one_of(
    st.text(max_size=120),
    st.builds(lambda a, p, b: a + p + b, st.text(max_size=40), PAYLOADS, st.text(max_size=40)),
)
SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@SETTINGS
@given(
    name=TEXT,
    city=st.none() | TEXT,
    note=st.none() | TEXT,
    signature=st.sampled_from(["full", "initials"]),
    bilingual=st.booleans(),
    language=st.sampled_from(["en", "ru"]),
)
def test_any_input_is_a_letter_or_a_422(
    shared_campaign: Campaign, name: str, city: str | None, note: str | None,
    signature: Signature, bilingual: bool, language: str,
) -> None:
    try:
        letter = render(
            shared_campaign, language, SenderInput(name, city), "Berlin", "Germany",
            note=note, signature=signature, bilingual=bilingual,
        )
    except Unprocessable as error:
        assert error.errors, "a 422 always names the field"
        return
    cleaned_name = clean_line("sender.name", name)
    cleaned_city = clean_line("sender.city", city) if city else ""
    cleaned_note = clean_text("personal_note", note) if note else ""
    if signature == "full":
        assert f"\n{cleaned_name}" in letter.body
    if cleaned_city:
        assert letter.body.endswith(f"\n{cleaned_city}")
    if cleaned_note:
        assert f":\n{cleaned_note}\n\n" in letter.body
    # Nothing was evaluated: take out what the person typed and no "49" is left over.
    rest = letter.body
    for value in (cleaned_name, cleaned_city, cleaned_note):
        rest = rest.replace(value, "") if value else rest
    assert "49" not in rest and "<class" not in rest
    assert "\r" not in letter.subject and "\n" not in letter.subject
    letter.body.encode("utf-8")  # no lone surrogates survive


@SETTINGS
@given(value=st.text())
def test_clean_line_is_one_clean_line_or_a_422(value: str) -> None:
    try:
        cleaned = clean_line("sender.name", value)
    except Unprocessable as error:
        assert [e.field for e in error.errors] == ["sender.name"]
        return
    assert cleaned == cleaned.strip()
    assert unicodedata.is_normalized("NFC", cleaned)
    assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in cleaned)
    assert clean_line("sender.name", cleaned) == cleaned


@SETTINGS
@given(value=st.text())
def test_clean_text_keeps_only_lf_and_tab_controls(value: str) -> None:
    cleaned = clean_text("personal_note", value)
    assert not any(
        unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\t" for ch in cleaned
    )
    assert "\n\n\n" not in cleaned
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text("personal_note", cleaned) == cleaned


@SETTINGS
@given(header=st.text(max_size=300), requested=st.none() | st.text(max_size=10))
def test_negotiation_gives_a_supported_language_or_a_422(
    header: str, requested: str | None
) -> None:
    supported = ("de", "en", "ru")
    try:
        assert negotiate(requested, header, supported, "en") in supported
    except Unprocessable as error:
        assert requested is not None and [e.field for e in error.errors] == ["language"]


def _tidy_plainly(text: str) -> str:
    """What `_tidy` does, written plainly (it skips the regexes where they cannot match)."""
    lines = (re.sub(r"[ \t]{2,}", " ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@SETTINGS
@given(text=st.text(alphabet=st.sampled_from(" \t\n\r\xa0\u2028ab.")) | st.text())
def test_tidying_is_the_plain_tidying(text: str) -> None:
    assert _tidy(text) == _tidy_plainly(text)
